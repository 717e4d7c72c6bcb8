package portcullis.rules.zypper_non_interactive_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.zypper_non_interactive

test_zypper_without_yes_is_warned_with_a_fix if {
	findings := zypper_non_interactive.warn with input as zypper
	test_inputs.at(findings, 2) == {{
		"msg": "\"zypper install curl\" has no -y: zypper asks for a confirmation the build cannot give, and aborts. Add -y.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN zypper install -y curl", "description": "Add -y"},
	}}
}

# After the subcommand -n is --name; -y before the subcommand is not zypper's.
test_n_after_the_subcommand_does_not_answer if {
	lines := test_inputs.lines(zypper_non_interactive.warn) with input as zypper
	lines == {2, 3}
}

test_every_way_of_answering_passes if {
	count(zypper_non_interactive.warn) == 0 with input as zypper_yes
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper install curl
#  3 | RUN zypper install -n git
#  4 | RUN zypper search vim
zypper := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "install", "curl"], "value": "zypper install curl", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper install curl",
						"commands": [
							{"argv": ["zypper", "install", "curl"], "assignments": [], "text": "zypper install curl", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["zypper", "install", "-n", "git"], "value": "zypper install -n git", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper install -n git",
						"commands": [
							{"argv": ["zypper", "install", "-n", "git"], "assignments": [], "text": "zypper install -n git", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["zypper", "search", "vim"], "value": "zypper search vim", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper search vim",
						"commands": [
							{"argv": ["zypper", "search", "vim"], "assignments": [], "text": "zypper search vim", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM opensuse/leap:15.6
#  2 | RUN zypper -n install a
#  3 | RUN zypper --non-interactive in b
#  4 | RUN zypper install -y c
#  5 | RUN zypper in --no-confirm d
#  6 | RUN zypper -n --gpg-auto-import-keys dup
#  7 | RUN yes | zypper rm e
zypper_yes := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 7,
				"base": {"raw": "opensuse/leap:15.6", "resolved": "opensuse/leap:15.6", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "opensuse/leap", "tag": "15.6", "digest": null, "name": "docker.io/opensuse/leap", "normalized": "docker.io/opensuse/leap:15.6"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["zypper", "-n", "install", "a"], "value": "zypper -n install a", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n install a",
						"commands": [
							{"argv": ["zypper", "-n", "install", "a"], "assignments": [], "text": "zypper -n install a", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["zypper", "--non-interactive", "in", "b"], "value": "zypper --non-interactive in b", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper --non-interactive in b",
						"commands": [
							{"argv": ["zypper", "--non-interactive", "in", "b"], "assignments": [], "text": "zypper --non-interactive in b", "line": 3, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["zypper", "install", "-y", "c"], "value": "zypper install -y c", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper install -y c",
						"commands": [
							{"argv": ["zypper", "install", "-y", "c"], "assignments": [], "text": "zypper install -y c", "line": 4, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["zypper", "in", "--no-confirm", "d"], "value": "zypper in --no-confirm d", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper in --no-confirm d",
						"commands": [
							{"argv": ["zypper", "in", "--no-confirm", "d"], "assignments": [], "text": "zypper in --no-confirm d", "line": 5, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["zypper", "-n", "--gpg-auto-import-keys", "dup"], "value": "zypper -n --gpg-auto-import-keys dup", "form": "shell", "properties": [], "heredocs": [], "source": "RUN zypper -n --gpg-auto-import-keys dup",
						"commands": [
							{"argv": ["zypper", "-n", "--gpg-auto-import-keys", "dup"], "assignments": [], "text": "zypper -n --gpg-auto-import-keys dup", "line": 6, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["yes", "|", "zypper", "rm", "e"], "value": "yes | zypper rm e", "form": "shell", "properties": [], "heredocs": [], "source": "RUN yes | zypper rm e",
						"commands": [
							{"argv": ["yes"], "assignments": [], "text": "yes", "line": 7, "pipeline": 0, "position": 0},
							{"argv": ["zypper", "rm", "e"], "assignments": [], "text": "zypper rm e", "line": 7, "pipeline": 0, "position": 1},
						],
					},
				],
			},
		],
	},
}
