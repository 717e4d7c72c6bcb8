/**
 * A deterministic corpus of realistic Dockerfiles for the benchmark: the same seed
 * always gives the same files (a small seeded PRNG, never Math.random), so figures
 * from different runs and machines measure the same work.
 *
 * The files mix what real repositories contain: 1–4 stages; official, distroless,
 * scratch, private-registry, digest-pinned and ARG-substituted bases; apt-get / apk /
 * pip chains over continuation lines; heredoc RUNs; ENV/ARG/LABEL (some secret-like);
 * USER or not; COPY --from; local and remote ADD; EXPOSE; HEALTHCHECK; CMD and
 * ENTRYPOINT in exec and shell form; comments. Sizes run from ~10 to ~150 lines.
 */

export interface CorpusFile {
  path: string;
  content: string;
  /** Number of lines of `content`. */
  lines: number;
}

export const DEFAULT_CORPUS_SIZE = 1000;
export const DEFAULT_SEED = 0x5eed_2026;

/** mulberry32: tiny, fast, and good enough to pick Dockerfile fragments. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of items) {
      r -= weight;
      if (r < 0) return value;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** `count` distinct items in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += Math.floor(this.next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, length);
  }
}

type PackageManager = 'apt' | 'apk' | 'none';
type Language = 'node' | 'python' | 'go' | 'java' | 'rust' | 'web' | 'generic';

interface Base {
  /** The image as written in FROM; may use `${VAR}`. */
  image: string;
  pm: PackageManager;
  lang: Language;
  /** Whether the image has a shell (distroless and scratch do not): RUN makes no sense without one. */
  shell: boolean;
  /** Global ARGs the FROM line needs, with their default (null: none). */
  args?: [string, string | null][];
}

interface Stage {
  name: string | null;
  base: Base;
  /** Where this stage's build output lands, for a later `COPY --from`. */
  output: string;
}

/** A Dockerfile variable reference, `${NAME}`. */
const v = (name: string) => `$\{${name}}`;

const digest = (rng: Rng) => `sha256:${rng.hex(64)}`;

function builderBase(rng: Rng): Base {
  return rng.weighted<() => Base>([
    [
      () => ({
        image: rng.pick(['golang:1.22', 'golang:1.23-bookworm']),
        pm: 'apt',
        lang: 'go',
        shell: true,
      }),
      4,
    ],
    [() => ({ image: 'golang:1.23-alpine', pm: 'apk', lang: 'go', shell: true }), 3],
    [
      () => ({
        image: `golang:${v('GO_VERSION')}-alpine`,
        pm: 'apk',
        lang: 'go',
        shell: true,
        args: [['GO_VERSION', rng.pick(['1.22', '1.23'])]],
      }),
      2,
    ],
    [
      () => ({
        image: rng.pick(['node:20', 'node:20-bookworm-slim', 'node:lts']),
        pm: 'apt',
        lang: 'node',
        shell: true,
      }),
      4,
    ],
    [
      () => ({
        image: rng.pick(['node:20-alpine', 'node:22-alpine3.20']),
        pm: 'apk',
        lang: 'node',
        shell: true,
      }),
      4,
    ],
    [
      () => ({
        image: `node:${v('NODE_VERSION')}-alpine`,
        pm: 'apk',
        lang: 'node',
        shell: true,
        args: [['NODE_VERSION', rng.pick(['20', '22', '20.17.0'])]],
      }),
      2,
    ],
    [
      () => ({
        image: rng.pick(['python:3.12-slim', 'python:3.11-slim-bookworm']),
        pm: 'apt',
        lang: 'python',
        shell: true,
      }),
      4,
    ],
    [() => ({ image: 'python:3.12-alpine', pm: 'apk', lang: 'python', shell: true }), 2],
    [
      () => ({
        image: rng.pick(['maven:3.9-eclipse-temurin-21', 'gradle:8.10-jdk21']),
        pm: 'apt',
        lang: 'java',
        shell: true,
      }),
      2,
    ],
    [
      () => ({
        image: rng.pick(['rust:1.81', 'rust:1.81-slim-bookworm']),
        pm: 'apt',
        lang: 'rust',
        shell: true,
      }),
      2,
    ],
    [
      () => ({
        image: rng.pick([
          'registry.internal.example.com:5000/platform/build-base:2.4.1',
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ci/builder:2024.09',
          'ghcr.io/acme/toolchain:v3',
        ]),
        pm: 'apt',
        lang: rng.pick(['go', 'node', 'generic'] as const),
        shell: true,
      }),
      2,
    ],
    [
      () => ({
        image: `golang:1.22@${digest(rng)}`,
        pm: 'apt',
        lang: 'go',
        shell: true,
      }),
      1,
    ],
    [
      () => ({
        image: `${v('REGISTRY')}/build/node:20`,
        pm: 'apt',
        lang: 'node',
        shell: true,
        args: [['REGISTRY', rng.pick(['registry.internal.example.com', 'harbor.corp.local/proxy'])]],
      }),
      1,
    ],
  ])();
}

