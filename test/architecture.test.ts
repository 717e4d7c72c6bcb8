/**
 * The layers of src/ point one way (issue #12, docs in the README's Architecture table): the
 * import graph, type imports and dynamic `import()` included, has no cycle, and every import
 * from one module (a folder of src/, or a file at its root) to another points to a lower layer.
 * A cycle or an upward arrow means a type or a function lives in the wrong folder: move it
 * down, do not add an exception here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve('src');

/**
 * Bottom first. A module may import modules of lower layers only, never one of its own layer
 * or above: modules of one layer are peers that know nothing of each other.
 */
const LAYERS: readonly { modules: readonly string[]; why: string }[] = [
  { modules: ['settings.ts'], why: 'the environment, read and validated once' },
  {
    modules: ['errors.ts', 'schema', 'metrics.ts'],
    why: 'pure helpers: error text, JSON checked against a schema, the names of what the service measures',
  },
  { modules: ['child-process.ts'], why: "Node's child_process, loaded when the first process starts" },
  {
    modules: ['git.ts', 'tools.ts', 'tool-process.ts', 'cache'],
    why: 'the host: git, where tools are, running a builder or scanner, the disk cache',
  },
  { modules: ['image'], why: 'image references per the distribution grammar' },
  { modules: ['input'], why: 'the policy input contract: types, version; users write Rego against it' },
  {
    modules: ['repository'],
    why: 'a repository at a commit: its snapshot, paths inside it, its files as text',
  },
  {
    modules: ['config', 'operator-file.ts'],
    why: "the repository's .github/portcullis.yml; files the operator names (keys, trust policies)",
  },
  {
    modules: ['registry', 'targets'],
    why: 'the OCI distribution client; extractors that find targets and references in files',
  },
  { modules: ['signatures', 'scan'], why: 'cosign verification; image archives, history and osv-scanner' },
  { modules: ['build'], why: 'buildah and docker buildx builders' },
  { modules: ['facts'], why: 'fact gatherers: each returns what it found about targets and images' },
  {
    modules: ['policy'],
    why: 'policy sets, compilation and pure evaluation in the sandbox; knows nothing of core',
  },
  { modules: ['fix'], why: "composing findings' fixes into files" },
  {
    modules: ['core'],
    why: 'the pipeline: targets, then facts merged in one place, then policy, then decisions; impact',
  },
  { modules: ['report', 'docs'], why: 'renderers of decisions; generated docs (rule catalog, settings)' },
  {
    modules: ['queue'],
    why: 'jobs as data, and the durable queue that holds them (SQLite or BullMQ on Redis)',
  },
  {
    modules: ['github', 'cli', 'api.ts'],
    why: "the adapters: the GitHub App, the command line, the package's programmatic API",
  },
  {
    modules: ['demo'],
    why: "the demo: the App's check of a pull request, on a local repository with a loopback registry",
  },
  {
    modules: ['action'],
    why: "the GitHub Action: the App's check of a pull request with a workflow's token, a checked-out repository judged as the CLI judges it",
  },
  { modules: ['index.ts'], why: 'Probot wiring' },
  {
    modules: ['service'],
    why: 'the running service: roles, the worker loop, health and metrics, graceful shutdown',
  },
  { modules: ['main.ts'], why: '`npm start`' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Paths relative to src/, forward slashes. */
const files = sourceFiles(SRC).map((path) => relative(SRC, path).split(sep).join('/'));
const known = new Set(files);

/** Every relative import of every source file, resolved to the file it names. */
const imports = new Map<string, string[]>(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) =>
        relative(SRC, resolve(SRC, dirname(file), specifier.replace(/\.js$/, '.ts')))
          .split(sep)
          .join('/'),
      );
    return [file, targets];
  }),
);

const moduleOf = (file: string) => file.split('/')[0] as string;
const layerOf = new Map(LAYERS.flatMap((layer, rank) => layer.modules.map((m) => [m, rank] as const)));

/** One cycle through the file graph, as a path that ends where it starts; null when there is none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe('the import graph of src/', () => {
  it('is read: every source file is found and every relative import names one of them', () => {
    expect(files.length).toBeGreaterThan(100);
    const dangling = [...imports].flatMap(([file, targets]) =>
      targets.filter((t) => !known.has(t)).map((t) => `${file} -> ${t}`),
    );
    expect(dangling).toEqual([]);
  });

  it('places every module of src/ in exactly one layer', () => {
    const declared = LAYERS.flatMap((layer) => layer.modules);
    expect(declared.filter((m, i) => declared.indexOf(m) !== i)).toEqual([]);
    const unplaced = [...new Set(files.map(moduleOf))].filter((m) => !layerOf.has(m));
    expect(unplaced).toEqual([]);
  });

  it('has no cycle, not even through type imports', () => {
    expect(findCycle(imports)?.join(' -> ') ?? null).toBeNull();
  });

  it('points down the layers: a module imports only modules of lower layers', () => {
    const upward = [...imports].flatMap(([file, targets]) =>
      targets
        .filter((target) => moduleOf(target) !== moduleOf(file))
        .filter((target) => (layerOf.get(moduleOf(target)) ?? 0) >= (layerOf.get(moduleOf(file)) ?? 0))
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('finds a cycle and names its path when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycle(graph)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(findCycle(new Map([['a.ts', ['b.ts']]]))).toBeNull();
  });
});
