/**
 * Keeps an attempt's timer and error mapping in force while a 2xx body is read.
 * openapi-fetch reads the body after the transport has returned the Response, so the
 * transport cannot simply `await` it: instead the Response's read methods are replaced
 * on that one instance by versions that (1) stop the attempt's timer once reading ends,
 * (2) turn a failure into the transport's typed error (a reset mid-body becomes
 * `HeroNetworkError`, an expired timer `HeroTimeoutError`), and (3) reject at once when
 * the timer expires, even if aborting the fetch does not end the read.
 *
 * Cheap by design: no new Response, no extra stream; one small object and one or two own
 * properties on the Response (shared functions, no per-call closures). Only the methods
 * openapi-fetch will call for the call's `parseAs` are replaced (`json` and `text` for the
 * default); {@link readersFor} says which. With `parseAs: 'stream'` the transport stops
 * the timer at once instead: the stream is the caller's to read. `clone()`s are not guarded.
 */

/** What the transport supplies for one guarded body. */
export interface BodyGuardHooks {
  /** Stops the attempt's timer. Called once, when reading ends either way. */
  settle(): void;
  /** The error a failed read becomes (`thrown` is `undefined` when the timer expired first). */
  toError(thrown: unknown): unknown;
}

type ReadMethod = 'text' | 'json' | 'arrayBuffer' | 'blob' | 'bytes' | 'formData';
type Reader = (this: Response) => Promise<unknown>;

const kGuard = Symbol('heroBodyGuard');
type Guarded = Response & { [kGuard]: BodyGuard };

/** A guarded body's handle for the transport. */
export interface BodyGuardHandle {
  /** The timer expired: reject the read in progress (if any) with `hooks.toError(undefined)`. */
  expire(): void;
}

/** The pending read and whether reading has ended. */
class BodyGuard implements BodyGuardHandle {
  done = false;
  rejectPending: ((error: unknown) => void) | undefined = undefined;
  constructor(readonly hooks: BodyGuardHooks) {}

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.rejectPending = undefined;
    this.hooks.settle();
  }

  expire(): void {
    const reject = this.rejectPending;
    this.finish();
    reject?.(this.hooks.toError(undefined));
  }

  read(original: Reader, response: Response): Promise<unknown> {
    if (this.done) {
      // Read again, or after expiry: the fetch was aborted; still map what it throws.
      return original.call(response).catch((thrown: unknown) => {
        throw this.hooks.toError(thrown);
      });
    }
    return new Promise((resolve, reject) => {
      this.rejectPending = reject;
      original.call(response).then(
        (value) => {
          this.finish();
          resolve(value);
        },
        (thrown: unknown) => {
          this.finish();
          reject(this.hooks.toError(thrown));
        },
      );
    });
  }
}

interface GuardedReaders {
  readonly byName: ReadonlyMap<ReadMethod, Reader>;
  readonly text: Reader;
  readonly json: Reader;
  readonly all: readonly (readonly [ReadMethod, Reader])[];
}

// Built on the first guarded response, not at import: reading `Response.prototype` loads
// Node's fetch internals (undici), tens of milliseconds a caller who never sends would pay.
let readers: GuardedReaders | undefined;
function guardedReaders(): GuardedReaders {
  if (readers !== undefined) return readers;
  const byName = new Map<ReadMethod, Reader>();
  for (const name of ['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'formData'] as const) {
    const original = (Response.prototype as unknown as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue; // `bytes()` is newer than Node 20's undici
    byName.set(name, function guardedRead(this: Response) {
      const guard = (this as Guarded)[kGuard];
      return guard.read(original as Reader, this);
    });
  }
  readers = { byName, text: byName.get('text')!, json: byName.get('json')!, all: [...byName.entries()] };
  return readers;
}

/**
 * The read methods to guard for openapi-fetch's `parseAs`, or `undefined` for `'stream'`
 * (no read method: the caller owns the stream). By default openapi-fetch calls `json()`
 * or, without a Content-Length, `text()`; an unknown value gets every read method.
 */
export function readersFor(parseAs: unknown): 'default' | 'all' | ReadMethod | undefined {
  if (parseAs === undefined || parseAs === 'json' || parseAs === 'text') return 'default';
  if (parseAs === 'stream') return undefined;
  return parseAs === 'arrayBuffer' || parseAs === 'blob' ? parseAs : 'all';
}

/** Guards `response`'s body reads in place (see the module comment); returns the handle. */
export function guardBody(response: Response, which: 'default' | 'all' | ReadMethod, hooks: BodyGuardHooks): BodyGuardHandle {
  const guard = new BodyGuard(hooks);
  const target = response as unknown as Record<string | symbol, unknown>;
  target[kGuard] = guard;
  const guarded = guardedReaders();
  if (which === 'default') {
    target.text = guarded.text;
    target.json = guarded.json;
  } else if (which === 'all') {
    for (const [name, reader] of guarded.all) target[name] = reader;
  } else {
    target[which] = guarded.byName.get(which);
  }
  return guard;
}
