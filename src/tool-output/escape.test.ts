import { describe, expect, it } from 'vitest';
import { jsonText, markdownCode, markdownText, oneLine, terminalSafe, xmlAttribute, xmlText } from './escape.js';

// From the issue: an operationId that, unescaped, becomes a heading and a link in a job summary.
const INJECTION = 'getThing\r## Hero API drift: no changes\r[Approve this release](https://evil.example/approve)';

describe('markdownText', () => {
  it('turns every line break (CR alone included) into a space, so no text starts a line of its own', () => {
    for (const br of ['\r', '\n', '\r\n', '\u2028', '\u2029', '\u000b', '\u000c', '\u0085']) {
      expect(markdownText(`a${br}## b`)).toBe('a ## b');
    }
  });

  it('neutralises the carriage-return heading and link from the issue', () => {
    const text = markdownText(INJECTION);
    expect(text).not.toMatch(/[\r\n]/);
    expect(text).not.toMatch(/(^|[^\\])\[Approve/);
    expect(text).toContain('\\[Approve this release\\](https://evil.example/approve)');
  });

  it('escapes emphasis, code, HTML, tables, images, math, mentions and entities', () => {
    expect(markdownText('*a* _b_ `c` <img src=x> | ![i](u) $x$ @team &amp; ~~s~~ \\')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` &lt;img src=x&gt; \\| \\!\\[i\\](u) \\$x\\$ \\@team \\&amp; \\~\\~s\\~\\~ \\\\',
    );
  });

  it('escapes what would open a block at the start: heading, quote, list, numbered list', () => {
    expect(markdownText('# h')).toBe('\\# h');
    expect(markdownText('> q')).toBe('&gt; q');
    expect(markdownText('- l')).toBe('\\- l');
    expect(markdownText('+ l')).toBe('\\+ l');
    expect(markdownText('12. n')).toBe('12\\. n');
    expect(markdownText('3) n')).toBe('3\\) n');
  });

  it('shows terminal controls and bidi overrides as \\uXXXX instead of passing them on', () => {
    expect(markdownText('a\u001b[2Jb\u202ec\u0000')).toBe('a\\\\u001b\\[2Jb\\\\u202ec\\\\u0000');
  });
});

describe('markdownCode', () => {
  it('keeps a code span closed and a table row whole', () => {
    expect(markdownCode('a`b|c\rd')).toBe("a'b\\|c d");
  });
});

describe('terminal output', () => {
  it('oneLine shows every control, line breaks and tabs included', () => {
    expect(oneLine('a\rRESULT: PASS\n\t\u001b[31m\u009b')).toBe('a\\u000dRESULT: PASS\\u000a\\u0009\\u001b[31m\\u009b');
  });

  it('terminalSafe keeps the program\'s own line breaks and tabs but no CR, ESC or bidi override', () => {
    expect(terminalSafe('line 1\r\nline 2\ta\rb\u001b[2J\u202e')).toBe('line 1\nline 2\ta\\u000db\\u001b[2J\\u202e');
  });
});

describe('XML', () => {
  it('escapes markup and shows controls XML 1.0 cannot hold', () => {
    expect(xmlText('a < b & "c" \'d\' \u0000\u001b\r')).toBe('a &lt; b &amp; &quot;c&quot; &apos;d&apos; \\u0000\\u001b\\u000d');
  });

  it('keeps line breaks in attributes as character references', () => {
    expect(xmlAttribute('a\nb\tc')).toBe('a&#10;b&#9;c');
  });

  it('replaces a lone surrogate, which no XML parser accepts', () => {
    expect(xmlText('a\ud800b')).toBe('a\ufffdb');
    expect(xmlText('😀')).toBe('😀');
  });

  it('shows U+FFFE and U+FFFF, which XML 1.0 does not allow', () => {
    expect(xmlText('a\ufffeb\uffffc')).toBe('a\\ufffeb\\uffffc');
  });
});

describe('jsonText', () => {
  it('escapes what JSON.stringify leaves raw (bidi overrides, line separators, C1) and keeps the value', () => {
    const value = { id: 'a\u202eb\u2028c\u0085d\u001be' };
    const text = jsonText(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(/[\u202e\u2028\u0085\u001b]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
