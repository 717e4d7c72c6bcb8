import type { ImageHistoryEntry } from '../registry/image-config.js';
import { parseDockerfile } from '../targets/dockerfile/parse.js';
import { historyKeyword, mapHistory } from './history.js';

const step = (createdBy: string, emptyLayer = false): ImageHistoryEntry => ({
  created: null,
  createdBy,
  comment: null,
  emptyLayer,
});

describe('historyKeyword', () => {
  it.each([
    ['/bin/sh -c #(nop) ADD file:4ba5 in / ', 'ADD'],
    ['/bin/sh -c #(nop)  ENV A=b', 'ENV'],
    ['/bin/sh -c apk add --no-cache curl', 'RUN'],
    ['|2 TOKEN=x B=y /bin/sh -c make', 'RUN'],
    ['RUN /bin/sh -c make # buildkit', 'RUN'],
    ['COPY app /app # buildkit', 'COPY'],
    ['WORKDIR /app', 'WORKDIR'],
    ['ARG VERSION=1', 'ARG'],
    ['bazel build //:image', null],
    ['', null],
  ])('%s → %s', (text, keyword) => {
    expect(historyKeyword(text)).toBe(keyword);
  });
});

describe('mapHistory', () => {
  const dockerfile = parseDockerfile(
    [
      'FROM alpine:3.19 AS build', // 1
      'RUN apk add gcc', // 2
      'FROM build AS app', // 3
      'ENV TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', // 4
      'COPY app /app', // 5
      'RUN make \\', // 6
      '  install', // 7
      'USER app', // 8
      'FROM scratch AS other', // 9
      'COPY --from=app /app /app', // 10
    ].join('\n'),
  );
  const history = [
    step('/bin/sh -c #(nop) ADD file:alpine in / '), // base image
    step('/bin/sh -c #(nop)  CMD ["/bin/sh"]', true), // base image
    step('/bin/sh -c apk add gcc'),
    step('/bin/sh -c #(nop) ENV TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', true),
    step('/bin/sh -c #(nop) COPY dir:abc in /app '),
    step('/bin/sh -c make   install'),
    step('/bin/sh -c #(nop) USER app', true),
  ];

  it('maps the target stage chain (build → app) onto the newest steps, base-image steps before them', () => {
    const mapped = mapHistory(history, dockerfile, 'app');
    expect(
      mapped.map((m) => [m.index, m.keyword, m.line, m.end_line, m.in_base_image, m.layer_index]),
    ).toEqual([
      [0, null, null, null, true, 0],
      [1, null, null, null, true, null],
      [2, 'RUN', 2, 2, false, 1],
      [3, 'ENV', 4, 4, false, null],
      [4, 'COPY', 5, 5, false, 2],
      [5, 'RUN', 6, 7, false, 3],
      [6, 'USER', 8, 8, false, null],
    ]);
  });

  it('redacts secret values in created_by and names them', () => {
    const mapped = mapHistory(history, dockerfile, 'app');
    expect(mapped[3]).toMatchObject({ created_by: '/bin/sh -c #(nop) ENV TOKEN=***', secrets: ['TOKEN'] });
    expect(JSON.stringify(mapped)).not.toContain('ghp_');
  });

  it('reads BuildKit history, skips instructions that recorded no step, and knows scratch has no base steps', () => {
    const scratch = parseDockerfile(
      ['FROM scratch', 'ADD rootfs.tar /', 'LABEL a=b', 'COPY x /x', 'CMD ["/x"]'].join('\n'),
    );
    const mapped = mapHistory(
      [step('ADD rootfs.tar / # buildkit'), step('COPY x /x # buildkit'), step('CMD ["/x"]', true)],
      scratch,
    );
    expect(mapped.map((m) => [m.keyword, m.line, m.in_base_image])).toEqual([
      ['ADD', 2, false],
      ['COPY', 4, false],
      ['CMD', 5, false],
    ]);
  });

  it('maps nothing without a Dockerfile, and leaves unknown steps unmapped', () => {
    expect(mapHistory(history, null).every((m) => m.line === null && !m.in_base_image)).toBe(true);
  });
});
