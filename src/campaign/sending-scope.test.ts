import { describe, expect, it, vi } from 'vitest';
import { createSendingScope } from './sending-scope.js';

const event = (method: string) => ({ request: { method, url: 'http://127.0.0.1/v1/x', path: '/v1/x', headers: {} }, attempt: 1 });

describe('the sending scope', () => {
  it("is the caller's own hook (or none) while no campaign runs: nothing added to any request", () => {
    const own = vi.fn();
    expect(createSendingScope({ onRequest: own, onResponse: undefined, onRetry: undefined }).hooks.onRequest).toBe(own);
    expect(createSendingScope({ onRequest: undefined, onResponse: undefined, onRetry: undefined }).hooks.onRequest).toBeUndefined();
  });

  it("while a campaign runs, marks the item whose task made the call, after the caller's hook, for requests that may change something", async () => {
    const order: string[] = [];
    const callerHook = () => void order.push('caller');
    const scope = createSendingScope({ onRequest: callerHook, onResponse: undefined, onRetry: undefined });
    const leave = scope.enter();
    const mark = vi.fn(async () => void order.push('mark'));
    await scope.run({ mark }, async () => {
      await scope.hooks.onRequest!(event('GET'));
      await scope.hooks.onRequest!(event('POST'));
    });
    expect(order).toEqual(['caller', 'caller', 'mark']);
    // A call made outside any item's task marks nothing.
    await scope.hooks.onRequest!(event('POST'));
    expect(mark).toHaveBeenCalledTimes(1);
    leave();
    leave(); // counted out once only
    expect(scope.hooks.onRequest).toBe(callerHook);
    const again = scope.enter();
    expect(scope.hooks.onRequest).not.toBe(callerHook);
    again();
  });

  it('a mark that rejects fails the request before it is sent', async () => {
    const scope = createSendingScope({ onRequest: undefined, onResponse: undefined, onRetry: undefined });
    const leave = scope.enter();
    const refused = new Error('claim lost');
    await expect(scope.run({ mark: () => Promise.reject(refused) }, () => scope.hooks.onRequest!(event('POST')))).rejects.toBe(refused);
    leave();
    expect(scope.hooks.onRequest).toBeUndefined();
  });
});
