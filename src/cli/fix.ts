/**
 * `portcullis fix`: the policies' fixes for a repository's container files, composed per
 * file, printed as a git-style unified diff or written to the files with --write.
 */
import { formatPatch, structuredPatch } from 'diff';
import { judgeTargets, type TargetFile } from '../core/judge.js';
import { workingTreeTargets } from '../core/local-repository.js';
import { registryResolverFromEnv } from '../facts/registry-facts.js';
import { applyFixes } from '../fix/compose.js';
import type { Finding, Fix, TargetError } from '../policy/findings.js';
import { plainLine, plainText, workflowSafe } from '../report/plain-text.js';
import { writeInside } from '../repository/path.js';
import { decodeSourceText } from '../repository/source-file.js';
import { type CliCommand, EXIT, parseOptions } from './command.js';
import { COMMAND_TABLE } from './command-table.js';
import { assertWritable, locateFiles } from './locate.js';
import { cliPolicy } from './policy-context.js';

type RuleFix = Fix & { rule_id: string };

/** One target's fixes: its text before and after, and which fixes made it in. */
interface FixedFile {
  path: string;
  before: string;
  after: string;
  applied: RuleFix[];
  skipped: { fix: RuleFix; reason: string }[];
}

export const fixCommand: CliCommand = {
  name: 'fix',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.fix.options);
    const where = locateFiles(values.repo, positionals);
    if (values.write) assertWritable(values.repo, where);
    const { set, engine } = await cliPolicy(where, undefined);
    const files = await workingTreeTargets(where.root, where.paths, set.config.targets);
    const registry = values.offline ? {} : { registry: registryResolverFromEnv() };
    const judgement = await judgeTargets(files, engine, { ...registry, policySet: set });
    const findingsByPath = new Map(judgement.targets.map((t) => [t.path, t.findings]));
    const fixed = files.flatMap((file) => fixTarget(file, findingsByPath.get(file.path) ?? []) ?? []);
    const changed = fixed.filter((f) => f.after !== f.before);

    if (values.write) {
      const refused = new Map<string, string>();
      for (const file of changed) {
        const why = await writeInside(where.root, file.path, file.after);
        if (why) refused.set(file.path, why);
      }
      // The summary names files and quotes messages: on stdout here, so escaped as stderr is.
      if (!io.quiet || refused.size > 0)
        io.stdout(workflowSafe(summary(fixed, changed, judgement.errors, refused)));
      // A fix asked for and not made is a failure, not a quiet success.
      return refused.size > 0 ? EXIT.usage : EXIT.ok;
    }
    // The diff alone goes to stdout, so that it can be piped to `git apply`. Its file lines are
    // the files' own text and stay byte-exact for that; its header paths are C-quoted as git
    // quotes them (`"a/\033[2Jx"`), so a path puts no control character or line on the terminal.
    if (changed.length > 0) io.stdout(changed.map(gitDiff).join('').replace(/\n$/, ''));
    if (!io.quiet) io.stderr(summary(fixed, changed, judgement.errors, null));
    return EXIT.ok;
  },
};

function fixTarget(file: TargetFile, findings: readonly Finding[]): FixedFile | null {
  const fixes = findings.flatMap((f) => (f.fix ? [{ ...f.fix, rule_id: f.rule_id }] : []));
  if (fixes.length === 0 || !(file.content instanceof Uint8Array)) return null;
  const source = decodeSourceText(file.content);
  if (!source.ok) return null;
  // The judged text has no byte order mark; the file keeps the one it has.
  const bom =
    file.content[0] === 0xef && file.content[1] === 0xbb && file.content[2] === 0xbf ? '\uFEFF' : '';
  const result = applyFixes(source.text, fixes);
  return {
    path: file.path,
    before: bom + source.text,
    after: bom + result.content,
    applied: result.applied,
    skipped: result.skipped,
  };
}

function gitDiff(file: FixedFile): string {
  const patch = structuredPatch(`a/${file.path}`, `b/${file.path}`, file.before, file.after);
  return formatPatch({ ...patch, isGit: true });
}

/** `refused`: with --write, why each file that was not written was not (null without --write). */
function summary(
  fixed: readonly FixedFile[],
  changed: readonly FixedFile[],
  errors: readonly TargetError[],
  refused: ReadonlyMap<string, string> | null,
): string {
  const lines: string[] = [];
  const kept = fixed.filter((file) => !refused?.has(file.path));
  for (const file of fixed) {
    const why = refused?.get(file.path);
    if (why) {
      lines.push(`${plainLine(file.path)}: not written: ${plainLine(why)}`);
      continue;
    }
    const counts = [plural(file.applied.length, 'fix')];
    if (file.skipped.length > 0) counts.push(`${file.skipped.length} skipped`);
    lines.push(`${plainLine(file.path)}: ${counts.join(', ')}`);
    for (const { fix, reason } of file.skipped) {
      lines.push(`  line ${fix.line} ${plainLine(fix.rule_id)} skipped: ${plainLine(reason)}`);
    }
  }
  for (const error of errors) lines.push(`${plainLine(error.path)}: ${plainText(error.message)}`);
  const applied = kept.reduce((n, f) => n + f.applied.length, 0);
  const skipped = kept.reduce((n, f) => n + f.skipped.length, 0);
  const skippedNote = skipped > 0 ? `, ${skipped} skipped (run fix again to retry them)` : '';
  const notWrittenNote = refused?.size ? `; ${plural(refused.size, 'file')} not written` : '';
  if (applied + skipped === 0 && !notWrittenNote) lines.push('Nothing to fix.');
  else if (refused) {
    const written = changed.length - refused.size;
    lines.push(
      `${plural(written, 'file')} changed: ${plural(applied, 'fix')} applied${skippedNote}${notWrittenNote}.`,
    );
  } else {
    lines.push(
      `${plural(applied, 'fix')} for ${plural(changed.length, 'file')}${skippedNote}: apply with --write or git apply.`,
    );
  }
  return lines.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : noun.endsWith('x') ? 'es' : 's'}`;
}
