/**
 * Where the suite sends requests: the embedded Prism mock, Hero's hosted mock, staging, or
 * any base URL, optionally behind a Prism validation proxy. Remote targets are probed first
 * so an unreachable one is reported as skipped, never as passed.
 */
import { startPrism, type PrismServer } from '../testing/prism.js';
import type { LoadedSpec } from './spec.js';
import { startUpstreamTap, type UpstreamTap } from './tap.js';

/** The kinds of target the suite knows. A plain base URL is `url`. */
export type TargetKind = 'prism' | 'hero-mock' | 'staging' | 'url';

/** What the user asked for, before anything is started or probed. */
export interface TargetChoice {
  readonly kind: TargetKind;
  /** For `url`: the base URL. For `hero-mock`/`staging`: an override of the spec's server URL. */
  readonly url: string | undefined;
  /** Put Prism in proxy mode in front of a remote target (`--via-proxy`). */
  readonly viaProxy: boolean;
  /** Let write operations (anything but GET/HEAD) run against staging (`--allow-writes`). */
  readonly allowWrites: boolean;
}

/** A target ready to receive requests. */
export interface ContractTarget {
  readonly kind: TargetKind;
  /** For humans: `prism (embedded) http://127.0.0.1:40123`. Never contains credentials. */
  readonly label: string;
  /** Where generated cases are sent (the proxy when `viaProxy`). */
  readonly baseUrl: string;
  /** Where negative cases are sent: the target itself, since a validating proxy would reject them first. */
  readonly directUrl: string;
  /** Understands `Prefer: code=…, example=…` (only Prism in mock mode). */
  readonly choosesStatus: boolean;
  /** Prism is in front, reporting request violations in `sl-violations`. */
  readonly prismValidates: boolean;
  /** Write operations may run. */
  readonly allowWrites: boolean;
  readonly apiKey: string;
  readonly practiceGroupId: string;
  /** In proxy mode: what the upstream really answered, by case id. */
  readonly tap: UpstreamTap | undefined;
}

/** An opened target, or the loud reason it could not be used. */
export type OpenedTarget =
  | { readonly ok: true; readonly target: ContractTarget; close(): Promise<void> }
  | { readonly ok: false; readonly kind: TargetKind; readonly label: string; readonly reason: string };

const KINDS: readonly TargetKind[] = ['prism', 'hero-mock', 'staging'];

/** Placeholder credentials for mocks, which accept any key. Not a secret. */
const MOCK_API_KEY = 'contract-suite-key';
const MOCK_PRACTICE_GROUP_ID = '12345';

/** Reads `--target`/`HERO_CONTRACT_TARGET` (a kind or a base URL), `--url`, `--via-proxy`, `--allow-writes`. */
export function parseTargetChoice(input: { target?: string | undefined; url?: string | undefined; viaProxy?: boolean; allowWrites?: boolean }): TargetChoice {
  const raw = (input.target ?? 'prism').trim();
  const viaProxy = input.viaProxy ?? false;
  const allowWrites = input.allowWrites ?? false;
  if ((KINDS as readonly string[]).includes(raw)) return { kind: raw as TargetKind, url: input.url, viaProxy, allowWrites };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`Unknown contract target "${raw}": use prism, hero-mock, staging or an http(s) base URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Contract target must be http(s): ${raw}`);
  return { kind: 'url', url: raw.replace(/\/+$/, ''), viaProxy, allowWrites };
}

/** The spec's server whose description matches, e.g. /mock/i → Hero's hosted mock. */
export function serverUrl(spec: LoadedSpec, pattern: RegExp): string | undefined {
  const servers = Array.isArray(spec.doc.servers) ? (spec.doc.servers as { url?: unknown; description?: unknown }[]) : [];
  const found = servers.find((s) => pattern.test(String(s.description ?? '')) || pattern.test(String(s.url ?? '')));
  return typeof found?.url === 'string' ? found.url.replace(/\/+$/, '') : undefined;
}

/**
 * Resolves a remote target's URL after a short reachability probe. Any HTTP answer counts
 * as reachable (an unknown path's 404 included); DNS failures, refused connections and
 * timeouts give the reason.
 */
