package portcullis.rules.legacy_key_value_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.legacy_key_value

test_legacy_form_is_reported if {
	lines := test_inputs.lines(legacy_key_value.info) with input as legacy
	lines == {2, 3, 4, 5, 8, 10}
}

# A value with spaces is quoted; the keyword keeps its case; variables expand alike in
# both forms; a value on several lines is left to the author.
test_fix_writes_key_equals_value if {
	fixes := test_inputs.fixes(legacy_key_value.info) with input as legacy
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "ENV NODE_ENV=production", "description": "Write ENV NODE_ENV=production"},
		{"line": 3, "end_line": 3, "replacement": "env PATH=/opt/bin:$PATH", "description": "Write env PATH=/opt/bin:$PATH"},
		{"line": 4, "end_line": 4, "replacement": "LABEL description=\"A small image\"", "description": "Write LABEL description=\"A small image\""},
		{"line": 5, "end_line": 5, "replacement": "ENV GREETING=\"hello world\"", "description": "Write ENV GREETING=\"hello world\""},
	}
}

test_other_targets_are_ignored if {
	count(legacy_key_value.info) == 0 with input as test_inputs.other_kind(legacy)
}

#  1 | FROM node:20-alpine
#  2 | ENV NODE_ENV production
#  3 | env PATH /opt/bin:$PATH
#  4 | LABEL description A small image
#  5 | ENV GREETING "hello world"
#  6 | ENV A=1 B=2
#  7 | LABEL org.opencontainers.image.title="app"
#  8 | ENV MULTI \
#  9 |     line
# 10 | ENV LITERAL '$HOME'
legacy := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 10, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ENV", "line": 2, "end_line": 2, "flags": [], "arguments": ["NODE_ENV", "production"], "value": "NODE_ENV production", "form": null, "properties": [{"name": "NODE_ENV", "value": "production", "line": 2}], "heredocs": [], "commands": [], "source": "ENV NODE_ENV production"}, {"keyword": "ENV", "line": 3, "end_line": 3, "flags": [], "arguments": ["PATH", "/opt/bin:$PATH"], "value": "PATH /opt/bin:$PATH", "form": null, "properties": [{"name": "PATH", "value": "/opt/bin:$PATH", "line": 3}], "heredocs": [], "commands": [], "source": "env PATH /opt/bin:$PATH"}, {"keyword": "LABEL", "line": 4, "end_line": 4, "flags": [], "arguments": ["description", "A", "small", "image"], "value": "description A small image", "form": null, "properties": [{"name": "description", "value": "A small image", "line": 4}], "heredocs": [], "commands": [], "source": "LABEL description A small image"}, {"keyword": "ENV", "line": 5, "end_line": 5, "flags": [], "arguments": ["GREETING", "\"hello", "world\""], "value": "GREETING \"hello world\"", "form": null, "properties": [{"name": "GREETING", "value": "hello world", "line": 5}], "heredocs": [], "commands": [], "source": "ENV GREETING \"hello world\""}, {"keyword": "ENV", "line": 6, "end_line": 6, "flags": [], "arguments": ["A=1", "B=2"], "value": "A=1 B=2", "form": null, "properties": [{"name": "A", "value": "1", "line": 6}, {"name": "B", "value": "2", "line": 6}], "heredocs": [], "commands": [], "source": "ENV A=1 B=2"}, {"keyword": "LABEL", "line": 7, "end_line": 7, "flags": [], "arguments": ["org.opencontainers.image.title=\"app\""], "value": "org.opencontainers.image.title=\"app\"", "form": null, "properties": [{"name": "org.opencontainers.image.title", "value": "app", "line": 7}], "heredocs": [], "commands": [], "source": "LABEL org.opencontainers.image.title=\"app\""}, {"keyword": "ENV", "line": 8, "end_line": 9, "flags": [], "arguments": ["MULTI", "line"], "value": "MULTI line", "form": null, "properties": [{"name": "MULTI", "value": "line", "line": 8}], "heredocs": [], "commands": [], "source": "ENV MULTI \\\n    line"}, {"keyword": "ENV", "line": 10, "end_line": 10, "flags": [], "arguments": ["LITERAL", "'$HOME'"], "value": "LITERAL '$HOME'", "form": null, "properties": [{"name": "LITERAL", "value": "$HOME", "line": 10}], "heredocs": [], "commands": [], "source": "ENV LITERAL '$HOME'"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}
