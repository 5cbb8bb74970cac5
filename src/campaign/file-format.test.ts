import { describe, expect, it } from 'vitest';
import { HeroCampaignJournalCorruptError, HeroCampaignMismatchError } from './errors.js';
import { crc32Hex, encodeRecord, parseJournal, type JournalRecord } from './file-format.js';

const header: JournalRecord = { t: 'campaign', format: 'hero-campaign-journal', v: 1, campaign: 'flu', fingerprint: 'f'.repeat(64), items: 3, at: '2024-01-01T00:00:00.000Z' };
const lines = (...records: JournalRecord[]) => records.map(encodeRecord).join('');
const item = (k: string, s: 'sending' | 'sent' | 'failed' | 'outcome-unknown'): JournalRecord => ({ k, s, at: '2024-01-01T00:00:01.000Z' });

describe('the journal file format', () => {
  it('reads back what it writes, keys with any printable characters included', () => {
    const text = lines(header, { t: 'run', run: 1, at: '2024-01-01T00:00:00.500Z' }, item('a\t"b"', 'sending'), item('ü€', 'sent'));
    const parsed = parseJournal(Buffer.from(text));
    expect(parsed.header).toEqual(header);
    expect(parsed.records.map((r) => ('k' in r ? r.k : r.t))).toEqual(['run', 'a\t"b"', 'ü€']);
    expect(parsed).toMatchObject({ goodLength: Buffer.byteLength(text), tornTail: false });
  });

  it('uses the standard CRC-32', () => {
    expect(crc32Hex('123456789')).toBe('cbf43926');
  });

  it('drops a torn last line (no newline) and says where appending resumes', () => {
    const good = lines(header, item('a', 'sending'));
    const torn = encodeRecord(item('a', 'sent')).slice(0, 20);
    const parsed = parseJournal(Buffer.from(good + torn));
    expect(parsed.records).toHaveLength(1);
    expect(parsed).toMatchObject({ goodLength: Buffer.byteLength(good), tornTail: true });
  });

  it('drops damaged lines at the end with nothing readable after them (zeros a crash left)', () => {
    const good = lines(header, item('a', 'sending'));
    const parsed = parseJournal(Buffer.concat([Buffer.from(good), Buffer.alloc(40), Buffer.from('\n'), Buffer.alloc(8), Buffer.from('\n')]));
    expect(parsed).toMatchObject({ goodLength: Buffer.byteLength(good), tornTail: true });
    expect(parsed.records).toHaveLength(1);
  });

  it('refuses a damaged line in the middle, naming its line number', () => {
    const damaged = encodeRecord(item('b', 'sent')).replace('"sent"', '"sant"');
    const text = lines(header, item('a', 'sent')) + damaged + lines(item('c', 'sent'));
    const error = (() => {
      try {
        parseJournal(Buffer.from(text));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HeroCampaignJournalCorruptError);
    expect(error).toMatchObject({ line: 3, reason: 'journal-corrupt' });
    expect((error as Error).message).not.toContain('"b"');
  });

  it('refuses a file that is not a journal, and one of a newer format', () => {
    expect(() => parseJournal(Buffer.from(lines({ k: 'x', s: 'sent', at: 'now' }) + lines(item('y', 'sent'))))).toThrow(HeroCampaignMismatchError);
    expect(() => parseJournal(Buffer.from(lines({ ...header, v: 99 } as JournalRecord)))).toThrow(/format version 99/);
  });

  it('an empty file, or one whose only line is torn, has no header', () => {
    expect(parseJournal(Buffer.alloc(0))).toMatchObject({ header: undefined, goodLength: 0, tornTail: false });
    expect(parseJournal(Buffer.from(encodeRecord(header).slice(0, 30)))).toMatchObject({ header: undefined, goodLength: 0, tornTail: true });
  });
});
