package portcullis.rules.root_user_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.root_user

test_final_stage_without_user_points_at_its_from_line if {
	findings := root_user.deny with input as no_user
	findings == {{
		"msg": "The final stage #1 sets no USER, so its container runs as root: add a USER instruction with a non-root user (for example USER 65532:65532) after the last step that needs root.",
		"line": 4,
		# The fix puts USER just before the ENTRYPOINT, after every RUN.
		"fix": {
			"line": 6,
			"end_line": 6,
			"replacement": "USER 65532:65532\nENTRYPOINT [\"/usr/local/bin/app\"]",
			"description": "Run as the unprivileged user 65532 from here on",
		},
	}}
}

test_no_user_fix_without_a_cmd_or_entrypoint_after_the_last_run if {
	findings := root_user.deny with input as json.patch(no_user, [{"op": "replace", "path": "/dockerfile/stages/1/instructions", "value": []}])
	count(findings) == 1
	every f in findings {
		not f.fix
	}
}

test_root_builder_stage_is_fine if {
	count(root_user.deny) == 0 with input as root_builder
}

test_last_user_root_points_at_that_user_line if {
	findings := root_user.deny with input as back_to_root
	findings == {{
		"msg": "The final stage \"app\" runs as root because of \"USER root\": switch to a non-root user (for example USER 65532:65532) after the steps that need root.",
		"line": 4,
	}}
}

test_numeric_root_with_group_is_root if {
	test_inputs.lines(root_user.deny) == {3} with input as uid_zero
}

test_non_root_after_root_is_fine if {
	count(root_user.deny) == 0 with input as root_then_app
}

test_user_inherited_from_the_stage_built_on_counts if {
	count(root_user.deny) == 0 with input as inherits_user
}

test_root_inherited_from_the_stage_built_on_points_at_its_user_line if {
	findings := root_user.deny with input as inherits_root
	findings == {{
		"msg": "The final stage #1 runs as root because of \"USER 0:0\", which it inherits from stage \"base\": switch to a non-root user (for example USER 65532:65532) after the steps that need root.",
		"line": 3,
	}}
}

test_distroless_nonroot_base_needs_no_user if {
	count(root_user.deny) == 0 with input as distroless_nonroot
}

test_other_targets_are_ignored if {
	count(root_user.deny) == 0 with input as test_inputs.other_kind(no_user)
}

#  1 | FROM golang:1.22 AS build
#  2 | RUN go build -o /out/app ./cmd/app
#  3 | USER nobody
#  4 | FROM alpine:3.20
#  5 | COPY --from=build /out/app /usr/local/bin/app
#  6 | ENTRYPOINT ["/usr/local/bin/app"]
no_user := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 3,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["go", "build", "-o", "/out/app", "./cmd/app"], "value": "go build -o /out/app ./cmd/app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /out/app ./cmd/app",
						"commands": [
							{"argv": ["go", "build", "-o", "/out/app", "./cmd/app"], "assignments": [], "text": "go build -o /out/app ./cmd/app", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "USER", "line": 3, "end_line": 3, "flags": [], "arguments": ["nobody"], "value": "nobody", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER nobody"},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 4, "end_line": 6,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/app", "/usr/local/bin/app"], "value": "/out/app /usr/local/bin/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/app /usr/local/bin/app"},
					{"keyword": "ENTRYPOINT", "line": 6, "end_line": 6, "flags": [], "arguments": ["/usr/local/bin/app"], "value": "[\"/usr/local/bin/app\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"/usr/local/bin/app\"]"},
				],
			},
		],
	},
}