function runtimeBase(rng: Rng, lang: Language | null): Base {
  return rng.weighted<() => Base>([
    [
      () => ({
        image: rng.pick(['alpine:3.20', 'alpine:3.19', 'alpine', 'alpine:latest']),
        pm: 'apk',
        lang: lang ?? 'generic',
        shell: true,
      }),
      6,
    ],
    [() => ({ image: `alpine:3.20@${digest(rng)}`, pm: 'apk', lang: lang ?? 'generic', shell: true }), 2],
    [
      () => ({
        image: rng.pick(['debian:bookworm-slim', 'debian:12', 'debian:latest', 'debian']),
        pm: 'apt',
        lang: lang ?? 'generic',
        shell: true,
      }),
      5,
    ],
    [
      () => ({
        image: rng.pick(['ubuntu:22.04', 'ubuntu:24.04', 'ubuntu', 'ubuntu:jammy']),
        pm: 'apt',
        lang: lang ?? 'generic',
        shell: true,
      }),
      5,
    ],
    [
      () => ({
        image: rng.pick(['node:20-slim', 'node:20-alpine', 'node:20', 'node:latest']),
        pm: 'apt',
        lang: 'node',
        shell: true,
      }),
      lang === null || lang === 'node' ? 5 : 0,
    ],
    [
      () => ({
        image: rng.pick(['python:3.12-slim', 'python:3.12', 'python:3.11-slim-bookworm']),
        pm: 'apt',
        lang: 'python',
        shell: true,
      }),
      lang === null || lang === 'python' ? 5 : 0,
    ],
    [
      () => ({
        image: `python:${v('PYTHON_VERSION')}-slim`,
        pm: 'apt',
        lang: 'python',
        shell: true,
        args: [['PYTHON_VERSION', '3.12']],
      }),
      lang === null || lang === 'python' ? 2 : 0,
    ],
    [
      () => ({
        image: rng.pick([
          'gcr.io/distroless/static-debian12',
          'gcr.io/distroless/static-debian12:nonroot',
          'gcr.io/distroless/base-debian12:nonroot',
          `gcr.io/distroless/static-debian12@${digest(rng)}`,
        ]),
        pm: 'none',
        lang: lang ?? 'generic',
        shell: false,
      }),
      lang === 'go' || lang === 'rust' ? 8 : 1,
    ],
    [
      () => ({ image: 'gcr.io/distroless/nodejs20-debian12', pm: 'none', lang: 'node', shell: false }),
      lang === 'node' ? 3 : 0,
    ],
    [
      () => ({
        image: 'gcr.io/distroless/python3-debian12:nonroot',
        pm: 'none',
        lang: 'python',
        shell: false,
      }),
      lang === 'python' ? 2 : 0,
    ],
    [
      () => ({ image: 'scratch', pm: 'none', lang: lang ?? 'generic', shell: false }),
      lang === 'go' || lang === 'rust' ? 5 : 0,
    ],
    [
      () => ({
        image: rng.pick(['eclipse-temurin:21-jre', 'eclipse-temurin:21-jre-alpine']),
        pm: 'apt',
        lang: 'java',
        shell: true,
      }),
      lang === null || lang === 'java' ? 3 : 0,
    ],
    [
      () => ({
        image: rng.pick(['nginx:1.27-alpine', 'nginxinc/nginx-unprivileged:1.27-alpine', 'nginx']),
        pm: 'apk',
        lang: 'web',
        shell: true,
      }),
      lang === null || lang === 'node' || lang === 'web' ? 3 : 0,
    ],
    [
      () => ({
        image: rng.pick([
          'registry.internal.example.com:5000/platform/base:2.4.1',
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app-base:1.8',
          'harbor.corp.local/library/debian:bookworm',
          `quay.io/acme/runtime@${digest(rng)}`,
          'docker.example.org/base/ubuntu:22.04',
        ]),
        pm: 'apt',
        lang: lang ?? 'generic',
        shell: true,
      }),
      4,
    ],
    [
      () => ({
        image: v('BASE_IMAGE'),
        pm: 'apt',
        lang: lang ?? 'generic',
        shell: true,
        args: [['BASE_IMAGE', null]],
      }),
      1,
    ],
    [
      () => ({
        image: v('BASE_IMAGE'),
        pm: 'apt',
        lang: lang ?? 'generic',
        shell: true,
        args: [
          [
            'BASE_IMAGE',
            rng.pick(['debian:bookworm-slim', 'ubuntu:24.04', 'registry.internal.example.com/base:3']),
          ],
        ],
      }),
      1,
    ],
  ])();
}

