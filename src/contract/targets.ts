/**
 * Where the suite sends requests: the embedded Prism mock, Hero's hosted mock, staging,
 * production, or any base URL, optionally behind a Prism validation proxy.
 *
 * Safe by default: {@link planTarget} decides, before anything is sent, which host is
 * reached, whether writes may run (never on a real host unless `--allow-writes` names it)
 * and whether the API key may travel (https or loopback only). Remote targets are then
 * probed, so an unreachable one is reported as skipped, never as passed.
 */
import { environments } from '../config.js';
import { startPrism, type PrismServer } from '../testing/prism.js';
import type { LoadedSpec } from './spec.js';
import { startUpstreamTap, type UpstreamTap } from './tap.js';
import { isLoopbackHost } from '../url/url-scope.js';
import { HeroContractUsageError } from './usage-error.js';

/** The kinds of target the suite knows. A plain base URL is `url`. */
export type TargetKind = 'prism' | 'hero-mock' | 'staging' | 'production' | 'url';

/** `--allow-writes`: absent (false), bare (true, loopback only) or naming a host (`api.staging.htech.app`). */
export type WritesFlag = boolean | string;

/** What the user asked for, before anything is started or probed. */
export interface TargetChoice {
  readonly kind: TargetKind;
  /** For `url`: the base URL. For `hero-mock`/`staging`/`production`: an override of the spec's server URL. */
  readonly url: string | undefined;
  /** Put Prism in proxy mode in front of a remote target (`--via-proxy`). */
  readonly viaProxy: boolean;
  readonly allowWrites: WritesFlag;
}

/** A target ready to receive requests. */
export interface ContractTarget {
  readonly kind: TargetKind;
  /** For humans: `staging https://api.staging.htech.app`. Never contains credentials. */
  readonly label: string;
  /** Where generated cases are sent (the proxy when `viaProxy`). */
  readonly baseUrl: string;
  /** Where negative cases are sent: the target itself, since a validating proxy would reject them first. */
  readonly directUrl: string;
  /** Understands `Prefer: code=…, example=…` (only Prism in mock mode). */
  readonly choosesStatus: boolean;
  /** Prism is in front, reporting request violations in `sl-violations`. */
  readonly prismValidates: boolean;
  /** Methods other than GET and HEAD may be sent. */
  readonly allowWrites: boolean;
  /** A real server that knows which ids exist: an unknown id must give the documented 404. */
  readonly probesUnknownIds: boolean;
  readonly apiKey: string;
  readonly practiceGroupId: string;
  /** In proxy mode: what the upstream really answered, by case id. */
  readonly tap: UpstreamTap | undefined;
}

/** An opened target, or the loud reason it could not be used. */
export type OpenedTarget =
  | { readonly ok: true; readonly target: ContractTarget; close(): Promise<void> }
  | { readonly ok: false; readonly kind: TargetKind; readonly label: string; readonly reason: string };

/** What {@link planTarget} decided: everything known before a byte is sent. */
export interface TargetPlan {
  readonly kind: TargetKind;
  readonly label: string;
  /** The remote base URL; undefined for the embedded mock (its port is chosen at start). */
  readonly remote: string | undefined;
  /** The host requests go to (`api.staging.htech.app`, `127.0.0.1:4010`, `embedded mock`). */
  readonly host: string;
  readonly allowWrites: boolean;
  readonly viaProxy: boolean;
  readonly apiKey: string;
  readonly practiceGroupId: string;
  /** Where the credentials came from; the key itself is never shown. */
  readonly credentials: 'environment' | 'placeholder';
  /** Set when the target cannot be used (no URL, no credentials): the run is SKIPPED, exit 2. */
  readonly unusable: string | undefined;
}

const KINDS: readonly TargetKind[] = ['prism', 'hero-mock', 'staging', 'production'];
/** Targets whose data is real: they need the partner's own credentials. */
const CREDENTIALED: ReadonlySet<TargetKind> = new Set(['staging', 'production']);

/** Placeholder credentials for mocks, which accept any key. Not a secret. */
const MOCK_API_KEY = 'contract-suite-key';
const MOCK_PRACTICE_GROUP_ID = '12345';

