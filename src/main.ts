/**
 * `npm start`: with GitHub App credentials, the App server; without them, the demo of
 * the whole pipeline on the example repository.
 */
import { existsSync } from 'node:fs';
import { builtinPolicyEngine } from './core/judge.js';
import { runDemo } from './demo.js';
import { errorMessage } from './errors.js';
import { appSettings } from './github/app-settings.js';
import { startAppServer } from './github/webhook-intake.js';
import portcullis from './index.js';
import { resetSettings, settings } from './settings.js';

async function main(): Promise<number> {
  const { appId, privateKey, privateKeyPath } = settings();
  if (appId === undefined && !privateKey && !privateKeyPath) {
    const report = await runDemo((text) => process.stdout.write(`${text}\n`));
    // The demo's example pull request is meant to fail the gate; that is a successful demo.
    return report.annotations.length > 0 ? 0 : 1;
  }
  // Probot's `run` read a .env file; so does the App without it (variables already set win).
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
    resetSettings();
  }
  // Probot would start its setup mode on a bad key and sign-check with a public default
  // secret; the gate refuses to start instead.
  const credentials = appSettings(settings());
  if ('error' in credentials) {
    process.stderr.write(`portcullis: ${credentials.error}\n`);
    return 2;
  }
  // Compile the policies before accepting events, so a broken installation fails now.
  await builtinPolicyEngine();
  const server = await startAppServer(credentials, portcullis);
  process.once('SIGINT', () => server.close(() => process.exit(0)));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`portcullis: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);
