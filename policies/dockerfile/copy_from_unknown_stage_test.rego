package portcullis.rules.copy_from_unknown_stage_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.copy_from_unknown_stage

test_misspelled_stage_is_denied if {
	findings := copy_from_unknown_stage.deny with input as stages
	test_inputs.at(findings, 7) == {{
		"msg": "COPY --from=buildr names \"buildr\", which is not a stage before this one (earlier stages: \"build\", \"assets\"): use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 7,
	}}
}

test_later_stage_and_out_of_range_index_are_denied if {
	findings := copy_from_unknown_stage.deny with input as stages
	test_inputs.at(findings, 8) == {{
		"msg": "COPY --from=final names \"final\", which is not a stage before this one (stage \"final\" is defined later, on line 13): use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 8,
	}}
	test_inputs.at(findings, 9) == {{
		"msg": "COPY --from=2 names \"2\", which is not a stage before this one (stages are numbered from 0; this one is #2): use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 9,
	}}
}

test_run_mount_from_is_checked_too if {
	findings := copy_from_unknown_stage.deny with input as stages
	test_inputs.at(findings, 12) == {{
		"msg": "RUN --mount=…from=asets names \"asets\", which is not a stage before this one (earlier stages: \"build\", \"assets\"): use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 12,
	}}
}

test_copy_from_the_stage_itself_is_denied if {
	findings := copy_from_unknown_stage.deny with input as stages
	test_inputs.at(findings, 17) == {{
		"msg": "COPY --from=final names \"final\", which is not a stage before this one (it is this stage): use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 17,
	}}
}

# Names (in any case), lower indexes, image references and variables pass.
test_earlier_stages_images_and_variables_pass if {
	lines := test_inputs.lines(copy_from_unknown_stage.deny) with input as stages
	lines == {7, 8, 9, 12, 17}
}

test_unnamed_earlier_stages_are_not_listed if {
	findings := copy_from_unknown_stage.deny with input as unnamed
	findings == {{
		"msg": "COPY --from=builder names \"builder\", which is not a stage before this one: use an earlier stage's name, or an image reference with a tag such as nginx:1.25.",
		"line": 3,
	}}
}

test_other_targets_are_ignored if {
	count(copy_from_unknown_stage.deny) == 0 with input as test_inputs.other_kind(stages)
}

