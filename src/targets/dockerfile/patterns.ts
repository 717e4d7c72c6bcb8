/** Which files are Dockerfiles. Globs without a slash match the file name in any folder, case-insensitively. */
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
