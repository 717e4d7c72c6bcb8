// Compiles the built-in policy pack into dist/policy-pack/ (PREBUILT_DIR in
// src/policy/compile.ts), so that a cold `portcullis check` with the default policies runs
// no OPA. Part of `npm run build`; compiles only when the pack's sources changed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasPrebuiltPolicy, writePrebuiltPolicy } from '../dist/policy/compile.js';
import { loadPolicySet } from '../dist/policy/policy-set.js';
import { workingTreeSnapshot } from '../dist/repository/snapshot.js';

const empty = await mkdtemp(join(tmpdir(), 'portcullis-pack-'));
try {
  // A repository without configuration: the very bundle (and hash) a default check compiles.
  const { bundle } = await loadPolicySet(workingTreeSnapshot(empty));
  if (!hasPrebuiltPolicy(bundle.hash)) await writePrebuiltPolicy(bundle);
} finally {
  await rm(empty, { recursive: true, force: true });
}
