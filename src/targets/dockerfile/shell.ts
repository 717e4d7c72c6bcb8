/**
 * Splits shell text from a `RUN` instruction into simple commands, each with the
 * 1-based Dockerfile line it starts on, so that a policy can point at the exact
 * line of `apt-get install` inside a long `&&` chain or a heredoc script.
 *
 * Hand-written because the npm shell parsers either drop positions (shell-quote)
 * or are unmaintained (bash-parser). It is a tokenizer, not a shell: it knows
 * quoting, escapes, `$(…)`, comments, redirections and the operators that
 * separate commands, which is what policies need.
 */
import type { ShellCommand } from '../../input/policy-input.js';

interface Word {
  value: string;
  line: number;
  start: number;
  end: number;
}

/** The POSIX-family shells, by program name, and the dialect ShellCheck reads them as (null: none). */
const POSIX_SHELLS: ReadonlyMap<string, 'sh' | 'bash' | 'dash' | 'ksh' | null> = new Map([
  ['sh', 'sh'],
  ['ash', 'sh'],
  ['bash', 'bash'],
  ['dash', 'dash'],
  ['ksh', 'ksh'],
  ['mksh', 'ksh'],
  ['zsh', null],
]);

const programName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Whether a shell (a `SHELL` array, or just a program) reads POSIX shell: `/bin/sh`, bash, ash,
 * dash, ksh, zsh. cmd and PowerShell do not, and their RUNs are not split into commands.
 */
export function isPosixShell(shell: readonly string[]): boolean {
  const program = shell[0];
  return program !== undefined && POSIX_SHELLS.has(programName(program));
}

/** The `--shell` ShellCheck reads a shell's scripts as; null for shells it does not know (zsh, cmd, pwsh). */
export function shellCheckDialect(shell: readonly string[]): 'sh' | 'bash' | 'dash' | 'ksh' | null {
  const program = shell[0];
  return program === undefined ? null : (POSIX_SHELLS.get(programName(program)) ?? null);
}

/** Reserved words that open or continue a compound command; the command proper follows them. */
const LEADING_KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'time']);
const CLOSING_KEYWORDS = new Set(['fi', 'done', '}', 'esac']);

/**
 * The blanks that separate words: `/bin/sh -c` splits at space and tab only (POSIX "blank"
 * in the C locale; newline ends a command and is handled on its own). Every other Unicode
 * space (U+00A0, U+2028, U+FEFF, vertical tab…) is an ordinary word character to the shell,
 * so it is one here too. CR is the one addition: what is left of a CRLF line end in a
 * heredoc body must not glue itself to the last word.
 */
function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

/** Characters that end an unquoted word: blanks, newline and the starts of operators and redirections. */
function endsWord(c: string): boolean {
  return isBlank(c) || c === '\n' || /[;&|()<>]/.test(c);
}

/** Redirection operators, read at a position with a sticky expression (no copy of the rest of the text). */
const REDIRECT = /\d*(?:>>|>&|<&|<<<|<>|>\||>|<)|&>>?/y;

/**
 * @param text shell source
 * @param firstLine 1-based line of the first character of `text`
 * @param lineContinuation the Dockerfile escape character when `text` comes from an
 *   instruction (continuation lines are joined and comment lines dropped, as BuildKit
 *   does), or null for a heredoc body, where real newlines separate commands.
 */
export function splitShellCommands(
  text: string,
  firstLine: number,
  lineContinuation: string | null,
): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: Word[] = [];
  let pipeline = 0;
  let position = 0;
  let line = firstLine;
  let i = 0;

  const endCommand = (operator: 'pipe' | 'list') => {
    const command = toCommand(words, text, pipeline, position, lineContinuation);
    words = [];
    if (command) {
      commands.push(command);
      if (operator === 'pipe') position++;
    }
    if (operator === 'list') {
      if (command || position > 0) pipeline++;
      position = 0;
    }
  };

  while (i < text.length) {
    const c = text[i] as string;
    const continuation = continuationAt(text, i, lineContinuation);
    if (continuation) {
      i += continuation.length;
      line += continuation.lines;
      continue;
    }
    if (c === '\n') {
      endCommand('list');
      line++;
      i++;
      continue;
    }
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;') {
      endCommand('list');
      i += 2;
      continue;
    }
    if (c === ';' || c === '(' || c === ')' || (c === '&' && text[i + 1] !== '>')) {
      endCommand('list');
      i++;
      continue;
    }
    if (c === '|') {
      endCommand('pipe');
      i += text[i + 1] === '&' ? 2 : 1;
      continue;
    }
    REDIRECT.lastIndex = i;
    const redirect = REDIRECT.exec(text);
    if (redirect) {
      i += redirect[0].length;
      // The redirection target is a word that is not an argument.
      while (isBlank(text[i] ?? '')) i++;
      const target = readWord(text, i, line, lineContinuation);
      i = target.next;
      line = target.endLine;
      continue;
    }
    // Every character that ends a word was consumed by a branch above, so `c` starts a word
    // and readWord reads at least it. The guard keeps the loop advancing should the two sets
    // ever disagree again (they once did, on U+00A0, and the loop never ended).
    const word = readWord(text, i, line, lineContinuation);
    if (word.next <= i) throw new Error(`shell splitter made no progress at offset ${i}`);
    words.push({ value: word.value, line, start: i, end: word.next });
    i = word.next;
    line = word.endLine;
  }
  endCommand('list');
  return commands;
}

