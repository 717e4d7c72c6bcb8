/**
 * How long `portcullis check` takes on a manifest referencing one image when the image is
 * pulled and scanned, and when its verified SBOM attestation is scanned instead: each run a
 * whole, cold CLI process (`node bin/portcullis.js check --format json`), as a user runs it.
 *
 *   npm run -s bench:compile && node bench/sbom-scan.mjs [--runs 5] [--mib 64] [--json]
 *
 * Two images of the same Alpine packages plus `--mib` MiB of incompressible data (a
 * stand-in for an application layer), on Debian's `docker-registry` on 127.0.0.1: one
 * attested with an SPDX SBOM by the real `cosign attest` (key in the trust policy), the
 * other not. Both runs have the same trust policy, so both verify signatures and
 * attestations; what differs is the pull and the scan. The fixture OSV database keeps
 * osv-scanner offline. The registry is stopped and the folder removed at the end.
 *
 * It measures dist/ (compiled src/): run `npm run -s bench:compile` (or `npm run build`) first.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { ALPINE_VULNERABILITIES, alpineRootfs, writeOsvDatabase } from '../dist/demo/fixture-images.js';
import { pushImage, startLocalRegistry } from '../dist/demo/registry.js';

const run = promisify(execFile);
const root = resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const mib = Number(values.mib);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(mib) || mib < 0)
  throw new Error('--runs must be a positive integer and --mib a whole number');

const PACKAGES = [
  { name: 'musl', version: '1.2.4-r2' },
  { name: 'busybox', version: '1.36.1-r15' },
];
const spdx = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'acme/app',
  documentNamespace: 'https://portcullis.invalid/spdx/acme-app',
  creationInfo: { created: '2024-05-01T00:00:00Z', creators: ['Tool: syft-1.4.1'] },
  packages: PACKAGES.map(({ name, version }) => ({
    SPDXID: `SPDXRef-Package-apk-${name}`,
    name,
    versionInfo: version,
    downloadLocation: 'NOASSERTION',
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: `pkg:apk/alpine/${name}@${version}?arch=x86_64&distro=alpine-3.19.1`,
      },
    ],
  })),
};

const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-sbom-'));
const log = (text) => process.stderr.write(`${text}\n`);
let registry;
try {
  mkdirSync(join(dir, 'registry'));
  registry = await startLocalRegistry(join(dir, 'registry'));
  const database = writeOsvDatabase(join(dir, 'osv'), ALPINE_VULNERABILITIES);
  // Base64 of random bytes: gzip saves a quarter of it at most, as with real binaries.
  const payload = randomBytes(Math.ceil((mib * 1024 * 1024 * 3) / 4)).toString('base64');
  const image = (id) => ({
    layers: [alpineRootfs(PACKAGES), { 'app/payload.b64': payload, 'app/id': id }],
    created: '2024-05-01T00:00:00Z',
  });
  log(`pushing two images of ${mib} MiB to ${registry.host}…`);
  const attested = `${registry.host}/acme/attested@${await pushImage(registry.host, 'acme/attested', '1.0', image('a'))}`;
  const plain = `${registry.host}/acme/plain@${await pushImage(registry.host, 'acme/plain', '1.0', image('p'))}`;

  const cosignEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    COSIGN_PASSWORD: '',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: `127.0.0.1,localhost,${registry.host}`,
  };
  const cosign = (args) => run(join(root, 'tools', 'bin', 'cosign'), args, { env: cosignEnv, cwd: dir });
  await cosign(['generate-key-pair', '--output-key-prefix', join(dir, 'release')]);
  writeFileSync(join(dir, 'sbom.spdx.json'), JSON.stringify(spdx));
  await cosign([
    'attest',
    '--key',
    join(dir, 'release.key'),
    '--predicate',
    join(dir, 'sbom.spdx.json'),
    '--type',
    'spdxjson',
    '--tlog-upload=false',
    '--allow-insecure-registry',
    '--new-bundle-format',
    '--yes',
    attested,
  ]);
  writeFileSync(
    join(dir, 'trust.yaml'),
    `policies:\n  - images: ["${registry.host}/acme/**"]\n    keys: [${join(dir, 'release.pub')}]\n`,
  );

  /** A git repository whose one manifest references `ref`. */
  const repository = async (name, ref) => {
    const repo = join(dir, name);
    mkdirSync(repo);
    await run('git', ['init', '--quiet', repo]);
    writeFileSync(
      join(repo, 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: ${ref}\n`,
    );
    return repo;
  };
  const paths = { sbom: await repository('sbom', attested), image: await repository('image', plain) };
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    PORTCULLIS_INSECURE_REGISTRIES: registry.host,
    PORTCULLIS_SCAN_REFERENCES: '1',
    PORTCULLIS_OSV_DB: database,
    PORTCULLIS_TRUST_POLICY: join(dir, 'trust.yaml'),
  };
  /** One cold `portcullis check`; its wall time, and the source and findings it reports. */
  const check = async (repo) => {
    const started = performance.now();
    const result = await run(
      process.execPath,
      [join(root, 'bin', 'portcullis.js'), 'check', '--format', 'json', repo],
      {
        env,
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error) => error); // exit 1: the check fails (a vulnerability, an unpinned tag)
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(result.stdout);
    const vulnerabilities = report.findings.filter((f) => f.rule_id === 'PC-IMG-011').length;
    return { seconds, vulnerabilities };
  };

  const times = { sbom: [], image: [] };
  const found = {};
  for (let round = 1; round <= runs; round++) {
    // Alternated, so that a slow moment of the machine does not fall on one path only.
    for (const path of round % 2 ? ['image', 'sbom'] : ['sbom', 'image']) {
      const { seconds, vulnerabilities } = await check(paths[path]);
      times[path].push(seconds);
      found[path] = vulnerabilities;
      log(`round ${round} ${path}: ${seconds.toFixed(2)} s`);
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const summary = {
    image_mib: mib,
    runs,
    pull_and_scan_image_s: Number(median(times.image).toFixed(3)),
    scan_sbom_s: Number(median(times.sbom).toFixed(3)),
    findings: found,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `portcullis check, one referenced image of ${mib} MiB + Alpine, median of ${runs} cold processes:\n` +
        `  pull and scan the image   ${summary.pull_and_scan_image_s.toFixed(2)} s\n` +
        `  scan its SBOM attestation ${summary.scan_sbom_s.toFixed(2)} s\n`,
    );
  }
} finally {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
}
