package portcullis.rules.unpinned_digest_test

import rego.v1

import data.portcullis.lib.image_test_inputs
import data.portcullis.lib.test_inputs
import data.portcullis.rules.unpinned_digest

test_every_stage_on_an_unpinned_image_is_warned if {
	findings := unpinned_digest.warn with input as multi_stage
	findings == {
		{
			"msg": "Stage \"build\" uses \"golang:${GO}-alpine\" (resolved to \"golang:1.22-alpine\") without a digest, so the image can change between builds: pin it as golang:1.22-alpine@sha256:<digest>.",
			"line": 2,
		},
		{
			"msg": "Stage #4 uses \"gcr.io/distroless/static:nonroot\" without a digest, so the image can change between builds: pin it as gcr.io/distroless/static:nonroot@sha256:<digest>.",
			"line": 8,
		},
	}
}

# multi_stage also has a pinned stage, one built on an earlier stage and scratch.
test_pinned_stage_and_scratch_pass if {
	lines := test_inputs.lines(unpinned_digest.warn) with input as multi_stage
	lines == {2, 8}
}

test_unresolvable_base_is_left_alone if {
	count(unpinned_digest.warn) == 0 with input as unresolved
}

test_other_targets_are_ignored if {
	count(unpinned_digest.warn) == 0 with input as test_inputs.other_kind(multi_stage)
}

# With the registry's digest (image_test_inputs.dockerfile, in policies/images/): the FROM
# line is rewritten in place, after --platform and before AS, even when the stage has the
# image's name (`FROM alpine AS alpine`).
test_known_digest_is_offered_as_a_fix if {
	findings := unpinned_digest.warn with input as image_test_inputs.with_facts(image_test_inputs.dockerfile, image_test_inputs.dockerfile_facts)
	test_inputs.at(findings, 4) == {{
		"msg": "Stage \"web\" uses \"node:20-alpine\" without a digest, so the image can change between builds: pin it as node:20-alpine@sha256:<digest>.",
		"line": 4,
		"fix": {
			"line": 4,
			"end_line": 4,
			"replacement": "FROM --platform=linux/amd64 node:20-alpine@sha256:df01469346db2bf1cfc1f7261aeab86b2960efa840fe2bd46d83ff339f463665 AS web",
			"description": "Pin the current digest",
		},
	}}
	test_inputs.fixes(findings) == {
		{"line": 4, "end_line": 4, "replacement": "FROM --platform=linux/amd64 node:20-alpine@sha256:df01469346db2bf1cfc1f7261aeab86b2960efa840fe2bd46d83ff339f463665 AS web", "description": "Pin the current digest"},
		{"line": 7, "end_line": 7, "replacement": "FROM alpine@sha256:82d1e9d7ed48a7523bdebc18cf6290bdb97b82302a8a9c27d4fe885949ea94d1 AS alpine", "description": "Pin the current digest"},
		{"line": 8, "end_line": 8, "replacement": "FROM gcr.io/distroless/static-debian12:nonroot@sha256:41972110a1c1a5c0b6adb2e2fd42b3d8c7ce5ab1a1aef0e5bf1c7f0d36b0a8a5", "description": "Pin the current digest"},
	}
}

# `FROM python:${PY}-slim`: the digest belongs to the ARG default, not to the FROM line.
test_no_fix_for_an_image_written_with_a_variable if {
	findings := unpinned_digest.warn with input as image_test_inputs.with_facts(image_test_inputs.dockerfile, image_test_inputs.dockerfile_facts)
	test_inputs.at(findings, 2) == {{
		"msg": "Stage \"build\" uses \"python:${PY}-slim\" (resolved to \"python:3.12-slim\") without a digest, so the image can change between builds: pin it as python:3.12-slim@sha256:<digest>.",
		"line": 2,
	}}
}

test_no_fix_offline_or_when_the_look_up_failed if {
	count(test_inputs.fixes(unpinned_digest.warn)) == 0 with input as image_test_inputs.dockerfile
	facts := {4: image_test_inputs.failed("timeout", "The registry docker.io did not answer within 10000 ms (3 attempts, https://registry-1.docker.io)")}
	count(test_inputs.fixes(unpinned_digest.warn)) == 0 with input as image_test_inputs.with_facts(image_test_inputs.dockerfile, facts)
}

#  1 | ARG GO=1.22
#  2 | FROM golang:${GO}-alpine AS build
#  3 | RUN go build -o /out/app .
#  4 | FROM alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5 AS certs
#  5 | FROM build AS test
#  6 | FROM scratch AS empty
#  7 | COPY --from=certs /etc/ssl/certs /etc/ssl/certs
#  8 | FROM gcr.io/distroless/static:nonroot
#  9 | COPY --from=build /out/app /app
multi_stage := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "GO", "default": "1.22", "line": 1}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 2, "end_line": 3,
				"base": {"raw": "golang:${GO}-alpine", "resolved": "golang:1.22-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22-alpine", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22-alpine"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["go", "build", "-o", "/out/app", "."], "value": "go build -o /out/app .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /out/app .",
						"commands": [
							{"argv": ["go", "build", "-o", "/out/app", "."], "assignments": [], "text": "go build -o /out/app .", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "certs", "final": false, "line": 4, "end_line": 4,
				"base": {"raw": "alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "resolved": "alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": "sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5"}, "error": null},
				"instructions": [],
			},
			{
				"index": 2, "name": "test", "final": false, "line": 5, "end_line": 5,
				"base": {"raw": "build", "resolved": "build", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [],
			},
			{
				"index": 3, "name": "empty", "final": false, "line": 6, "end_line": 7,
				"base": {"raw": "scratch", "resolved": "scratch", "unresolved_variables": [], "platform": null, "stage": null, "scratch": true, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 7, "end_line": 7, "flags": [{"name": "from", "value": "certs"}], "arguments": ["/etc/ssl/certs", "/etc/ssl/certs"], "value": "/etc/ssl/certs /etc/ssl/certs", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=certs /etc/ssl/certs /etc/ssl/certs"},
				],
			},
			{
				"index": 4, "name": null, "final": true, "line": 8, "end_line": 9,
				"base": {"raw": "gcr.io/distroless/static:nonroot", "resolved": "gcr.io/distroless/static:nonroot", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "gcr.io", "repository": "distroless/static", "tag": "nonroot", "digest": null, "name": "gcr.io/distroless/static", "normalized": "gcr.io/distroless/static:nonroot"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 9, "end_line": 9, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/app", "/app"], "value": "/out/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/app /app"},
				],
			},
		],
	},
}

#  1 | ARG BASE_IMAGE
#  2 | FROM ${BASE_IMAGE}
unresolved := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "BASE_IMAGE", "default": null, "line": 1}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 2, "end_line": 2,
				"base": {"raw": "${BASE_IMAGE}", "resolved": "${BASE_IMAGE}", "unresolved_variables": ["BASE_IMAGE"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"${BASE_IMAGE}\" uses $BASE_IMAGE without a default value"},
				"instructions": [],
			},
		],
	},
}
