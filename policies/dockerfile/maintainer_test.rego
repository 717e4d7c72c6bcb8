package portcullis.rules.maintainer_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.maintainer

test_maintainer_is_reported_with_a_label_fix if {
	findings := maintainer.info with input as plain
	findings == {{
		"msg": "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors instead.",
		"line": 2,
		"fix": {
			"line": 2,
			"end_line": 2,
			"replacement": "LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"",
			"description": "Replace MAINTAINER with an org.opencontainers.image.authors label",
		},
	}}
}

# Quotes, backslashes and `$` are escaped: LABEL values are quoted and expanded.
test_fix_escapes_quotes_backslashes_and_dollars if {
	fixes := test_inputs.fixes(maintainer.info) with input as quoting
	fixes == {{
		"line": 2,
		"end_line": 2,
		"replacement": "  LABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" Doe \\\\ Ops \\$TEAM\"",
		"description": "Replace MAINTAINER with an org.opencontainers.image.authors label",
	}}
}

# With `# escape=` + "`" the escape character is a backtick.
test_fix_uses_the_dockerfile_escape_character if {
	fixes := test_inputs.fixes(maintainer.info) with input as backtick
	fixes == {{
		"line": 3,
		"end_line": 3,
		"replacement": "LABEL org.opencontainers.image.authors=\"Ops `\"Windows`\" Team\"",
		"description": "Replace MAINTAINER with an org.opencontainers.image.authors label",
	}}
}

test_label_passes if {
	count(maintainer.info) == 0 with input as label
}

test_other_targets_are_ignored if {
	count(maintainer.info) == 0 with input as test_inputs.other_kind(plain)
}

#  1 | FROM nginx:1.27
#  2 | MAINTAINER Jane Doe <jane@example.com>
plain := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "nginx:1.27", "resolved": "nginx:1.27", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "error": null},
				"instructions": [
					{"keyword": "MAINTAINER", "line": 2, "end_line": 2, "flags": [], "arguments": ["Jane", "Doe", "<jane@example.com>"], "value": "Jane Doe <jane@example.com>", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "MAINTAINER Jane Doe <jane@example.com>"},
				],
			},
		],
	},
}

#  1 | FROM nginx:1.27
#  2 |   MAINTAINER Jane "JD" Doe \ Ops $TEAM
quoting := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "nginx:1.27", "resolved": "nginx:1.27", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "error": null},
				"instructions": [
					{"keyword": "MAINTAINER", "line": 2, "end_line": 2, "flags": [], "arguments": ["Jane", "\"JD\"", "Doe", "Ops", "$TEAM"], "value": "Jane \"JD\" Doe \\ Ops $TEAM", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "  MAINTAINER Jane \"JD\" Doe \\ Ops $TEAM"},
				],
			},
		],
	},
}

#  1 | # escape=`
#  2 | FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
#  3 | MAINTAINER Ops "Windows" Team
backtick := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [{"name": "escape", "value": "`", "line": 1}],
		"global_args": [],
		"escape": "`",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 2, "end_line": 3,
				"base": {"raw": "mcr.microsoft.com/windows/nanoserver:ltsc2022", "resolved": "mcr.microsoft.com/windows/nanoserver:ltsc2022", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "mcr.microsoft.com", "repository": "windows/nanoserver", "tag": "ltsc2022", "digest": null, "name": "mcr.microsoft.com/windows/nanoserver", "normalized": "mcr.microsoft.com/windows/nanoserver:ltsc2022"}, "error": null},
				"instructions": [
					{"keyword": "MAINTAINER", "line": 3, "end_line": 3, "flags": [], "arguments": ["Ops", "\"Windows\"", "Team"], "value": "Ops \"Windows\" Team", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "MAINTAINER Ops \"Windows\" Team"},
				],
			},
		],
	},
}

#  1 | FROM nginx:1.27
#  2 | LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
label := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "nginx:1.27", "resolved": "nginx:1.27", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "error": null},
				"instructions": [
					{"keyword": "LABEL", "line": 2, "end_line": 2, "flags": [], "arguments": ["org.opencontainers.image.authors=\"Jane", "Doe", "<jane@example.com>\""], "value": "org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\"", "form": null, "properties": [{"name": "org.opencontainers.image.authors", "value": "Jane Doe <jane@example.com>", "line": 2}], "heredocs": [], "commands": [], "source": "LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\""},
				],
			},
		],
	},
}