function toCommand(
  words: Word[],
  text: string,
  pipeline: number,
  position: number,
  lineContinuation: string | null,
): ShellCommand | null {
  // Reserved words are keywords only in command position: `echo done` prints "done".
  let from = 0;
  while (from < words.length && isKeyword((words[from] as Word).value)) from++;
  const to = words.length;
  const kept = words.slice(from, to);
  const assignments: string[] = [];
  while (kept.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test((kept[0] as Word).value)) {
    assignments.push((kept.shift() as Word).value);
  }
  const first = kept[0] ?? words[from];
  const last = kept[kept.length - 1] ?? words[to - 1];
  if (!first || !last) return null;
  return {
    argv: kept.map((w) => w.value),
    assignments,
    text: foldContinuations(text.slice(first.start, last.end), lineContinuation),
    line: first.line,
    pipeline,
    position,
  };
}

/** Reads one word starting at `start`; quotes are removed, `$(…)` and backticks kept literally. */
function readWord(text: string, start: number, line: number, lineContinuation: string | null) {
  let value = '';
  let i = start;
  let endLine = line;
  // Inside a word the shell's own escape is the backslash, whatever the Dockerfile's escape
  // character: BuildKit only joins continued lines and hands the rest to the shell as written.
  const escapeChar = '\\';
  while (i < text.length) {
    const c = text[i] as string;
    const continuation = continuationAt(text, i, lineContinuation);
    if (continuation) {
      endLine += continuation.lines;
      i += continuation.length;
      continue;
    }
    if (c === escapeChar) {
      const next = text[i + 1];
      if (next !== undefined) value += next;
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      const quoted = text.slice(i + 1, end);
      endLine += countNewlines(quoted);
      // BuildKit joins continued lines before the shell sees the quotes.
      value += lineContinuation === null ? quoted : foldContinuations(quoted, lineContinuation, true);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        const continuation = continuationAt(text, i, lineContinuation);
        if (continuation) {
          endLine += continuation.lines;
          i += continuation.length;
          continue;
        }
        if (text[i] === escapeChar && i + 1 < text.length) {
          const escaped = text[i + 1] as string;
          if (escaped === '\n') endLine++;
          else value += '$`"\\'.includes(escaped) ? escaped : `${escapeChar}${escaped}`;
          i += 2;
          continue;
        }
        if (text[i] === '\n') endLine++;
        value += text[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = matchBracket(text, i + 1);
      const inner = text.slice(i, end);
      endLine += countNewlines(inner);
      value += inner;
      i = end;
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 ? text.length : close + 1;
      value += text.slice(i, end);
      i = end;
      continue;
    }
    if (endsWord(c)) break;
    value += c;
    i++;
  }
  return { value, next: i, endLine };
}

/** Index just past the bracket that closes the one at `open`, honouring nesting and quotes. */
function matchBracket(text: string, open: number): number {
  const opening = text[open];
  const closing = opening === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === opening) {
      depth++;
    } else if (c === closing && --depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}

/** Reserved words that open, continue or close a compound command. */
function isKeyword(word: string): boolean {
  return LEADING_KEYWORDS.has(word) || CLOSING_KEYWORDS.has(word);
}

const HEREDOC_CONTINUATION = /\r?\n/y;
const INSTRUCTION_CONTINUATION = /[ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\n)*/y;

/**
 * A line continuation at `i`: the escape character, optional blanks and a newline, plus the
 * comment and empty lines BuildKit drops inside a continued instruction. Null when there is none.
 * In a heredoc body (`lineContinuation` null) only the shell's own backslash-newline counts.
 */
function continuationAt(
  text: string,
  i: number,
  lineContinuation: string | null,
): { length: number; lines: number } | null {
  if (text[i] !== (lineContinuation ?? '\\')) return null;
  const pattern = lineContinuation === null ? HEREDOC_CONTINUATION : INSTRUCTION_CONTINUATION;
  pattern.lastIndex = i + 1;
  const match = pattern.exec(text);
  if (!match) return null;
  return { length: 1 + match[0].length, lines: countNewlines(match[0]) };
}

/**
 * `raw` with its continuations (and the comment lines inside them) removed. The indentation of
 * a continued line becomes one blank, unless `keepIndentation` (inside quotes, where it is text).
 */
function foldContinuations(raw: string, lineContinuation: string | null, keepIndentation = false): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const continuation = continuationAt(raw, i, lineContinuation);
    if (continuation) {
      i += continuation.length;
      if (!keepIndentation && (raw[i] === ' ' || raw[i] === '\t')) {
        // The indentation still separates words: keep one blank unless one is already there.
        while (raw[i] === ' ' || raw[i] === '\t') i++;
        if (!/[ \t]$/.test(out)) out += ' ';
      }
      i--;
      continue;
    }
    out += raw[i];
  }
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}
