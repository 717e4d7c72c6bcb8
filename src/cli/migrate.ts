/**
 * `portcullis migrate hadolint [FILE]`: a repository's `.hadolint.yaml` as settings of
 * `.github/portcullis.yml`, each reported (mapped, kept, or why not), shown as a diff of the
 * configuration or written with --write, as `portcullis fix` does with its fixes.
 */
import { lstat, mkdir, open, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { formatPatch, structuredPatch } from 'diff';
import { CONFIG_PATH } from '../config/configuration.js';
import { peerRuleMap } from '../docs/rule-catalog.js';
import { compilePolicy } from '../policy/compile.js';
import { plainLine, workflowSafe } from '../report/plain-text.js';
import { writeInside } from '../repository/path.js';
import { type CliCommand, type CliIO, EXIT, formatOption, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';
import { assertWritable, locateFiles } from './locate.js';
import {
  type HadolintMigration,
  type MigrationItem,
  migrateHadolint,
  parseHadolintConfig,
} from './migrate-hadolint.js';
import { cliPolicySet } from './policy-context.js';

/** Where Hadolint looks in a repository, in its order. */
const HADOLINT_FILES = ['.hadolint.yaml', '.hadolint.yml'];
/** A `.hadolint.yaml` is a few hundred bytes; anything past this is not one. */
const MAX_HADOLINT_BYTES = 1 << 20;

export const migrateCommand: CliCommand = {
  name: 'migrate',
  async run(args, io) {
    const [tool, ...rest] = args;
    if (tool !== 'hadolint')
      throw new UsageError(
        tool === undefined
          ? 'migrate needs a tool: hadolint'
          : `cannot migrate from "${tool}" (only hadolint)`,
      );
    return migrateHadolintCommand(rest, io);
  },
};

async function migrateHadolintCommand(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(args, COMMAND_TABLE.migrate.subcommands.hadolint.options);
  const format = formatOption(values.format, ['text', 'json']);
  if (values.write && values['dry-run']) throw new UsageError('--write and --dry-run exclude each other');
  if (positionals.length > 1)
    throw new UsageError(`migrate hadolint takes one FILE (got ${positionals.length})`);
  const where = locateFiles(values.repo, positionals);
  if (values.write) {
    try {
      assertWritable(values.repo, where);
    } catch (error) {
      throw new UsageError((error as Error).message.replace('fix --write', 'migrate hadolint --write'));
    }
  }
  const source = positionals[0] !== undefined ? resolve(positionals[0]) : await findHadolintFile(where.root);
  const shownSource = relative(resolve('.'), source) || source;
  const hadolint = parseHadolintConfig(await readLimited(source), shownSource);

  const set = await cliPolicySet(where, undefined);
  const peers = peerRuleMap(Object.values((await compilePolicy(set.bundle)).rules));
  const configFile = join(where.root, CONFIG_PATH);
  const existing = await readFile(configFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const migration = migrateHadolint(hadolint, existing, peers);

  let refused: string | null = null;
  if (values.write && migration.changed)
    refused = await writeConfig(where.root, migration.config, existing !== null);
  const written = values.write === true && migration.changed && refused === null;
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          source: shownSource,
          target: CONFIG_PATH,
          written,
          ...(refused ? { refused } : {}),
          items: migration.items,
          config: migration.config,
        },
        null,
        2,
      ),
    );
  } else {
    const report = textReport(shownSource, migration, values.write === true, refused);
    if (values.write) io.stdout(workflowSafe(report));
    else {
      // As `fix`: the diff alone on stdout (for git apply), the report on stderr.
      if (migration.changed) io.stdout(configDiff(existing ?? '', migration.config));
      if (!io.quiet) io.stderr(report);
    }
  }
  return refused ? EXIT.usage : EXIT.ok;
}

async function findHadolintFile(root: string): Promise<string> {
  for (const name of HADOLINT_FILES) {
    const path = join(root, name);
    if (
      await stat(path).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return path;
  }
  throw new UsageError(`no ${HADOLINT_FILES.join(' or ')} in ${root}: name the file`);
}

async function readLimited(path: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`${path}: not a readable file`);
  if (info.size > MAX_HADOLINT_BYTES)
    throw new UsageError(`${path}: ${info.size} bytes is more than a Hadolint configuration holds`);
  return readFile(path, 'utf8');
}

/** The configuration written inside the repository, never through a link; null once written, else why not. */
async function writeConfig(root: string, text: string, exists: boolean): Promise<string | null> {
  if (exists) return writeInside(root, CONFIG_PATH, text);
  const real = await realpath(root);
  const folder = join(real, '.github');
  const info = await lstat(folder).catch(() => null);
  if (info && !info.isDirectory()) return '.github is not a folder (a link or a file)';
  if (!info) await mkdir(folder);
  // `wx`: a file (or link) that appeared since the check is never written through.
  const file = await open(join(folder, 'portcullis.yml'), 'wx').catch(
    (error: NodeJS.ErrnoException) => error,
  );
  if (!('writeFile' in file)) return `not created: ${file.code ?? file.message}`;
  try {
    await file.writeFile(text);
    return null;
  } finally {
    await file.close();
  }
}

function configDiff(before: string, after: string): string {
  const patch = structuredPatch(`a/${CONFIG_PATH}`, `b/${CONFIG_PATH}`, before, after);
  return formatPatch({ ...patch, isGit: true }).replace(/\n$/, '');
}

const MARK: Record<MigrationItem['status'], string> = {
  mapped: '→',
  kept: '= kept',
  partial: '~ not changed',
  unmapped: '✗ unmapped',
  'not-applicable': '· not needed',
  invalid: '! invalid',
};

/** One line per item; every value from the file escaped (it is the repository's text). */
function textReport(
  source: string,
  migration: HadolintMigration,
  write: boolean,
  refused: string | null,
): string {
  const lines = [`${plainLine(source)} → ${CONFIG_PATH}`];
  for (const item of migration.items) {
    const what = [item.key, item.value].filter(Boolean).map(plainLine).join(' ');
    const target = item.target ? ` ${plainLine(item.target)}` : '';
    lines.push(`  ${what} ${MARK[item.status]}${target}${item.note ? ` (${plainLine(item.note)})` : ''}`);
  }
  const count = (status: MigrationItem['status']) =>
    migration.items.filter((i) => i.status === status).length;
  const unmapped = count('unmapped') + count('partial') + count('invalid');
  const tally = `${count('mapped')} mapped, ${count('kept')} kept, ${unmapped} not migrated`;
  if (refused) lines.push(`${tally}; ${CONFIG_PATH} not written: ${plainLine(refused)}.`);
  else if (!migration.changed) lines.push(`${tally}; ${CONFIG_PATH} needs no change.`);
  else lines.push(write ? `${tally}; ${CONFIG_PATH} written.` : `${tally}: apply with --write or git apply.`);
  return lines.join('\n');
}
