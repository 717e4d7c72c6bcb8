/**
 * The image config blob (Docker's `container.image.v1`, OCI's `image.config.v1`: the same
 * JSON), reduced to what policies judge. Missing fields become empty values rather than
 * errors: a scratch image has no Env, and that is a fact, not a fault.
 */
import { isObject } from './manifest.js';

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

export function parseImageConfig(bytes: Uint8Array): ImageConfig | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { error: 'the image config is not JSON' };
  }
  if (!isObject(json)) return { error: 'the image config is not a JSON object' };
  if (typeof json.os !== 'string' || typeof json.architecture !== 'string') {
    return { error: 'the image config has no os or architecture' };
  }
  const config = isObject(json.config) ? json.config : {};
  return {
    user: typeof config.User === 'string' && config.User !== '' ? config.User : null,
    env: strings(config.Env) ?? [],
    cmd: strings(config.Cmd),
    entrypoint: strings(config.Entrypoint),
    exposedPorts: isObject(config.ExposedPorts) ? Object.keys(config.ExposedPorts).sort() : [],
    labels: isObject(config.Labels)
      ? Object.fromEntries(
          Object.entries(config.Labels).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : {},
    created: typeof json.created === 'string' ? json.created : null,
    history: Array.isArray(json.history) ? json.history.filter(isObject).map(historyEntry) : [],
    os: json.os,
    architecture: json.architecture,
    variant: typeof json.variant === 'string' && json.variant !== '' ? json.variant : null,
  };
}

function historyEntry(entry: Record<string, unknown>): ImageHistoryEntry {
  return {
    created: typeof entry.created === 'string' ? entry.created : null,
    createdBy: typeof entry.created_by === 'string' ? entry.created_by : null,
    comment: typeof entry.comment === 'string' ? entry.comment : null,
    emptyLayer: entry.empty_layer === true,
  };
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}