#  1 | FROM golang:1.22 AS build
#  2 | RUN go build -o /out/app .
#  3 | FROM node:20 AS assets
#  4 | RUN npm run build
#  5 | FROM alpine:3.20 AS runtime
#  6 | COPY --from=Build /out/app /usr/local/bin/app
#  7 | COPY --from=buildr /out/app /usr/local/bin/app
#  8 | COPY --from=final /etc/motd /etc/motd
#  9 | COPY --from=2 /etc/motd /etc/motd
# 10 | COPY --from=1 /dist /srv/www
# 11 | COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
# 12 | RUN --mount=type=bind,from=asets,source=/dist,target=/dist cp -r /dist /srv
# 13 | FROM runtime AS final
# 14 | COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv
# 15 | COPY --from=${TOOLS_IMAGE} /bin/tool /bin/tool
# 16 | RUN --mount=from=assets,source=/dist,target=/dist ls /dist
# 17 | COPY --from=final /srv /srv
stages := {
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
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["go", "build", "-o", "/out/app", "."], "value": "go build -o /out/app .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /out/app .",
						"commands": [
							{"argv": ["go", "build", "-o", "/out/app", "."], "assignments": [], "text": "go build -o /out/app .", "line": 2, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 1, "name": "assets", "final": false, "line": 3, "end_line": 4,
				"base": {"raw": "node:20", "resolved": "node:20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["npm", "run", "build"], "value": "npm run build", "form": "shell", "properties": [], "heredocs": [], "source": "RUN npm run build",
						"commands": [
							{"argv": ["npm", "run", "build"], "assignments": [], "text": "npm run build", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 2, "name": "runtime", "final": false, "line": 5, "end_line": 12,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "Build"}], "arguments": ["/out/app", "/usr/local/bin/app"], "value": "/out/app /usr/local/bin/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=Build /out/app /usr/local/bin/app"},
					{"keyword": "COPY", "line": 7, "end_line": 7, "flags": [{"name": "from", "value": "buildr"}], "arguments": ["/out/app", "/usr/local/bin/app"], "value": "/out/app /usr/local/bin/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=buildr /out/app /usr/local/bin/app"},
					{"keyword": "COPY", "line": 8, "end_line": 8, "flags": [{"name": "from", "value": "final"}], "arguments": ["/etc/motd", "/etc/motd"], "value": "/etc/motd /etc/motd", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=final /etc/motd /etc/motd"},
					{"keyword": "COPY", "line": 9, "end_line": 9, "flags": [{"name": "from", "value": "2"}], "arguments": ["/etc/motd", "/etc/motd"], "value": "/etc/motd /etc/motd", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=2 /etc/motd /etc/motd"},
					{"keyword": "COPY", "line": 10, "end_line": 10, "flags": [{"name": "from", "value": "1"}], "arguments": ["/dist", "/srv/www"], "value": "/dist /srv/www", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=1 /dist /srv/www"},
					{"keyword": "COPY", "line": 11, "end_line": 11, "flags": [{"name": "from", "value": "nginx:1.27"}], "arguments": ["/etc/nginx/nginx.conf", "/etc/nginx/"], "value": "/etc/nginx/nginx.conf /etc/nginx/", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/"},
					{
						"keyword": "RUN", "line": 12, "end_line": 12, "flags": [{"name": "mount", "value": "type=bind,from=asets,source=/dist,target=/dist"}], "arguments": ["cp", "-r", "/dist", "/srv"], "value": "cp -r /dist /srv", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=type=bind,from=asets,source=/dist,target=/dist cp -r /dist /srv",
						"commands": [
							{"argv": ["cp", "-r", "/dist", "/srv"], "assignments": [], "text": "cp -r /dist /srv", "line": 12, "pipeline": 0, "position": 0},
						],
					},
				],
			},
			{
				"index": 3, "name": "final", "final": true, "line": 13, "end_line": 17,
				"base": {"raw": "runtime", "resolved": "runtime", "unresolved_variables": [], "platform": null, "stage": 2, "scratch": false, "image": null, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 14, "end_line": 14, "flags": [{"name": "from", "value": "ghcr.io/astral-sh/uv:0.4"}], "arguments": ["/uv", "/bin/uv"], "value": "/uv /bin/uv", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv"},
					{"keyword": "COPY", "line": 15, "end_line": 15, "flags": [{"name": "from", "value": "${TOOLS_IMAGE}"}], "arguments": ["/bin/tool", "/bin/tool"], "value": "/bin/tool /bin/tool", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=${TOOLS_IMAGE} /bin/tool /bin/tool"},
					{
						"keyword": "RUN", "line": 16, "end_line": 16, "flags": [{"name": "mount", "value": "from=assets,source=/dist,target=/dist"}], "arguments": ["ls", "/dist"], "value": "ls /dist", "form": "shell", "properties": [], "heredocs": [], "source": "RUN --mount=from=assets,source=/dist,target=/dist ls /dist",
						"commands": [
							{"argv": ["ls", "/dist"], "assignments": [], "text": "ls /dist", "line": 16, "pipeline": 0, "position": 0},
						],
					},
					{"keyword": "COPY", "line": 17, "end_line": 17, "flags": [{"name": "from", "value": "final"}], "arguments": ["/srv", "/srv"], "value": "/srv /srv", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=final /srv /srv"},
				],
			},
		],
	},
}

#  1 | FROM golang:1.22
#  2 | FROM alpine:3.20
#  3 | COPY --from=builder /out/app /app
unnamed := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": false, "line": 1, "end_line": 1,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [],
			},
			{
				"index": 1, "name": null, "final": true, "line": 2, "end_line": 3,
				"base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 3, "end_line": 3, "flags": [{"name": "from", "value": "builder"}], "arguments": ["/out/app", "/app"], "value": "/out/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=builder /out/app /app"},
				],
			},
		],
	},
}