/** Reads `--target` (a kind or a base URL), `--url`, `--via-proxy`, `--allow-writes[=host]`. */
export function parseTargetChoice(input: { target?: string | undefined; url?: string | undefined; viaProxy?: boolean; allowWrites?: WritesFlag | undefined }): TargetChoice {
  const raw = (input.target ?? 'prism').trim();
  const viaProxy = input.viaProxy ?? false;
  const allowWrites = input.allowWrites ?? false;
  if (raw === 'embedded' || raw === 'mock') return { kind: 'prism', url: undefined, viaProxy, allowWrites };
  if ((KINDS as readonly string[]).includes(raw)) return { kind: raw as TargetKind, url: input.url?.replace(/\/+$/, ''), viaProxy, allowWrites };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HeroContractUsageError(`Unknown contract target "${raw}": use prism, hero-mock, staging, production or an http(s) base URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HeroContractUsageError(`Contract target must be http(s): ${raw}`);
  if (url.username || url.password) throw new HeroContractUsageError('Contract target URLs must not carry credentials; set HERO_API_KEY instead.');
  return { kind: 'url', url: raw.replace(/\/+$/, ''), viaProxy, allowWrites };
}

/**
 * Whether writes may run against `url`. A bare `--allow-writes` is enough only for a loopback
 * host; any other host must be named (`--allow-writes=api.staging.htech.app`), so a command
 * copied from a staging job cannot write to production. Throws when the flag does not fit.
 */
export function writesAllowed(flag: WritesFlag, url: URL): boolean {
  if (flag === false) return false;
  const loopback = isLoopbackHost(url.hostname);
  if (flag === true || flag === '') {
    if (loopback) return true;
    throw new HeroContractUsageError(`--allow-writes must name the host it allows writes to: --allow-writes=${url.hostname}`);
  }
  const named = flag.trim().toLowerCase().replace(/\/+$/, '');
  if (named === url.hostname.toLowerCase() || named === url.host.toLowerCase()) return true;
  throw new HeroContractUsageError(`--allow-writes=${flag} does not name the target host ${url.hostname}; nothing was sent.`);
}

/**
 * Decides host, mode and credentials without sending anything. Throws
 * {@link HeroContractUsageError} for an unsafe request (writes to an unnamed host, the
 * API key over plain http to another machine); returns `unusable` when the target cannot
 * run at all (no URL, no credentials for staging or production).
 */
export function planTarget(choice: TargetChoice, spec: LoadedSpec, env: Readonly<Record<string, string | undefined>> = process.env): TargetPlan {
  if (choice.kind === 'prism') {
    if (choice.viaProxy) throw new HeroContractUsageError('--via-proxy needs a remote target (hero-mock, staging, production or a URL).');
    return {
      kind: 'prism',
      label: `prism (embedded mock of ${spec.specPath})`,
      remote: undefined,
      host: 'embedded mock on 127.0.0.1',
      // The embedded mock is this run's own process: nothing real can change.
      allowWrites: true,
      viaProxy: false,
      apiKey: MOCK_API_KEY,
      practiceGroupId: MOCK_PRACTICE_GROUP_ID,
      credentials: 'placeholder',
      unusable: undefined,
    };
  }
  // Hero's hosts come from this package (src/config.ts), never from the spec's `servers`:
  // a spec is data, and must not choose where the partner's key goes.
  const remote =
    choice.kind === 'hero-mock'
      ? (choice.url ?? env.HERO_MOCK_URL?.replace(/\/+$/, '') ?? environments.mock)
      : choice.kind === 'staging'
        ? (choice.url ?? environments.staging)
        : choice.kind === 'production'
          ? (choice.url ?? environments.production)
          : choice.url;
  const label = `${choice.kind} ${remote ?? '(no URL)'}${choice.viaProxy ? ' via Prism proxy' : ''}`;
  const placeholder = { apiKey: MOCK_API_KEY, practiceGroupId: MOCK_PRACTICE_GROUP_ID, credentials: 'placeholder' as const };
  if (!remote) {
    return { kind: choice.kind, label, remote, host: '(none)', allowWrites: false, viaProxy: choice.viaProxy, ...placeholder, unusable: `no URL for ${choice.kind}; pass --url` };
  }
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    throw new HeroContractUsageError(`The URL for ${choice.kind} is not a valid URL; pass an http(s) --url.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HeroContractUsageError(`The URL for ${choice.kind} must be http(s).`);
  if (url.username || url.password) throw new HeroContractUsageError('Contract target URLs must not carry credentials; set HERO_API_KEY instead.');
  const allowWrites = writesAllowed(choice.allowWrites, url);
  const envKey = env.HERO_API_KEY?.trim();
  const envGroup = env.HERO_PRACTICE_GROUP_ID?.trim();
  // Hero's hosted mock accepts any key; a partner's real key has no business there.
  const useEnv = choice.kind !== 'hero-mock' && Boolean(envKey);
  if (useEnv && url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    throw new HeroContractUsageError(`HERO_API_KEY is set and ${url.host} is plain http: the key is sent only over https or to a loopback host. Use https, or unset HERO_API_KEY.`);
  }
  const base = { kind: choice.kind, label, remote, host: url.host, allowWrites, viaProxy: choice.viaProxy };
  if (CREDENTIALED.has(choice.kind) && (!envKey || !envGroup)) {
    return { ...base, ...placeholder, unusable: `${choice.kind} needs HERO_API_KEY and HERO_PRACTICE_GROUP_ID in the environment` };
  }
  if (!useEnv) return { ...base, ...placeholder, unusable: undefined };
  return { ...base, apiKey: envKey!, practiceGroupId: envGroup || MOCK_PRACTICE_GROUP_ID, credentials: 'environment', unusable: undefined };
}

/** The line printed before anything is sent: where requests go and what they may do. */
export function describePlan(plan: TargetPlan): string {
  const mode = plan.kind === 'prism' ? 'every operation (its own mock; nothing real can change)' : plan.allowWrites ? `writes allowed to ${plan.host}` : 'read-only: GET and HEAD only';
  const key = plan.credentials === 'environment' ? 'API key from HERO_API_KEY' : 'placeholder API key';
  return `hero-contract → ${plan.host} (${plan.kind}${plan.viaProxy ? ', via Prism proxy' : ''}) — ${mode}; ${key}`;
}

/**
 * Resolves a remote target's URL after a short reachability probe. Any HTTP answer counts
 * as reachable (an unknown path's 404 included); DNS failures, refused connections and
 * timeouts give the reason. The probe carries no credentials.
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
  /** Connect timeout of the reachability probe. @default 3_000, or `timeoutMs` when shorter */
  probeTimeoutMs?: number;
  /** Per-request time-out of the run; bounds the probe and, with `--via-proxy`, each forwarded request. @default 15_000 */
  timeoutMs?: number;
  /** An already running embedded Prism (vitest's globalSetup) to use instead of starting one. */
  prismUrl?: string;
  /** Started Prism for the embedded mock; resolves to its URL (lets the CLI start it early). */
  prism?: Promise<PrismServer>;
}

