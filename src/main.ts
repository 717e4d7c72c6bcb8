/**
 * `npm start`: with GitHub App credentials, the App server; without them, the demo of
 * the whole pipeline on the example repository.
 */
import { run } from 'probot';
import { builtinPolicyEngine, errorMessage } from './core/judge.js';
import { runDemo } from './demo.js';
import portcullis from './index.js';

const env = process.env;
const wantsServer = Boolean(env.APP_ID || env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);

async function main(): Promise<number> {
  if (!wantsServer) {
    const report = await runDemo((text) => process.stdout.write(`${text}\n`));
    // The demo's example pull request is meant to fail the gate; that is a successful demo.
    return report.annotations.length > 0 ? 0 : 1;
  }
  if (!env.WEBHOOK_SECRET) {
    process.stderr.write(
      'portcullis: refusing to start the App without WEBHOOK_SECRET: anyone could send it forged events. Set WEBHOOK_SECRET to the secret configured in the GitHub App settings.\n',
    );
    return 2;
  }
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    process.stderr.write('portcullis: the App needs both APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH).\n');
    return 2;
  }
  // Compile the policies before accepting events, so a broken installation fails now.
  await builtinPolicyEngine();
  await run(portcullis);
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
