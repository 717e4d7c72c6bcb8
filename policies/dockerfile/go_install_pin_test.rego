package portcullis.rules.go_install_pin_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.go_install_pin

test_unpinned_and_latest_are_reported if {
	findings := go_install_pin.info with input as go
	test_inputs.lines(findings) == {2, 3}
	test_inputs.at(findings, 3) == {{
		"msg": "\"go install -ldflags=-s -tags netgo golang.org/x/tools/gopls…\" installs golang.org/x/tools/gopls@latest without a version: pin it (path@version).",
		"line": 3,
	}}
}

test_versions_and_local_packages_pass if {
	count(go_install_pin.info) == 0 with input as go_pinned
}

test_other_targets_are_ignored if {
	count(go_install_pin.info) == 0 with input as test_inputs.other_kind(go)
}

#  1 | FROM golang:1.22
#  2 | RUN go install github.com/x/tool
#  3 | RUN go install -ldflags=-s -tags netgo golang.org/x/tools/gopls@latest
go := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["go", "install", "github.com/x/tool"], "value": "go install github.com/x/tool", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go install github.com/x/tool",
						"commands": [
							{"argv": ["go", "install", "github.com/x/tool"], "assignments": [], "text": "go install github.com/x/tool", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["go", "install", "-ldflags=-s", "-tags", "netgo", "golang.org/x/tools/gopls@latest"], "value": "go install -ldflags=-s -tags netgo golang.org/x/tools/gopls@latest", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go install -ldflags=-s -tags netgo golang.org/x/tools/gopls@latest",
						"commands": [
							{"argv": ["go", "install", "-ldflags=-s", "-tags", "netgo", "golang.org/x/tools/gopls@latest"], "assignments": [], "text": "go install -ldflags=-s -tags netgo golang.org/x/tools/gopls@latest", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM golang:1.22
#  2 | RUN go install golang.org/x/tools/gopls@v0.16.1 && go install ./cmd/... && go install -C /src .
#  3 | RUN go build -o /app github.com/x/tool
go_pinned := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["go", "install", "golang.org/x/tools/gopls@v0.16.1", "&&", "go", "install", "./cmd/...", "&&", "go", "install", "-C", "/src", "."], "value": "go install golang.org/x/tools/gopls@v0.16.1 && go install ./cmd/... && go install -C /src .", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go install golang.org/x/tools/gopls@v0.16.1 && go install ./cmd/... && go install -C /src .",
						"commands": [
							{"argv": ["go", "install", "golang.org/x/tools/gopls@v0.16.1"], "assignments": [], "text": "go install golang.org/x/tools/gopls@v0.16.1", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["go", "install", "./cmd/..."], "assignments": [], "text": "go install ./cmd/...", "line": 2, "pipeline": 1, "position": 0},
							{"argv": ["go", "install", "-C", "/src", "."], "assignments": [], "text": "go install -C /src .", "line": 2, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["go", "build", "-o", "/app", "github.com/x/tool"], "value": "go build -o /app github.com/x/tool", "form": "shell", "properties": [], "heredocs": [], "source": "RUN go build -o /app github.com/x/tool",
						"commands": [
							{"argv": ["go", "build", "-o", "/app", "github.com/x/tool"], "assignments": [], "text": "go build -o /app github.com/x/tool", "line": 3, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}
