package portcullis.rules.onbuild_trigger_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.onbuild_trigger

# Keywords are case-insensitive; other triggers pass. The parser marks every instruction an
# ONBUILD carries with `onbuild: true` (src/targets/dockerfile/parse.ts).
test_forbidden_triggers_are_warned if {
	findings := onbuild_trigger.warn with input as triggers
	findings == {
		{"msg": "ONBUILD ONBUILD is not allowed as a trigger: every image built on this one fails to build.", "line": 2},
		{"msg": "ONBUILD FROM is not allowed as a trigger: every image built on this one fails to build.", "line": 3},
		{"msg": "ONBUILD MAINTAINER is not allowed as a trigger: every image built on this one fails to build.", "line": 4},
	}
}

test_other_targets_are_ignored if {
	count(onbuild_trigger.warn) == 0 with input as test_inputs.other_kind(triggers)
}

#  1 | FROM node:20-alpine
#  2 | ONBUILD ONBUILD RUN echo x
#  3 | ONBUILD from alpine:3.20
#  4 | ONBUILD MAINTAINER me
#  5 | ONBUILD COPY . /app
#  6 | ONBUILD RUN echo FROM
triggers := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 6, "base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ONBUILD", "line": 2, "end_line": 2, "flags": [], "arguments": ["ONBUILD", "RUN", "echo", "x"], "value": "ONBUILD RUN echo x", "form": null, "properties": [], "heredocs": [], "commands": [], "onbuild": true, "source": "ONBUILD ONBUILD RUN echo x"}, {"keyword": "ONBUILD", "line": 3, "end_line": 3, "flags": [], "arguments": ["from", "alpine:3.20"], "value": "from alpine:3.20", "form": null, "properties": [], "heredocs": [], "commands": [], "onbuild": true, "source": "ONBUILD from alpine:3.20"}, {"keyword": "ONBUILD", "line": 4, "end_line": 4, "flags": [], "arguments": ["MAINTAINER", "me"], "value": "MAINTAINER me", "form": null, "properties": [], "heredocs": [], "commands": [], "onbuild": true, "source": "ONBUILD MAINTAINER me"}, {"keyword": "ONBUILD", "line": 5, "end_line": 5, "flags": [], "arguments": ["COPY", ".", "/app"], "value": "COPY . /app", "form": null, "properties": [], "heredocs": [], "commands": [], "onbuild": true, "source": "ONBUILD COPY . /app"}, {"keyword": "ONBUILD", "line": 6, "end_line": 6, "flags": [], "arguments": ["RUN", "echo", "FROM"], "value": "RUN echo FROM", "form": null, "properties": [], "heredocs": [], "commands": [], "onbuild": true, "source": "ONBUILD RUN echo FROM"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "node:20-alpine", "source": "FROM node:20-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null}]}