const APT_PACKAGES = [
  'ca-certificates',
  'curl',
  'git',
  'gnupg',
  'build-essential',
  'libpq-dev',
  'libssl-dev',
  'pkg-config',
  'unzip',
  'wget',
  'tzdata',
  'locales',
  'openssh-client',
  'jq',
  'netcat-openbsd',
  'python3',
  'python3-pip',
  'tini',
  'dumb-init',
  'gosu',
  'libxml2',
  'imagemagick',
  'ffmpeg',
  'postgresql-client',
  'procps',
];
const APK_PACKAGES = [
  'ca-certificates',
  'curl',
  'git',
  'bash',
  'tzdata',
  'tini',
  'openssl',
  'build-base',
  'musl-dev',
  'gcc',
  'libffi-dev',
  'postgresql-client',
  'jq',
  'su-exec',
  'make',
  'python3',
  'py3-pip',
  'libc6-compat',
];
const PIP_PACKAGES = [
  'flask==3.0.3',
  'gunicorn==22.0.0',
  'django',
  'requests',
  'psycopg2-binary==2.9.9',
  'uvicorn[standard]',
  'fastapi>=0.110',
  'celery',
  'boto3',
  'numpy==2.1.1',
  'pydantic',
  'poetry==1.8.3',
];
const SERVICES = [
  'api',
  'web',
  'worker',
  'gateway',
  'auth',
  'billing',
  'search',
  'ingest',
  'scheduler',
  'notifier',
  'frontend',
  'admin',
  'reports',
  'payments',
];
const COMMENTS = [
  '# Install system dependencies',
  '# Build the application',
  '# Copy only the manifests first so the dependency layer is cached',
  '# Runtime configuration',
  '# TODO: pin this once the upstream release is tagged',
  '# Create an unprivileged user',
  '# Keep the image small',
  '# See https://docs.docker.com/build/building/best-practices/',
  '# hadolint ignore=DL3008',
  '# Metadata',
];

/** A block of lines; the generator adds blocks until a stage reaches its line budget. */
type Block = string[];

class DockerfileWriter {
  private readonly blocks: Block[] = [];
  lines = 0;

  add(...blocks: Block[]): void {
    for (const block of blocks) {
      if (block.length === 0) continue;
      // One blank line between blocks at most.
      if (block.length === 1 && block[0] === '' && this.blocks.at(-1)?.at(-1) === '') continue;
      this.blocks.push(block);
      this.lines += block.length;
    }
  }

  text(): string {
    return `${this.blocks.flat().join('\n')}\n`;
  }
}

function packageList(rng: Rng, pool: readonly string[], count: number, pinned: boolean): string[] {
  return rng
    .sample(pool, count)
    .map((p) => (pinned && !p.includes('=') ? `${p}=${rng.int(1, 9)}.${rng.int(0, 20)}*` : p));
}

/** `RUN apt-get update && apt-get install …` in the many shapes people write it. */
function aptBlock(rng: Rng): Block {
  const packages = packageList(rng, APT_PACKAGES, rng.int(1, 9), rng.chance(0.15));
  const install = rng.weighted([
    ['apt-get install -y --no-install-recommends', 6],
    ['apt-get install -y', 3],
    ['apt-get -y install', 1],
    ['apt-get install -yq --no-install-recommends', 1],
    ['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends', 2],
    ['apt install -y', 1],
    ['apt-get install', 1],
    ['sudo apt-get install -y', 0.5],
    ['apt-get -o Dpkg::Options::=--force-confnew install -y', 0.5],
  ] as const);
  const mount = rng.chance(0.12) ? '--mount=type=cache,target=/var/cache/apt,sharing=locked ' : '';
  const cleanup = rng.chance(0.65);
  if (rng.chance(0.25) || packages.length <= 2) {
    const line = `RUN ${mount}apt-get update && ${install} ${packages.join(' ')}${cleanup ? ' && rm -rf /var/lib/apt/lists/*' : ''}`;
    return [line];
  }
  const perLine = rng.chance(0.7);
  const lines = [`RUN ${mount}apt-get update \\`];
  if (rng.chance(0.2)) lines.push('    && apt-get upgrade -y \\');
  lines.push(`    && ${install} \\`);
  if (perLine) for (const p of packages) lines.push(`        ${p} \\`);
  else lines.push(`        ${packages.join(' ')} \\`);
  if (rng.chance(0.2)) lines.push('    # keep the list sorted \\');
  if (cleanup) lines.push('    && apt-get clean \\', '    && rm -rf /var/lib/apt/lists/*');
  else lines.push('    && echo done');
  return lines;
}

