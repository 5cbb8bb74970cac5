import { PRE_SEND_ERROR_CODES } from './retry.js';

// Deep enough for undici's TypeError → SocketError → system error chains, bounded against cycles.
const MAX_CAUSE_DEPTH = 6;

/**
 * Error codes (`ECONNREFUSED`, `UND_ERR_SOCKET`…) found on an error, its `cause`
 * chain and any `AggregateError.errors` (Node's happy-eyeballs connect), outermost first.
 */
export function collectErrorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_CAUSE_DEPTH || typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (value instanceof AggregateError) {
      for (const inner of value.errors) visit(inner, depth + 1);
    }
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return codes;
}

/**
 * True when a rejection of `fetch` means "no response": undici rejects with
 * `TypeError("fetch failed")` whose `cause` is the socket error; a custom fetch may
 * reject with a coded system error. Anything else, such as a `TypeError` from
 * building a Request, is a bug and is rethrown unchanged (as ky does).
 */
export function isNetworkFailure(error: unknown, codes: readonly string[]): boolean {
  if (codes.length > 0) return true;
  return error instanceof TypeError && (error.cause !== undefined || error.message === 'fetch failed');
}

/** The most telling code: a pre-send one when present, else the innermost (root cause). */
export function primaryErrorCode(codes: readonly string[]): string | undefined {
  return codes.find((code) => PRE_SEND_ERROR_CODES.has(code)) ?? codes[codes.length - 1];
}
