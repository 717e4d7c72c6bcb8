package portcullis.rules.instruction_casing_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.instruction_casing

test_keywords_against_an_upper_case_majority if {
	findings := instruction_casing.info with input as mixed
	findings == {
		{"msg": "run should be written RUN, like most of this file's instructions.", "line": 2},
		{"msg": "Workdir should be written WORKDIR, like most of this file's instructions.", "line": 3},
	}
}

# The FROM line counts towards the majority.
test_keywords_against_a_lower_case_majority if {
	findings := instruction_casing.info with input as mostly_lower
	findings == {{"msg": "CMD should be written cmd, like most of this file's instructions.", "line": 4}}
}

test_other_targets_are_ignored if {
	count(instruction_casing.info) == 0 with input as test_inputs.other_kind(mixed)
}

#  1 | FROM node:20-alpine
#  2 | run echo a
#  3 | Workdir /app
#  4 | COPY . .
#  5 | CMD ["node", "a.js"]
mixed := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 5, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["echo", "a"], "value": "echo a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["echo", "a"], "assignments": [], "text": "echo a", "line": 2, "pipeline": 0, "position": 0}], "source": "run echo a"}, {"keyword": "WORKDIR", "line": 3, "end_line": 3, "flags": [], "arguments": ["/app"], "value": "/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "Workdir /app"}, {"keyword": "COPY", "line": 4, "end_line": 4, "flags": [], "arguments": [".", "."], "value": ". .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY . ."}, {"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["node", "a.js"], "value": "[\"node\", \"a.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"a.js\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}

#  1 | from node:20-alpine
#  2 | run echo a
#  3 | copy . .
#  4 | CMD ["node", "a.js"]
mostly_lower := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 4, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["echo", "a"], "value": "echo a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["echo", "a"], "assignments": [], "text": "echo a", "line": 2, "pipeline": 0, "position": 0}], "source": "run echo a"}, {"keyword": "COPY", "line": 3, "end_line": 3, "flags": [], "arguments": [".", "."], "value": ". .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "copy . ."}, {"keyword": "CMD", "line": 4, "end_line": 4, "flags": [], "arguments": ["node", "a.js"], "value": "[\"node\", \"a.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"a.js\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "from node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}
