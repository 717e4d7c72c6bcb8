/** The builder the operator configured: docker buildx with a Docker daemon, buildah otherwise. */

import { type Settings, settings } from '../settings.js';
import { BuildahBuilder } from './buildah.js';
import { type BuildLimits, buildLimitsFromEnv, type ImageBuilder } from './builder.js';
import { DockerBuildxBuilder } from './docker-buildx.js';

export type { BuildOutcome, BuildRequest, ImageBuilder } from './builder.js';

export function builderFromEnv(
  from: Settings = settings(),
  limits: BuildLimits = buildLimitsFromEnv(from),
): ImageBuilder {
  const host = from.portcullisDockerHost || from.dockerHost;
  if (host) return new DockerBuildxBuilder({ host, limits });
  return new BuildahBuilder({
    limits,
    ...(from.buildDir ? { workRoot: from.buildDir } : {}),
    insecureRegistries: from.insecureRegistries,
  });
}
