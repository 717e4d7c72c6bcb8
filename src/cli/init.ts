/**
 * `portcullis init`: a commented starter configuration, an empty waivers file and one
 * repository rule with its test, so that a new user edits working files instead of
 * writing them from the docs. Nothing that exists is overwritten.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CONFIG_PATH, DEFAULT_POLICY_PATH, DEFAULT_WAIVERS_PATH } from '../config/configuration.js';
import { type CliCommand, EXIT, parseOptions, UsageError } from './command.js';
import { COMMAND_TABLE } from './command-table.js';

/** Where editors find the schemas; the same files are in the package under schemas/. */
export const SCHEMA_URLS = {
  configuration: 'https://portcullis.dev/schemas/configuration/v1.json',
  waivers: 'https://portcullis.dev/schemas/waivers/v1.json',
} as const;

const RULE = 'source_label';

export const STARTER_FILES: Readonly<Record<string, string>> = {
  [CONFIG_PATH]: `# yaml-language-server: $schema=${SCHEMA_URLS.configuration}
# Portcullis configuration (docs/configuration.md). Every key is optional; an empty file
# means the defaults. The App reads this file, the policies and the waivers from a pull
# request's base commit, never from its head: a change to them is judged by the old ones.

# Severities that fail the check (and make \`portcullis check\` exit 1).
fail_on: [deny]

# Built-in or repository rules by id: \`off\`, or the severity to report them at.
rules: {}
#   PC-DF-017: info     # report at another severity
#   LOCAL-001: off      # or turn off

# Files judged beyond the built-in patterns, and paths never judged.
targets:
  dockerfiles: []   # e.g. ["*.df"] (no slash: the name in any folder)
  ignore: []        # e.g. ["vendor/**", "test/fixtures/**"]

# The repository's own Rego rules and data files, compiled with the built-in pack.
policies:
  path: ${DEFAULT_POLICY_PATH}
  builtin: true

# Accepted exceptions, each with a reason, an owner and an expiry.
waivers: ${DEFAULT_WAIVERS_PATH}

# Registries images may come from (replaces the default list).
# trusted_registries: [docker.io, ghcr.io]
`,

  [DEFAULT_WAIVERS_PATH]: `# yaml-language-server: $schema=${SCHEMA_URLS.waivers}
# Accepted exceptions to a rule (docs/configuration.md#waivers). A waived finding is still
# shown, marked as waived, but fails nothing until the waiver expires.
waivers: []
#  - rule: PC-DF-003                 # required: the rule's id
#    path: "services/legacy/**"      # optional: glob of paths
#    reason: "pinned by the release job until the base image moves"   # required
#    owner: "@acme/platform"         # required
#    expires: 2027-01-31             # required: applies up to and including that day
`,

  [`${DEFAULT_POLICY_PATH}/${RULE}.rego`]: `# METADATA
# title: Final image without a source label
# description: >-
#   An example repository rule written by \`portcullis init\`: edit it or delete it. The
#   final stage of a Dockerfile should say where the image's source lives, so that a
#   registry (and whoever finds the image) can link back to it.
# custom:
#   id: LOCAL-001
#   severity: warn
#   remediation: >-
#     Add \`LABEL org.opencontainers.image.source="https://github.com/OWNER/REPO"\` to the
#     final stage.
package portcullis.rules.${RULE}

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	stage := dockerfile.final_stage
	not _labelled(stage)
	finding := {
		"msg": sprintf("the final stage %s has no org.opencontainers.image.source label", [dockerfile.stage_label(stage)]),
		"line": stage.line,
	}
}

_labelled(stage) if {
	some instruction in stage.instructions
	instruction.keyword == "LABEL"
	some property in instruction.properties
	property.name == "org.opencontainers.image.source"
}
`,

  [`${DEFAULT_POLICY_PATH}/${RULE}_test.rego`]: `# Run with \`portcullis policy test\`. The inputs are cut down to what the rule reads; see
# docs/policy-input.md for the whole document (or \`scripts/print-input.mjs\` in Portcullis).
package portcullis.rules.${RULE}_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.${RULE}

dockerfile(labels) := {
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {"stages": [
		{"index": 0, "name": "build", "line": 1, "instructions": []},
		{"index": 1, "name": null, "line": 4, "instructions": [{"keyword": "LABEL", "line": 5, "properties": labels}]},
	]},
}

test_unlabelled_final_stage_is_warned_on_its_from_line if {
	test_inputs.lines(${RULE}.warn) == {4} with input as dockerfile([])
}

test_labelled_final_stage_passes if {
	count(${RULE}.warn) == 0 with input as dockerfile([{"name": "org.opencontainers.image.source", "value": "https://github.com/acme/web", "line": 5}])
}

test_other_labels_do_not_count if {
	count(${RULE}.warn) == 1 with input as dockerfile([{"name": "maintainer", "value": "acme", "line": 5}])
}

test_not_a_dockerfile if {
	count(${RULE}.warn) == 0 with input as test_inputs.other_kind(dockerfile([]))
}
`,
};

export const initCommand: CliCommand = {
  name: 'init',
  async run(args, io) {
    const { values, positionals } = parseOptions(args, COMMAND_TABLE.init.options);
    if (positionals.length > 0) throw new UsageError(`init takes no paths (got ${positionals.join(' ')})`);
    const written: string[] = [];
    const existing: string[] = [];
    for (const [path, text] of Object.entries(STARTER_FILES)) {
      const full = join(values.repo, path);
      await mkdir(dirname(full), { recursive: true });
      try {
        // `wx`: never over a file (or a link) that is there, even one made since the check.
        await writeFile(full, text, { flag: 'wx' });
        written.push(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        existing.push(path);
      }
    }
    for (const path of written) io.quiet || io.stdout(`wrote ${path}`);
    if (existing.length > 0) {
      io.stderr(
        `portcullis: kept ${existing.join(', ')}: init overwrites nothing (move a file away to get the starter)`,
      );
      return EXIT.usage;
    }
    if (!io.quiet) io.stdout('Next: portcullis policy test, then portcullis check.');
    return EXIT.ok;
  },
};
