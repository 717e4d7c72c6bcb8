import { containsSecret, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['https://user:s3cr3t@registry.example.com/app:1', 'https://***@registry.example.com/app:1'],
    ['FROM https://ci-bot@ghs_notreallyatoken@example.com/x', 'FROM https://***@example.com/x'],
    ['git clone https://x-access-token:abc@github.com/o/r', 'git clone https://***@github.com/o/r'],
    ['FROM user:s3cr3t@registry.example.com/app:1', 'FROM ***@registry.example.com/app:1'],
    ['curl -H "Authorization: Bearer abc.def.ghi" x', 'curl -H "Authorization: Bearer ***" x'],
    ['Authorization: token 0123456789abcdef', 'Authorization: token ***'],
    ['curl -u admin:hunter2 https://e.x', 'curl -u admin:*** https://e.x'],
    ['ENV TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ENV TOKEN=***'],
    ['use ghp_abcdefghijklmnopqrstuvwxyz0123456789 here', 'use *** here'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '***'],
    ['key AKIAIOSFODNN7EXAMPLE', 'key ***'],
    ['ARG DB_PASSWORD="correct horse"', 'ARG DB_PASSWORD=***'],
    ["password = 'x y'", 'password = ***'],
    ['{"client_secret": "abc"}', '{"client_secret": ***}'],
    ['api_key: "abc"', 'api_key: ***'],
    ['--password hunter2 --token=abc', '--password *** --token=***'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_nature-x', 'jwt ***'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nafter', '***\nafter'],
    ['-----BEGIN PRIVATE KEY-----\nMIIE cut short', '***'],
  ])('%j → %j', (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it.each([
    'FROM alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
    'ENV TOKEN holds what looks like a GitHub token: ENV values are stored in the image',
    'ENV DB_PASSWORD sets a secret-like variable to a literal value',
    'pass it with `RUN --mount=type=secret,id=<name>` (`docker build --secret id=<name>,env=<VAR>`)',
    'ARG NPM_TOKEN=$NPM_TOKEN',
    'ENV DB_PASSWORD_FILE=/run/secrets/db',
    'RUN --mount=type=secret,id=token cat /run/secrets/token',
    'docker run -u 1000:1000 image',
    'https://github.com/acme/web and ssh://git.example.com/x',
    'Bearer authentication is used',
  ])('leaves %j alone', (text) => {
    expect(redactSecrets(text)).toBe(text);
    expect(containsSecret(text)).toBe(false);
  });

  it('takes linear time on long hostile input', () => {
    const inputs = [
      'a-'.repeat(50_000),
      'password'.repeat(20_000),
      'x://'.repeat(40_000),
      ' a:b'.repeat(40_000),
      'eyJ'.repeat(50_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(5_000),
      'a.token.'.repeat(20_000),
      'password='.repeat(15_000),
      ' --a-b-c-d-e-token'.repeat(8_000),
      'https://'.repeat(15_000),
      ' -u a:'.repeat(20_000),
      'authorization: '.repeat(10_000),
      'password="'.repeat(15_000),
      ' --token "'.repeat(15_000),
      'token: "'.repeat(15_000),
    ];
    const started = Date.now();
    for (const text of inputs) redactSecrets(text);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
