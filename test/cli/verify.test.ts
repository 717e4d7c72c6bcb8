/**
 * `portcullis verify` and `portcullis check` with a trust policy, end to end: images pushed
 * to a real registry on 127.0.0.1, signed (or not) by the real cosign without a
 * transparency log.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resetSettings } from '../../src/settings.js';
import { githubProvenance } from '../support/attestations.js';
import { cli } from '../support/cli.js';
import { type CosignKeyPair, type CosignWorkspace, cosignWorkspace } from '../support/cosign.js';
import { pushImage, startRegistry, type TestRegistry } from '../support/registry.js';

const run = promisify(execFile);
let registry: TestRegistry;
let cosign: CosignWorkspace;
let trusted: CosignKeyPair;
let other: CosignKeyPair;
/** `host/acme/<name>:1.0` pushed, and signed as the name says. */
const images: Record<'bundle' | 'sig' | 'unsigned' | 'other', { ref: string; digest: string }> = {} as never;
let policyFile: string;

beforeAll(async () => {
  [registry, cosign] = await Promise.all([startRegistry(), cosignWorkspace()]);
  [trusted, other] = await Promise.all([cosign.generateKeyPair('trusted'), cosign.generateKeyPair('other')]);
  for (const name of ['bundle', 'sig', 'unsigned', 'other'] as const) {
    const { digest } = await pushImage(registry, `acme/${name}`, '1.0', { layers: [{ 'name.txt': name }] });
    images[name] = { ref: `${registry.host}/acme/${name}:1.0`, digest };
  }
  const at = (name: keyof typeof images) => `${registry.host}/acme/${name}@${images[name].digest}`;
  await Promise.all([
    cosign.sign(at('bundle'), trusted, 'bundle'),
    cosign.sign(at('sig'), trusted, 'simplesigning'),
    cosign.sign(at('other'), other, 'bundle'),
  ]);
  policyFile = join(cosign.dir, 'trust-policy.yaml');
  await writeFile(
    policyFile,
    [
      'policies:',
      `  - images: ["127.0.0.1:*/acme/**"]`,
      '    keys: [trusted.pub]', // relative to this file
      'unmatched: warn',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  delete process.env.PORTCULLIS_TRUST_POLICY;
  delete process.env.PORTCULLIS_INSECURE_REGISTRIES;
  resetSettings();
  await Promise.all([registry?.stop(), cosign?.close()]);
});

describe('portcullis verify', () => {
  const insecure = () => ['--insecure-registry', registry.host];

  it('exits 0 for an image signed with the key, in either format', async () => {
    const bundle = await cli('verify', images.bundle.ref, '--key', trusted.publicKey, ...insecure());
    expect(bundle).toMatchObject({ code: 0, stderr: '' });
    expect(bundle.stdout).toMatch(
      new RegExp(
        `^Verified: ${images.bundle.ref.replace(/\./g, '\\.')} \\(${images.bundle.digest}\\) is signed by sha256:[0-9a-f]{64}, Sigstore bundle\\.$`,
      ),
    );
    const sig = await cli(
      'verify',
      images.sig.ref,
      '--key',
      trusted.publicKey,
      ...insecure(),
      '--format',
      'json',
    );
    expect(sig.code).toBe(0);
    expect(JSON.parse(sig.stdout)).toMatchObject({
      image: images.sig.ref,
      digest: images.sig.digest,
      verified: true,
      reason: null,
      policy: '--key',
      signatures: [{ verified: true, format: 'simplesigning', digest: images.sig.digest, error: null }],
    });
  });

  it('exits 1 with the reason for an unsigned image and for another key', async () => {
    const unsigned = await cli('verify', images.unsigned.ref, '--key', trusted.publicKey, ...insecure());
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toBe(
      `Not verified: ${images.unsigned.ref} (${images.unsigned.digest}): unsigned: the image has no cosign or Notation signature (Docker Content Trust signatures are not read: DCT is retired).`,
    );
    const wrong = await cli('verify', images.other.ref, '--key', trusted.publicKey, ...insecure());
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      ': wrong key or signer.\n  Sigstore bundle: wrong key or signer: the signature verifies with none of the keys',
    );
  });

  it('uses the trust policy from PORTCULLIS_TRUST_POLICY when no --key is given', async () => {
    process.env.PORTCULLIS_TRUST_POLICY = policyFile;
    resetSettings();
    try {
      expect((await cli('verify', images.sig.ref, ...insecure())).code).toBe(0);
      const json = JSON.parse(
        (await cli('verify', images.other.ref, ...insecure(), '--format', 'json')).stdout,
      );
      expect(json).toMatchObject({
        verified: false,
        policy: '127.0.0.1:*/acme/**',
        reason: 'wrong key or signer',
      });
      const uncovered = await cli('verify', `${registry.host}/elsewhere/app:1.0`, ...insecure());
      expect(uncovered).toMatchObject({ code: 1 });
      expect(uncovered.stdout).toContain(
        `no trust policy in PORTCULLIS_TRUST_POLICY covers ${registry.host}/elsewhere/app`,
      );
    } finally {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    }
  });

  it('exits 1 when the image cannot be looked up', async () => {
    const missing = await cli(
      'verify',
      `${registry.host}/acme/missing:1.0`,
      '--key',
      trusted.publicKey,
      ...insecure(),
    );
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('the image could not be looked up: Registry');
  });

  it('exits 2 without a signer, with a bad key file or a bad trust policy', async () => {
    expect((await cli('verify', images.sig.ref, ...insecure())).code).toBe(2);
    const badKey = await cli('verify', images.sig.ref, '--key', join(cosign.dir, 'nope.pub'));
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('cannot read the key file');
    const broken = join(cosign.dir, 'broken.yaml');
    await writeFile(broken, 'policies:\n  - images: ["x/**"]\n');
    process.env.PORTCULLIS_TRUST_POLICY = broken;
    resetSettings();
    try {
      const result = await cli('verify', images.sig.ref, ...insecure());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('policies[0]: name the signers');
    } finally {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    }
  });
});

describe('portcullis verify with a provenance requirement', () => {
  const hosted = 'https://github.com/actions/runner/github-hosted';
  let built: { ref: string; digest: string };
  let elsewhere: { ref: string; digest: string };
  let provenancePolicy: string;

  beforeAll(async () => {
    for (const [name, builder, format] of [
      ['built', hosted, 'dsse'],
      ['elsewhere', 'https://ci.example.com/untrusted-builder', 'bundle'],
    ] as const) {
      const { digest } = await pushImage(registry, `acme/${name}`, '1.0', { layers: [{ 'name.txt': name }] });
      const at = `${registry.host}/acme/${name}@${digest}`;
      await cosign.sign(at, trusted, 'bundle');
      await cosign.attest(at, trusted, {
        predicate: githubProvenance(builder),
        type: 'slsaprovenance1',
        format,
      });
      if (name === 'built') built = { ref: `${registry.host}/acme/${name}:1.0`, digest };
      else elsewhere = { ref: `${registry.host}/acme/${name}:1.0`, digest };
    }
    provenancePolicy = join(cosign.dir, 'provenance-policy.yaml');
    await writeFile(
      provenancePolicy,
      [
        'policies:',
        `  - images: ["127.0.0.1:*/acme/**"]`,
        '    keys: [trusted.pub]',
        'provenance:',
        '  builders: ["https://github.com/actions/runner/*"]',
        '  source_repositories: ["https://github.com/acme/*"]',
        '',
      ].join('\n'),
    );
  });

  async function verify(image: string, ...rest: string[]) {
    process.env.PORTCULLIS_TRUST_POLICY = provenancePolicy;
    resetSettings();
    try {
      return await cli('verify', image, '--insecure-registry', registry.host, ...rest);
    } finally {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    }
  }

  it('exits 0 for provenance from an allowed builder, and lists signatures and attestations', async () => {
    const text = await verify(built.ref);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `  attestation https://slsa.dev/provenance/v1 (.att DSSE envelope): verified, signed by sha256:`,
    );
    expect(text.stdout).toContain(`, built by ${hosted} from https://github.com/acme/web@refs/tags/v1.2.0`);
    const json = JSON.parse((await verify(built.ref, '--format', 'json')).stdout);
    expect(json).toMatchObject({
      verified: true,
      reason: null,
      requirements: { provenance: { builders: ['https://github.com/actions/runner/*'] }, sbom: false },
      signatures: [{ kind: 'cosign', verified: true, format: 'bundle' }],
      attestations: [
        {
          kind: 'attestation',
          predicate_type: 'https://slsa.dev/provenance/v1',
          format: 'dsse',
          verified: true,
          builder_id: hosted,
          source_repository: 'https://github.com/acme/web',
        },
      ],
    });
  });

  it('exits 1 for provenance from another builder, though the image is signed', async () => {
    const result = await verify(elsewhere.ref, '--format', 'json');
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json.signatures).toMatchObject([{ verified: true }]);
    expect(json.attestations).toMatchObject([{ verified: true, format: 'bundle' }]);
    expect(json.reason).toBe(
      'no SLSA provenance from a trusted builder (https://github.com/actions/runner/*): one built by https://ci.example.com/untrusted-builder, not a trusted builder',
    );
  });
});

