import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A forced full GC inside a test worker. A full GC mid-flight used to cut the abort link
 * to undici (nodejs/undici#3644), so timeout tests force one to prove the link holds.
 */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
