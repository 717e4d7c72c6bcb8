import { isTargetPath } from './detect.js';
import { extractorFor } from './references.js';

/** The format a file would be read as, given Dockerfile-like content. */
const kindOf = (path: string) =>
  isTargetPath(path) ? (extractorFor(path, 'FROM alpine:3.19\n')?.kind ?? null) : null;

describe('Dockerfile detection: the built-in patterns', () => {
  const match = (path: string) => (kindOf(path) === 'dockerfile' ? 'dockerfile' : null);

  it.each([
    'Dockerfile',
    'Containerfile',
    'api.Dockerfile',
    'Dockerfile.dev',
    'Dockerfile.prod.alpine',
    'app.containerfile',
    '.Dockerfile',
  ])('claims %s', (path) => {
    expect(match(path)).toBe('dockerfile');
  });

  it.each([
    'services/web/Dockerfile',
    'deploy/docker/api.Dockerfile',
    'a/b/c/d/Dockerfile.ci',
    'tools/Containerfile',
    'images/builder.containerfile',
  ])('claims %s in a nested folder by its file name', (path) => {
    expect(match(path)).toBe('dockerfile');
  });

  it.each([
    'dockerfile',
    'DOCKERFILE',
    'containerfile',
    'api.dockerfile',
    'Dockerfile.Dev',
    'dockerfile.prod',
    'app.Containerfile',
    'svc/API.DOCKERFILE',
  ])('ignores case: %s', (path) => {
    expect(match(path)).toBe('dockerfile');
  });

  it.each([
    'README.md',
    'MyDockerfile',
    'Dockerfile-dev',
    'docker-compose.yml',
    '.dockerignore',
    'Dockerfile.dockerignore',
    'services/api.Dockerfile.dockerignore',
    'Dockerfiles/README',
    'docker/entrypoint.sh',
    'Dockerfile/',
  ])('does not claim %s', (path) => {
    expect(match(path)).toBeNull();
  });

  it('claims Dockerfile.md too: `Dockerfile.*` takes any extension but .dockerignore', () => {
    expect(match('docs/Dockerfile.md')).toBe('dockerfile');
  });

  it('claims Containerfile.* like Dockerfile.*', () => {
    expect(match('Containerfile.dev')).toBe('dockerfile');
  });

  it('matches the file name, not a folder named like a Dockerfile', () => {
    expect(match('Dockerfile.d/config.yml')).toBeNull();
    expect(match('api.Dockerfile/notes.txt')).toBeNull();
  });
});
