package portcullis.rules.repeated_instruction_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.repeated_instruction

# Each stage is judged alone: the builder's CMD does not count against the final stage's;
# `HEALTHCHECK CMD …` is a HEALTHCHECK, not a CMD.
test_all_but_the_last_are_warned if {
	findings := repeated_instruction.warn with input as repeated
	findings == {
		{"msg": "HEALTHCHECK is overridden by the HEALTHCHECK on line 7: only the last HEALTHCHECK of a stage takes effect. Delete this one.", "line": 4},
		{"msg": "CMD is overridden by the CMD on line 9: only the last CMD of a stage takes effect. Delete this one.", "line": 6},
		{"msg": "CMD is overridden by the CMD on line 9: only the last CMD of a stage takes effect. Delete this one.", "line": 8},
	}
}

test_other_targets_are_ignored if {
	count(repeated_instruction.warn) == 0 with input as test_inputs.other_kind(repeated)
}

#  1 | FROM node:20-alpine AS build
#  2 | CMD ["node", "build.js"]
#  3 | FROM node:20-alpine
#  4 | HEALTHCHECK CMD wget -q localhost
#  5 | ENTRYPOINT ["tini", "--"]
#  6 | CMD ["node", "a.js"]
#  7 | HEALTHCHECK NONE
#  8 | CMD ["node", "b.js"]
#  9 | CMD ["node", "c.js"]
repeated := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "CMD", "line": 2, "end_line": 2, "flags": [], "arguments": ["node", "build.js"], "value": "[\"node\", \"build.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"build.js\"]"}]}, {"index": 1, "name": null, "final": true, "line": 3, "end_line": 9, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "HEALTHCHECK", "line": 4, "end_line": 4, "flags": [], "arguments": ["CMD", "wget", "-q", "localhost"], "value": "CMD wget -q localhost", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "HEALTHCHECK CMD wget -q localhost"}, {"keyword": "ENTRYPOINT", "line": 5, "end_line": 5, "flags": [], "arguments": ["tini", "--"], "value": "[\"tini\", \"--\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"tini\", \"--\"]"}, {"keyword": "CMD", "line": 6, "end_line": 6, "flags": [], "arguments": ["node", "a.js"], "value": "[\"node\", \"a.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"a.js\"]"}, {"keyword": "HEALTHCHECK", "line": 7, "end_line": 7, "flags": [], "arguments": ["NONE"], "value": "NONE", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "HEALTHCHECK NONE"}, {"keyword": "CMD", "line": 8, "end_line": 8, "flags": [], "arguments": ["node", "b.js"], "value": "[\"node\", \"b.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"b.js\"]"}, {"keyword": "CMD", "line": 9, "end_line": 9, "flags": [], "arguments": ["node", "c.js"], "value": "[\"node\", \"c.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"c.js\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}, {"line": 3, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}
