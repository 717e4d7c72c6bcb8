/** The Dockerfile extractor: which paths it claims and the policy input it produces. */
import { POLICY_INPUT_VERSION, type PolicyInput } from '../../policy/input.js';
import { parseDockerfile } from './parse.js';

/** Globs (matched against the whole path, basename-only when without a slash) of files this extractor reads. */
export const DOCKERFILE_PATTERNS = [
  'Dockerfile',
  'Containerfile',
  '*.Dockerfile',
  'Dockerfile.*',
  '*.containerfile',
  'Containerfile.*',
];

/** BuildKit's per-Dockerfile ignore files (`api.Dockerfile.dockerignore`) match the patterns above but are not Dockerfiles. */
export const DOCKERFILE_EXCLUDED = ['*.dockerignore'];

export function dockerfileInput(path: string, content: string): PolicyInput {
  return {
    input_version: POLICY_INPUT_VERSION,
    target: { kind: 'dockerfile', path },
    dockerfile: parseDockerfile(content),
  };
}