function apkBlock(rng: Rng): Block {
  const packages = packageList(rng, APK_PACKAGES, rng.int(1, 7), false);
  const noCache = rng.chance(0.7);
  if (rng.chance(0.3)) {
    const build = rng.sample(['build-base', 'musl-dev', 'gcc', 'libffi-dev', 'openssl-dev'], rng.int(2, 4));
    return [
      'RUN apk add --no-cache --virtual .build-deps \\',
      ...build.map((p) => `        ${p} \\`),
      `    && apk add ${noCache ? '--no-cache ' : ''}${packages.join(' ')} \\`,
      '    && make -C /src install \\',
      '    && apk del .build-deps',
    ];
  }
  if (rng.chance(0.4)) return [`RUN apk ${noCache ? 'add --no-cache' : 'add'} ${packages.join(' ')}`];
  return [
    `RUN apk update && \\`,
    `    apk upgrade${rng.chance(0.5) ? ' --no-cache' : ''} && \\`,
    `    apk add ${noCache ? '--no-cache ' : ''}${packages.join(' ')}${noCache ? '' : ' && \\'}`,
    ...(noCache ? [] : ['    rm -rf /var/cache/apk/*']),
  ];
}

function pipBlock(rng: Rng): Block {
  return rng.weighted<() => Block>([
    [
      () => [
        'COPY requirements.txt .',
        `RUN pip install ${rng.chance(0.6) ? '--no-cache-dir ' : ''}-r requirements.txt`,
      ],
      4,
    ],
    [
      () => [
        'RUN python3 -m pip install --upgrade pip setuptools wheel \\',
        `    && pip install ${rng.chance(0.5) ? '--no-cache-dir ' : ''}${rng.sample(PIP_PACKAGES, rng.int(1, 4)).join(' ')}`,
      ],
      3,
    ],
    [() => [`RUN --mount=type=cache,target=/root/.cache/pip \\`, '    pip install -r requirements.txt'], 1],
    [() => [`RUN pip3 install --user ${rng.pick(PIP_PACKAGES)}`], 1],
    [
      () => [
        'COPY pyproject.toml poetry.lock ./',
        'RUN pip install poetry==1.8.3 && \\',
        '    poetry config virtualenvs.create false && \\',
        '    poetry install --no-interaction --no-ansi --only main',
      ],
      2,
    ],
  ])();
}

function heredocRunBlock(rng: Rng, pm: PackageManager): Block {
  const name = rng.pick(['EOF', 'EOT', 'SCRIPT']);
  const header = rng.weighted([
    [`RUN <<${name}`, 4],
    [`RUN <<${name} bash`, 1],
    [`RUN --mount=type=cache,target=/var/cache/${pm === 'apk' ? 'apk' : 'apt'} <<${name}`, 1],
    [`RUN <<-${name}`, 1],
  ] as const);
  const body = ['set -eux'];
  if (pm === 'apt') {
    body.push(
      'apt-get update',
      `apt-get install -y ${packageList(rng, APT_PACKAGES, rng.int(1, 4), false).join(' ')}`,
    );
    if (rng.chance(0.6)) body.push('rm -rf /var/lib/apt/lists/*');
  } else if (pm === 'apk') {
    body.push(
      `apk add ${rng.chance(0.5) ? '--no-cache ' : ''}${packageList(rng, APK_PACKAGES, rng.int(1, 4), false).join(' ')}`,
    );
  }
  body.push(
    ...rng.sample(
      [
        'mkdir -p /app/data /app/logs',
        'chmod 0755 /usr/local/bin/entrypoint.sh',
        'echo "export LANG=C.UTF-8" >> /etc/profile',
        'ln -sf /dev/stdout /app/logs/access.log',
        'if [ -f /app/setup.sh ]; then /app/setup.sh; fi',
        'update-ca-certificates',
        'curl -fsSL https://example.com/install.sh | sh',
        'sudo chown -R 1000:1000 /app',
      ],
      rng.int(1, 4),
    ),
  );
  return [header, ...body, name];
}

