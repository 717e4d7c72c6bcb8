/**
 * The image config blob (Docker's `container.image.v1`, OCI's `image.config.v1`: the same
 * JSON), reduced to what policies judge. Missing fields become empty values rather than
 * errors: a scratch image has no Env, and that is a fact, not a fault.
 */
import { checkJson, type JsonSchema } from '../schema/parse-json.js';

export interface ImageConfig {
  /** `config.User` as written (`1000`, `app:app`); null when unset, which runs as root. */
  user: string | null;
  /** `config.Env`, `KEY=value` strings in image order (later entries win). */
  env: string[];
  /** `config.Cmd` in exec form; null when unset. */
  cmd: string[] | null;
  /** `config.Entrypoint` in exec form; null when unset. */
  entrypoint: string[] | null;
  /** Keys of `config.ExposedPorts`, like `8080/tcp`, sorted. */
  exposedPorts: string[];
  /** `config.Labels`, e.g. `org.opencontainers.image.source`. */
  labels: Record<string, string>;
  /** RFC 3339 creation time, null when absent (reproducible builds often zero it). */
  created: string | null;
  /** One entry per build step, oldest first; `emptyLayer` steps added no layer. */
  history: ImageHistoryEntry[];
  os: string;
  architecture: string;
  /** CPU variant, e.g. `v8` for arm64, `v7` for arm; null when the image does not say. */
  variant: string | null;
}

export interface ImageHistoryEntry {
  created: string | null;
  /** The build instruction, e.g. `/bin/sh -c apt-get update` or `COPY app /app # buildkit`. */
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
}

/**
 * The fields read. Go's encoder writes a nil slice or map as `null` (`"Cmd": null` is common),
 * so null is the same as absent; any other type is a config we cannot read.
 */
interface ImageConfigDocument {
  os: string;
  architecture: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  } | null;
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[] | null;
}
const STRING = { type: 'string' };
const STRINGS_OR_NULL = { type: ['array', 'null'], items: STRING };
const OBJECT_OR_NULL = { type: ['object', 'null'] };
/** Exported for scripts/generate-validators.mjs, which precompiles it. */
export const IMAGE_CONFIG: JsonSchema<ImageConfigDocument> = {
  type: 'object',
  required: ['os', 'architecture'],
  properties: {
    os: STRING,
    architecture: STRING,
    variant: STRING,
    created: STRING,
    config: {
      type: ['object', 'null'],
      properties: {
        User: STRING,
        Env: STRINGS_OR_NULL,
        Cmd: STRINGS_OR_NULL,
        Entrypoint: STRINGS_OR_NULL,
        ExposedPorts: OBJECT_OR_NULL,
        Labels: { type: ['object', 'null'], additionalProperties: STRING },
      },
    },
    history: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          created: STRING,
          created_by: STRING,
          comment: STRING,
          empty_layer: { type: 'boolean' },
        },
      },
    },
  },
};

export function parseImageConfig(bytes: Uint8Array): ImageConfig | { error: string } {
  const checked = checkJson(bytes, IMAGE_CONFIG);
  if ('problem' in checked) return { error: `the image config: ${checked.problem}` };
  const json = checked.value;
  const config = json.config ?? {};
  return {
    user: config.User || null,
    env: config.Env ?? [],
    cmd: config.Cmd ?? null,
    entrypoint: config.Entrypoint ?? null,
    exposedPorts: Object.keys(config.ExposedPorts ?? {}).sort(),
    labels: config.Labels ?? {},
    created: json.created ?? null,
    history: (json.history ?? []).map((entry) => ({
      created: entry.created ?? null,
      createdBy: entry.created_by ?? null,
      comment: entry.comment ?? null,
      emptyLayer: entry.empty_layer === true,
    })),
    os: json.os,
    architecture: json.architecture,
    variant: json.variant || null,
  };
}
