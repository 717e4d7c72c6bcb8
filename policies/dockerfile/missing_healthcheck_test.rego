package portcullis.rules.missing_healthcheck_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.missing_healthcheck

test_final_stage_without_healthcheck_points_at_its_from_line if {
	findings := missing_healthcheck.info with input as builder_only
	findings == {{
		"msg": "The final stage \"runtime\" has no HEALTHCHECK: add one so the runtime can tell a hung container from a healthy one, or write HEALTHCHECK NONE if the platform checks health itself.",
		"line": 3,
	}}
}

test_healthcheck_none_is_an_explicit_decision if {
	count(missing_healthcheck.info) == 0 with input as none
}

test_healthcheck_in_final_or_inherited_stage_passes if {
	count(missing_healthcheck.info) == 0 with input as inherited
}

test_scratch_final_stage_is_reported if {
	test_inputs.lines(missing_healthcheck.info) == {1} with input as scratch
}

test_other_targets_are_ignored if {
	count(missing_healthcheck.info) == 0 with input as test_inputs.other_kind(builder_only)
}

#  1 | FROM golang:1.22 AS build
#  2 | HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
#  3 | FROM alpine:3.20 AS runtime
#  4 | COPY --from=build /out/app /app
builder_only := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{"keyword": "HEALTHCHECK", "line": 2, "end_line": 2, "flags": [], "arguments": ["CMD", "curl", "-f", "http://localhost:8080/", "||", "exit", "1"], "value": "CMD curl -f http://localhost:8080/ || exit 1", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1"},
				],
			},
			{
				"index": 1, "name": "runtime", "final": true, "line": 3, "end_line": 4,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/app", "/app"], "value": "/out/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/app /app"},
				],
			},
		],
	},
}

#  1 | FROM nginx:1.27
#  2 | HEALTHCHECK NONE
none := {
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
					{"keyword": "HEALTHCHECK", "line": 2, "end_line": 2, "flags": [], "arguments": ["NONE"], "value": "NONE", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "HEALTHCHECK NONE"},
				],
			},
		],
	},
}

#  1 | FROM nginx:1.27 AS base
#  2 | HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
#  3 | FROM base
#  4 | COPY site/ /usr/share/nginx/html/
inherited := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "base", "final": false, "line": 1, "end_line": 2,
				"base": {"raw": "nginx:1.27", "resolved": "nginx:1.27", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "error": null},
				"instructions": [
					{"keyword": "HEALTHCHECK", "line": 2, "end_line": 2, "flags": [{"name": "interval", "value": "30s"}], "arguments": ["CMD", "curl", "-f", "http://localhost/", "||", "exit", "1"], "value": "CMD curl -f http://localhost/ || exit 1", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1"},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 3, "end_line": 4,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [], "arguments": ["site/", "/usr/share/nginx/html/"], "value": "site/ /usr/share/nginx/html/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY site/ /usr/share/nginx/html/"},
				],
			},
		],
	},
}

#  1 | FROM scratch
#  2 | COPY app /app
scratch := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "scratch", "resolved": "scratch", "unresolved_variables": [], "platform": null, "stage": null, "scratch": true, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["app", "/app"], "value": "app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY app /app"},
				],
			},
		],
	},
}