function langBuildBlock(rng: Rng, lang: Language): Block {
  switch (lang) {
    case 'node':
      return rng.pick<Block>([
        ['COPY package.json package-lock.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build'],
        ['COPY package*.json ./', 'RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev', 'COPY . .'],
        [
          'COPY package.json yarn.lock ./',
          'RUN yarn install --frozen-lockfile && yarn cache clean',
          'COPY . .',
          'RUN yarn build',
        ],
        ['COPY . .', 'RUN npm install && npm run build && npm prune --production'],
      ]);
    case 'python':
      return [...pipBlock(rng), 'COPY . .'];
    case 'go':
      return rng.pick<Block>([
        [
          'COPY go.mod go.sum ./',
          'RUN go mod download',
          'COPY . .',
          'RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app',
        ],
        [
          'COPY go.* ./',
          'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
          'COPY . .',
          'RUN --mount=type=cache,target=/go/pkg/mod \\',
          '    --mount=type=cache,target=/root/.cache/go-build \\',
          '    CGO_ENABLED=0 go build -o /out/app .',
        ],
        ['COPY . .', 'RUN go build -o /out/app . && go test ./...'],
      ]);
    case 'java':
      return rng.pick<Block>([
        [
          'COPY pom.xml .',
          'RUN mvn -B dependency:go-offline',
          'COPY src ./src',
          'RUN mvn -B package -DskipTests && mv target/*.jar /out/app.jar',
        ],
        ['COPY . .', 'RUN gradle --no-daemon bootJar && cp build/libs/*.jar /out/app.jar'],
      ]);
    case 'rust':
      return [
        'COPY Cargo.toml Cargo.lock ./',
        'RUN mkdir src && echo "fn main() {}" > src/main.rs && cargo fetch',
        'COPY . .',
        'RUN cargo build --release && cp target/release/app /out/app',
      ];
    case 'web':
      return [
        'COPY nginx.conf /etc/nginx/conf.d/default.conf',
        'COPY --chown=nginx:nginx dist/ /usr/share/nginx/html/',
      ];
    default:
      return rng.pick<Block>([
        ['COPY . /app', 'RUN make -C /app build'],
        ['COPY scripts/ /usr/local/bin/', 'RUN chmod +x /usr/local/bin/*.sh'],
      ]);
  }
}

function envBlock(rng: Rng): Block {
  return rng.weighted<() => Block>([
    [
      () => [
        `ENV ${rng.pick(['NODE_ENV=production', 'PYTHONUNBUFFERED=1', 'TZ=UTC', 'LANG=C.UTF-8', 'PORT=8080'])}`,
      ],
      5,
    ],
    [
      () => [
        'ENV PYTHONDONTWRITEBYTECODE=1 \\',
        '    PYTHONUNBUFFERED=1 \\',
        '    PIP_NO_CACHE_DIR=off \\',
        '    PIP_DISABLE_PIP_VERSION_CHECK=on',
      ],
      2,
    ],
    [() => [`ENV PATH="/app/bin:${v('PATH')}"`], 2],
    [() => ['ENV APP_HOME /app'], 1],
    [() => [`ENV LOG_LEVEL=${rng.pick(['info', 'debug', 'warn'])} APP_NAME="${rng.pick(SERVICES)}"`], 2],
    // Secret-like values: what a secrets rule is for.
    [() => [`ENV AWS_SECRET_ACCESS_KEY=${rng.hex(8)}Xq/K7MDENG/bPxRfiCY${rng.hex(12)}`], 1],
    [() => ['ENV DATABASE_PASSWORD=changeme'], 1],
    [() => [`ENV GITHUB_TOKEN=ghp_${rng.hex(36)}`], 1],
    [() => [`ENV SECRET_KEY_BASE=${v('SECRET_KEY_BASE')}`], 1],
    [() => [`ENV API_KEY="${rng.hex(32)}" \\`, '    API_URL=https://api.example.com/v2'], 1],
  ])();
}

function argBlock(rng: Rng): Block {
  return rng.weighted<() => Block>([
    [() => [`ARG VERSION=${rng.int(0, 3)}.${rng.int(0, 20)}.${rng.int(0, 9)}`], 4],
    [() => ['ARG TARGETOS', 'ARG TARGETARCH'], 2],
    [() => ['ARG BUILD_DATE', 'ARG VCS_REF'], 2],
    [() => ['ARG NPM_TOKEN'], 1],
    [() => ['ARG GITHUB_TOKEN'], 1],
    [() => [`ARG DB_PASSWORD=${rng.pick(['postgres', 'secret', 'hunter2'])}`], 1],
  ])();
}

