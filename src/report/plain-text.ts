/**
 * Escaping for user-controlled text shown as plain text: annotation titles, messages and
 * details on a check run, and the CLI's output in a terminal or a CI log. Credentials are
 * redacted (./redact.ts), and nothing the text holds can drive the terminal or the runner.
 */
import type { Finding } from '../policy/findings.js';
import { containsSecret, redactSecrets } from './redact.js';

/**
 * Terminal escape sequences whole (CSI such as `ESC[31m`, OSC such as the `ESC]8;;url BEL`
 * of a hyperlink or `ESC]0;title BEL`), so that no parameters are left behind.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is removed
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
/** C0 and C1 controls but tab and line feed, and the bidirectional overrides that reorder what is shown. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Line breaks for a terminal and for the Actions runner, which reads a lone `\r` as one too. */
const LINE_BREAK = /\r\n|\r|\u2028|\u2029/g;

/** A zero-width space: invisible, and not blank to the Actions runner, which trims blanks. */
const ZWSP = '\u200b';

/**
 * User text for a plain-text field: redacted, its line breaks `\n`, no escape sequences or
 * controls, and no `##[`, which the Actions runner takes anywhere in a line of a log for a
 * legacy workflow command (`##[error]`), also inside a JSON string.
 */
export function plainText(text: string): string {
  return redactSecrets(text)
    .replace(ESCAPE_SEQUENCE, '')
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, '')
    .replace(/##\[/g, `##${ZWSP}[`);
}

/** A path, a rule id or a title, in a terminal or inside markdown: as `plainText`, on one line. */
export function plainLine(text: string): string {
  return plainText(text).replace(/\n/g, ' ');
}

/**
 * The CLI's text output as a whole, made safe for a GitHub Actions log, where the runner
 * takes a line that starts with `::` after blanks for a workflow command (`::error::`,
 * `::add-mask::`, `::stop-commands::`): a zero-width space breaks it without changing what a
 * person reads. Lines are judged whole, since a field can start one (a path, a message's
 * second line); our own text never starts a line so.
 */
export function workflowSafe(output: string): string {
  return output.replace(/^([^\S\r\n]*):(?=:)/gm, `$1:${ZWSP}`);
}

/**
 * A finding as JSON and SARIF carry it: its text as plain text. A fix whose replacement
 * holds a credential is left out, since a script or a code-scanning tool would apply a
 * redacted one as written (`portcullis fix` and **Apply fixes** still apply it).
 */
export function plainFinding(finding: Finding): Finding {
  const { fix, waived, ...rest } = finding;
  return {
    ...rest,
    message: plainText(finding.message),
    title: plainText(finding.title),
    ...(fix && !containsSecret(fix.replacement)
      ? { fix: { ...fix, description: plainText(fix.description) } }
      : {}),
    ...(waived ? { waived: { ...waived, reason: plainText(waived.reason) } } : {}),
  };
}

/**
 * A workflow command's message (`::error file=…::MESSAGE`), escaped as the Actions runner
 * unescapes it (@actions/core's `escapeData`): the command is one line, so line breaks
 * are encoded, and `%` first, so that an encoding already in the text survives.
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value (`file=VALUE,title=VALUE`): as `escapeData`, and `:` and `,`, which end a value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
