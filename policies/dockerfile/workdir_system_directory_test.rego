package portcullis.rules.workdir_system_directory_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.workdir_system_directory

# /devices is not /dev; quotes and a trailing slash are read through.
test_system_directories_are_warned if {
	lines := test_inputs.lines(workdir_system_directory.warn) with input as misc
	lines == {4, 5, 7}
}

test_other_targets_are_ignored if {
	count(workdir_system_directory.warn) == 0 with input as test_inputs.other_kind(misc)
}

#  1 | FROM debian:12-slim
#  2 | RUN service nginx start && ps aux
#  3 | RUN apt-get install -y vim && echo kill
#  4 | WORKDIR /proc/self
#  5 | WORKDIR /dev
#  6 | WORKDIR /devices
#  7 | WORKDIR "/boot/"
#  8 | WORKDIR /app
misc := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 8, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["service", "nginx", "start", "&&", "ps", "aux"], "value": "service nginx start && ps aux", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["service", "nginx", "start"], "assignments": [], "text": "service nginx start", "line": 2, "pipeline": 0, "position": 0}, {"argv": ["ps", "aux"], "assignments": [], "text": "ps aux", "line": 2, "pipeline": 1, "position": 0}], "source": "RUN service nginx start && ps aux"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "-y", "vim", "&&", "echo", "kill"], "value": "apt-get install -y vim && echo kill", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "install", "-y", "vim"], "assignments": [], "text": "apt-get install -y vim", "line": 3, "pipeline": 0, "position": 0}, {"argv": ["echo", "kill"], "assignments": [], "text": "echo kill", "line": 3, "pipeline": 1, "position": 0}], "source": "RUN apt-get install -y vim && echo kill"}, {"keyword": "WORKDIR", "line": 4, "end_line": 4, "flags": [], "arguments": ["/proc/self"], "value": "/proc/self", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /proc/self"}, {"keyword": "WORKDIR", "line": 5, "end_line": 5, "flags": [], "arguments": ["/dev"], "value": "/dev", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /dev"}, {"keyword": "WORKDIR", "line": 6, "end_line": 6, "flags": [], "arguments": ["/devices"], "value": "/devices", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /devices"}, {"keyword": "WORKDIR", "line": 7, "end_line": 7, "flags": [], "arguments": ["\"/boot/\""], "value": "\"/boot/\"", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR \"/boot/\""}, {"keyword": "WORKDIR", "line": 8, "end_line": 8, "flags": [], "arguments": ["/app"], "value": "/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /app"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}
