package portcullis.rules.latest_tag_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.latest_tag

test_untagged_and_latest_bases_are_denied if {
	findings := latest_tag.deny with input as untagged_and_latest
	findings == {
		{"msg": "Stage \"tools\" uses \"ubuntu\", which has no fixed version: name an explicit tag.", "line": 1},
		{"msg": "Stage #1 uses \"nginx:latest\", which has no fixed version: name an explicit tag.", "line": 3},
	}
}

test_arg_substituted_latest_is_denied_with_the_resolved_name if {
	findings := latest_tag.deny with input as arg_bases
	findings == {{
		"msg": "Stage \"c\" uses \"node:${TAG}\" (resolved to \"node:latest\"), which has no fixed version: name an explicit tag.",
		"line": 7,
	}}
}

# The other stages of arg_bases: an ARG with a version, an ARG without default (the
# tag is unknown), a digest-only reference, an earlier stage and scratch.
test_tagged_digest_stage_and_scratch_bases_pass if {
	lines := test_inputs.lines(latest_tag.deny) with input as arg_bases
	lines == {7}
}

test_latest_pinned_by_digest_passes if {
	count(latest_tag.deny) == 0 with input as pinned_latest
}

test_other_targets_are_ignored if {
	count(latest_tag.deny) == 0 with input as test_inputs.other_kind(untagged_and_latest)
}

#  1 | FROM ubuntu AS tools
#  2 | RUN apt-get update
#  3 | FROM nginx:latest
#  4 | COPY --from=tools /usr/bin/curl /usr/bin/curl
untagged_and_latest := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "tools", "final": false, "line": 1, "end_line": 2,
				"base": {"raw": "ubuntu", "resolved": "ubuntu", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": null, "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:latest"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update"], "value": "apt-get update", "form": "shell", "properties": [], "heredocs": [], "source": "RUN apt-get update",
						"commands": [
							{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 3, "end_line": 4,
				"base": {"raw": "nginx:latest", "resolved": "nginx:latest", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "latest", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:latest"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "tools"}], "arguments": ["/usr/bin/curl", "/usr/bin/curl"], "value": "/usr/bin/curl /usr/bin/curl", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=tools /usr/bin/curl /usr/bin/curl"},
				],
			},
		],
	},
}

#  1 | ARG NODE=20.11
#  2 | ARG TAG=latest
#  3 | ARG PYTHON_TAG
#  4 | FROM node:${NODE}-alpine AS a
#  5 | FROM python:${PYTHON_TAG} AS b
#  6 | FROM alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5 AS digest
#  7 | FROM node:${TAG} AS c
#  8 | FROM a AS d
#  9 | FROM scratch
# 10 | COPY --from=d /app /app
arg_bases := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "NODE", "default": "20.11", "line": 1}, {"name": "TAG", "default": "latest", "line": 2}, {"name": "PYTHON_TAG", "default": null, "line": 3}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "a", "final": false, "line": 4, "end_line": 4,
				"base": {"raw": "node:${NODE}-alpine", "resolved": "node:20.11-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20.11-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20.11-alpine"}, "error": null},
				"instructions": [],
			},
			{
				"index": 1, "name": "b", "final": false, "line": 5, "end_line": 5,
				"base": {"raw": "python:${PYTHON_TAG}", "resolved": "python:${PYTHON_TAG}", "unresolved_variables": ["PYTHON_TAG"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"python:${PYTHON_TAG}\" uses $PYTHON_TAG without a default value"},
				"instructions": [],
			},
			{
				"index": 2, "name": "digest", "final": false, "line": 6, "end_line": 6,
				"base": {"raw": "alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "resolved": "alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": null, "digest": "sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5"}, "error": null},
				"instructions": [],
			},
			{
				"index": 3, "name": "c", "final": false, "line": 7, "end_line": 7,
				"base": {"raw": "node:${TAG}", "resolved": "node:latest", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "latest", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:latest"}, "error": null},
				"instructions": [],
			},
			{
				"index": 4, "name": "d", "final": false, "line": 8, "end_line": 8,
				"base": {"raw": "a", "resolved": "a", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [],
			},
			{
				"index": 5, "name": null, "final": true, "line": 9, "end_line": 10,
				"base": {"raw": "scratch", "resolved": "scratch", "unresolved_variables": [], "platform": null, "stage": null, "scratch": true, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 10, "end_line": 10, "flags": [{"name": "from", "value": "d"}], "arguments": ["/app", "/app"], "value": "/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=d /app /app"},
				],
			},
		],
	},
}

