/**
 * The journal file's format: one record per line, `<JSON>\t<CRC-32 of the JSON, 8 hex>\n`.
 * The first line is the header (campaign id, fingerprint of the key list, item count);
 * then run markers and item records (key, status, time, and for failures an error code).
 *
 * Reading tells a torn end from damage: a last line without its newline, or damaged lines
 * with nothing readable after them, are what a crash mid-write leaves (a record never
 * acknowledged, so no request went out on it) and are dropped; a damaged line followed by
 * good ones is corruption, and an error. JSON escapes tabs and line breaks inside strings,
 * so neither separator can appear within a record.
 */
import { HeroCampaignJournalCorruptError, HeroCampaignMismatchError } from './errors.js';

export const JOURNAL_FORMAT = 'hero-campaign-journal';
export const JOURNAL_VERSION = 1;

/** The first line. */
export interface HeaderRecord {
  readonly t: 'campaign';
  readonly format: typeof JOURNAL_FORMAT;
  readonly v: number;
  readonly campaign: string;
  /** SHA-256 of the campaign id and the ordered key list (see keys.ts). */
  readonly fingerprint: string;
  readonly items: number;
  readonly at: string;
}

/** Written when a run starts, after what the previous run left has been settled. */
export interface RunRecord {
  readonly t: 'run';
  readonly run: number;
  readonly at: string;
}

/** The statuses an item record sets. */
export type RecordedStatus = 'sending' | 'sent' | 'failed' | 'outcome-unknown';

/** One item's change of status. */
export interface ItemRecord {
  /** The caller's key for the item: the only caller data in the journal. */
  readonly k: string;
  readonly s: RecordedStatus;
  readonly at: string;
  /** Failures: what ended the item (an error name and HTTP status, `interrupted`…), never a message. */
  readonly code?: string;
  /** Failures: whether a resumed run sends it again. */
  readonly retry?: boolean;
}

export type JournalRecord = HeaderRecord | RunRecord | ItemRecord;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE) of a string's UTF-8 bytes, as 8 hex digits. */
export function crc32Hex(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ((crc ^ -1) >>> 0).toString(16).padStart(8, '0');
}

/** One record as a journal line, newline included. */
export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${json}\t${crc32Hex(json)}\n`;
}

const STATUSES: ReadonlySet<string> = new Set<RecordedStatus>(['sending', 'sent', 'failed', 'outcome-unknown']);

/** The record of a line, or why it is unreadable. */
function decodeLine(line: string): JournalRecord | string {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return 'no checksum';
  const json = line.slice(0, tab);
  if (line.slice(tab + 1) !== crc32Hex(json)) return 'checksum does not match';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a record';
  const record = value as Record<string, unknown>;
  if (record.t === 'campaign') {
    const ok = typeof record.campaign === 'string' && typeof record.fingerprint === 'string' && Number.isInteger(record.items) && typeof record.v === 'number';
    return ok ? (record as unknown as HeaderRecord) : 'a header without its fields';
  }
  if (record.t === 'run') return Number.isInteger(record.run) ? (record as unknown as RunRecord) : 'a run marker without its number';
  if (typeof record.k === 'string' && typeof record.s === 'string' && STATUSES.has(record.s) && typeof record.at === 'string') return record as unknown as ItemRecord;
  return 'an unknown record';
}

/** A journal file as read. */
export interface ParsedJournal {
  /** `undefined` for an empty file (or one whose only line was torn). */
  readonly header: HeaderRecord | undefined;
  /** Every readable record after the header, in order. */
  readonly records: readonly (RunRecord | ItemRecord)[];
  /** The 1-based line number of each of `records`. */
  readonly recordLines: readonly number[];
  /** Bytes up to the end of the last good line: where appending resumes. */
  readonly goodLength: number;
  /** True when something after `goodLength` was dropped (a torn end). */
  readonly tornTail: boolean;
}

/**
 * Reads a journal file's bytes. Throws {@link HeroCampaignJournalCorruptError} for a damaged
 * line with good lines after it, and {@link HeroCampaignMismatchError} for a file that is not a
 * journal (or of a newer format version).
 */
export function parseJournal(bytes: Buffer): ParsedJournal {
  // Splitting bytes on 0x0a is safe: no byte of a multi-byte UTF-8 character is 0x0a.
  const lines: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, start)) {
    lines.push({ start, end: i });
    start = i + 1;
  }
  const unterminated = start < bytes.length;
  const decoded = lines.map(({ start: s, end }) => decodeLine(bytes.toString('utf8', s, end)));
  // The last readable line: everything unreadable after it is a torn end.
  let lastGood = decoded.length - 1;
  while (lastGood >= 0 && typeof decoded[lastGood] === 'string') lastGood--;
  const firstBad = decoded.findIndex((d) => typeof d === 'string');
  if (firstBad >= 0 && firstBad < lastGood) throw new HeroCampaignJournalCorruptError(firstBad + 1, decoded[firstBad] as string);
  const good = decoded.slice(0, lastGood + 1) as JournalRecord[];
  const goodLength = lastGood < 0 ? 0 : lines[lastGood]!.end + 1;
  const tornTail = unterminated || lastGood < decoded.length - 1;
  if (good.length === 0) return { header: undefined, records: [], recordLines: [], goodLength, tornTail };
  const header = good[0]!;
  if (!('t' in header) || header.t !== 'campaign' || header.format !== JOURNAL_FORMAT) {
    throw new HeroCampaignMismatchError('format', 'the file is not a hero campaign journal (its first line is not a journal header); nothing was sent');
  }
  if (header.v > JOURNAL_VERSION) {
    throw new HeroCampaignMismatchError('format', `the journal was written in format version ${header.v}, newer than this package reads (${JOURNAL_VERSION}); upgrade @hero-sdk/hero-health`);
  }
  const records = good.slice(1);
  const misplaced = records.findIndex((r) => 't' in r && r.t === 'campaign');
  if (misplaced >= 0) throw new HeroCampaignJournalCorruptError(misplaced + 2, 'a second header');
  return { header, records: records as (RunRecord | ItemRecord)[], recordLines: records.map((_, i) => i + 2), goodLength, tornTail };
}
