/**
 * Suites that need a real program (buildah, osv-scanner, opa…). Such a suite must not vanish
 * silently: under CI (`CI` set, as `.ci/run` runs) a missing program fails the suite with what
 * to do; only on a developer's machine is the suite skipped, with a warning that says so.
 */
import { execFileSync } from 'node:child_process';
import { toolPath } from '../../src/tools.js';

export type RequiredTool = Parameters<typeof toolPath>[0];

const probed = new Map<RequiredTool, boolean>();

function runs(tool: RequiredTool): boolean {
  let ok = probed.get(tool);
  if (ok === undefined) {
    try {
      execFileSync(toolPath(tool), ['--version'], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    probed.set(tool, ok);
  }
  return ok;
}

/** The first of `tools` that is not installed (or does not run), or null when all are there. */
export function missingTool(tools: readonly RequiredTool[]): RequiredTool | null {
  return tools.find((tool) => !runs(tool)) ?? null;
}

const inCi = (): boolean => !['', '0', 'false'].includes(process.env.CI ?? '');

/** `describe(title, body)` when every one of `tools` runs; otherwise a failure in CI, a loud skip elsewhere. */
export function describeWithTools(tools: readonly RequiredTool[], title: string, body: () => void): void {
  const tool = missingTool(tools);
  if (!tool) {
    describe(title, body);
  } else if (inCi()) {
    describe(title, () => {
      it(`needs ${tool}`, () => {
        throw new Error(`${tool} is required in CI: run \`npm run setup\` (${toolPath(tool)} does not run)`);
      });
    });
  } else {
    console.warn(
      `SKIPPED "${title}": ${tool} is not installed (run \`npm run setup\`). Under CI=true this suite fails instead.`,
    );
    // A to-do, not a hidden skip: jest's summary counts it.
    describe(title, () => {
      it.todo(`needs ${tool}`);
    });
  }
}