export async function probeReachable(url: string, timeoutMs = 3_000): Promise<string | undefined> {
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') return `no answer from ${url} within ${timeoutMs} ms`;
    return `${url} is unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
  }
}

/** Options of {@link openTarget}. */
export interface OpenTargetOptions {
  /** Environment to read `HERO_API_KEY` / `HERO_PRACTICE_GROUP_ID` from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Connect timeout of the reachability probe. @default 3_000 */
  probeTimeoutMs?: number;
  /** An already running embedded Prism (vitest's globalSetup) to use instead of starting one. */
  prismUrl?: string;
}

/** Starts or probes the chosen target. Never throws for an unreachable remote: returns `ok: false` with the reason. */
export async function openTarget(choice: TargetChoice, spec: LoadedSpec, options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  const env = options.env ?? process.env;
  if (choice.kind === 'prism') {
    let prism: PrismServer | undefined;
    const url = options.prismUrl ?? (prism = await startPrism({ specPath: spec.specPath })).url;
    const target: ContractTarget = {
      kind: 'prism',
      label: `prism (embedded mock of ${spec.specPath}) ${url}`,
      baseUrl: url,
      directUrl: url,
      choosesStatus: true,
      prismValidates: true,
      allowWrites: true,
      apiKey: MOCK_API_KEY,
      practiceGroupId: MOCK_PRACTICE_GROUP_ID,
      tap: undefined,
    };
    return { ok: true, target, close: async () => prism?.stop() };
  }

  const remote =
    choice.kind === 'hero-mock'
      ? (choice.url ?? env.HERO_MOCK_URL ?? serverUrl(spec, /mock/i))
      : choice.kind === 'staging'
        ? (choice.url ?? serverUrl(spec, /staging/i))
        : choice.url;
  const label = `${choice.kind} ${remote ?? '(no URL)'}${choice.viaProxy ? ' via Prism proxy' : ''}`;
  if (!remote) return { ok: false, kind: choice.kind, label, reason: `no URL for ${choice.kind}: the spec lists no matching server; pass --url` };

  let apiKey = env.HERO_API_KEY?.trim() || MOCK_API_KEY;
  let practiceGroupId = env.HERO_PRACTICE_GROUP_ID?.trim() || MOCK_PRACTICE_GROUP_ID;
  if (choice.kind === 'staging') {
    if (!env.HERO_API_KEY?.trim() || !env.HERO_PRACTICE_GROUP_ID?.trim()) {
      return { ok: false, kind: choice.kind, label, reason: 'staging needs HERO_API_KEY and HERO_PRACTICE_GROUP_ID in the environment' };
    }
    apiKey = env.HERO_API_KEY.trim();
    practiceGroupId = env.HERO_PRACTICE_GROUP_ID.trim();
  }

  const unreachable = await probeReachable(remote, options.probeTimeoutMs);
  if (unreachable) return { ok: false, kind: choice.kind, label, reason: unreachable };

  const base = {
    kind: choice.kind,
    label,
    directUrl: remote,
    choosesStatus: false,
    // Staging holds shared test data; writes need an explicit opt-in. Mocks and URLs are the caller's.
    allowWrites: choice.kind !== 'staging' || choice.allowWrites,
    apiKey,
    practiceGroupId,
  };
  if (!choice.viaProxy) {
    return { ok: true, target: { ...base, baseUrl: remote, prismValidates: false, tap: undefined }, close: async () => {} };
  }
  // Client → Prism proxy (validates against our pinned spec) → tap (records the live answer) → target.
  const tap = await startUpstreamTap(remote);
  let proxy: PrismServer;
  try {
    proxy = await startPrism({ specPath: spec.specPath, mode: 'proxy', upstream: tap.url, errors: true });
  } catch (error) {
    await tap.stop();
    throw error;
  }
  return {
    ok: true,
    target: { ...base, baseUrl: proxy.url, prismValidates: true, tap },
    close: async () => {
      await proxy.stop();
      await tap.stop();
    },
  };
}
