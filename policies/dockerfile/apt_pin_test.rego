package portcullis.rules.apt_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.apt_pin

test_unpinned_packages_are_reported if {
	findings := apt_pin.info with input as apt
	findings == {{
		"msg": "\"apt-get install -y --no-install-recommends -t bookworm-back…\" installs curl, ca-certificates without a version: pin it (name=version).",
		"line": 2,
	}}
}

# Versions, releases, .deb files and shell variables (unknown) pass; the -t value is no package.
test_pinned_forms_pass if {
	count(apt_pin.info) == 0 with input as apt_pinned
}

test_other_targets_are_ignored if {
	count(apt_pin.info) == 0 with input as test_inputs.other_kind(apt)
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get install -y --no-install-recommends -t bookworm-backports curl git=1:2.39.2-1.1 ca-certificates
apt := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "install", "-y", "--no-install-recommends", "-t", "bookworm-backports", "curl", "git=1:2.39.2-1.1", "ca-certificates"], "value": "apt-get install -y --no-install-recommends -t bookworm-backports curl git=1:2.39.2-1.1 ca-certificates", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y --no-install-recommends -t bookworm-backports curl git=1:2.39.2-1.1 ca-certificates",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "--no-install-recommends", "-t", "bookworm-backports", "curl", "git=1:2.39.2-1.1", "ca-certificates"], "assignments": [], "text": "apt-get install -y --no-install-recommends -t bookworm-backports curl git=1:2.39.2-1.1 ca-certificates", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get install -y curl=7.88.1-10 jq/bookworm-backports ./local.deb $EXTRA "${MORE}"
#  3 | RUN apt-get -o APT::Install-Recommends=0 -qq install tini=0.19.0-1
apt_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "install", "-y", "curl=7.88.1-10", "jq/bookworm-backports", "./local.deb", "$EXTRA", "\"${MORE}\""], "value": "apt-get install -y curl=7.88.1-10 jq/bookworm-backports ./local.deb $EXTRA \"${MORE}\"", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get install -y curl=7.88.1-10 jq/bookworm-backports ./local.deb $EXTRA \"${MORE}\"",
						"commands": [
							{"argv": ["apt-get", "install", "-y", "curl=7.88.1-10", "jq/bookworm-backports", "./local.deb", "$EXTRA", "${MORE}"], "assignments": [], "text": "apt-get install -y curl=7.88.1-10 jq/bookworm-backports ./local.deb $EXTRA \"${MORE}\"", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "-o", "APT::Install-Recommends=0", "-qq", "install", "tini=0.19.0-1"], "value": "apt-get -o APT::Install-Recommends=0 -qq install tini=0.19.0-1", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get -o APT::Install-Recommends=0 -qq install tini=0.19.0-1",
						"commands": [
							{"argv": ["apt-get", "-o", "APT::Install-Recommends=0", "-qq", "install", "tini=0.19.0-1"], "assignments": [], "text": "apt-get -o APT::Install-Recommends=0 -qq install tini=0.19.0-1", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
