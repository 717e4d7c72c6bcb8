package portcullis.rules.instruction_before_from_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.instruction_before_from

# Each instruction other than ARG before the first FROM, on its first line; the ARGs
# around them are fine.
test_instructions_before_from_are_denied if {
	instruction_before_from.deny == {
		{"msg": "LABEL on line 4 comes before any FROM: only ARG may, and BuildKit refuses the file (no build stage in current context).", "line": 4},
		{"msg": "ENV on line 5 comes before any FROM: only ARG may, and BuildKit refuses the file (no build stage in current context).", "line": 5},
	} with input as before_from
}

# Tricky: a file without FROM has no stage at all; every instruction is reported.
test_a_file_without_from_reports_every_instruction if {
	test_inputs.lines(instruction_before_from.deny) == {1, 2} with input as no_from
}

# Directives, comments and ARGs (an escape directive included) may come first.
test_args_and_comments_before_from_pass if {
	count(instruction_before_from.deny) == 0 with input as args_only
}

test_other_targets_are_ignored if {
	count(instruction_before_from.deny) == 0 with input as test_inputs.other_kind(before_from)
}

#  1 | # syntax=docker/dockerfile:1
#  2 | # a comment
#  3 | ARG BASE=alpine:3.20
#  4 | LABEL org.example.team=core
#  5 | ENV A=1 \
#  6 |     B=2
#  7 | ARG TAG
#  8 | FROM $BASE
#  9 | RUN true
before_from := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [{"name": "syntax", "value": "docker/dockerfile:1", "line": 1}], "global_args": [{"name": "BASE", "default": "alpine:3.20", "line": 3}, {"name": "TAG", "default": null, "line": 7}], "preamble": [{"keyword": "LABEL", "line": 4, "end_line": 4}, {"keyword": "ENV", "line": 5, "end_line": 6}], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 8, "end_line": 9, "source": "FROM $BASE", "base": {"raw": "$BASE", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["true"], "value": "true", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["true"], "assignments": [], "text": "true", "line": 9, "pipeline": 0, "position": 0}], "shell": ["/bin/sh", "-c"], "source": "RUN true"}]}]}, "references": [{"line": 8, "field": "FROM", "raw": "$BASE", "source": "FROM $BASE", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

#  1 | RUN echo hi
#  2 | CMD ["sh"]
no_from := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [{"keyword": "RUN", "line": 1, "end_line": 1}, {"keyword": "CMD", "line": 2, "end_line": 2}], "escape": "\\", "stages": []}, "references": []}

#  1 | # escape=`
#  2 | ARG BASE=alpine:3.20
#  3 | # ARG only before FROM
#  4 | ARG TAG=1
#  5 | FROM $BASE
#  6 | LABEL x.y=z
args_only := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [{"name": "escape", "value": "`", "line": 1}], "global_args": [{"name": "BASE", "default": "alpine:3.20", "line": 2}, {"name": "TAG", "default": "1", "line": 4}], "preamble": [], "escape": "`", "stages": [{"index": 0, "name": null, "final": true, "line": 5, "end_line": 6, "source": "FROM $BASE", "base": {"raw": "$BASE", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "LABEL", "line": 6, "end_line": 6, "flags": [], "arguments": ["x.y=z"], "value": "x.y=z", "form": null, "properties": [{"name": "x.y", "value": "z", "line": 6}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "LABEL x.y=z"}]}]}, "references": [{"line": 5, "field": "FROM", "raw": "$BASE", "source": "FROM $BASE", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
