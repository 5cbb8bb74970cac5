/** Message every patient in a list: paced to what Hero allows, with a progress line, never sending twice. */
import { HeroBulkInterruptedError, type BulkReport, type HeroClient } from '@hero-sdk/hero-health';

export async function messageEveryPatient(hero: HeroClient, patientIds: readonly string[], signal?: AbortSignal) {
  let report: BulkReport<string, unknown>;
  try {
    report = await hero.bulk(
      patientIds,
      (patientId) =>
        hero.messages.send({
          patient_id: patientId,
          message_type: 'sms',
          message_string: 'Your flu vaccination is due. Reply or book online.',
        }),
      {
        concurrency: 16, // calls at once (1 to 1,000); the client's pacing decides how fast they go out
        signal, // stops starting new sends; those already started finish and are reported
        onProgress: (p) =>
          console.log(
            `${p.done}/${p.total} sent, ${p.failed} failed, ${p.outcomeUnknown} to check, ${p.remaining} left,` +
              ` ${p.perSecond.toFixed(1)}/s, ETA ${Math.round((p.etaMs ?? 0) / 1000)} s`,
          ),
      },
    );
  } catch (error) {
    // The progress callback threw: nothing more was started, and every send made is in the report.
    if (!(error instanceof HeroBulkInterruptedError)) throw error;
    report = error.report as BulkReport<string, unknown>;
  }
  // "failed": Hero did not act (fix and send again). "outcome-unknown": Hero may have sent it —
  // a timeout, an abort or a dropped connection after sending; check before sending again.
  const toCheck = report.results.filter((r) => r.status === 'outcome-unknown').map((r) => r.item);
  const toRetry = report.results.filter((r) => r.status === 'failed' || r.status === 'cancelled').map((r) => r.item);
  return { sent: report.succeeded, toRetry, toCheck };
}
