/**
 * The daemonless Builder: buildah (`bud --isolation chroot`), its storage (vfs driver) in a
 * folder of its own per build, removed with everything in it when the build ends, so no
 * image, layer or container outlives the build.
 *
 * The network policy (docs/build-and-scan.md): images the Dockerfile names are pulled first,
 * by buildah, with the network; then the build itself runs with `--pull=never` inside a new,
 * empty network namespace (`unshare --net`), so no RUN step reaches anything, not even
 * loopback. buildah cannot do this alone: chroot isolation refuses `--network none`.
 * PORTCULLIS_BUILD_NETWORK=host lets RUN steps use the host's network instead.
 *
 * `--layers` gives each instruction its own history entry and layer; without it buildah
 * commits the whole build as one layer on the last instruction, and no vulnerability could
 * be traced to the line that brought it in.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { errorMessage } from '../errors.js';
import { cleanEnvironment, type RunResult, runProcess } from '../tool-process.js';
import { toolPath } from '../tools.js';
import type { BuildLimits, BuildOutcome, BuildRequest, ImageBuilder } from './builder.js';
import { DEFAULT_BUILD_LIMITS } from './builder.js';
import { BuildSlots } from './limits.js';
import { logExcerpt } from './log-excerpt.js';

export interface BuildahOptions {
  limits?: BuildLimits;
  /** Where per-build folders go; default the system temp folder. */
  workRoot?: string;
  /** Registries (`host[:port]`) spoken to over plain HTTP or without TLS verification. */
  insecureRegistries?: string[];
  binary?: string;
}

export class BuildahBuilder implements ImageBuilder {
  readonly name = 'buildah';
  readonly #limits: BuildLimits;
  readonly #slots: BuildSlots;
  readonly #workRoot: string;
  readonly #insecure: string[];
  readonly #binary: string;

  constructor(options: BuildahOptions = {}) {
    this.#limits = options.limits ?? DEFAULT_BUILD_LIMITS;
    this.#slots = new BuildSlots(this.#limits.concurrency);
    this.#workRoot = options.workRoot ?? tmpdir();
    this.#insecure = options.insecureRegistries ?? [];
    this.#binary = options.binary ?? toolPath('buildah');
  }

  build(request: BuildRequest): Promise<BuildOutcome> {
    return this.#slots.run(() => this.#build(request));
  }

  async #build(request: BuildRequest): Promise<BuildOutcome> {
    const started = Date.now();
    const deadline = started + this.#limits.timeoutMs;
    mkdirSync(this.#workRoot, { recursive: true });
    const work = mkdtempSync(join(this.#workRoot, 'portcullis-buildah-'));
    const home = join(work, 'home');
    mkdirSync(home);
    const registriesConf = join(work, 'registries.conf');
    writeFileSync(registriesConf, registriesConfig(this.#insecure));
    const env = cleanEnvironment(home, {
      CONTAINERS_REGISTRIES_CONF: registriesConf,
      BUILDAH_ISOLATION: 'chroot',
      STORAGE_DRIVER: 'vfs',
    });
    const storage = [
      '--root',
      join(work, 'root'),
      '--runroot',
      join(work, 'runroot'),
      '--storage-driver',
      'vfs',
    ];
    const secrets = Object.values(request.buildArgs);
    let log = '';
    const run = async (command: string, args: string[]): Promise<RunResult> => {
      const result = await runProcess(command, args, {
        cwd: request.contextDir,
        env,
        timeoutMs: Math.max(1000, deadline - Date.now()),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      log += result.output;
      return result;
    };
    const failed = (result: RunResult | null, message: string): BuildOutcome => ({
      ok: false,
      reason: result?.timedOut ? 'timed_out' : 'failed',
      message: result?.timedOut
        ? `The build did not finish within ${Math.round(this.#limits.timeoutMs / 1000)} s and was stopped`
        : message,
      logExcerpt: logExcerpt(log, secrets),
      durationMs: Date.now() - started,
    });
    try {
      const tag = `localhost/portcullis-build:${randomBytes(6).toString('hex')}`;
      const dockerfile = isAbsolute(request.dockerfile)
        ? request.dockerfile
        : join(request.contextDir, request.dockerfile);
      const budArgs = [
        ...storage,
        'bud',
        '--isolation',
        'chroot',
        '--layers',
        '--file',
        dockerfile,
        '--tag',
        tag,
        ...Object.entries(request.buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
        ...(request.target ? ['--target', request.target] : []),
        ...(request.platform ? ['--platform', request.platform] : []),
      ];
      let built: RunResult;
      if (this.#limits.network === 'none') {
        for (const image of request.pullImages ?? []) {
          const pulled = await run(this.#binary, [
            ...storage,
            'pull',
            ...(request.platform ? ['--platform', request.platform] : []),
            image,
          ]);
          if (pulled.code !== 0) return failed(pulled, `buildah could not pull ${image}`);
        }
        built = await run('unshare', [
          '--net',
          '--',
          this.#binary,
          ...budArgs,
          '--pull=never',
          request.contextDir,
        ]);
      } else {
        built = await run(this.#binary, [...budArgs, '--network', 'host', request.contextDir]);
      }
      if (built.code !== 0) return failed(built, `buildah bud failed (exit ${built.code ?? built.signal})`);
      const pushed = await run(this.#binary, [
        ...storage,
        'push',
        tag,
        `docker-archive:${request.outputArchive}:${tag}`,
      ]);
      if (pushed.code !== 0)
        return failed(pushed, `buildah could not export the image (exit ${pushed.code})`);
      return { ok: true, archive: request.outputArchive, durationMs: Date.now() - started };
    } catch (error) {
      return failed(
        null,
        `buildah could not be run: ${errorMessage(error)} (run \`npm run setup\`, or set PORTCULLIS_BUILDAH)`,
      );
    } finally {
      removeStorage(work);
    }
  }
}

/** Short names resolve on Docker Hub, as in a Dockerfile; listed registries may be plain HTTP. */
function registriesConfig(insecure: readonly string[]): string {
  return [
    'unqualified-search-registries = ["docker.io"]',
    'short-name-mode = "permissive"',
    ...insecure.flatMap((location) => [
      '',
      '[[registry]]',
      `location = ${JSON.stringify(location)}`,
      'insecure = true',
    ]),
    '',
  ].join('\n');
}

/** vfs layers are plain folders; as root they go with rm. */
function removeStorage(work: string): void {
  try {
    rmSync(work, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // A file a RUN step made immutable (chattr +i) or a leftover mount: leave it for the
    // operator's temp cleaner rather than fail the check.
  }
}
