/**
 * hero-drift against documents written to hurt it: a spec under test is data, never a
 * pointer. Each hostile document (src/openapi/fixtures/hostile-specs.ts) must end with its
 * exit code and a one-line message, read no file it names, fetch nothing, and leave every
 * report free of another file's contents and of markup that rewrites the report.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseSpecText, hostileSpecs, SECRET_LINE, SECRET_MARKER, type HostileSpec } from '../openapi/fixtures/hostile-specs.js';
import { main } from './cli.js';
import { EXIT_CODE } from './drift-report.js';
import { serveSpec, type SpecServer } from './fixtures/serve-spec.js';

const TIMEOUT_MS = 1_500;
let bomb: Buffer | undefined;
const gzipBomb = (): Buffer => (bomb ??= gzipSync(Buffer.alloc(100 * 1024 * 1024)));
let dir = '';
let recorder: SpecServer;
let hang: SpecServer;
const recorded: string[] = [];
let hangConnections = 0;

beforeAll(async () => {
  gzipBomb();
  dir = mkdtempSync(join(tmpdir(), 'hero-drift-hostile-'));
  mkdirSync(join(dir, 'secret'));
  writeFileSync(join(dir, 'secret', 'config.yaml'), `${SECRET_LINE}\nmore: secrets\n`);
  recorder = await serveSpec((request, response) => {
    recorded.push(`${request.method} ${request.url}`);
    response.end('S: {type: string}\n');
  });
  hang = await serveSpec(() => void hangConnections++);
});
afterAll(async () => {
  await recorder.close();
  await hang.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  /** stdout, stderr, markdown, JSON and JUnit, joined. */
  everything: string;
  terminal: string;
  markdown: string;
  ms: number;
}

let runs = 0;
async function drift(against: string, { clientCheck = false } = {}): Promise<Run> {
  const n = ++runs;
  const files = { markdown: join(dir, `r${n}.md`), json: join(dir, `r${n}.json`), junit: join(dir, `r${n}.xml`) };
  let terminal = '';
  const started = performance.now();
  const code = await main(
    ['--spec', join(import.meta.dirname, 'fixtures', 'base.yaml'), '--against', against, ...(clientCheck ? [] : ['--skip-client-check']), '--timeout-ms', String(TIMEOUT_MS),
      '--markdown', files.markdown, '--json', files.json, '--junit', files.junit],
    { stdout: (text) => void (terminal += text), stderr: (text) => void (terminal += text), cwd: dir },
  );
  const ms = performance.now() - started;
  const markdown = readFileSync(files.markdown, 'utf8');
  return { code, terminal, markdown, everything: [terminal, markdown, readFileSync(files.json, 'utf8'), readFileSync(files.junit, 'utf8')].join('\n'), ms };
}

const CODES: Record<HostileSpec['expect'], readonly number[]> = {
  'external-ref': [EXIT_CODE.unreadable],
  unparsable: [EXIT_CODE.unreadable],
  'too-large': [EXIT_CODE.unreadable],
  'not-openapi': [EXIT_CODE.unreadable],
  unreadable: [EXIT_CODE.unreadable],
  compared: [EXIT_CODE.ok, EXIT_CODE.drift],
};

describe('hero-drift --against a hostile document', () => {
  const specs = hostileSpecs({
    recorderUrl: 'http://127.0.0.1:1',
    hangUrl: 'http://127.0.0.1:1',
    secretFile: '/placeholder',
    secretRelative: './secret/config.yaml',
  }).map((s) => s.name);

  it.each(specs)('%s: its exit code and a message, nothing read or fetched, no stack trace', async (name) => {
    const spec = hostileSpecs({ recorderUrl: recorder.url, hangUrl: hang.url, secretFile: join(dir, 'secret', 'config.yaml'), secretRelative: './secret/config.yaml' }).find((s) => s.name === name)!;
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, spec.text);
    const before = { recorded: recorded.length, hang: hangConnections };
    const run = await drift(path);
    // Odd shapes may be compared, or refused by openapi-diff as unreadable: never a crash.
    const codes = spec.attack === 'odd shape' && spec.expect === 'compared' ? [...CODES.compared, EXIT_CODE.unreadable] : CODES[spec.expect];
    expect(codes).toContain(run.code);
    expect(run.everything).not.toContain(SECRET_MARKER);
    expect(run.everything).not.toContain('more: secrets');
    expect(run.terminal).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(recorded.length).toBe(before.recorded);
    expect(hangConnections).toBe(before.hang);
    expect(run.ms).toBeLessThan(TIMEOUT_MS + 8_000);
    if (spec.expect === 'external-ref') expect(run.terminal).toMatch(/refers outside itself: (\$ref|externalValue|discriminator mapping) ".+" at #.*--allow-ref-dir/);
  });

  // openapi-typescript (the client check) bundles the spec and follows these two, so they are
  // run with the check on: before the loader refused them, each request reached the recorder.
  it.each(['external-value-http', 'mapping-http'])('%s: refused before the client check can fetch it', async (name) => {
    const spec = hostileSpecs({ recorderUrl: recorder.url, hangUrl: hang.url, secretFile: join(dir, 'secret', 'config.yaml'), secretRelative: './secret/config.yaml' }).find((s) => s.name === name)!;
    const path = join(dir, `${name}-checked.yaml`);
    writeFileSync(path, spec.text);
    const before = recorded.length;
    const run = await drift(path, { clientCheck: true });
    expect(recorded.slice(before)).toEqual([]);
    expect(run.code).toBe(EXIT_CODE.unreadable);
  }, 30_000);

  it('keeps an operationId with CR, LF, | and a link from forging a heading, a link or a row in the markdown', async () => {
    const spec = hostileSpecs({ recorderUrl: recorder.url, hangUrl: hang.url, secretFile: '/x', secretRelative: './x' }).find((s) => s.name === 'markdown-injection')!;
    const path = join(dir, 'inject.yaml');
    writeFileSync(path, spec.text);
    const run = await drift(path);
    const lines = run.markdown.split('\n');
    expect(lines.filter((line) => line.startsWith('## '))).toEqual(['## Hero API drift: changes to review']);
    expect(run.markdown).not.toMatch(/[\r\u001b\u202e]/);
    // Outside code spans (where brackets are literal), every bracket is escaped: no link.
    const outsideCode = run.markdown.replace(/`[^`\n]*`/g, '');
    expect(outsideCode).toContain('\\[Approve this release\\]');
    expect(outsideCode).not.toMatch(/(^|[^\\])\[Approve/m);
    // Every table row still has its four cells.
    for (const row of lines.filter((line) => line.startsWith('| ') && line.includes('`operation.'))) expect(row.split(/(?<!\\)\|/).length).toBe(6);
    expect(run.terminal).not.toMatch(/[\r\u001b\u202e]/);
  });
});