#  1 | FROM nginx:latest@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5
pinned_latest := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 1,
				"base": {"raw": "nginx:latest@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "resolved": "nginx:latest@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "latest", "digest": "sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5", "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:latest@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5"}, "error": null},
				"instructions": [],
			},
		],
	},
}

# With registry facts, the fix names the most specific version tag `latest` points at now.
test_fix_names_the_tag_latest_points_at if {
	with_facts := json.patch(untagged_and_latest, [
		{"op": "add", "path": "/dockerfile/stages/1/base/registry_facts", "value": {"tags_for_digest": ["1.27.3", "1.27", "1"]}},
		{"op": "add", "path": "/references", "value": [{"line": 3, "field": "FROM", "raw": "nginx:latest", "source": "FROM nginx:latest"}]},
	])
	findings := latest_tag.deny with input as with_facts
	fixes := [f.fix | some f in findings; f.fix]
	fixes == [{
		"line": 3,
		"end_line": 3,
		"replacement": "FROM nginx:1.27.3",
		"description": "Name the tag latest points at now: 1.27.3",
	}]
}

# #13 item 3: a variable no global ARG declares is the empty string to BuildKit; an ARG
# inside a stage does not reach a later FROM (`alpine:$V` is `alpine:`, invalid: PC-DF-064's
# and PC-DF-063's, not this rule's).
test_undeclared_variables_leave_the_image_untagged if {
	findings := latest_tag.deny with input as undeclared_tag
	findings == {
		{"msg": "Stage #0 uses \"alpine$TAG\", which is \"alpine\": no global ARG declares TAG, so it expands to the empty string and the image has no fixed version. Name an explicit tag.", "line": 1},
		{"msg": "Stage #3 uses \"ghcr.io/acme/app${SUFFIX}\", which is \"ghcr.io/acme/app\": no global ARG declares SUFFIX, so it expands to the empty string and the image has no fixed version. Name an explicit tag.", "line": 5},
	}
}

#  1 | FROM alpine$TAG
#  2 | FROM python:3.12-slim AS build
#  3 | ARG V=3.20
#  4 | FROM alpine:$V
#  5 | FROM ghcr.io/acme/app${SUFFIX}
undeclared_tag := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": false, "line": 1, "end_line": 1, "base": {"raw": "alpine$TAG", "resolved": "alpine$TAG", "unresolved_variables": ["TAG"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"alpine$TAG\" uses $TAG without a default value", "registry_facts": null}, "instructions": []}, {"index": 1, "name": "build", "final": false, "line": 2, "end_line": 3, "base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "ARG", "line": 3, "end_line": 3, "flags": [], "arguments": ["V=3.20"], "value": "V=3.20", "form": null, "properties": [{"name": "V", "value": "3.20", "line": 3}], "heredocs": [], "commands": [], "source": "ARG V=3.20"}]}, {"index": 2, "name": null, "final": false, "line": 4, "end_line": 4, "base": {"raw": "alpine:$V", "resolved": "alpine:$V", "unresolved_variables": ["V"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"alpine:$V\" uses $V without a default value", "registry_facts": null}, "instructions": []}, {"index": 3, "name": null, "final": true, "line": 5, "end_line": 5, "base": {"raw": "ghcr.io/acme/app${SUFFIX}", "resolved": "ghcr.io/acme/app${SUFFIX}", "unresolved_variables": ["SUFFIX"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"ghcr.io/acme/app${SUFFIX}\" uses $SUFFIX without a default value", "registry_facts": null}, "instructions": []}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine$TAG", "source": "FROM alpine$TAG", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "the base image \"alpine$TAG\" uses $TAG without a default value"}, "registry_facts": null}, {"line": 2, "field": "FROM", "raw": "python:3.12-slim", "source": "FROM python:3.12-slim AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "problem": null, "registry_facts": null}, {"line": 4, "field": "FROM", "raw": "alpine:$V", "source": "FROM alpine:$V", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "the base image \"alpine:$V\" uses $V without a default value"}, "registry_facts": null}, {"line": 5, "field": "FROM", "raw": "ghcr.io/acme/app${SUFFIX}", "source": "FROM ghcr.io/acme/app${SUFFIX}", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "the base image \"ghcr.io/acme/app${SUFFIX}\" uses $SUFFIX without a default value"}, "registry_facts": null}]}
