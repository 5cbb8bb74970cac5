/**
 * The client's `observe` dependency (transport/fetch.ts), before anything is loaded: on the
 * first call it loads `@opentelemetry/api` (load-api.ts) and, when that is installed, the
 * span and metric code (observe-call.ts). Neither loads at import: a client that never calls,
 * or runs without the API, never pays for them (cold start).
 */
import type { NormalizedTelemetry } from '../observability/telemetry-options.js';
import type { CallObserver, ObserveCall, ObservedCall } from '../transport/types.js';
import { loadOtelApi } from './load-api.js';
import { lazyLoadFailed } from '../lazy-load.js';
import type { ObserveCallOptions } from './observe-call.js';

/**
 * The `observe` function of one client. Returns a promise only until the API has loaded (or
 * failed to: a missing required API rejects every call with that HeroConfigError).
 */
export function createObserveCall(settings: Exclude<NormalizedTelemetry, false>, options: ObserveCallOptions = {}): ObserveCall {
  let ready: ((call: ObservedCall) => CallObserver | undefined) | undefined;
  let loading: Promise<(call: ObservedCall) => CallObserver | undefined> | undefined;
  const start = async (): Promise<(call: ObservedCall) => CallObserver | undefined> => {
    const api = await loadOtelApi(settings.required, options.load);
    if (api === undefined) return () => undefined;
    const { observeWith } = await import('./observe-call.js').catch((error: unknown) => {
      // Failing this call only: the next one loads again.
      loading = undefined;
      return lazyLoadFailed('telemetry (the span code)')(error);
    });
    return observeWith(api, settings, options);
  };
  return (call) => {
    if (ready !== undefined) return ready(call);
    loading ??= start().then((observe) => (ready = observe));
    return loading.then((observe) => observe(call));
  };
}
