import { targetMatcher } from './detect.js';

describe('targetMatcher: the built-in Dockerfile patterns', () => {
  const match = targetMatcher();

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

describe('targetMatcher: extra globs from the configuration', () => {
  const match = targetMatcher(['Dockerfile-*', 'docker/*.df', '**/build/*.docker']);

  it('matches a glob without a slash against the file name in any folder', () => {
    expect(match('Dockerfile-dev')).toBe('dockerfile');
    expect(match('services/api/dockerfile-ci')).toBe('dockerfile');
  });

  it('matches a glob with a slash against the whole path from the repository root', () => {
    expect(match('docker/base.df')).toBe('dockerfile');
    expect(match('x/docker/base.df')).toBeNull();
    expect(match('base.df')).toBeNull();
  });

  it('supports ** in globs with a slash, case-insensitively', () => {
    expect(match('build/x.docker')).toBe('dockerfile');
    expect(match('a/b/Build/x.DOCKER')).toBe('dockerfile');
    expect(match('a/b/x.docker')).toBeNull();
  });

  it('keeps the built-in patterns', () => {
    expect(match('services/web/Dockerfile')).toBe('dockerfile');
    expect(match('README.md')).toBeNull();
  });
});
