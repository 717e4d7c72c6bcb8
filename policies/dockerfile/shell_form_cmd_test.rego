package portcullis.rules.shell_form_cmd_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.shell_form_cmd

test_shell_form_cmd_is_reported_with_an_exec_form_fix if {
	findings := shell_form_cmd.info with input as simple
	findings == {{
		"msg": "CMD gunicorn --bind 0.0.0.0:8000 app.wsgi uses the shell form: /bin/sh becomes PID 1 and does not forward SIGTERM to the program. Use the exec form, CMD [\"…\", \"…\"].",
		"line": 3,
		"fix": {
			"line": 3,
			"end_line": 3,
			"replacement": "CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app.wsgi\"]",
			"description": "Rewrite in exec form: CMD [\"gunicorn\", \"--bind\", \"0.0.0.0:8000\", \"app.wsgi\"]",
		},
	}}
}

test_entrypoint_keeps_its_keyword_spelling if {
	fixes := test_inputs.fixes(shell_form_cmd.info) with input as lower_case
	fixes == {{
		"line": 2,
		"end_line": 2,
		"replacement": "entrypoint [\"/usr/local/bin/server\", \"--port=8080\"]",
		"description": "Rewrite in exec form: entrypoint [\"/usr/local/bin/server\", \"--port=8080\"]",
	}}
}

# Variables, operators, quotes and globs need a shell; a continued line is left to a human.
test_shell_syntax_and_multi_line_get_no_fix if {
	findings := shell_form_cmd.info with input as shell_syntax
	test_inputs.lines(findings) == {2, 3, 4, 5, 6}
	count(test_inputs.fixes(findings)) == 0
}

# An exec-form ENTRYPOINT would start receiving the stage's CMD as arguments.
test_entrypoint_with_a_cmd_in_the_stage_gets_no_fix if {
	findings := shell_form_cmd.info with input as entrypoint_and_cmd
	test_inputs.lines(findings) == {2}
	count(test_inputs.fixes(findings)) == 0
}

# `exec` is dropped (the exec form already replaces the shell); builtins, options and
# assignments have no program to start, so they get no fix.
test_exec_prefix_is_dropped_and_builtins_get_no_fix if {
	findings := shell_form_cmd.info with input as builtins
	test_inputs.lines(findings) == {2, 3, 4, 5}
	test_inputs.fixes(findings) == {{
		"line": 2,
		"end_line": 2,
		"replacement": "CMD [\"node\", \"server.js\"]",
		"description": "Rewrite in exec form: CMD [\"node\", \"server.js\"]",
	}}
}

# After SHELL the words are for that shell (here PowerShell), not programs.
test_cmd_after_shell_gets_no_fix if {
	findings := shell_form_cmd.info with input as after_shell
	test_inputs.lines(findings) == {3}
	count(test_inputs.fixes(findings)) == 0
}

test_exec_form_passes if {
	count(shell_form_cmd.info) == 0 with input as exec_form
}

test_other_targets_are_ignored if {
	count(shell_form_cmd.info) == 0 with input as test_inputs.other_kind(simple)
}

#  1 | FROM python:3.12-slim
#  2 | COPY . /app
#  3 | CMD gunicorn --bind 0.0.0.0:8000 app.wsgi
simple := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "python:3.12-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null},
				"instructions": [
					{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": [".", "/app"], "value": ". /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY . /app"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi"], "value": "gunicorn --bind 0.0.0.0:8000 app.wsgi", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD gunicorn --bind 0.0.0.0:8000 app.wsgi"},
				],
			},
		],
	},
}

#  1 | FROM alpine:3.20
#  2 | entrypoint /usr/local/bin/server --port=8080
lower_case := {
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
					{"keyword": "ENTRYPOINT", "line": 2, "end_line": 2, "flags": [], "arguments": ["/usr/local/bin/server", "--port=8080"], "value": "/usr/local/bin/server --port=8080", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "entrypoint /usr/local/bin/server --port=8080"},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine
#  2 | CMD node server.js --port $PORT
#  3 | CMD npm run migrate && node server.js
#  4 | CMD echo 'ready'
#  5 | CMD ls *.js
#  6 | CMD node \
#  7 |     server.js
shell_syntax := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "CMD", "line": 2, "end_line": 2, "flags": [], "arguments": ["node", "server.js", "--port", "$PORT"], "value": "node server.js --port $PORT", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD node server.js --port $PORT"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["npm", "run", "migrate", "&&", "node", "server.js"], "value": "npm run migrate && node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD npm run migrate && node server.js"},
					{"keyword": "CMD", "line": 4, "end_line": 4, "flags": [], "arguments": ["echo", "'ready'"], "value": "echo 'ready'", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD echo 'ready'"},
					{"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["ls", "*.js"], "value": "ls *.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD ls *.js"},
					{"keyword": "CMD", "line": 6, "end_line": 7, "flags": [], "arguments": ["node", "server.js"], "value": "node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD node \\\n    server.js"},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine
#  2 | ENTRYPOINT node server.js
#  3 | CMD ["--port", "3000"]
entrypoint_and_cmd := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "ENTRYPOINT", "line": 2, "end_line": 2, "flags": [], "arguments": ["node", "server.js"], "value": "node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT node server.js"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["--port", "3000"], "value": "[\"--port\", \"3000\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"--port\", \"3000\"]"},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine
#  2 | ENTRYPOINT ["node"]
#  3 | CMD ["server.js"]
exec_form := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "ENTRYPOINT", "line": 2, "end_line": 2, "flags": [], "arguments": ["node"], "value": "[\"node\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"node\"]"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["server.js"], "value": "[\"server.js\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"server.js\"]"},
				],
			},
		],
	},
}

#  1 | FROM node:20-alpine
#  2 | CMD exec node server.js
#  3 | CMD NODE_ENV=production node server.js
#  4 | CMD cd /app
#  5 | CMD exec -a app node server.js
builtins := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 5,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null},
				"instructions": [
					{"keyword": "CMD", "line": 2, "end_line": 2, "flags": [], "arguments": ["exec", "node", "server.js"], "value": "exec node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD exec node server.js"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["NODE_ENV=production", "node", "server.js"], "value": "NODE_ENV=production node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD NODE_ENV=production node server.js"},
					{"keyword": "CMD", "line": 4, "end_line": 4, "flags": [], "arguments": ["cd", "/app"], "value": "cd /app", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD cd /app"},
					{"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["exec", "-a", "app", "node", "server.js"], "value": "exec -a app node server.js", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD exec -a app node server.js"},
				],
			},
		],
	},
}

#  1 | FROM mcr.microsoft.com/powershell:lts-alpine-3.17
#  2 | SHELL ["pwsh", "-Command"]
#  3 | CMD Write-Host hello
after_shell := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "mcr.microsoft.com/powershell:lts-alpine-3.17", "resolved": "mcr.microsoft.com/powershell:lts-alpine-3.17", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "mcr.microsoft.com", "repository": "powershell", "tag": "lts-alpine-3.17", "digest": null, "name": "mcr.microsoft.com/powershell", "normalized": "mcr.microsoft.com/powershell:lts-alpine-3.17"}, "error": null},
				"instructions": [
					{"keyword": "SHELL", "line": 2, "end_line": 2, "flags": [], "arguments": ["pwsh", "-Command"], "value": "[\"pwsh\", \"-Command\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "SHELL [\"pwsh\", \"-Command\"]"},
					{"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["Write-Host", "hello"], "value": "Write-Host hello", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD Write-Host hello"},
				],
			},
		],
	},
}
