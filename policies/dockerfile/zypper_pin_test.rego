package portcullis.rules.zypper_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.zypper_pin

test_unpinned_packages_are_reported if {
	findings := zypper_pin.info with input as zypper
	findings == {{
		"msg": "\"zypper -n install -r oss curl git=2.43.0\" installs curl without a version: pin it (name=version).",
		"line": 2,
	}}
}

test_pinned_forms_pass if {
	count(zypper_pin.info) == 0 with input as zypper_pinned
}

test_other_targets_are_ignored if {
	count(zypper_pin.info) == 0 with input as test_inputs.other_kind(zypper)
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper -n install -r oss curl git=2.43.0
zypper := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "-n", "install", "-r", "oss", "curl", "git=2.43.0"], "value": "zypper -n install -r oss curl git=2.43.0", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n install -r oss curl git=2.43.0",
						"commands": [
							{"argv": ["zypper", "-n", "install", "-r", "oss", "curl", "git=2.43.0"], "assignments": [], "text": "zypper -n install -r oss curl git=2.43.0", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper -n in "curl>=8" jq=1.7 ./x.rpm && zypper -n refresh
zypper_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "-n", "in", "\"curl>=8\"", "jq=1.7", "./x.rpm", "&&", "zypper", "-n", "refresh"], "value": "zypper -n in \"curl>=8\" jq=1.7 ./x.rpm && zypper -n refresh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n in \"curl>=8\" jq=1.7 ./x.rpm && zypper -n refresh",
						"commands": [
							{"argv": ["zypper", "-n", "in", "curl>=8", "jq=1.7", "./x.rpm"], "assignments": [], "text": "zypper -n in \"curl>=8\" jq=1.7 ./x.rpm", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["zypper", "-n", "refresh"], "assignments": [], "text": "zypper -n refresh", "line": 2, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}
