package portcullis.rules.env_self_reference_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.env_self_reference

# `$AB` is another variable; a later variable (E=$F F=1) and a separate ENV are fine.
test_references_to_variables_set_by_the_same_env_are_warned if {
	findings := env_self_reference.warn with input as self
	test_inputs.lines(findings) == {3, 4, 5}
	some finding in test_inputs.at(findings, 3)
	finding.msg == "ENV BIN refers to $DIR, which the same ENV sets: it gets the value from before this instruction. Set DIR in an ENV of its own first."
}

test_other_targets_are_ignored if {
	count(env_self_reference.warn) == 0 with input as test_inputs.other_kind(self)
}

#  1 | FROM alpine:3.20
#  2 | ENV DIR=/opt/app \
#  3 |     BIN=$DIR/bin \
#  4 |     LIB=${DIR}/lib
#  5 | ENV A=1 B=${A:-x} C=$AB D=$PATH
#  6 | ENV E=$F F=1
#  7 | ENV DIR2=/x
#  8 | ENV BIN2=$DIR2/bin
self := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 8, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ENV", "line": 2, "end_line": 4, "flags": [], "arguments": ["DIR=/opt/app", "BIN=$DIR/bin", "LIB=${DIR}/lib"], "value": "DIR=/opt/app BIN=$DIR/bin LIB=${DIR}/lib", "form": null, "properties": [{"name": "DIR", "value": "/opt/app", "line": 2}, {"name": "BIN", "value": "$DIR/bin", "line": 3}, {"name": "LIB", "value": "${DIR}/lib", "line": 4}], "heredocs": [], "commands": [], "source": "ENV DIR=/opt/app \\\n    BIN=$DIR/bin \\\n    LIB=${DIR}/lib"}, {"keyword": "ENV", "line": 5, "end_line": 5, "flags": [], "arguments": ["A=1", "B=${A:-x}", "C=$AB", "D=$PATH"], "value": "A=1 B=${A:-x} C=$AB D=$PATH", "form": null, "properties": [{"name": "A", "value": "1", "line": 5}, {"name": "B", "value": "${A:-x}", "line": 5}, {"name": "C", "value": "$AB", "line": 5}, {"name": "D", "value": "$PATH", "line": 5}], "heredocs": [], "commands": [], "source": "ENV A=1 B=${A:-x} C=$AB D=$PATH"}, {"keyword": "ENV", "line": 6, "end_line": 6, "flags": [], "arguments": ["E=$F", "F=1"], "value": "E=$F F=1", "form": null, "properties": [{"name": "E", "value": "$F", "line": 6}, {"name": "F", "value": "1", "line": 6}], "heredocs": [], "commands": [], "source": "ENV E=$F F=1"}, {"keyword": "ENV", "line": 7, "end_line": 7, "flags": [], "arguments": ["DIR2=/x"], "value": "DIR2=/x", "form": null, "properties": [{"name": "DIR2", "value": "/x", "line": 7}], "heredocs": [], "commands": [], "source": "ENV DIR2=/x"}, {"keyword": "ENV", "line": 8, "end_line": 8, "flags": [], "arguments": ["BIN2=$DIR2/bin"], "value": "BIN2=$DIR2/bin", "form": null, "properties": [{"name": "BIN2", "value": "$DIR2/bin", "line": 8}], "heredocs": [], "commands": [], "source": "ENV BIN2=$DIR2/bin"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
