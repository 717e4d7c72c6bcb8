/**
 * Base against head: the same Dockerfile built at the merge base and at the head. A
 * vulnerability is the same one when its id and installed package name match (the version
 * may differ: an upgrade that does not fix it leaves it unchanged).
 */
import type { BuiltImageFacts, ImageFacts, VulnerabilityFacts } from '../input/policy-input.js';

export function compareImages(
  head: BuiltImageFacts,
  base: BuiltImageFacts | null,
): { head: BuiltImageFacts; base: BuiltImageFacts | null; delta: ImageFacts['delta'] } {
  // Without a built and scanned base, everything in the head is new: the gate fails closed.
  const comparable = base?.built === true && base.scan_error === null;
  const baseKeys = new Set(comparable ? base.vulnerabilities.map(key) : []);
  const headKeys = new Set(head.vulnerabilities.map(key));
  const marked = (v: VulnerabilityFacts, status: VulnerabilityFacts['status']) => ({ ...v, status });
  return {
    head: {
      ...head,
      vulnerabilities: head.vulnerabilities.map((v) =>
        marked(v, baseKeys.has(key(v)) ? 'unchanged' : 'introduced'),
      ),
    },
    base: base
      ? {
          ...base,
          vulnerabilities: base.vulnerabilities.map((v) =>
            marked(
              v,
              head.scan_error === null && head.built && !headKeys.has(key(v)) ? 'fixed' : 'unchanged',
            ),
          ),
        }
      : null,
    delta:
      base?.built && head.built && base.size !== null && head.size !== null
        ? { size: head.size - base.size, layers: (head.layer_count ?? 0) - (base.layer_count ?? 0) }
        : null,
  };
}

function key(v: VulnerabilityFacts): string {
  return `${v.id}\u0000${v.package.name}`;
}