describe('portcullis check with a trust policy', () => {
  let repo: string;
  type Report = {
    findings: { rule_id: string; severity: string; path: string; line: number; message: string }[];
  };

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'portcullis-signatures-'));
    await run('git', ['init', '--quiet', repo]);
    await mkdir(join(repo, 'deploy'));
    await writeFile(
      join(repo, 'deploy', 'app.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: app',
        'spec:',
        '  containers:',
        '    - name: signed',
        `      image: ${images.bundle.ref}`,
        '    - name: unsigned',
        `      image: ${images.unsigned.ref}`,
        '',
      ].join('\n'),
    );
    // The base image comes through an ARG default, as FROM lines often do.
    await writeFile(
      join(repo, 'Dockerfile'),
      `ARG BASE=${registry.host}/acme/unsigned:1.0\nFROM \${BASE}\nCOPY --from=${images.sig.ref} /name.txt /signed.txt\nUSER 10001\n`,
    );
    process.env.PORTCULLIS_INSECURE_REGISTRIES = registry.host;
    resetSettings();
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('denies unsigned images with PC-SIG-001 on their lines and passes signed ones', async () => {
    process.env.PORTCULLIS_TRUST_POLICY = policyFile;
    resetSettings();
    let result: Awaited<ReturnType<typeof cli>>;
    try {
      result = await cli('check', '--repo', repo, '--format', 'json');
    } finally {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    }
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.stdout) as Report;
    const signatures = findings
      .filter((f) => f.rule_id.startsWith('PC-SIG'))
      .map(({ rule_id, severity, path, line }) => ({ rule_id, severity, path, line }));
    expect(signatures).toEqual([
      { rule_id: 'PC-SIG-001', severity: 'deny', path: 'deploy/app.yaml', line: 10 },
      { rule_id: 'PC-SIG-001', severity: 'deny', path: 'Dockerfile', line: 2 },
    ]);
    const message = findings.find((f) => f.rule_id === 'PC-SIG-001' && f.path === 'deploy/app.yaml')?.message;
    expect(message).toContain('(127.0.0.1:*/acme/**) requires (key sha256:');
    expect(message).toContain(
      ': it is unsigned (no cosign or Notation signature; Docker Content Trust signatures are not read: DCT is retired).',
    );
  });

  it('reports images no policy covers at the configured level, and nothing without a policy', async () => {
    await writeFile(
      join(repo, 'deploy', 'tools.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: tools\nspec:\n  containers:\n    - name: t\n      image: ${registry.host}/tools/unlisted:1.0\n`,
    );
    await pushImage(registry, 'tools/unlisted', '1.0');
    process.env.PORTCULLIS_TRUST_POLICY = policyFile;
    resetSettings();
    let findings: Report['findings'];
    try {
      findings = (JSON.parse((await cli('check', '--repo', repo, '--format', 'json')).stdout) as Report)
        .findings;
    } finally {
      delete process.env.PORTCULLIS_TRUST_POLICY;
      resetSettings();
    }
    expect(findings.filter((f) => f.rule_id === 'PC-SIG-002')).toEqual([
      expect.objectContaining({ severity: 'warn', path: 'deploy/tools.yaml', line: 8 }),
    ]);
    const without = JSON.parse((await cli('check', '--repo', repo, '--format', 'json')).stdout) as Report;
    expect(without.findings.filter((f) => f.rule_id.startsWith('PC-SIG'))).toEqual([]);
  });
  it('reads the trust policy from .github/portcullis.yml, with key files from the repository', async () => {
    await mkdir(join(repo, '.github', 'keys'), { recursive: true });
    await writeFile(join(repo, '.github', 'keys', 'release.pub'), trusted.publicKeyPem);
    await writeFile(
      join(repo, '.github', 'portcullis.yml'),
      [
        'trust:',
        '  unmatched: ignore',
        '  policies:',
        '    - images: ["127.0.0.1:*/acme/**"]',
        '      keys: [.github/keys/release.pub]',
        '',
      ].join('\n'),
    );
    try {
      const { findings } = JSON.parse(
        (await cli('check', '--repo', repo, '--format', 'json')).stdout,
      ) as Report;
      const signatures = findings
        .filter((f) => f.rule_id.startsWith('PC-SIG'))
        .map((f) => `${f.path}:${f.line}`);
      expect(signatures).toEqual(['deploy/app.yaml:10', 'Dockerfile:2']);
    } finally {
      await rm(join(repo, '.github'), { recursive: true, force: true });
    }
  });

  it('names a missing key file of the configuration as a configuration error', async () => {
    await mkdir(join(repo, '.github'), { recursive: true });
    await writeFile(
      join(repo, '.github', 'portcullis.yml'),
      'trust:\n  policies:\n    - images: ["127.0.0.1:*/acme/**"]\n      keys: [keys/missing.pub]\n',
    );
    try {
      const { code, stderr } = await cli('check', '--repo', repo, '--format', 'json');
      expect(code).toBe(2);
      expect(stderr).toContain('trust.policies[0].keys[0]: keys/missing.pub does not exist');
    } finally {
      await rm(join(repo, '.github'), { recursive: true, force: true });
    }
  });
});
