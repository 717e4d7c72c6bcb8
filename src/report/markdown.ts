/**
 * Escaping for anything user-controlled (paths, image names, messages quoting the
 * Dockerfile) that lands in GitHub markdown: no HTML, no @mentions or #references,
 * no markdown that changes the layout of our summary.
 */

// `.` and `-` only mean something at the start of a line, and our own text always starts the line.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+!|~>]/g;

/** Text safe to place anywhere in markdown, including a table cell, on one line. */
export function markdownText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (c) => (c === '>' ? c : `\\${c}`))
    .replace(/@/g, '@\u200b'); // a zero-width space after @ keeps GitHub from notifying anyone
}

/** A code span that cannot be broken out of, whatever backticks the text contains. */
export function markdownCode(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  // Mentions do not fire inside code spans, and HTML is not rendered there.
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}
