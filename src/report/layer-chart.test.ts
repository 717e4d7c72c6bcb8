import type { BuiltImageSummary, ImageSummary } from '../core/judge.js';
import type { ImageLayerFacts } from '../input/policy-input.js';
import { grewTheImage, layerChartMarkdown, layerChartText, megabytes } from './layer-chart.js';

const layer = (
  index: number,
  size: number,
  line: number | null,
  instruction: string | null,
  wasted = 0,
): ImageLayerFacts => ({
  index,
  history_index: index,
  instruction,
  line,
  end_line: line,
  in_base_image: line === null,
  size,
  wasted_bytes: wasted,
  removed_by_layer: wasted > 0 ? index + 1 : null,
  removed_at_line: wasted > 0 && line !== null ? line + 1 : null,
});

const built = (layers: ImageLayerFacts[], extra: Partial<BuiltImageSummary> = {}): BuiltImageSummary => ({
  size: layers.reduce((sum, l) => sum + l.size, 0),
  layers,
  efficiency: 0.5,
  wasted_bytes: layers.reduce((sum, l) => sum + l.wasted_bytes, 0),
  packages_count: { total: 120, os: 100, language: 20 },
  ...extra,
});

const image: ImageSummary = {
  head: built([
    layer(0, 8_000_000, null, null),
    layer(1, 80_000_000, 3, 'RUN', 60_000_000),
    layer(2, 4_000_000, 5, 'COPY'),
  ]),
  base: built([layer(0, 8_000_000, null, null), layer(1, 4_000_000, 3, 'COPY')], {
    efficiency: 1,
    packages_count: { total: 90, os: 80, language: 10 },
  }),
};

describe('layerChartMarkdown', () => {
  it('puts head and base side by side with bars in proportion to the largest layer', () => {
    const chart = layerChartMarkdown(image);
    expect(chart.split('\n')).toEqual([
      '**Image size by layer:** 92.0 MB in 3 layers \\(base 12.0 MB, \\+80.0 MB\\) · efficiency 50.0% \\(base 100.0%\\) · 60.0 MB wasted · 120 packages \\(100 OS, 20 language; base 90, \\+30\\)',
      '',
      '| # | Line | Step | Head | | Base | |',
      '| ---: | ---: | --- | ---: | --- | ---: | --- |',
      '| 0 |  | base image | 8.0 MB | █▋ | 8.0 MB | █▋ |',
      '| 1 | 3 | RUN | 80.0 MB | ████████████████ ⚠️ 60.0 MB wasted | 4.0 MB | ▊ |',
      '| 2 | 5 | COPY | 4.0 MB | ▊ |  |  |',
      '',
      'Grew the image: line 3 (RUN) +76.0 MB, line 5 (COPY) +4.0 MB.',
    ]);
  });

  it('escapes what the Dockerfile wrote (a keyword the history could not confirm is taken from the file)', () => {
    const hostile = '@octocat|<img src=x>[x](https://e.x)\u001b[31m';
    const chart = layerChartMarkdown({ head: built([layer(0, 1_000_000, 1, hostile)]), base: null });
    const row = chart.split('\n').find((l) => l.startsWith('| 0 |')) as string;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
    expect(chart).not.toMatch(/<img|@octocat|\]\(https:\/\//);
    expect(chart).not.toContain('\u001b');
    expect(chart).toContain('@\u200boctocat\\|&lt;img');
  });

  it('shows the 30 largest layers of a long image, in order, and says how many are left out', () => {
    const many = Array.from({ length: 40 }, (_, i) => layer(i, (i + 1) * 1_000_000, i + 2, 'RUN'));
    const chart = layerChartMarkdown({ head: built(many), base: null });
    const rows = chart.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(30);
    expect(rows[0]).toMatch(/^\| 10 \| 12 \| RUN \| 11\.0 MB/);
    expect(chart).toContain('*10 smaller layers not shown.*');
    // Without a base there is nothing to have grown from.
    expect(chart).not.toContain('Grew the image');
  });
});

describe('layerChartText', () => {
  it('aligns the same columns as plain text, without control characters', () => {
    const lines = layerChartText({
      ...image,
      head: built([...image.head.layers.slice(0, 2), layer(2, 4_000_000, 5, 'CO\u001b[2JPY')]),
    });
    expect(lines[0]).toBe(
      'image: 92.0 MB in 3 layers (base 12.0 MB, +80.0 MB) · efficiency 50.0% (base 100.0%) · 60.0 MB wasted · 120 packages (100 OS, 20 language; base 90, +30)',
    );
    expect(lines.slice(1, 5)).toEqual([
      '    #  line  step             head                        base                   wasted',
      '    0        base image     8.0 MB █▋                   8.0 MB █▋',
      '    1     3  RUN           80.0 MB ████████████████     4.0 MB ▊                 60.0 MB',
      '    2     5  COPY           4.0 MB ▊                         -',
    ]);
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines[5]).toBe('grew the image: line 3 (RUN) +76.0 MB, line 5 (COPY) +4.0 MB');
  });
});

describe('grewTheImage and megabytes', () => {
  it('names the lines whose layers outgrew the base, largest first, ignoring crumbs', () => {
    const crumbs = { ...image, head: built([...image.head.layers, layer(3, 900, 7, 'RUN')]) };
    expect(grewTheImage(crumbs).map((g) => g.line)).toEqual([3, 5]);
    expect([megabytes(0), megabytes(1500), megabytes(50_000_000)]).toEqual(['0.0 MB', '1.5 kB', '50.0 MB']);
  });
});
