import type { BuiltImageFacts, VulnerabilityFacts } from '../input/policy-input.js';
import { compareImages } from './compare.js';
import { notBuilt } from './describe.js';

const vulnerability = (id: string, name: string, version = '1'): VulnerabilityFacts => ({
  id,
  aliases: [],
  summary: null,
  package: { name, version, ecosystem: 'Alpine:v3.19', source_package: name },
  severity: 'HIGH',
  cvss_score: 7.5,
  fixed_version: '2',
  layer: null,
  status: 'introduced',
});

const image = (size: number, layers: number, vulnerabilities: VulnerabilityFacts[]): BuiltImageFacts => ({
  ...notBuilt(''),
  built: true,
  error: null,
  size,
  layer_count: layers,
  vulnerabilities,
});

describe('compareImages', () => {
  it('marks head vulnerabilities introduced or unchanged, base ones fixed or unchanged, and gives the deltas', () => {
    const head = image(1500, 4, [vulnerability('A', 'zlib', '1.3'), vulnerability('B', 'musl')]);
    const base = image(1000, 3, [vulnerability('A', 'zlib', '1.2'), vulnerability('C', 'openssl')]);
    const compared = compareImages(head, base);
    expect(compared.head.vulnerabilities.map((v) => [v.id, v.status])).toEqual([
      ['A', 'unchanged'],
      ['B', 'introduced'],
    ]);
    expect(compared.base?.vulnerabilities.map((v) => [v.id, v.status])).toEqual([
      ['A', 'unchanged'],
      ['C', 'fixed'],
    ]);
    expect(compared.delta).toEqual({ size: 500, layers: 1 });
  });

  it('takes everything as introduced when the base was not built or not scanned (fail closed)', () => {
    const head = image(10, 1, [vulnerability('A', 'zlib')]);
    for (const base of [
      null,
      notBuilt('failed'),
      { ...image(5, 1, [vulnerability('A', 'zlib')]), scan_error: 'no db' },
    ]) {
      const compared = compareImages(head, base);
      expect(compared.head.vulnerabilities[0]?.status).toBe('introduced');
    }
    expect(compareImages(head, null).delta).toBeNull();
  });

  it('does not call anything fixed when the head scan failed', () => {
    const head = { ...image(10, 1, []), scan_error: 'no database for Alpine' };
    const compared = compareImages(head, image(10, 1, [vulnerability('A', 'zlib')]));
    expect(compared.base?.vulnerabilities[0]?.status).toBe('unchanged');
  });
});
