/**
 * The App reads a base commit's configuration through the contents API. A symbolic link
 * whose target is a file of the repository comes back as that file (GitHub resolves it); one
 * that leads outside the repository (or to a folder) comes back as a `symlink` entry, which
 * must not read as "no configuration here".
 */
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { githubSnapshot } from './snapshot.js';

const API = 'https://api.github.com';
const CONTENTS = '/repos/acme/web/contents/.github%2Fportcullis.yml';
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const snapshot = () =>
  githubSnapshot(
    new ProbotOctokit({
      auth: { token: 'ghs_test' },
      retry: { enabled: false },
      throttle: { enabled: false },
    }),
    'acme',
    'web',
    'b'.repeat(40),
  );

it('refuses a configuration file that is a symbolic link out of the repository', async () => {
  nock(API)
    .get(CONTENTS)
    .query(true)
    .reply(200, { type: 'symlink', target: '../../etc/portcullis.yml', path: '.github/portcullis.yml' });
  await expect(snapshot().readFile('.github/portcullis.yml')).rejects.toThrow(
    '.github/portcullis.yml at acme/web@bbbbbbb is a symbolic link (to ../../etc/portcullis.yml)',
  );
});

it('reads a file, and a missing one as null', async () => {
  nock(API)
    .get(CONTENTS)
    .query(true)
    .reply(200, { type: 'file', content: Buffer.from('fail_on: [deny]\n').toString('base64') })
    .get(CONTENTS)
    .query(true)
    .reply(404, { message: 'Not Found' });
  expect(await snapshot().readFile('.github/portcullis.yml')).toBe('fail_on: [deny]\n');
  expect(await snapshot().readFile('.github/portcullis.yml')).toBeNull();
});
