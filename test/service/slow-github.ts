/**
 * A GitHub on 127.0.0.1 that issues installation tokens and then never answers: a job that
 * reaches it stays running until its signal (shutdown, timeout) ends it. Enough for the
 * service tests, which watch a job start, drain and restart, not what it posts. Every request
 * is checked against GitHub's OpenAPI description (test/support/github-openapi.ts). Probot
 * reaches it through its GitHub Enterprise settings (`GHE_HOST`, `GHE_PROTOCOL=http`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { validateGitHubRequest } from '../support/github-openapi.js';

export interface SlowGitHub {
  /** `GHE_HOST`/`GHE_PROTOCOL` for the App. */
  env: Record<string, string>;
  /** The installation token it hands out (must never reach a log). */
  token: string;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  /** Requests that do not match GitHub's description. */
  problems: string[];
  /** Resolves once a request whose `METHOD /path` matches has arrived. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function slowGitHub(): Promise<SlowGitHub> {
  const token = `ghs_${randomBytes(18).toString('hex')}`;
  const requests: string[] = [];
  const problems: string[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const path = (req.url ?? '/').replace(/^\/api\/v3/, '');
      const method = req.method ?? 'GET';
      requests.push(`${method} ${path.split('?')[0]}`);
      problems.push(...validateGitHubRequest(method, path, body));
      if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            token,
            expires_at: new Date(Date.now() + 3_600_000).toISOString(),
            permissions: { checks: 'write', contents: 'read', pull_requests: 'write' },
            repository_selection: 'all',
          }),
        );
        return;
      }
      held.add(res);
      res.on('close', () => held.delete(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    env: { GHE_HOST: `127.0.0.1:${port}`, GHE_PROTOCOL: 'http' },
    token,
    requests,
    problems,
    async waitFor(pattern, ms = 45_000) {
      const deadline = Date.now() + ms;
      while (!requests.some((r) => pattern.test(r))) {
        if (Date.now() > deadline) throw new Error(`no request matched ${pattern}: ${requests.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
