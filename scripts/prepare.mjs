// npm's `prepare` script. npm installs a package from git (pre-commit's `language: node`
// hooks, `npm install github:OWNER/portcullis`) by cloning it, installing its dependencies
// there and packing it, and only `prepare` runs on the way: the clone has no dist/ (it is
// built, never committed), so this builds it, as `prepack` does for `npm pack`. Anywhere
// else (`npm ci` in a checkout, before scripts/setup.sh builds; the image's build stage,
// which installs before it copies the sources) it does nothing. npm's git fetcher (pacote)
// marks the install it runs in the clone with _PACOTE_NO_PREPARE_.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env._PACOTE_NO_PREPARE_ !== undefined && existsSync('src') && !existsSync('dist/cli/main.js')) {
  // A global install (pre-commit's) leaves out the devDependencies the build needs (TypeScript):
  // add them to the clone, without running any package's scripts a second time.
  // The install's own settings (npm_config_global, npm_config_omit) are not this clone's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  if (!existsSync('node_modules/.bin/tsc'))
    execFileSync(
      'npm',
      ['install', '--include=dev', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'],
      { stdio: 'inherit', env },
    );
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', env });
}
