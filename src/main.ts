/**
 * `npm start`: with GitHub App credentials, the App server; without them, the demo of
 * the whole pipeline on the example repository.
 */
import { existsSync } from 'node:fs';
import { builtinPolicyEngine, errorMessage } from './core/judge.js';
import { runDemo } from './demo.js';
import { appSettingsFromEnv } from './github/app-settings.js';
import { startAppServer } from './github/webhook-intake.js';
import portcullis from './index.js';

const env = process.env;
const wantsServer = Boolean(env.APP_ID || env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);

async function main(): Promise<number> {
  if (!wantsServer) {
    const report = await runDemo((text) => process.stdout.write(`${text}\n`));
    // The demo's example pull request is meant to fail the gate; that is a successful demo.
    return report.annotations.length > 0 ? 0 : 1;
  }
  // Probot's `run` read a .env file; so does the App without it (variables already set win).
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Probot would start its setup mode on a bad key and sign-check with a public default
  // secret; the gate refuses to start instead.
  const settings = appSettingsFromEnv(env);
  if ('error' in settings) {
    process.stderr.write(`portcullis: ${settings.error}\n`);
    return 2;
  }
  // Compile the policies before accepting events, so a broken installation fails now.
  await builtinPolicyEngine();
  const server = await startAppServer(settings, portcullis, env);
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