/** {@link planTarget} then {@link openPlanned}. Throws only for usage errors. */
export async function openTarget(choice: TargetChoice, spec: LoadedSpec, options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  return openPlanned(planTarget(choice, spec, options.env ?? process.env), spec, options);
}

/** Starts or probes a planned target. Never throws for an unreachable remote: returns `ok: false` with the reason. */
export async function openPlanned(plan: TargetPlan, spec: LoadedSpec, options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  const credentials = { apiKey: plan.apiKey, practiceGroupId: plan.practiceGroupId };
  if (plan.kind === 'prism') {
    let prism: PrismServer | undefined;
    const url = options.prismUrl ?? (prism = await (options.prism ?? startPrism({ specPath: spec.servedPath }))).url;
    const target: ContractTarget = {
      kind: 'prism',
      label: `${plan.label} ${url}`,
      baseUrl: url,
      directUrl: url,
      choosesStatus: true,
      prismValidates: true,
      allowWrites: true,
      probesUnknownIds: false,
      ...credentials,
      tap: undefined,
    };
    return { ok: true, target, close: async () => prism?.stop() };
  }
  if (plan.unusable !== undefined || plan.remote === undefined) {
    return { ok: false, kind: plan.kind, label: plan.label, reason: plan.unusable ?? 'no URL' };
  }
  const remote = plan.remote;
  const unreachable = await probeReachable(remote, options.probeTimeoutMs ?? Math.min(3_000, options.timeoutMs ?? 3_000));
  if (unreachable) return { ok: false, kind: plan.kind, label: plan.label, reason: unreachable };

  const base = {
    kind: plan.kind,
    label: plan.label,
    directUrl: remote,
    choosesStatus: false,
    allowWrites: plan.allowWrites,
    // Mocks answer any id with an example; only a real server can say an id does not exist.
    probesUnknownIds: plan.kind !== 'hero-mock',
    ...credentials,
  };
  if (!plan.viaProxy) {
    return { ok: true, target: { ...base, baseUrl: remote, prismValidates: false, tap: undefined }, close: async () => {} };
  }
  // Client → Prism proxy (validates against our pinned spec) → tap (records the live answer) → target.
  const tap = await startUpstreamTap(remote, options.timeoutMs);
  let proxy: PrismServer;
  try {
    proxy = await startPrism({ specPath: spec.servedPath, mode: 'proxy', upstream: tap.url, errors: true });
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