#  1 | FROM golang:1.22 AS build
#  2 | USER root
#  3 | RUN go build -o /out/app ./cmd/app
#  4 | FROM alpine:3.20
#  5 | COPY --from=build /out/app /usr/local/bin/app
#  6 | USER 10001
#  7 | ENTRYPOINT ["/usr/local/bin/app"]
root_builder := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 1, "end_line": 3,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["root"], "value": "root", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER root"},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["go", "build", "-o", "/out/app", "./cmd/app"], "value": "go build -o /out/app ./cmd/app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /out/app ./cmd/app",
						"commands": [
							{"argv": ["go", "build", "-o", "/out/app", "./cmd/app"], "assignments": [], "text": "go build -o /out/app ./cmd/app", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 4, "end_line": 7,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/app", "/usr/local/bin/app"], "value": "/out/app /usr/local/bin/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/app /usr/local/bin/app"},
					{"keyword": "USER", "line": 6, "end_line": 6, "flags": [], "arguments": ["10001"], "value": "10001", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER 10001"},
					{"keyword": "ENTRYPOINT", "line": 7, "end_line": 7, "flags": [], "arguments": ["/usr/local/bin/app"], "value": "[\"/usr/local/bin/app\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"/usr/local/bin/app\"]"},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine AS app
#  2 | USER node
#  3 | RUN npm ci
#  4 | USER root
#  5 | CMD ["node", "server.js"]
back_to_root := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "app", "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["node"], "value": "node", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER node"},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["npm", "ci"], "value": "npm ci", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm ci",
						"commands": [
							{"argv": ["npm", "ci"], "assignments": [], "text": "npm ci", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "USER", "line": 4, "end_line": 4, "flags": [], "arguments": ["root"], "value": "root", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER root"},
					{"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["node", "server.js"], "value": "[\"node\", \"server.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"node\", \"server.js\"]"},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | RUN adduser -D app
#  3 | USER 0:0
uid_zero := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["adduser", "-D", "app"], "value": "adduser -D app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN adduser -D app",
						"commands": [
							{"argv": ["adduser", "-D", "app"], "assignments": [], "text": "adduser -D app", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "USER", "line": 3, "end_line": 3, "flags": [], "arguments": ["0:0"], "value": "0:0", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER 0:0"},
				],
			},
		],
	},
}

#  1 | FROM debian:12-slim
#  2 | USER root
#  3 | RUN useradd --system app
#  4 | USER app:app
root_then_app := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["root"], "value": "root", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER root"},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["useradd", "--system", "app"], "value": "useradd --system app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN useradd --system app",
						"commands": [
							{"argv": ["useradd", "--system", "app"], "assignments": [], "text": "useradd --system app", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "USER", "line": 4, "end_line": 4, "flags": [], "arguments": ["app:app"], "value": "app:app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER app:app"},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim AS base
#  2 | RUN useradd --create-home app
#  3 | USER app
#  4 | FROM base
#  5 | COPY app.py /home/app/
inherits_user := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "base", "final": false, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["useradd", "--create-home", "app"], "value": "useradd --create-home app", "form": "shell", "properties": [], "heredocs": [], "source": "RUN useradd --create-home app",
						"commands": [
							{"argv": ["useradd", "--create-home", "app"], "assignments": [], "text": "useradd --create-home app", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "USER", "line": 3, "end_line": 3, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER app"},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 4, "end_line": 5,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [], "arguments": ["app.py", "/home/app/"], "value": "app.py /home/app/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY app.py /home/app/"},
				],
			},
		],
	},
}

#  1 | FROM python:3.12-slim AS base
#  2 | USER app
#  3 | USER 0:0
#  4 | FROM base
#  5 | COPY app.py /srv/
inherits_root := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "base", "final": false, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{"keyword": "USER", "line": 2, "end_line": 2, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER app"},
					{"keyword": "USER", "line": 3, "end_line": 3, "flags": [], "arguments": ["0:0"], "value": "0:0", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER 0:0"},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 4, "end_line": 5,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [], "arguments": ["app.py", "/srv/"], "value": "app.py /srv/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY app.py /srv/"},
				],
			},
		],
	},
}

#  1 | FROM golang:1.22 AS build
#  2 | RUN CGO_ENABLED=0 go build -o /out/app .
#  3 | FROM gcr.io/distroless/static-debian12:nonroot
#  4 | COPY --from=build /out/app /app
distroless_nonroot := {
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
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["CGO_ENABLED=0", "go", "build", "-o", "/out/app", "."], "value": "CGO_ENABLED=0 go build -o /out/app .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN CGO_ENABLED=0 go build -o /out/app .",
						"commands": [
							{"argv": ["go", "build", "-o", "/out/app", "."], "assignments": ["CGO_ENABLED=0"], "text": "go build -o /out/app .", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": null, "final": true, "line": 3, "end_line": 4,
				"base": {"raw": "gcr.io/distroless/static-debian12:nonroot", "resolved": "gcr.io/distroless/static-debian12:nonroot", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "gcr.io", "repository": "distroless/static-debian12", "tag": "nonroot", "digest": null, "name": "gcr.io/distroless/static-debian12", "normalized": "gcr.io/distroless/static-debian12:nonroot"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/app", "/app"], "value": "/out/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/app /app"},
				],
			},
		],
	},
}
