/**
 * `npm start`: with GitHub App credentials, the service in its role (src/service/); without
 * them, the demo of the whole pipeline on the example repository. SIGTERM or SIGINT drains
 * (running jobs finish up to PORTCULLIS_SHUTDOWN_TIMEOUT_SECONDS) and exits 0; a second one
 * exits at once.
 */
import { existsSync } from 'node:fs';
import { runDemo } from './demo/demo.js';
import { errorMessage } from './errors.js';
import { appSettings } from './github/app-settings.js';
import { roleProblem, startService } from './service/service.js';
import { resetSettings, settings } from './settings.js';

async function main(): Promise<number> {
  const { appId, privateKey, privateKeyPath } = settings();
  if (appId === undefined && !privateKey && !privateKeyPath) return demo();
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
  const problem = roleProblem(settings());
  if (problem) {
    process.stderr.write(`portcullis: ${problem}\n`);
    return 2;
  }
  const service = await startService(credentials);
  // No job's failure may end the process and the work of every other job with it.
  process.on('unhandledRejection', (reason) =>
    service.log.error({ err: reason }, `Unhandled rejection: ${errorMessage(reason)}`),
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Jobs still running are taken back from the store after the restart.
      service.log.warn(`${signal} again: exiting at once`);
      process.exit(1);
    }
    stopping = true;
    service.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        service.log.error({ err: error }, `Shutdown failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

/**
 * Ctrl-C (or SIGTERM) stops the demo: it stops its registry and builds and removes its
 * folders, then exits 130; a second signal exits at once (the registry dies with the process).
 */
async function demo(): Promise<number> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write(`portcullis: ${signal}: stopping the demo and cleaning up\n`);
    stop.abort(new Error(`the demo was stopped (${signal})`));
  };
  // They stay until the process ends: a signal while it winds down still ends it through
  // `exit`, whose hook stops a registry, not by the signal's default, which skips that hook.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runDemo((text) => process.stdout.write(`${text}\n`), {
      env: process.env,
      signal: stop.signal,
    });
    // The example pull request is meant to fail the gate; that is a successful demo.
    return outcome.report.annotations.length > 0 ? 0 : 1;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    process.stderr.write(`portcullis: ${errorMessage(error)}\n`);
    return 130;
  }
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