function labelBlock(rng: Rng, service: string): Block {
  return rng.weighted<() => Block>([
    [
      () => [
        `LABEL org.opencontainers.image.source="https://github.com/acme/${service}" \\`,
        `      org.opencontainers.image.title="${service}" \\`,
        '      org.opencontainers.image.licenses="Apache-2.0"',
      ],
      4,
    ],
    [() => [`LABEL version="${rng.int(1, 5)}.${rng.int(0, 9)}" description="The ${service} service"`], 2],
    [() => ['LABEL maintainer="platform-team@example.com"'], 2],
    [() => ['MAINTAINER Jane Doe <jane@example.com>'], 1],
  ])();
}

function copyBlock(rng: Rng, earlier: readonly Stage[]): Block {
  const from = earlier.length > 0 && rng.chance(0.5) ? rng.pick(earlier) : null;
  if (from) {
    const ref = from.name ?? String(earlier.indexOf(from));
    return [`COPY --from=${ref} ${from.output} ${rng.pick(['/usr/local/bin/', '/app/', './'])}`];
  }
  return [
    rng.pick([
      'COPY . .',
      'COPY --chown=app:app . /app',
      'COPY config/ /etc/app/',
      'COPY --link static/ /app/static/',
      'COPY docker-entrypoint.sh /usr/local/bin/',
      'COPY ["entrypoint.sh", "/entrypoint.sh"]',
    ]),
  ];
}

function addBlock(rng: Rng): Block {
  return rng.weighted<() => Block>([
    [
      () => [
        `ADD ${rng.pick(['config/app.conf', 'nginx.conf', 'requirements.txt', '.'])} ${rng.pick(['/etc/app/', '/app/', './'])}`,
      ],
      3,
    ],
    [() => [`ADD ${rng.pick(['vendor.tar.gz', 'rootfs.tar.xz', 'assets.tgz'])} /opt/`], 2],
    [
      () => [
        'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini',
        'RUN chmod +x /tini',
      ],
      2,
    ],
    [
      () => [
        `ADD --checksum=sha256:${rng.hex(64)} \\`,
        '    https://dl.example.com/releases/tool-1.4.2-linux-amd64.tar.gz /tmp/tool.tgz',
      ],
      1,
    ],
    [() => ['ADD https://github.com/acme/shared-config.git#v1.2.0 /opt/shared-config'], 1],
    [() => ['ADD --chown=1000:1000 app.jar /app/app.jar'], 1],
  ])();
}

function miscRunBlock(rng: Rng, pm: PackageManager): Block {
  return rng.weighted<() => Block>([
    [() => ['RUN mkdir -p /app/data && chown -R 1000:1000 /app'], 3],
    [() => ['RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -'], pm === 'apt' ? 1 : 0],
    [() => ['RUN wget -qO- https://get.example.sh | sh -s -- --version 2.1.0'], 1],
    [
      () => [
        'RUN set -eux; \\',
        '    curl -fsSLo /tmp/tool.tgz https://dl.example.com/tool-linux-amd64.tgz; \\',
        '    tar -xzf /tmp/tool.tgz -C /usr/local/bin; \\',
        '    rm /tmp/tool.tgz',
      ],
      2,
    ],
    [() => ['SHELL ["/bin/bash", "-o", "pipefail", "-c"]'], 1],
    [() => ['RUN sudo chmod 755 /usr/local/bin/entrypoint.sh'], 0.5],
    [() => ["RUN echo 'ulimit -n 65536' >> /etc/profile"], 1],
    [() => ['RUN ln -sf /usr/share/zoneinfo/UTC /etc/localtime && echo UTC > /etc/timezone'], 1],
    [() => ['RUN useradd --create-home --shell /bin/bash builder || true'], 1],
    [() => [`VOLUME ["/app/data"]`], 1],
    [
      () => [
        'COPY <<EOF /etc/app/config.yaml',
        'listen: 0.0.0.0:8080',
        `log_level: ${rng.pick(['info', 'debug'])}`,
        'EOF',
      ],
      1,
    ],
  ])();
}

function userBlocks(rng: Rng, base: Base): Block[] {
  if (!base.shell) {
    return rng.weighted<Block[]>([
      [[['USER nonroot:nonroot']], 5],
      [[['USER 65532']], 2],
      [[], 3],
    ]);
  }
  return rng.weighted<() => Block[]>([
    [() => [], 3],
    [
      () => [
        base.pm === 'apk'
          ? ['RUN addgroup -S app && adduser -S -G app -u 10001 app']
          : [
              'RUN groupadd --system app \\',
              '    && useradd --system --gid app --uid 10001 --no-create-home app',
            ],
        ['USER app'],
      ],
      4,
    ],
    [() => [[`USER ${rng.pick(['10001', '1000:1000', 'node', 'nobody'])}`]], 3],
    [() => [['USER root']], 1],
    [() => [['USER app'], ['RUN chown -R app /app'], ['USER root']], 0.5],
  ])();
}