describe('hero-drift --against a hostile server', () => {
  const serve = async (handler: Parameters<typeof serveSpec>[0]) => serveSpec(handler);

  it.each([
    ['never answers', (_q: unknown, _r: unknown) => {}],
    ['sends headers, then trickles the body for ever', (_q: unknown, r: import('node:http').ServerResponse) => {
      r.writeHead(200, { 'content-type': 'application/yaml' });
      const timer = setInterval(() => r.write('#'), 100);
      r.on('close', () => clearInterval(timer));
    }],
  ])('gives up within --timeout-ms on a server that %s (exit 3)', async (_name, handler) => {
    const server = await serve(handler as never);
    try {
      const run = await drift(`${server.url}/openapi.yaml`);
      expect(run.code).toBe(EXIT_CODE.unreadable);
      expect(run.terminal).toMatch(/no answer within 1500 ms/);
      expect(run.ms).toBeLessThan(TIMEOUT_MS + 3_000);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['declares 100 MB', (r: import('node:http').ServerResponse) => r.writeHead(200, { 'content-length': String(100 * 1024 * 1024) }).write('openapi: 3.0.3\n')],
    ['streams without end', (r: import('node:http').ServerResponse) => {
      r.writeHead(200);
      const chunk = `# ${'x'.repeat(64 * 1024)}\n`;
      const pump = () => {
        while (r.write(chunk)) {
          /* fill the socket */
        }
      };
      r.on('drain', pump);
      pump();
    }],
    // Compressed once, before the server answers: compressing 100 MB inside the handler blocks
    // this process (client included) for longer than --timeout-ms on a loaded machine.
    ['sends a gzip bomb (100 MB of zeros)', (r: import('node:http').ServerResponse) => r.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipBomb())],
  ])('stops reading at the size limit when the server %s (exit 3)', async (_name, respond) => {
    const server = await serve((_request, response) => respond(response));
    try {
      const run = await drift(`${server.url}/openapi.yaml`);
      expect(run.code).toBe(EXIT_CODE.unreadable);
      expect(run.terminal).toMatch(/over the \d+ bytes a spec may be/);
    } finally {
      await server.close();
    }
  });

  it('does not follow a redirect to a file: URL', async () => {
    const server = await serve((_request, response) => response.writeHead(302, { location: `file://${join(dir, 'secret', 'config.yaml')}` }).end());
    try {
      const run = await drift(`${server.url}/openapi.yaml`);
      expect(run.code).toBe(EXIT_CODE.unreadable);
      expect(run.everything).not.toContain(SECRET_MARKER);
    } finally {
      await server.close();
    }
  });

  it('refuses a relative $ref in a spec served over http (exit 3, no verdict) and fetches nothing but the spec', async () => {
    const requests: string[] = [];
    const text = baseSpecText().replace("$ref: '#/components/schemas/Widget'", "$ref: './schemas.yaml#/Widget'");
    const server = await serve((request, response) => {
      requests.push(request.url ?? '');
      response.end(text);
    });
    try {
      const run = await drift(`${server.url}/openapi.yaml`);
      expect(run.code).toBe(EXIT_CODE.unreadable);
      expect(requests).toEqual(['/openapi.yaml']);
    } finally {
      await server.close();
    }
  });

  it('refuses a FIFO or a device as --against without blocking (exit 3)', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, '/dev/zero']) {
      const run = await drift(path);
      expect(run.code).toBe(EXIT_CODE.unreadable);
      expect(run.terminal).toMatch(/not a regular file/);
    }
  });
});
