/** The builder the operator configured: docker buildx with a Docker daemon, buildah otherwise. */

import { BuildahBuilder } from './buildah.js';
import { type BuildLimits, buildLimitsFromEnv, type ImageBuilder } from './builder.js';
import { DockerBuildxBuilder } from './docker-buildx.js';

export type { BuildOutcome, BuildRequest, ImageBuilder } from './builder.js';

export function builderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  limits: BuildLimits = buildLimitsFromEnv(env),
): ImageBuilder {
  const host = env.PORTCULLIS_DOCKER_HOST || env.DOCKER_HOST;
  if (host) return new DockerBuildxBuilder({ host, limits });
  return new BuildahBuilder({
    limits,
    ...(env.PORTCULLIS_BUILD_DIR ? { workRoot: env.PORTCULLIS_BUILD_DIR } : {}),
    insecureRegistries: (env.PORTCULLIS_INSECURE_REGISTRIES ?? '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
  });
}
