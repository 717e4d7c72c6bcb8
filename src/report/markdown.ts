/**
 * Escaping for anything user-controlled (paths, image names, messages quoting the
 * Dockerfile, policy test output) that lands in GitHub markdown, one function per context:
 * inline text, table cells, code spans, fenced blocks, and the HTML of `<summary>` lines.
 * Each starts from ./plain-text.ts (credentials redacted, no control characters, and one
 * line where a line break would change the layout), so no caller has to remember to.
 */
import { plainLine, plainText } from './plain-text.js';

// `.` and `-` only mean something at the start of a line, and our own text always starts the line;
// `<` and `>` become entities.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+!|~]/g;
/** A zero-width space after `@` or `#` keeps GitHub from notifying anyone or linking an issue. */
const ZWSP = '\u200b';

/** Text safe to place anywhere in markdown, including a table cell, on one line. */
export function markdownText(text: string): string {
  return (
    plainLine(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
      // GitHub turns bare URLs and `www.` into links: an escaped `:` or `.` is shown but not linked.
      .replace(/:\/\//g, '\\://')
      .replace(/(www)\./gi, '$1\\.')
      .replace(/@/g, `@${ZWSP}`)
      .replace(/\\#(?=[A-Za-z0-9])/g, `\\#${ZWSP}`)
  );
}

/** A code span that cannot be broken out of, whatever backticks the text contains. */
export function markdownCode(text: string): string {
  const content = plainLine(text);
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  // Mentions do not fire inside code spans, and HTML is not rendered there.
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A code span inside a table cell: GFM splits the row at every unescaped `|`, code spans
 * included, and shows `\|` there as `|`.
 */
export function markdownCellCode(text: string): string {
  return markdownCode(text).replace(/\|/g, '\\|');
}

/**
 * A fenced code block of `content` (kept on its lines): its fence is longer than any run
 * of backticks in the content, which therefore cannot close it early.
 */
export function markdownFence(content: string, info = 'text'): string {
  const text = plainText(content);
  const fence = codeFence(text);
  return `${fence}${info}\n${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${fence}`;
}

/** The backtick fence for a block of `content`: at least three, and longer than any run inside. */
export function codeFence(content: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
}

/**
 * Text inside the HTML of our markdown, such as a `<summary>` line: GitHub renders no
 * markdown there, so a code span would not protect it. Entities for `& < > " '`, on one
 * line (a blank line would end the HTML block and start markdown), mentions neutralised.
 */
export function htmlText(text: string): string {
  return plainLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/@/g, `@${ZWSP}`);
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
