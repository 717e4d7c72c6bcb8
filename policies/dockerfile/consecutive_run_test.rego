package portcullis.rules.consecutive_run_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.consecutive_run

# Another instruction between resets; a RUN of three commands, or with other flags, is a
# deliberate split; exec form counts as one command.
test_short_consecutive_runs_are_reported if {
	findings := consecutive_run.info with input as runs
	findings == {
		{"msg": "RUN follows the RUN on line 2: join short consecutive RUNs with && to save a layer.", "line": 3},
		{"msg": "RUN follows the RUN on line 3: join short consecutive RUNs with && to save a layer.", "line": 4},
		{"msg": "RUN follows the RUN on line 9: join short consecutive RUNs with && to save a layer.", "line": 10},
	}
}

test_other_targets_are_ignored if {
	count(consecutive_run.info) == 0 with input as test_inputs.other_kind(runs)
}

#  1 | FROM debian:12-slim
#  2 | RUN apt-get update
#  3 | RUN apt-get install -y curl
#  4 | RUN ["echo", "x"]
#  5 | ENV A=1
#  6 | RUN a && b && c
#  7 | RUN d
#  8 | RUN --mount=type=cache,target=/root/.cache pip install x
#  9 | RUN e
# 10 | RUN f
runs := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 10, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update"], "value": "apt-get update", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN apt-get update"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["apt-get", "install", "-y", "curl"], "value": "apt-get install -y curl", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "install", "-y", "curl"], "assignments": [], "text": "apt-get install -y curl", "line": 3, "pipeline": 0, "position": 0}], "source": "RUN apt-get install -y curl"}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["echo", "x"], "value": "[\"echo\", \"x\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "RUN [\"echo\", \"x\"]"}, {"keyword": "ENV", "line": 5, "end_line": 5, "flags": [], "arguments": ["A=1"], "value": "A=1", "form": null, "properties": [{"name": "A", "value": "1", "line": 5}], "heredocs": [], "commands": [], "source": "ENV A=1"}, {"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["a", "&&", "b", "&&", "c"], "value": "a && b && c", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["a"], "assignments": [], "text": "a", "line": 6, "pipeline": 0, "position": 0}, {"argv": ["b"], "assignments": [], "text": "b", "line": 6, "pipeline": 1, "position": 0}, {"argv": ["c"], "assignments": [], "text": "c", "line": 6, "pipeline": 2, "position": 0}], "source": "RUN a && b && c"}, {"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["d"], "value": "d", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["d"], "assignments": [], "text": "d", "line": 7, "pipeline": 0, "position": 0}], "source": "RUN d"}, {"keyword": "RUN", "line": 8, "end_line": 8, "flags": [{"name": "mount", "value": "type=cache,target=/root/.cache"}], "arguments": ["pip", "install", "x"], "value": "pip install x", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["pip", "install", "x"], "assignments": [], "text": "pip install x", "line": 8, "pipeline": 0, "position": 0}], "source": "RUN --mount=type=cache,target=/root/.cache pip install x"}, {"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["e"], "value": "e", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["e"], "assignments": [], "text": "e", "line": 9, "pipeline": 0, "position": 0}], "source": "RUN e"}, {"keyword": "RUN", "line": 10, "end_line": 10, "flags": [], "arguments": ["f"], "value": "f", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["f"], "assignments": [], "text": "f", "line": 10, "pipeline": 0, "position": 0}], "source": "RUN f"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}
