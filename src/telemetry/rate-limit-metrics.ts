/**
 * The rate controller's metrics, read from its snapshot when the meter collects (nothing is
 * added to a call's path): the rate in force, calls queued for a permit, attempts in flight.
 * The instruments are created once per meter and report every live client on it, summed by
 * mode (`local` or `shared` through the store), so two clients on one provider do not
 * overwrite each other's points and no per-client attribute grows the cardinality.
 */
import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type { RateControllerSnapshot } from '../rate-limit/controller.js';
import type { OtelApi } from './load-api.js';

/** Whether the schedule is the fleet's (`shared`, a store) or this process's own (`local`). */
export const ATTR_HERO_RATE_LIMIT_MODE = 'hero.rate_limit.mode';

/** One client's rate controller, as far as its metrics need it. */
export interface SnapshotSource {
  snapshot(): RateControllerSnapshot;
}

// Controllers are held weakly: a client dropped without close() stops reporting.
const sourcesByMeter = new WeakMap<Meter, Set<WeakRef<SnapshotSource>>>();

/**
 * Adds a client's controller to `meter`'s rate-limit instruments (creating them on the first
 * client). Returns the function that removes it again (the client's close()).
 */
export function observeRateController(api: OtelApi, meter: Meter, controller: SnapshotSource): () => void {
  let sources = sourcesByMeter.get(meter);
  if (sources === undefined) {
    sources = new Set();
    sourcesByMeter.set(meter, sources);
    createInstruments(api, meter, sources);
  }
  const ref = new WeakRef(controller);
  sources.add(ref);
  const set = sources;
  return () => void set.delete(ref);
}

function createInstruments(api: OtelApi, meter: Meter, sources: Set<WeakRef<SnapshotSource>>): void {
  /** Sums `field` per mode over the live clients; `skip` leaves a client out (an unpaced rate). */
  const report = (field: 'requestsPerSecond' | 'queued' | 'inFlight', skip?: (value: number) => boolean) => (result: ObservableResult<Attributes>) => {
    const sums = new Map<string, number>();
    for (const ref of sources) {
      const controller = ref.deref();
      if (controller === undefined) {
        sources.delete(ref);
        continue;
      }
      const snapshot = controller.snapshot();
      const value = snapshot[field];
      if (skip?.(value)) continue;
      sums.set(snapshot.mode, (sums.get(snapshot.mode) ?? 0) + value);
    }
    for (const [mode, value] of sums) result.observe(value, { [ATTR_HERO_RATE_LIMIT_MODE]: mode });
  };
  meter
    .createObservableGauge('hero.client.rate_limit.rate', {
      description: 'Rate the rate controller paces at, requests per second; no point while no limit is known or learned (unpaced).',
      unit: '{request}/s',
      valueType: api.ValueType.DOUBLE,
    })
    .addCallback(report('requestsPerSecond', (rate) => !Number.isFinite(rate)));
  meter
    .createObservableUpDownCounter('hero.client.rate_limit.queued', {
      description: 'Calls waiting for a permit from the rate controller (queue depth).',
      unit: '{call}',
      valueType: api.ValueType.INT,
    })
    .addCallback(report('queued'));
  meter
    .createObservableUpDownCounter('hero.client.rate_limit.in_flight', {
      description: 'Attempts sent under the rate controller and not yet answered.',
      unit: '{request}',
      valueType: api.ValueType.INT,
    })
    .addCallback(report('inFlight'));
}
