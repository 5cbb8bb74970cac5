/**
 * Text from a spec or a server, made safe for each place hero-drift and hero-contract show
 * it: a terminal, markdown (a job summary, a pull-request comment), JUnit XML. Such text is
 * data. It must not end a line and fake a verdict, open a heading or a link, move the
 * cursor, reorder what is shown (bidi controls), or break the XML a CI server parses.
 */

// C0 and C1 controls, DEL, line and paragraph separators, bidi marks and overrides, BOM.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LINE_BREAK = /\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g;

/** `\u001b` for ESC: a control made visible instead of acted on. */
const visible = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of plain text: every control, line breaks and tabs included, shown as `\uXXXX`. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, visible);
}

/**
 * Text for a terminal that this program laid out itself: its own line breaks and tabs
 * stay, every other control (ESC sequences, a bare CR that overwrites a line, bidi
 * overrides) is shown as `\uXXXX`. Values from a spec or server inside it must already be
 * {@link oneLine}, or they could start a line of their own.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, (char) => (char === '\n' || char === '\t' ? char : visible(char)));
}

// ASCII punctuation that starts markdown syntax anywhere in a line: emphasis, code, links,
// images, HTML, tables, strikethrough, entities, mentions. CommonMark lets any of them be
// escaped with a backslash.
const MARKDOWN_INLINE = /[\\`*_[\]<>|!~&@$]/g;
// At the start of a block (after `> `) these open a heading, list, quote or code block.
const MARKDOWN_BLOCK_START = /^(\s*)(?:([#>+=-])|(\d+)([.)]))/;

/**
 * Text for markdown, in a paragraph, list item, quote or table cell: line breaks become
 * spaces, other controls are shown as `\uXXXX`, and markdown syntax is escaped, so the
 * text renders as the characters it holds and nothing else.
 */
export function markdownText(text: string): string {
  const flat = text.replace(LINE_BREAK, ' ').replace(CONTROL, visible);
  return flat.replace(MARKDOWN_INLINE, (char) => (char === '<' ? '&lt;' : char === '>' ? '&gt;' : `\\${char}`)).replace(MARKDOWN_BLOCK_START, (_all, space: string, marker?: string, digits?: string, dot?: string) =>
      marker === undefined ? `${space}${digits}\\${dot}` : `${space}\\${marker}`,
    );
}

/**
 * Text inside an inline code span (`` `…` ``) in markdown: backslash escapes do not work
 * there, so a backtick becomes `'`; `|` is escaped because GFM tables split cells on it
 * even inside code.
 */
export function markdownCode(text: string): string {
  return text.replace(LINE_BREAK, ' ').replace(CONTROL, visible).replace(/`/g, "'").replace(/\|/g, '\\|');
}

// XML 1.0 has no way to write most C0 controls, escaped or not.
const XML_SPECIAL = /[&<>"']/g;
const XML_ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Element content of an XML document: markup escaped, line breaks kept, other controls shown as `\uXXXX`. */
export function xmlText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(CONTROL, (char) => (char === '\n' || char === '\t' ? char : visible(char)))
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    // U+FFFE and U+FFFF are not XML 1.0 characters either (Java's and libxml2's parsers refuse them).
    .replace(/[\ufffe\uffff]/g, visible)
    .replace(XML_SPECIAL, (char) => XML_ENTITY[char]!);
}

/** An XML attribute value: as {@link xmlText}, with line breaks and tabs as character references. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * JSON text (from `JSON.stringify`, which already escapes C0 controls) with every other
 * invisible or reordering character escaped too (DEL, C1, line separators, bidi controls):
 * still the same JSON value, but nothing in it acts on a terminal or viewer that shows it.
 */
export function jsonText(json: string): string {
  // C0 controls (and so the layout's own line breaks) are left alone: JSON.stringify escapes them inside strings.
  return json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
