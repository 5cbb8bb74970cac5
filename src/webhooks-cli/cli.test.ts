import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../../test/helpers/fault-server.js';
import { verifyWebhook } from '../webhooks/verify.js';
import { EXIT_CODE, main, type CliIo } from './cli.js';

const signingKey = 'cli-signing-key-7f3a9c-do-not-send';
let server: FaultServer;
let dir: string;

beforeAll(async () => {
  server = await startFaultServer();
  dir = await mkdtemp(join(tmpdir(), 'hero-webhooks-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

/** Runs the CLI in-process; returns its exit code and everything it printed. */
async function run(argv: string[], io: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { HERO_WEBHOOK_SIGNING_KEY: signingKey },
    cwd: dir,
    readStdin: async () => Buffer.from(''),
    ...io,
  });
  return { code, stdout, stderr, all: stdout + stderr };
}

describe('hero-webhooks trigger', () => {
  it('sends the example delivery of the event, signed so that verifyWebhook accepts it, and prints the answer', async () => {
    server.setFallback({ type: 'respond', status: 200, body: { status: 'handled' } });
    const result = await run(['trigger', 'appointment.confirmed', '--to', `${server.url}/hooks?x=1`]);
    expect(result.code).toBe(EXIT_CODE.ok);
    expect(result.stdout).toBe(`POST ${server.url}/hooks (appointment.confirmed): 200 OK  {"status":"handled"}\n`);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks?x=1' });
    const event = verifyWebhook({ rawBody: request!.body, headers: request!.headers, signingKey });
    expect(event).toMatchObject({ event: 'appointment.confirmed', object: 'Appointment', practice_group_id: '1', id: expect.stringMatching(/^\d{9}$/) });
  });

  it('makes each trigger a new delivery (a new id) unless --id is given', async () => {
    await run(['trigger', 'appointment.cancelled', '--to', server.url]);
    await run(['trigger', 'appointment.cancelled', '--to', server.url]);
    await run(['trigger', 'appointment.cancelled', '--to', server.url, '--id', '42', '--practice-group-id', '7']);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as { id: string; practice_group_id: string });
    expect(bodies[0]!.id).not.toBe(bodies[1]!.id);
    expect(bodies[2]).toEqual({ object: 'Appointment', id: '42', practice_group_id: '7', event: 'appointment.cancelled' });
  });

  it('says so when Hero has not documented the event\'s payload', async () => {
    const result = await run(['trigger', 'write-to-record.failed', '--to', server.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Hero has not documented the payload of write-to-record.failed/);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ object: 'Undocumented', event: 'write-to-record.failed' });
  });

  it('sends a --file byte for byte, with a fixed --timestamp and extra headers', async () => {
    const body = '{ "object": "Appointment", "id": "5", "practice_group_id": "6", "event": "appointment.rescheduled" }\n';
    await writeFile(join(dir, 'captured.json'), body);
    const result = await run(['trigger', '--file', 'captured.json', '--to', server.url, '--timestamp', '1710504000', '--header', 'X-Partner: abc']);
    expect(result.code).toBe(0);
    const [request] = server.requests;
    expect(request!.body).toBe(body);
    expect(request!.headers['x-herohealth-timestamp']).toBe('1710504000');
    expect(request!.headers['x-partner']).toBe('abc');
    expect(() => verifyWebhook({ rawBody: request!.body, headers: request!.headers, signingKey, now: new Date(1710504000_000) })).not.toThrow();
  });

  it('exits 1 and prints the status and a short excerpt when the receiver refuses', async () => {
    server.setFallback({ type: 'respond', status: 400, body: { error: 'webhook verification failed', reason: 'signature_mismatch', pad: 'x'.repeat(500) } });
    const result = await run(['trigger', 'appointment.confirmed', '--to', server.url]);
    expect(result.code).toBe(EXIT_CODE.refused);
    expect(result.stdout).toMatch(/: 400 Bad Request {2}\{"error":"webhook verification failed","reason":"signature_mismatch"/);
    expect(result.stdout.length).toBeLessThan(400);
  });

  it('does not follow a redirect (the signed delivery stays with the host named)', async () => {
    server.setFallback((request) =>
      request.url === '/moved' ? { type: 'respond', status: 200, body: {} } : { type: 'respond', status: 307, headers: { location: `${server.url}/moved` } },
    );
    const result = await run(['trigger', 'appointment.confirmed', '--to', server.url]);
    expect(result.code).toBe(EXIT_CODE.refused);
    expect(server.requests.map((r) => r.url)).toEqual(['/']);
  });

  it('exits 3 (no verdict, as every command of the package) when nothing answers in time', async () => {
    server.setFallback({ type: 'hang' });
    const result = await run(['trigger', 'appointment.confirmed', '--to', server.url, '--timeout-ms', '200']);
    expect([result.code, result.stdout]).toEqual([3, `POST ${server.url}/: no answer within 200 ms\n`]);
    expect(EXIT_CODE.unreachable).toBe(3);
  });

  it.each<[string, string[], RegExp]>([
    ['no event', ['trigger', '--to', 'http://127.0.0.1:9'], /needs an event/],
    ['an unknown event', ['trigger', 'appointment.created', '--to', 'http://127.0.0.1:9'], /unknown event/],
    ['no --to', ['trigger', 'appointment.confirmed'], /needs --to/],
    ['a --to that is not http', ['trigger', 'appointment.confirmed', '--to', 'file:///etc/passwd'], /http or https/],
    ['an unknown option', ['trigger', 'appointment.confirmed', '--to', 'http://127.0.0.1:9', '--sign-key', 'x'], /Unknown option '--sign-key'/],
    ['a header overriding the signature', ['trigger', 'appointment.confirmed', '--to', 'http://127.0.0.1:9', '--header', 'X-Herohealth-Signature: 00'], /cannot set the signature/],
    ['no command', [], /name a command/],
  ])('exits 2 with usage for %s, sending nothing', async (_case, argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT_CODE.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage:');
    expect(server.requests).toEqual([]);
  });

  it('exits 2 without a signing key', async () => {
    const result = await run(['trigger', 'appointment.confirmed', '--to', server.url], { env: {} });
    expect(result.code).toBe(EXIT_CODE.usage);
    expect(result.stderr).toMatch(/HERO_WEBHOOK_SIGNING_KEY/);
  });
});

describe('hero-webhooks never sends or prints the signing key', () => {
  it.each<[string, string[]]>([
    ['in the URL', ['--to', `http://127.0.0.1:9/hooks?token=${signingKey}`]],
    ['in the URL, percent-encoded', ['--to', `http://127.0.0.1:9/${encodeURIComponent(`${signingKey}/`)}`]],
    ['in the URL\'s user info', ['--to', `http://user:${signingKey}@127.0.0.1:9/`]],
    ['in a header', ['--to', 'http://127.0.0.1:9/', '--header', `Authorization: Bearer ${signingKey}`]],
  ])('refuses a delivery with the key %s', async (_case, args) => {
    const result = await run(['trigger', 'appointment.confirmed', ...args]);
    expect(result.code).toBe(EXIT_CODE.usage);
    expect(result.stderr).toMatch(/refusing to send: .* contains the signing key/);
    expect(result.all).not.toContain(signingKey);
    expect(server.requests).toEqual([]);
  });

  it('refuses a --file that contains the key', async () => {
    await writeFile(join(dir, 'leaky.json'), `{"event":"appointment.confirmed","note":"${signingKey}"}`);
    const result = await run(['trigger', '--file', 'leaky.json', '--to', server.url]);
    expect(result.code).toBe(EXIT_CODE.usage);
    expect(result.all).not.toContain(signingKey);
    expect(server.requests).toEqual([]);
  });

  it('masks the key when a receiver echoes it, and never prints it otherwise', async () => {
    server.setFallback((request) => ({ type: 'respond', status: 500, body: `echo ${signingKey} ${request.headers['x-herohealth-signature']}` }));
    const argvs = [
      ['trigger', 'appointment.confirmed', '--to', server.url, '--signing-key', signingKey],
      ['trigger', 'appointment.confirmed', '--to', server.url, '--json'],
      ['sign', '--file', 'captured.json'],
      ['sign', '--file', 'captured.json', '--json'],
      ['--help'],
    ];
    await writeFile(join(dir, 'captured.json'), '{"event":"appointment.confirmed"}');
    const printed = (await Promise.all(argvs.map((argv) => run(argv)))).map((r) => r.all).join('\n');
    expect(printed).toContain('[REDACTED]');
    expect(printed).not.toContain(signingKey);
    for (const request of server.requests) expect(JSON.stringify(request)).not.toContain(signingKey);
  });
});

describe('hero-webhooks sign', () => {
  it('prints the two headers for a body on standard input', async () => {
    const body = '{"object":"Appointment","id":"123","practice_group_id":"456","event":"appointment.confirmed"}';
    const result = await run(['sign', '--timestamp', '1710504000'], { readStdin: async () => Buffer.from(body) });
    expect(result.code).toBe(0);
    const expected = createHmac('sha256', signingKey).update(`1710504000.${body}`).digest('hex');
    expect(result.stdout).toBe(`X-Herohealth-Timestamp: 1710504000\nX-Herohealth-Signature: ${expected}\n`);
    expect(() =>
      verifyWebhook({ rawBody: body, headers: { 'x-herohealth-timestamp': '1710504000', 'x-herohealth-signature': expected }, signingKey, now: new Date(1710504000_000) }),
    ).not.toThrow();
  });

  it('exits 2 for an empty body or an unreadable file', async () => {
    expect((await run(['sign'])).code).toBe(EXIT_CODE.usage);
    expect((await run(['sign', '--file', 'missing.json'])).code).toBe(EXIT_CODE.usage);
  });
});

describe('hero-webhooks --help and --version', () => {
  it('prints the usage with every event and the exit codes', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/appointment\.confirmed, appointment\.cancelled/);
    expect(result.stdout).toMatch(/Exit codes \(the same for every @hero-sdk\/hero-health command\):\n {2}0 {2}trigger/);
  });

  it("prints this package's version", async () => {
    const result = await run(['--version']);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
