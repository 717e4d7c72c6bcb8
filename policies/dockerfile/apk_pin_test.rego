package portcullis.rules.apk_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.apk_pin

test_unpinned_packages_are_reported if {
	findings := apk_pin.info with input as apk
	findings == {{
		"msg": "\"apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5…\" installs gcc without a version: pin it (name=version).",
		"line": 2,
	}}
}

test_pinned_forms_pass if {
	count(apk_pin.info) == 0 with input as apk_pinned
}

test_other_targets_are_ignored if {
	count(apk_pin.info) == 0 with input as test_inputs.other_kind(apk)
}

#  1 | FROM alpine:3.20
#  2 | RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0
apk := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apk", "add", "--no-cache", "--virtual", ".build-deps", "gcc", "musl-dev=1.2.5-r0"], "value": "apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0",
						"commands": [
							{"argv": ["apk", "add", "--no-cache", "--virtual", ".build-deps", "gcc", "musl-dev=1.2.5-r0"], "assignments": [], "text": "apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.5-r0", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | RUN apk add --no-cache -t.deps curl=8.9.1-r0 "git~2.45" "jq>1.6" /tmp/x.apk
apk_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apk", "add", "--no-cache", "-t.deps", "curl=8.9.1-r0", "\"git~2.45\"", "\"jq>1.6\"", "/tmp/x.apk"], "value": "apk add --no-cache -t.deps curl=8.9.1-r0 \"git~2.45\" \"jq>1.6\" /tmp/x.apk", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apk add --no-cache -t.deps curl=8.9.1-r0 \"git~2.45\" \"jq>1.6\" /tmp/x.apk",
						"commands": [
							{"argv": ["apk", "add", "--no-cache", "-t.deps", "curl=8.9.1-r0", "git~2.45", "jq>1.6", "/tmp/x.apk"], "assignments": [], "text": "apk add --no-cache -t.deps curl=8.9.1-r0 \"git~2.45\" \"jq>1.6\" /tmp/x.apk", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
