/**
 * A built image's size by layer, head beside merge base: a markdown table with
 * proportional bars for the check run summary (GitHub renders tables everywhere, images of
 * charts would need hosting), and the same as text for `portcullis check --build`. The
 * Dockerfile lines whose layers grew the image are named under it.
 */
import type { ImageSummary } from '../core/judge.js';
import type { ImageLayerFacts } from '../input/policy-input.js';
import { markdownText } from './markdown.js';
import { plainLine } from './plain-text.js';

/** Bars are at most this many characters; a layer gets eighths of a character. */
const BAR_WIDTH = 16;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
/** Layers shown at most (the largest, in order); images of hundreds of layers stay readable. */
const MAX_ROWS = 30;

interface Row {
  index: number;
  head: ImageLayerFacts | null;
  base: ImageLayerFacts | null;
}

/** Decimal megabytes, as registries and `docker images` show sizes (and as the rules' messages do). */
export function megabytes(bytes: number): string {
  if (bytes < 100_000 && bytes > 0) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function signed(bytes: number): string {
  return bytes >= 0 ? `+${megabytes(bytes)}` : `-${megabytes(-bytes)}`;
}

function bar(bytes: number, largest: number): string {
  if (largest <= 0 || bytes <= 0) return '';
  const eighths = Math.max(1, Math.round((bytes / largest) * BAR_WIDTH * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

function rows(image: ImageSummary): { shown: Row[]; hidden: number; largest: number } {
  const base = image.base?.layers ?? [];
  const count = Math.max(image.head.layers.length, base.length);
  const all: Row[] = Array.from({ length: count }, (_, index) => ({
    index,
    head: image.head.layers[index] ?? null,
    base: base[index] ?? null,
  }));
  const weight = (row: Row) => Math.max(row.head?.size ?? 0, row.base?.size ?? 0);
  const largest = Math.max(0, ...all.map(weight));
  if (all.length <= MAX_ROWS) return { shown: all, hidden: 0, largest };
  const kept = new Set([...all].sort((a, b) => weight(b) - weight(a)).slice(0, MAX_ROWS));
  return { shown: all.filter((row) => kept.has(row)), hidden: all.length - MAX_ROWS, largest };
}

/**
 * Layers of the head's own Dockerfile lines that are larger than the base's layer at the
 * same position (or have none there): what the change added, largest first.
 */
export function grewTheImage(
  image: ImageSummary,
): { line: number; instruction: string | null; growth: number }[] {
  if (!image.base) return [];
  return rows(image)
    .shown.flatMap(({ head, base }) => {
      if (!head || head.in_base_image || head.line === null) return [];
      const growth = head.size - (base?.size ?? 0);
      // A few kilobytes of metadata in a layer that deletes files is not growth worth naming.
      return growth > 0 && growth >= (image.head.size ?? 0) / 100
        ? [{ line: head.line, instruction: head.instruction, growth }]
        : [];
    })
    .sort((a, b) => b.growth - a.growth)
    .slice(0, 5);
}

function headline(image: ImageSummary, text: (s: string) => string): string {
  const { head, base } = image;
  const parts = [
    `${megabytes(head.size ?? 0)} in ${head.layers.length} layer${head.layers.length === 1 ? '' : 's'}${
      base ? ` (base ${megabytes(base.size ?? 0)}, ${signed((head.size ?? 0) - (base.size ?? 0))})` : ''
    }`,
  ];
  if (head.efficiency !== null) {
    parts.push(
      `efficiency ${(head.efficiency * 100).toFixed(1)}%${base?.efficiency != null ? ` (base ${(base.efficiency * 100).toFixed(1)}%)` : ''}`,
    );
  }
  if (head.wasted_bytes !== null) parts.push(`${megabytes(head.wasted_bytes)} wasted`);
  if (head.packages_count) {
    const { total, os, language } = head.packages_count;
    const before = base?.packages_count
      ? `; base ${base.packages_count.total}, ${total - base.packages_count.total >= 0 ? '+' : ''}${total - base.packages_count.total}`
      : '';
    parts.push(`${total} packages (${os} OS, ${language} language${before})`);
  }
  return text(parts.join(' · '));
}

function step(layer: ImageLayerFacts | null): { line: string; instruction: string } {
  if (!layer) return { line: '', instruction: '' };
  if (layer.in_base_image) return { line: '', instruction: 'base image' };
  return { line: layer.line === null ? '' : String(layer.line), instruction: layer.instruction ?? '' };
}

/** The chart for the check run summary: every repository-supplied word escaped for markdown. */
export function layerChartMarkdown(image: ImageSummary): string {
  const { shown, hidden, largest } = rows(image);
  const compared = image.base !== null;
  const cell = (layer: ImageLayerFacts | null) =>
    layer
      ? `${megabytes(layer.size)} | ${bar(layer.size, largest)}${layer.wasted_bytes > 0 ? ` ⚠️ ${megabytes(layer.wasted_bytes)} wasted` : ''}`
      : ' | ';
  const out = [
    `**Image size by layer:** ${headline(image, markdownText)}`,
    '',
    compared ? '| # | Line | Step | Head | | Base | |' : '| # | Line | Step | Size | |',
    compared ? '| ---: | ---: | --- | ---: | --- | ---: | --- |' : '| ---: | ---: | --- | ---: | --- |',
  ];
  for (const row of shown) {
    const { line, instruction } = step(row.head ?? row.base);
    const head = cell(row.head);
    out.push(
      `| ${row.index} | ${line} | ${markdownText(instruction)} | ${head} |${compared ? ` ${cell(row.base)} |` : ''}`,
    );
  }
  if (hidden > 0) out.push('', `*${hidden} smaller layers not shown.*`);
  const grew = grewTheImage(image);
  if (grew.length > 0) {
    out.push(
      '',
      `Grew the image: ${grew.map((g) => `line ${g.line}${g.instruction ? ` (${markdownText(g.instruction)})` : ''} ${signed(g.growth)}`).join(', ')}.`,
    );
  }
  return out.join('\n');
}

/** The same chart as terminal text (each repository word made plain: no control characters). */
export function layerChartText(image: ImageSummary): string[] {
  const { shown, hidden, largest } = rows(image);
  const compared = image.base !== null;
  const cell = (layer: ImageLayerFacts | null) =>
    `${(layer ? megabytes(layer.size) : '-').padStart(9)} ${(layer ? bar(layer.size, largest) : '').padEnd(BAR_WIDTH)}`;
  const out = [
    `image: ${headline(image, plainLine)}`,
    `  ${'#'.padStart(3)}  ${'line'.padStart(4)}  ${'step'.padEnd(10)}  ${'head'.padStart(9)} ${''.padEnd(BAR_WIDTH)}${compared ? `  ${'base'.padStart(9)} ${''.padEnd(BAR_WIDTH)}` : ''}  wasted`.trimEnd(),
  ];
  for (const row of shown) {
    const { line, instruction } = step(row.head ?? row.base);
    const wasted = row.head && row.head.wasted_bytes > 0 ? megabytes(row.head.wasted_bytes) : '';
    out.push(
      `  ${String(row.index).padStart(3)}  ${line.padStart(4)}  ${plainLine(instruction).slice(0, 10).padEnd(10)}  ${cell(row.head)}${compared ? `  ${cell(row.base)}` : ''}  ${wasted}`.trimEnd(),
    );
  }
  if (hidden > 0) out.push(`  ${hidden} smaller layers not shown`);
  const grew = grewTheImage(image);
  if (grew.length > 0) {
    out.push(
      `grew the image: ${grew.map((g) => `line ${g.line}${g.instruction ? ` (${plainLine(g.instruction)})` : ''} ${signed(g.growth)}`).join(', ')}`,
    );
  }
  return out;
}
