/** A campaign that survives a crash: run it again after a crash or a redeploy, and it resumes. */
import { createFileJournal, createRedisJournal, HeroCampaignInterruptedError, type CampaignReport, type HeroClient } from '@hero-sdk/hero-health';

export interface Patient {
  readonly rowId: string; // your own id for the row: the journal stores it, and nothing else of the patient
  readonly heroPatientId: string;
}

export async function textFluCampaign(hero: HeroClient, patients: readonly Patient[], where: { file: string } | { redisUrl: string }) {
  // One machine: a file. A fleet: Redis (every worker runs this with the same list, in the same order).
  const journal = 'file' in where ? createFileJournal(where.file) : createRedisJournal({ redisUrl: where.redisUrl, campaign: 'flu-2024' });
  let report: CampaignReport<Patient, unknown>;
  try {
    report = await hero.bulk(
      patients,
      (patient) =>
        hero.messages.send({
          patient_id: patient.heroPatientId,
          message_type: 'sms',
          message_string: 'Your flu vaccination is due. Reply or book online.',
        }),
      {
        journal,
        key: (patient) => patient.rowId, // an opaque id: never an NHS number, a name or a phone number
        concurrency: 16,
        onProgress: (p) =>
          console.log(
            `${p.done}/${p.total} done, ${p.outcomeUnknown} to check, ${p.remaining} left, ${p.workers} worker(s),` +
              ` ${p.perSecond.toFixed(1)}/s, ETA ${Math.round((p.etaMs ?? 0) / 1000)} s`,
          ),
      },
    );
  } catch (error) {
    // The journal failed mid-run (or onProgress threw): nothing more was started. Run it again to resume.
    if (!(error instanceof HeroCampaignInterruptedError)) throw error;
    report = error.report as CampaignReport<Patient, unknown>;
  }
  // The report covers the whole campaign, earlier runs and other workers included.
  const toCheck = report.results.filter((r) => r.status === 'outcome-unknown').map((r) => r.key);
  return { sent: report.sent, resendOnResume: report.retryableFailed, left: report.pending, toCheck };
}
