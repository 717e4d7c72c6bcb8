/**
 * The App's credentials from the settings, checked before the server starts. Probot
 * itself accepts a missing or unreadable key by starting its setup mode (the App
 * registration page at /probot, for anyone who reaches the port) and falls back to the
 * public webhook secret `development`; a gate must refuse both and say what to fix.
 */
import { createPrivateKey } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Settings } from '../settings.js';

export interface AppSettings {
  appId: number;
  /** The private key as PEM, read and parsed once here. */
  privateKey: string;
  webhookSecret: string;
}

/** HMAC keys GitHub's documentation and Probot's examples show; anyone can sign with them. */
const KNOWN_SECRETS = new Set(['development', 'secret', 'changeme', 'webhook-secret', 'your-secret']);
export const MIN_SECRET_LENGTH = 16;

const PEM = /-----BEGIN ((?:RSA )?PRIVATE KEY)-----([\s\S]*?)-----END \1-----/;

/** The settings, or the one-line reason the App must not start. */
export function appSettings(from: Settings): AppSettings | { error: string } {
  const secret = from.webhookSecret;
  if (!secret) {
    return {
      error:
        'refusing to start the App without WEBHOOK_SECRET: anyone could send it forged events. Set WEBHOOK_SECRET to the secret configured in the GitHub App settings.',
    };
  }
  if (KNOWN_SECRETS.has(secret.trim().toLowerCase())) {
    return {
      error: `refusing to start the App: WEBHOOK_SECRET is "${secret}", a published default anyone can sign events with. Generate one (e.g. \`openssl rand -hex 32\`) and set it here and in the GitHub App settings.`,
    };
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    return {
      error: `refusing to start the App: WEBHOOK_SECRET has ${secret.length} characters, fewer than ${MIN_SECRET_LENGTH}, so forged events could be signed by guessing it. Generate one (e.g. \`openssl rand -hex 32\`) and set it here and in the GitHub App settings.`,
    };
  }
  const appId = from.appId;
  if (appId === undefined) {
    return { error: 'the App needs APP_ID, the numeric id from the GitHub App settings.' };
  }
  const key = privateKey(from);
  return 'error' in key ? key : { appId, privateKey: key.pem, webhookSecret: secret };
}

/** PRIVATE_KEY wins over PRIVATE_KEY_PATH, as in Probot; escaped newlines and base64 are accepted too. */
function privateKey(from: Settings): { pem: string } | { error: string } {
  let text: string;
  let source: string;
  if (from.privateKey) {
    source = 'PRIVATE_KEY';
    text = from.privateKey;
    if (!text.includes('-----BEGIN')) text = Buffer.from(text, 'base64').toString('utf8');
    text = text.replace(/\\n/g, '\n');
  } else if (from.privateKeyPath) {
    source = `the file PRIVATE_KEY_PATH=${from.privateKeyPath}`;
    try {
      text = readKeyFile(from.privateKeyPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return {
        error: `cannot read the App's private key from ${source} (${code}): download it from the GitHub App settings and point PRIVATE_KEY_PATH at the .pem file.`,
      };
    }
  } else {
    return { error: 'the App needs both APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH).' };
  }
  const match = PEM.exec(text);
  if (match) {
    // A key pasted on one line: the body's whitespace became spaces.
    const body = (match[2] ?? '').trim().replace(/\s+/g, '\n');
    const pem = `-----BEGIN ${match[1]}-----\n${body}\n-----END ${match[1]}-----\n`;
    try {
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType === 'rsa') return { pem };
    } catch {
      // Reported below with the same advice.
    }
  }
  return {
    error: `${source} does not hold an RSA private key in PEM form: use the .pem file GitHub generated for the App.`,
  };
}

/** A PEM key is a few kilobytes; a device or a huge file is a mistake, not a key. */
const KEY_FILE_LIMIT = 64 * 1024;

function readKeyFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    if (stat.size > KEY_FILE_LIMIT)
      throw Object.assign(new Error('too large'), { code: `${stat.size} bytes, too large for a key` });
    const bytes = Buffer.alloc(stat.size);
    const read = readSync(fd, bytes, 0, stat.size, 0);
    return bytes.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
