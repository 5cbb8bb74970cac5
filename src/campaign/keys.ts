/**
 * Item keys and the campaign's fingerprint. A key is what the journal records for an item
 * (the only caller data it holds), so it must be unique, short and printable; the journal
 * header stores a fingerprint of the campaign id and the ordered key list, never the items,
 * to refuse a journal written for another list.
 */
import { nodeCrypto } from '../lazy-builtins.js';
import { HeroInputError, type HeroInputIssue } from '../errors.js';
import { typeName } from '../validation/type-name.js';
import { HeroCampaignDuplicateKeyError } from './errors.js';

/** Longest item key, in UTF-16 code units. */
export const maxCampaignKeyLength = 256;
/** Most items in one campaign: the whole list is read before it starts (its keys are fingerprinted). */
export const maxCampaignItems = 1_000_000;
/** Longest campaign id. */
export const maxCampaignIdLength = 200;

// Control characters would break the one-key-per-line export and terminal output.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Braces are Redis Cluster hash-tag syntax: the journal wraps the id in them.
const CAMPAIGN_ID = /^[^{}\s]+$/;
const MAX_LISTED_ISSUES = 10;

/** Why a key is refused, or `undefined` when it is fine. Never repeats the key. */
function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `must be a string (received ${typeName(key)})`;
  if (key.length === 0 || key.length > maxCampaignKeyLength) return `must be 1 to ${maxCampaignKeyLength} characters long (received ${key.length})`;
  if (CONTROL.test(key)) return 'must not contain control characters or line breaks';
  return undefined;
}

/**
 * The key of every item, checked: a string of 1 to 256 printable characters, unique.
 * Throws `HeroInputError` (field `key`, by position) or {@link HeroCampaignDuplicateKeyError}.
 */
export function campaignKeys<I>(items: readonly I[], key: (item: I) => string): string[] {
  const keys: string[] = new Array<string>(items.length);
  const issues: HeroInputIssue[] = [];
  let bad = 0;
  for (let index = 0; index < items.length; index++) {
    let value: unknown;
    try {
      value = key(items[index]!);
    } catch (thrown) {
      throw new HeroInputError([{ field: 'key', message: `threw for item #${index}; nothing was sent` }], 'campaign key');
    }
    const problem = keyProblem(value);
    if (problem !== undefined) {
      bad++;
      if (issues.length < MAX_LISTED_ISSUES) issues.push({ field: 'key', message: `of item #${index} ${problem}` });
      continue;
    }
    keys[index] = value as string;
  }
  if (issues.length > 0) {
    if (bad > issues.length) issues.push({ field: 'key', message: `and ${bad - issues.length} more item(s) have unusable keys` });
    throw new HeroInputError(issues, 'campaign keys');
  }
  const firstAt = new Map<string, number>();
  let duplicates = 0;
  let first: [number, number] | undefined;
  for (let index = 0; index < keys.length; index++) {
    const seen = firstAt.get(keys[index]!);
    if (seen === undefined) firstAt.set(keys[index]!, index);
    else {
      duplicates++;
      first ??= [seen, index];
    }
  }
  if (first !== undefined) throw new HeroCampaignDuplicateKeyError(first[0], first[1], duplicates);
  return keys;
}

/** Refuses a campaign id that is empty, too long, or holds braces, spaces or control characters. */
export function checkCampaignId(campaign: unknown, where: string): string {
  if (typeof campaign !== 'string' || campaign.length === 0 || campaign.length > maxCampaignIdLength || !CAMPAIGN_ID.test(campaign) || CONTROL.test(campaign)) {
    const received = typeof campaign === 'string' ? `${campaign.length} characters` : typeName(campaign);
    throw new HeroInputError(
      [{ field: 'campaign', message: `must be 1 to ${maxCampaignIdLength} characters without spaces, braces or control characters (received ${received})` }],
      where,
    );
  }
  return campaign;
}

/**
 * SHA-256 of the campaign id and the ordered keys, each length-prefixed so no two lists
 * share a fingerprint by moving a separator. Recorded instead of the keys' source items.
 */
export function campaignFingerprint(campaign: string, keys: readonly string[]): string {
  const hash = nodeCrypto().createHash('sha256');
  hash.update(`hero-campaign/1\n${campaign.length}:${campaign}\n${keys.length}\n`);
  for (const key of keys) hash.update(`${key.length}:${key}\n`);
  return hash.digest('hex');
}
