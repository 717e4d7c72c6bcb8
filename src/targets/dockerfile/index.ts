/** The Dockerfile extractor: which paths it claims and the policy input it produces. */
import { type DockerfileInput, POLICY_INPUT_VERSION } from '../../input/policy-input.js';
import { toReferenceFacts } from '../reference-facts.js';
import { parseDockerfile } from './parse.js';
import { dockerfileReferenceSites } from './references.js';

export { DOCKERFILE_EXCLUDED, DOCKERFILE_PATTERNS } from './patterns.js';

export function dockerfileInput(path: string, content: string): DockerfileInput {
  const dockerfile = parseDockerfile(content);
  const lines = content.split(/\r?\n/);
  return {
    input_version: POLICY_INPUT_VERSION,
    target: { kind: 'dockerfile', path },
    dockerfile,
    references: dockerfileReferenceSites(path, dockerfile).map((site) => toReferenceFacts(site, lines)),
  };
}
