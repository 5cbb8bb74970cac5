import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFaultServer, type FaultServer } from './fault-server.js';

/**
 * One fault server for the test file: started before all tests, reset before each, closed
 * after all. Returns a stand-in that forwards to the started server, so a file can keep
 * writing `server.url` and `server.requests` at the top level without a mutable `let`.
 */
export function useFaultServer(): FaultServer {
  let started: FaultServer | undefined;
  beforeAll(async () => {
    started = await startFaultServer();
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.reset());
  return new Proxy({} as FaultServer, {
    get(_target, key) {
      if (started === undefined) throw new Error('useFaultServer: the server is used before beforeAll started it');
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
