/**
 * The Builder on a Docker daemon: `docker buildx build`, used when the operator configures
 * one (PORTCULLIS_DOCKER_HOST, or DOCKER_HOST). The image is exported straight to a
 * docker-archive (`--output type=docker,dest=…`) and never loaded into the daemon, so
 * nothing is left to clean up but BuildKit's cache, which the daemon manages. RUN steps get
 * `--network none` unless PORTCULLIS_BUILD_NETWORK=host; BuildKit pulls base images itself.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { errorMessage } from '../errors.js';
import { cleanEnvironment, runProcess } from '../tool-process.js';
import { toolPath } from '../tools.js';
import type { BuildLimits, BuildOutcome, BuildRequest, ImageBuilder } from './builder.js';
import { DEFAULT_BUILD_LIMITS } from './builder.js';
import { BuildSlots } from './limits.js';
import { logExcerpt } from './log-excerpt.js';

export interface DockerBuildxOptions {
  /** The daemon, e.g. `unix:///var/run/docker.sock` or `tcp://builder:2376`. */
  host: string;
  limits?: BuildLimits;
  binary?: string;
}

export class DockerBuildxBuilder implements ImageBuilder {
  readonly name = 'docker-buildx';
  readonly #host: string;
  readonly #limits: BuildLimits;
  readonly #slots: BuildSlots;
  readonly #binary: string;

  constructor(options: DockerBuildxOptions) {
    this.#host = options.host;
    this.#limits = options.limits ?? DEFAULT_BUILD_LIMITS;
    this.#slots = new BuildSlots(this.#limits.concurrency);
    this.#binary = options.binary ?? toolPath('docker');
  }

  build(request: BuildRequest): Promise<BuildOutcome> {
    return this.#slots.run(() => this.#build(request));
  }

  async #build(request: BuildRequest): Promise<BuildOutcome> {
    const started = Date.now();
    const home = mkdtempSync(join(tmpdir(), 'portcullis-buildx-'));
    mkdirSync(join(home, '.docker'), { recursive: true });
    const dockerfile = isAbsolute(request.dockerfile)
      ? request.dockerfile
      : join(request.contextDir, request.dockerfile);
    const args = [
      'buildx',
      'build',
      '--file',
      dockerfile,
      '--network',
      this.#limits.network === 'host' ? 'host' : 'none',
      '--output',
      `type=docker,dest=${request.outputArchive}`,
      '--progress',
      'plain',
      ...Object.entries(request.buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
      ...(request.target ? ['--target', request.target] : []),
      ...(request.platform ? ['--platform', request.platform] : []),
      request.contextDir,
    ];
    try {
      // A docker config folder of its own: the App's (or the host's) registry logins stay out.
      const result = await runProcess(this.#binary, args, {
        cwd: request.contextDir,
        env: cleanEnvironment(home, { DOCKER_HOST: this.#host, DOCKER_CONFIG: join(home, '.docker') }),
        timeoutMs: this.#limits.timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      if (result.code === 0)
        return { ok: true, archive: request.outputArchive, durationMs: Date.now() - started };
      return {
        ok: false,
        reason: result.timedOut ? 'timed_out' : 'failed',
        message: result.timedOut
          ? `The build did not finish within ${Math.round(this.#limits.timeoutMs / 1000)} s and was stopped`
          : `docker buildx build failed (exit ${result.code ?? result.signal})`,
        logExcerpt: logExcerpt(result.output, Object.values(request.buildArgs)),
        durationMs: Date.now() - started,
      };
    } catch (error) {
      return {
        ok: false,
        reason: 'failed',
        message: `docker could not be run: ${errorMessage(error)}`,
        logExcerpt: '',
        durationMs: Date.now() - started,
      };
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
}
