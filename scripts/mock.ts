/**
 * `npm run mock`: serves the Hero spec with Prism on 127.0.0.1 until Ctrl-C.
 * Port from `--port <n>`, else `PORT`, else 4010.
 */
import { parseArgs } from 'node:util';
import { startHeroMock } from '../src/testing.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
const portText = values.port ?? process.env.PORT ?? '4010';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`Invalid port "${portText}": use --port <0-65535> or PORT.`);
  process.exit(1);
}

const mock = await startHeroMock({ port, host: values.host ?? '127.0.0.1' });
console.log(`Hero mock (Prism) listening on ${mock.url}`);
console.log('Send x-api-key and x-practice-group-id; add `Prefer: code=404` to choose a documented status. Ctrl-C stops it.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void mock.stop().then(() => {
      console.log('Hero mock stopped.');
      process.exit(0);
    });
  });
}
