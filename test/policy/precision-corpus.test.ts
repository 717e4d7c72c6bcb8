/**
 * The precision corpus (issue #13 item 5): the default pack judges every Dockerfile of
 * test/fixtures/dockerfiles-real as `portcullis check --offline` does, and its findings
 * (rule and line) must be exactly those of expected.json, so that a change in any rule's
 * behaviour shows as a diff of that file in review. `UPDATE_EXPECTED=1` rewrites it;
 * `node scripts/precision-report.mjs` scores it against the files' `# expect:` comments.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { PROJECT_ROOT } from '../../src/tools.js';

const CORPUS = join(PROJECT_ROOT, 'test', 'fixtures', 'dockerfiles-real');
const EXPECTED = join(CORPUS, 'expected.json');

/** File name → `LINE RULE` strings, in line then rule order. */
type Findings = Record<string, string[]>;

interface JsonReport {
  findings: { path: string; rule_id: string; line: number }[];
  errors: { path: string; message: string }[];
}

async function judgeCorpus(): Promise<{ findings: Findings; errors: string[] }> {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.Dockerfile'))
    .sort();
  const out: string[] = [];
  const err: string[] = [];
  // In a folder of no configuration of its own: the built-in pack with its defaults, offline.
  const status = await runCli(
    ['check', '--offline', '--format', 'json', '--repo', CORPUS, ...files.map((f) => join(CORPUS, f))],
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t), color: false },
  );
  if (status === 2) throw new Error(`check failed: ${err.join('\n')}`);
  const report = JSON.parse(out.join('\n')) as JsonReport;
  const byFile = new Map<string, { line: number; rule: string }[]>(files.map((f) => [f, []]));
  for (const f of report.findings) byFile.get(basename(f.path))?.push({ line: f.line, rule: f.rule_id });
  const findings: Findings = {};
  for (const [file, list] of byFile) {
    findings[file] = list
      .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule))
      .map((f) => `${f.line} ${f.rule}`);
  }
  return { findings, errors: report.errors.map((e) => `${e.path}: ${e.message}`) };
}

/** `+ file:line RULE` for a finding not expected, `- …` for one expected and missing. */
function difference(expected: Findings, actual: Findings): string[] {
  const lines: string[] = [];
  for (const file of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const want = new Set(expected[file] ?? []);
    const got = new Set(actual[file] ?? []);
    for (const f of got) if (!want.has(f)) lines.push(`+ ${file}:${f} (new finding)`);
    for (const f of want) if (!got.has(f)) lines.push(`- ${file}:${f} (finding gone)`);
  }
  return lines;
}

describe('precision corpus: test/fixtures/dockerfiles-real', () => {
  let judged: { findings: Findings; errors: string[] };
  beforeAll(async () => {
    judged = await judgeCorpus();
  }, 60_000);

  test('holds at least 300 Dockerfiles, every one judged without an error', () => {
    expect(Object.keys(judged.findings).length).toBeGreaterThanOrEqual(300);
    expect(judged.errors).toEqual([]);
  });

  test("the default pack's findings are exactly expected.json", () => {
    if (process.env.UPDATE_EXPECTED === '1') {
      writeFileSync(EXPECTED, `${JSON.stringify(judged.findings, null, 1)}\n`);
    }
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Findings;
    const diff = difference(expected, judged.findings);
    if (diff.length > 0) {
      throw new Error(
        `${diff.length} findings differ from expected.json (review them; UPDATE_EXPECTED=1 rewrites it):\n${diff.slice(0, 200).join('\n')}`,
      );
    }
  });
});
