/** The builder the operator configured: docker buildx with a Docker daemon, buildah otherwise. */

import { metrics } from '../metrics.js';
import { type Settings, settings } from '../settings.js';
import { BuildahBuilder } from './buildah.js';
import { type BuildLimits, type BuildRequest, buildLimitsFromEnv, type ImageBuilder } from './builder.js';
import { DockerBuildxBuilder } from './docker-buildx.js';

export type { BuildOutcome, BuildRequest, ImageBuilder } from './builder.js';

export function builderFromEnv(
  from: Settings = settings(),
  limits: BuildLimits = buildLimitsFromEnv(from),
): ImageBuilder {
  const host = from.portcullisDockerHost || from.dockerHost;
  if (host) return measured(new DockerBuildxBuilder({ host, limits }));
  return measured(
    new BuildahBuilder({
      limits,
      ...(from.buildDir ? { workRoot: from.buildDir } : {}),
      insecureRegistries: from.insecureRegistries,
    }),
  );
}

/** Every build's duration in the service's metrics (`portcullis_build_duration_seconds`). */
function measured(builder: ImageBuilder): ImageBuilder {
  return {
    name: builder.name,
    async build(request: BuildRequest) {
      const outcome = await builder.build(request);
      metrics().observe('buildDuration', outcome.durationMs / 1000, {
        outcome: outcome.ok ? 'built' : outcome.reason,
      });
      return outcome;
    },
  };
}
