/**
 * Waits `delayMs`, or rejects with `signal.reason` as soon as the signal aborts,
 * so a caller's cancel is honoured during a retry backoff too. Without a signal it is
 * a plain timer: no listener is added anywhere, however many calls wait at once.
 */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) return new Promise((resolve) => setTimeout(resolve, delayMs));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
