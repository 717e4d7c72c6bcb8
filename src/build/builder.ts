/**
 * The Builder seam: a build context and a Dockerfile in, an image archive out (or why
 * not). Two implementations: buildah (daemonless, the default) and `docker buildx` (when
 * the operator points Portcullis at a Docker daemon). The facts code knows only this.
 */
import { type Settings, settings } from '../settings.js';

export interface BuildRequest {
  /** The build context folder: the repository at the commit, or a folder of it. */
  contextDir: string;
  /** The Dockerfile, absolute or relative to `contextDir`. */
  dockerfile: string;
  /** `--build-arg` values from the configuration (never from the pull request). */
  buildArgs: Record<string, string>;
  /** `--target` stage; null builds the last stage. */
  target: string | null;
  /** `--platform`, e.g. `linux/amd64`; null for the builder's own. */
  platform: string | null;
  /**
   * Images the Dockerfile names (`FROM`, `COPY --from`), fully qualified: pulled before a
   * build without network, since the build itself then cannot.
   */
  pullImages?: string[];
  /** The archive to write: a docker-archive tar. */
  outputArchive: string;
  signal?: AbortSignal;
}

export type BuildOutcome =
  | { ok: true; archive: string; durationMs: number }
  | {
      ok: false;
      reason: 'failed' | 'timed_out';
      /** What went wrong, in a sentence. */
      message: string;
      /** The end of the build log, secrets redacted. */
      logExcerpt: string;
      durationMs: number;
    };

export interface ImageBuilder {
  /** `buildah`, `docker-buildx`. */
  readonly name: string;
  build(request: BuildRequest): Promise<BuildOutcome>;
}

/** How builds run: network for RUN steps, time limit, how many at once. */
export interface BuildLimits {
  /** `none` (the default: RUN steps have no network) or `host`. */
  network: 'none' | 'host';
  timeoutMs: number;
  concurrency: number;
}

export const DEFAULT_BUILD_LIMITS: BuildLimits = { network: 'none', timeoutMs: 10 * 60_000, concurrency: 1 };

/** PORTCULLIS_BUILD_NETWORK, PORTCULLIS_BUILD_TIMEOUT (seconds), PORTCULLIS_BUILD_CONCURRENCY. */
export function buildLimitsFromEnv(from: Settings = settings()): BuildLimits {
  return {
    network: from.buildNetwork,
    timeoutMs: from.buildTimeoutSeconds * 1000,
    concurrency: from.buildConcurrency,
  };
}