function tailBlocks(rng: Rng, base: Base, service: string): Block[] {
  const blocks: Block[] = [];
  if (rng.chance(0.7)) {
    blocks.push([
      `EXPOSE ${rng.weighted([
        ['8080', 5],
        ['3000', 2],
        ['80 443', 2],
        ['5000/tcp', 1],
        ['22', 0.5],
        ['9090 9091', 1],
      ] as const)}`,
    ]);
  }
  if (rng.chance(0.35)) {
    blocks.push(
      rng.weighted<Block>([
        [
          [
            'HEALTHCHECK --interval=30s --timeout=3s --retries=3 \\',
            '  CMD curl -fsS http://localhost:8080/healthz || exit 1',
          ],
          base.shell ? 4 : 0,
        ],
        [['HEALTHCHECK CMD wget -qO- http://127.0.0.1:3000/health || exit 1'], base.shell ? 2 : 0],
        [['HEALTHCHECK --interval=1m CMD ["/app", "healthcheck"]'], 3],
        [['HEALTHCHECK NONE'], 1],
      ]),
    );
  }
  const program = {
    node: ['node', 'dist/server.js'],
    python: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'],
    go: ['/usr/local/bin/app'],
    rust: ['/usr/local/bin/app'],
    java: ['java', '-jar', '/app/app.jar'],
    web: ['nginx', '-g', 'daemon off;'],
    generic: [`/usr/local/bin/${service}`],
  }[base.lang];
  const exec = (words: string[]) => `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
  const shellForm = base.shell && rng.chance(0.3);
  if (rng.chance(0.35)) {
    blocks.push([
      shellForm && rng.chance(0.5)
        ? 'ENTRYPOINT /usr/local/bin/docker-entrypoint.sh'
        : `ENTRYPOINT ${exec(base.shell ? ['/tini', '--'] : program)}`,
    ]);
    if (base.shell) blocks.push([shellForm ? `CMD ${program.join(' ')}` : `CMD ${exec(program)}`]);
  } else {
    blocks.push([shellForm ? `CMD ${program.join(' ')}` : `CMD ${exec(program)}`]);
  }
  return blocks;
}

function fillerBlock(rng: Rng, stage: Stage, earlier: readonly Stage[], service: string): Block {
  const { pm, shell } = stage.base;
  return rng.weighted<() => Block>([
    [() => (pm === 'apt' ? aptBlock(rng) : apkBlock(rng)), shell && pm !== 'none' ? 5 : 0],
    [() => pipBlock(rng), shell && stage.base.lang === 'python' ? 2 : 0],
    [() => heredocRunBlock(rng, pm), shell ? 2 : 0],
    [() => miscRunBlock(rng, pm), shell ? 4 : 0],
    [() => envBlock(rng), 4],
    [() => argBlock(rng), 2],
    [() => labelBlock(rng, service), 1],
    [() => copyBlock(rng, earlier), 3],
    [() => addBlock(rng), 2],
    [() => [rng.pick(COMMENTS)], 3],
    [() => [''], 3],
    [() => [`WORKDIR ${rng.pick(['/app', '/srv', '/usr/src/app', '/opt/service'])}`], 1],
  ])();
}

const STAGE_NAMES = ['builder', 'build', 'deps', 'assets', 'compile', 'test', 'base', 'dev'];

function generateDockerfile(rng: Rng, index: number): CorpusFile {
  const service = rng.pick(SERVICES);
  // Skewed towards small files, as in real repositories: ~10 to ~150 lines.
  const budget = Math.round(10 + 135 * rng.next() ** 2);
  const stageCount = Math.min(
    Math.max(1, Math.floor(budget / 12)),
    rng.weighted([
      [1, 40],
      [2, 35],
      [3, 17],
      [4, 8],
    ] as const),
  );

  const w = new DockerfileWriter();
  if (rng.chance(0.4)) w.add([`# syntax=docker/dockerfile:${rng.pick(['1', '1.7', '1.9'])}`]);
  if (rng.chance(0.4)) w.add([`# ${service}: container image`, rng.pick(COMMENTS)]);

  // Decide the stages first: their bases may need global ARGs before the first FROM.
  const stages: Stage[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < stageCount; i++) {
    const final = i === stageCount - 1;
    const builderLang = stages[0]?.base.lang ?? null;
    let base: Base;
    if (final && stageCount > 1) base = runtimeBase(rng, builderLang);
    else if (!final) base = builderBase(rng);
    else base = rng.chance(0.5) ? builderBase(rng) : runtimeBase(rng, null);
    // Now and then a stage builds on an earlier one: `FROM deps AS test`.
    const parent = i > 0 && !final && rng.chance(0.3) ? stages[stages.length - 1] : undefined;
    if (parent?.name) base = { ...parent.base, image: parent.name, args: [] };
    let name: string | null = null;
    if (!final || rng.chance(0.3)) {
      if (rng.chance(0.85)) {
        name = rng.pick(STAGE_NAMES.filter((n) => !usedNames.has(n)));
        usedNames.add(name);
      }
    }
    if (final && stageCount > 1 && rng.chance(0.4)) name = rng.pick(['runtime', 'final', 'production']);
    stages.push({ name, base, output: base.lang === 'node' ? '/app/dist' : '/out/app' });
  }

  const globalArgs = new Map<string, string | null>();
  for (const s of stages)
    for (const [n, v] of s.base.args ?? []) if (!globalArgs.has(n)) globalArgs.set(n, v);
  if (rng.chance(0.1)) globalArgs.set('BUILDKIT_INLINE_CACHE', '1');
  if (globalArgs.size > 0)
    w.add(
      [...globalArgs].map(([n, v]) => (v === null ? `ARG ${n}` : `ARG ${n}=${v}`)),
      [''],
    );

  const headerLines = w.lines;
  for (const [i, stage] of stages.entries()) {
    const final = i === stages.length - 1;
    const share = final
      ? budget - (w.lines - headerLines)
      : Math.round((budget - headerLines) / stages.length);
    const stageEnd = w.lines + Math.max(4, share);
    const earlier = stages.slice(0, i);

    const platform = !final && rng.chance(0.25) ? '--platform=$BUILDPLATFORM ' : '';
    const image = stage.base.image.replace(/^(\w+):latest$/, rng.chance(0.5) ? '$1' : '$1:latest');
    w.add([`FROM ${platform}${image}${stage.name ? ` ${rng.chance(0.9) ? 'AS' : 'as'} ${stage.name}` : ''}`]);
    if (rng.chance(0.4)) w.add(labelBlock(rng, service));
    if (rng.chance(0.3)) w.add(argBlock(rng));
    if (stage.base.shell || rng.chance(0.5))
      w.add([`WORKDIR ${rng.pick(['/app', '/src', '/usr/src/app', '/build'])}`]);
    if (stage.base.shell && stage.base.pm !== 'none' && rng.chance(0.75)) {
      w.add(stage.base.pm === 'apt' ? aptBlock(rng) : apkBlock(rng));
    }
    if (stage.base.shell && (!final || stages.length === 1)) w.add(langBuildBlock(rng, stage.base.lang));
    if (final) {
      for (const from of earlier) if (rng.chance(0.8)) w.add(copyBlock(rng, [from]));
      if (earlier.length === 0 && !stage.base.shell) w.add(['COPY app /usr/local/bin/app']);
    }

    const tail = final ? [...userBlocks(rng, stage.base), ...tailBlocks(rng, stage.base, service)] : [];
    const tailLines = tail.reduce((n, b) => n + b.length, 0);
    for (let guard = 0; guard < 200 && w.lines + tailLines < stageEnd; guard++) {
      w.add(fillerBlock(rng, stage, earlier, service));
    }
    w.add(...tail);
    if (!final && rng.chance(0.5)) w.add(['']);
  }

  const content = w.text();
  const lines = content.split('\n').length - 1;
  const dir = rng.weighted([
    [`services/${service}/Dockerfile`, 5],
    ['Dockerfile', 2],
    [`docker/${service}.Dockerfile`, 2],
    [`${service}/Dockerfile.${rng.pick(['dev', 'prod', 'ci'])}`, 1],
    [`deploy/${service}/Containerfile`, 1],
  ] as const);
  return { path: `repo-${String(index).padStart(4, '0')}/${dir}`, content, lines };
}

/** `count` Dockerfiles, the same for the same `seed`. */
export function generateCorpus(
  count: number = DEFAULT_CORPUS_SIZE,
  seed: number = DEFAULT_SEED,
): CorpusFile[] {
  const rng = new Rng(seed);
  const files: CorpusFile[] = [];
  for (let i = 0; i < count; i++) files.push(generateDockerfile(rng, i));
  return files;
}
