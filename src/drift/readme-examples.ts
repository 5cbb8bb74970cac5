/** A fenced TypeScript block from a markdown file. */
export interface CodeExample {
  /** 1-based line, in the markdown file, of the block's first code line. */
  startLine: number;
  code: string;
}

/** Put this comment on the line before a fence to leave that block out of the drift check. */
export const SKIP_MARKER = '<!-- hero-drift: skip -->';

const TYPESCRIPT_LANGUAGES = new Set(['ts', 'typescript', 'mts']);

/**
 * The ```ts / ```typescript blocks of a markdown document, in order, with their line
 * numbers so compile errors can point into the README.
 */
export function extractTypeScriptExamples(markdown: string): CodeExample[] {
  const lines = markdown.split(/\r?\n/);
  const examples: CodeExample[] = [];
  let open: { fence: string; startLine: number; body: string[]; keep: boolean } | undefined;
  let previous = '';
  lines.forEach((line, index) => {
    if (open !== undefined) {
      if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, '') === '') {
        if (open.keep) examples.push({ startLine: open.startLine, code: open.body.join('\n') });
        open = undefined;
        // The marker applies to the next block only.
        previous = line;
      } else {
        open.body.push(line);
      }
      return;
    }
    const fence = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence !== null) {
      const language = (fence[2] ?? '').toLowerCase();
      open = {
        fence: fence[1] ?? '```',
        startLine: index + 2,
        body: [],
        keep: TYPESCRIPT_LANGUAGES.has(language) && previous.trim() !== SKIP_MARKER,
      };
      return;
    }
    if (line.trim() !== '') previous = line;
  });
  return examples;
}
