/**
 * An image's history (one entry per build step, oldest first, `empty_layer` for steps that
 * added no layer) mapped back to the Dockerfile that built it, so a vulnerability found in a
 * layer points at the instruction that created the layer.
 *
 * The image's history is the base image's own history followed by one entry per
 * instruction of the stages from the target stage's root down to it (`FROM builder AS app`
 * builds on builder's steps). Builders write `created_by` differently:
 * - buildah and Docker's classic builder: `/bin/sh -c #(nop) COPY file:… in /app`, and for
 *   `RUN` the bare command `/bin/sh -c make` (or `|2 A=1 B=2 /bin/sh -c make` with build args);
 * - BuildKit: the instruction itself, `RUN /bin/sh -c make # buildkit`, `COPY app /app # buildkit`.
 * The steps are matched from the newest backwards by keyword: an instruction whose keyword
 * differs from the entry's made no entry of its own; entries left over at the start belong
 * to the base image. An entry whose keyword cannot be read matches the instruction at hand.
 */
import type {
  DockerfileFacts,
  DockerfileInstruction,
  DockerfileStage,
  ImageHistoryFacts,
} from '../input/policy-input.js';
import type { ImageHistoryEntry } from '../registry/image-config.js';
import { redactHistory } from './secrets.js';

/** One step of the image's history, mapped to the Dockerfile line that made it (the policy input's shape). */
export type MappedHistoryEntry = ImageHistoryFacts;

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** The Dockerfile keyword a history entry's `created_by` was written for, or null when it cannot tell. */
export function historyKeyword(createdBy: string | null): string | null {
  if (!createdBy) return null;
  const text = createdBy.trim();
  const nop = /#\(nop\)\s*([A-Za-z]+)/.exec(text);
  if (nop?.[1]) return KEYWORDS.has(nop[1].toUpperCase()) ? nop[1].toUpperCase() : null;
  const first = /^([A-Z]+)\b/.exec(text)?.[1];
  if (first && KEYWORDS.has(first)) return first;
  // Classic and buildah RUN: the shell command, possibly after `|N NAME=value …` build args.
  if (/^(\|\d+\s.*?)?(\/bin\/sh|\/bin\/bash|sh|bash|cmd|powershell)\b.*\s-c\b/i.test(text)) return 'RUN';
  return null;
}

/** The stages whose instructions make up the image of `stage`: its root first. */
export function stageChain(dockerfile: DockerfileFacts, stage: DockerfileStage): DockerfileStage[] {
  const chain: DockerfileStage[] = [];
  const seen = new Set<number>();
  for (let current: DockerfileStage | undefined = stage; current && !seen.has(current.index); ) {
    seen.add(current.index);
    chain.unshift(current);
    const from: number | null = current.base.stage;
    current = from === null ? undefined : dockerfile.stages[from];
  }
  return chain;
}

/** The stage a build produces: `target` by name (or index), else the last one. */
export function targetStage(dockerfile: DockerfileFacts, target: string | null): DockerfileStage | null {
  if (target === null) return dockerfile.stages[dockerfile.stages.length - 1] ?? null;
  return dockerfile.stages.find((s) => s.name === target.toLowerCase() || String(s.index) === target) ?? null;
}

export function mapHistory(
  history: readonly ImageHistoryEntry[],
  dockerfile: DockerfileFacts | null,
  target: string | null = null,
): MappedHistoryEntry[] {
  let layer = 0;
  const mapped: MappedHistoryEntry[] = history.map((entry, index) => {
    const redacted = redactHistory(entry.createdBy ?? '');
    return {
      index,
      created_by: redacted.text,
      empty_layer: entry.emptyLayer,
      layer_index: entry.emptyLayer ? null : layer++,
      keyword: null,
      line: null,
      end_line: null,
      in_base_image: false,
      secrets: redacted.secrets,
    };
  });
  const stage = dockerfile ? targetStage(dockerfile, target) : null;
  if (!dockerfile || !stage) return mapped;
  const chain = stageChain(dockerfile, stage);
  const instructions: DockerfileInstruction[] = chain.flatMap((s) => s.instructions);

  let i = history.length - 1;
  let j = instructions.length - 1;
  let firstMatched = history.length;
  while (i >= 0 && j >= 0) {
    const keyword = historyKeyword(history[i]?.createdBy ?? null);
    const instruction = instructions[j] as DockerfileInstruction;
    if (keyword === null || keyword === instruction.keyword) {
      Object.assign(mapped[i] as MappedHistoryEntry, {
        keyword: instruction.keyword,
        line: instruction.line,
        end_line: instruction.end_line,
      });
      firstMatched = i;
      i--;
      j--;
    } else if (j > 0 && historyKeyword(history[i]?.createdBy ?? null) === instructions[j - 1]?.keyword) {
      j--; // this instruction recorded no step
    } else {
      i--; // a step no instruction explains (a builder's own): leave it unmapped
    }
  }
  const root = chain[0];
  const hasBaseImage = root !== undefined && !root.base.scratch;
  if (hasBaseImage) {
    for (let k = 0; k < firstMatched; k++) (mapped[k] as MappedHistoryEntry).in_base_image = true;
  }
  return mapped;
}

/** The history entry that added layer `layerIndex`, when the history says. */
export function entryForLayer(
  history: readonly MappedHistoryEntry[],
  layerIndex: number,
): MappedHistoryEntry | null {
  return history.find((entry) => entry.layer_index === layerIndex) ?? null;
}
