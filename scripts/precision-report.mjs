#!/usr/bin/env node
/**
 * Recall and precision per rule of the default pack on the precision corpus
 * (test/fixtures/dockerfiles-real): its findings are expected.json (which
 * test/policy/precision-corpus.test.ts holds equal to what the pack reports), the truth is
 * the hand-reviewed `# expect: PC-DF-001, PC-DF-003` comments in the files, each naming the
 * findings the next instruction deserves (anywhere on its lines). A finding no comment
 * expects is a false positive; a comment no finding answers, a false negative.
 *
 *   node scripts/precision-report.mjs [--details] [--markdown]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'dockerfiles-real');
const details = process.argv.includes('--details');
const markdown = process.argv.includes('--markdown');
const findings = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8'));

/**
 * The `# expect:` comments of a file, each with the line range of the instruction after it:
 * its backslash-continued lines, or its heredoc bodies up to their terminators.
 */
function expectations(text) {
  const lines = text.split('\n');
  const result = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^\s*#\s*expect:\s*(.+)$/.exec(lines[i]);
    if (!match) continue;
    let start = i + 1;
    while (start < lines.length && (/^\s*#/.test(lines[start]) || lines[start].trim() === '')) start++;
    let end = start;
    const terminators = [...(lines[start] ?? '').matchAll(/<<-?\s*["']?(\w+)["']?/g)].map((m) => m[1]);
    while (end < lines.length - 1 && /\\\s*$/.test(lines[end])) end++;
    for (const word of terminators) while (end < lines.length - 1 && lines[end].trim() !== word) end++;
    for (const rule of match[1]
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean)) {
      result.push({ rule, line: start + 1, end_line: end + 1 });
    }
  }
  return result;
}

const rules = new Map();
const row = (rule) => {
  if (!rules.has(rule)) rules.set(rule, { tp: 0, fp: 0, fn: 0, misses: [], extras: [] });
  return rules.get(rule);
};
const files = readdirSync(corpus)
  .filter((f) => f.endsWith('.Dockerfile'))
  .sort();
for (const file of files) {
  const wanted = expectations(readFileSync(join(corpus, file), 'utf8'));
  const got = (findings[file] ?? []).map((f) => {
    const [line, rule] = f.split(' ');
    return { line: Number(line), rule };
  });
  const answered = new Set();
  for (const finding of got) {
    const at = wanted.findIndex(
      (w, index) =>
        !answered.has(index) &&
        w.rule === finding.rule &&
        finding.line >= w.line &&
        finding.line <= w.end_line,
    );
    if (at >= 0) {
      answered.add(at);
      row(finding.rule).tp++;
    } else {
      row(finding.rule).fp++;
      row(finding.rule).extras.push(`${file}:${finding.line}`);
    }
  }
  wanted.forEach((w, index) => {
    if (answered.has(index)) return;
    row(w.rule).fn++;
    row(w.rule).misses.push(`${file}:${w.line}`);
  });
}

const percent = (n, d) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
const table = [...rules].sort(([a], [b]) => a.localeCompare(b));
const total = table.reduce((t, [, r]) => ({ tp: t.tp + r.tp, fp: t.fp + r.fp, fn: t.fn + r.fn }), {
  tp: 0,
  fp: 0,
  fn: 0,
});
if (markdown) {
  console.log('| Rule | Expected | Found | True positives | Precision | Recall |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [rule, r] of table)
    console.log(
      `| ${rule} | ${r.tp + r.fn} | ${r.tp + r.fp} | ${r.tp} | ${percent(r.tp, r.tp + r.fp)} | ${percent(r.tp, r.tp + r.fn)} |`,
    );
  console.log(
    `| all | ${total.tp + total.fn} | ${total.tp + total.fp} | ${total.tp} | ${percent(total.tp, total.tp + total.fp)} | ${percent(total.tp, total.tp + total.fn)} |`,
  );
} else {
  console.log(`${files.length} Dockerfiles`);
  console.log(`${'rule'.padEnd(12)} expected  found     tp  precision  recall`);
  for (const [rule, r] of [...table, ['all', total]]) {
    console.log(
      `${rule.padEnd(12)} ${String(r.tp + r.fn).padStart(8)} ${String(r.tp + r.fp).padStart(6)} ${String(r.tp).padStart(6)} ${percent(r.tp, r.tp + r.fp).padStart(10)} ${percent(r.tp, r.tp + r.fn).padStart(7)}`,
    );
  }
}
if (details) {
  for (const [rule, r] of table) {
    for (const at of r.extras) console.log(`false positive ${rule} ${at}`);
    for (const at of r.misses) console.log(`false negative ${rule} ${at}`);
  }
}
