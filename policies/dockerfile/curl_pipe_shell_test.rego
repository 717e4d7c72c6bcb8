package portcullis.rules.curl_pipe_shell_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.curl_pipe_shell

advice := "the remote script runs unverified. Download it to a file, check its sha256, then run it."

test_curl_piped_into_sh_is_warned if {
	findings := curl_pipe_shell.warn with input as pipes
	test_inputs.at(findings, 2) == {{"msg": sprintf("curl pipes \"https://get.docker.com\" into sh: %s", [advice]), "line": 2}}
}

test_wget_and_sudo_bash_and_heredoc_pipes_are_warned if {
	findings := curl_pipe_shell.warn with input as pipes
	findings == {
		{"msg": sprintf("curl pipes \"https://get.docker.com\" into sh: %s", [advice]), "line": 2},
		{"msg": sprintf("wget pipes \"https://install.python-poetry.org\" into bash: %s", [advice]), "line": 3},
		{"msg": sprintf("curl pipes \"https://deb.nodesource.com/setup_20.x\" into bash: %s", [advice]), "line": 4},
		{"msg": sprintf("curl pipes \"https://sh.rustup.rs\" into sh: %s", [advice]), "line": 7},
	}
}

# The pipeline continues on the next line: the finding spans both.
test_pipe_across_lines_spans_the_download_and_the_shell if {
	findings := curl_pipe_shell.warn with input as continued
	findings == {{"msg": sprintf("curl pipes \"https://example.com/install.sh\" into bash: %s", [advice]), "line": 3, "end_line": 4}}
}

test_command_substitution_is_warned if {
	findings := curl_pipe_shell.warn with input as substitutions
	test_inputs.at(findings, 2) == {{
		"msg": sprintf("sh runs a script that curl downloads from \"https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh\" through $(…): %s", [advice]),
		"line": 2,
	}}
}

test_process_substitution_is_warned if {
	findings := curl_pipe_shell.warn with input as substitutions
	test_inputs.at(findings, 3) == {{
		"msg": sprintf("bash runs a script that curl downloads from \"https://sdk.cloud.google.com\" through <(…): %s", [advice]),
		"line": 3,
	}}
}

test_eval_of_a_download_is_warned if {
	lines := test_inputs.lines(curl_pipe_shell.warn) with input as substitutions
	lines == {2, 3, 4}
}

test_downloads_to_files_and_local_pipes_pass if {
	count(curl_pipe_shell.warn) == 0 with input as safe
}

test_download_without_a_literal_url_is_still_warned if {
	findings := curl_pipe_shell.warn with input as no_url
	findings == {{"msg": sprintf("curl pipes a download into sh: %s", [advice]), "line": 3}}
}

test_other_targets_are_ignored if {
	count(curl_pipe_shell.warn) == 0 with input as test_inputs.other_kind(pipes)
}

#  1 | FROM ubuntu:24.04
#  2 | RUN curl -fsSL https://get.docker.com | sh
#  3 | RUN wget -qO- https://install.python-poetry.org | bash -s -- --version 1.8.2
#  4 | RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -
#  5 | RUN <<EOF
#  6 | set -eu
#  7 | curl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y
#  8 | EOF
pipes := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 8,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["curl", "-fsSL", "https://get.docker.com", "|", "sh"], "value": "curl -fsSL https://get.docker.com | sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSL https://get.docker.com | sh",
						"commands": [
							{"argv": ["curl", "-fsSL", "https://get.docker.com"], "assignments": [], "text": "curl -fsSL https://get.docker.com", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["sh"], "assignments": [], "text": "sh", "line": 2, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["wget", "-qO-", "https://install.python-poetry.org", "|", "bash", "-s", "--", "--version", "1.8.2"], "value": "wget -qO- https://install.python-poetry.org | bash -s -- --version 1.8.2", "form": "shell", "properties": [], "heredocs": [], "source": "RUN wget -qO- https://install.python-poetry.org | bash -s -- --version 1.8.2",
						"commands": [
							{"argv": ["wget", "-qO-", "https://install.python-poetry.org"], "assignments": [], "text": "wget -qO- https://install.python-poetry.org", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["bash", "-s", "--", "--version", "1.8.2"], "assignments": [], "text": "bash -s -- --version 1.8.2", "line": 3, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x", "|", "sudo", "-E", "bash", "-"], "value": "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -",
						"commands": [
							{"argv": ["curl", "-fsSL", "https://deb.nodesource.com/setup_20.x"], "assignments": [], "text": "curl -fsSL https://deb.nodesource.com/setup_20.x", "line": 4, "pipeline": 0, "position": 0},
							{"argv": ["sudo", "-E", "bash", "-"], "assignments": [], "text": "sudo -E bash -", "line": 4, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 8, "flags": [], "arguments": ["<<EOF", "set", "-eu", "curl", "--proto", "'=https'", "-sSf", "https://sh.rustup.rs", "|", "sh", "-s", "--", "-y", "EOF"], "value": "<<EOF\nset -eu\ncurl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "set -eu\ncurl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y", "line": 6, "end_line": 8}], "source": "RUN <<EOF\nset -eu\ncurl --proto '=https' -sSf https://sh.rustup.rs | sh -s -- -y\nEOF",
						"commands": [
							{"argv": ["set", "-eu"], "assignments": [], "text": "set -eu", "line": 6, "pipeline": 0, "position": 0},
							{"argv": ["curl", "--proto", "=https", "-sSf", "https://sh.rustup.rs"], "assignments": [], "text": "curl --proto '=https' -sSf https://sh.rustup.rs", "line": 7, "pipeline": 1, "position": 0},
							{"argv": ["sh", "-s", "--", "-y"], "assignments": [], "text": "sh -s -- -y", "line": 7, "pipeline": 1, "position": 1},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN set -eux; \
#  3 |     curl -fsSL https://example.com/install.sh \
#  4 |       | bash
continued := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["set", "-eux;", "curl", "-fsSL", "https://example.com/install.sh", "|", "bash"], "value": "set -eux; curl -fsSL https://example.com/install.sh | bash", "form": "shell", "properties": [], "heredocs": [], "source": "RUN set -eux; \\\n    curl -fsSL https://example.com/install.sh \\\n      | bash",
						"commands": [
							{"argv": ["set", "-eux"], "assignments": [], "text": "set -eux", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["curl", "-fsSL", "https://example.com/install.sh"], "assignments": [], "text": "curl -fsSL https://example.com/install.sh", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["bash"], "assignments": [], "text": "bash", "line": 4, "pipeline": 1, "position": 1},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
#  3 | RUN bash <(curl -fsSL https://sdk.cloud.google.com) --disable-prompts
#  4 | RUN eval "$(wget -qO- https://example.com/env.sh)"
substitutions := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 4,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["sh", "-c", "\"$(curl", "-fsSL", "https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\""], "value": "sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"", "form": "shell", "properties": [], "heredocs": [], "source": "RUN sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"",
						"commands": [
							{"argv": ["sh", "-c", "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"], "assignments": [], "text": "sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"", "line": 2, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["bash", "<(curl", "-fsSL", "https://sdk.cloud.google.com)", "--disable-prompts"], "value": "bash <(curl -fsSL https://sdk.cloud.google.com) --disable-prompts", "form": "shell", "properties": [], "heredocs": [], "source": "RUN bash <(curl -fsSL https://sdk.cloud.google.com) --disable-prompts",
						"commands": [
							{"argv": ["bash"], "assignments": [], "text": "bash", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["curl", "-fsSL", "https://sdk.cloud.google.com"], "assignments": [], "text": "curl -fsSL https://sdk.cloud.google.com", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["--disable-prompts"], "assignments": [], "text": "--disable-prompts", "line": 3, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["eval", "\"$(wget", "-qO-", "https://example.com/env.sh)\""], "value": "eval \"$(wget -qO- https://example.com/env.sh)\"", "form": "shell", "properties": [], "heredocs": [], "source": "RUN eval \"$(wget -qO- https://example.com/env.sh)\"",
						"commands": [
							{"argv": ["eval", "$(wget -qO- https://example.com/env.sh)"], "assignments": [], "text": "eval \"$(wget -qO- https://example.com/env.sh)\"", "line": 4, "pipeline": 0, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
#  3 |  && echo "5f2b3c0d6e1a  /tmp/install.sh" | sha256sum -c - \
#  4 |  && sh /tmp/install.sh
#  5 | RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
#  6 | RUN cat /etc/profile.d/env.sh | sh
#  7 | RUN bash -c "$(cat /tmp/script.sh)"
#  8 | RUN export VERSION="$(curl -fsSL https://example.com/version)"
#  9 | RUN diff <(curl -fsSL https://example.com/a.conf) /etc/a.conf
# 10 | RUN bash /tmp/setup.sh; diff <(curl -fsSL https://example.com/b.conf) /etc/b.conf
# 11 | RUN sh -n /tmp/install.sh && curl -fsSLo /tmp/extra.sh https://example.com/extra.sh
safe := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 11,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{
						"keyword": "RUN", "line": 2, "end_line": 4, "flags": [], "arguments": ["curl", "-fsSLo", "/tmp/install.sh", "https://example.com/install.sh", "&&", "echo", "\"5f2b3c0d6e1a", "/tmp/install.sh\"", "|", "sha256sum", "-c", "-", "&&", "sh", "/tmp/install.sh"], "value": "curl -fsSLo /tmp/install.sh https://example.com/install.sh && echo \"5f2b3c0d6e1a  /tmp/install.sh\" | sha256sum -c - && sh /tmp/install.sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n && echo \"5f2b3c0d6e1a  /tmp/install.sh\" | sha256sum -c - \\\n && sh /tmp/install.sh",
						"commands": [
							{"argv": ["curl", "-fsSLo", "/tmp/install.sh", "https://example.com/install.sh"], "assignments": [], "text": "curl -fsSLo /tmp/install.sh https://example.com/install.sh", "line": 2, "pipeline": 0, "position": 0},
							{"argv": ["echo", "5f2b3c0d6e1a  /tmp/install.sh"], "assignments": [], "text": "echo \"5f2b3c0d6e1a  /tmp/install.sh\"", "line": 3, "pipeline": 1, "position": 0},
							{"argv": ["sha256sum", "-c", "-"], "assignments": [], "text": "sha256sum -c -", "line": 3, "pipeline": 1, "position": 1},
							{"argv": ["sh", "/tmp/install.sh"], "assignments": [], "text": "sh /tmp/install.sh", "line": 4, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["curl", "-fsSL", "https://example.com/tool.tar.gz", "|", "tar", "-xz", "-C", "/usr/local/bin"], "value": "curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin",
						"commands": [
							{"argv": ["curl", "-fsSL", "https://example.com/tool.tar.gz"], "assignments": [], "text": "curl -fsSL https://example.com/tool.tar.gz", "line": 5, "pipeline": 0, "position": 0},
							{"argv": ["tar", "-xz", "-C", "/usr/local/bin"], "assignments": [], "text": "tar -xz -C /usr/local/bin", "line": 5, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["cat", "/etc/profile.d/env.sh", "|", "sh"], "value": "cat /etc/profile.d/env.sh | sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN cat /etc/profile.d/env.sh | sh",
						"commands": [
							{"argv": ["cat", "/etc/profile.d/env.sh"], "assignments": [], "text": "cat /etc/profile.d/env.sh", "line": 6, "pipeline": 0, "position": 0},
							{"argv": ["sh"], "assignments": [], "text": "sh", "line": 6, "pipeline": 0, "position": 1},
						],
					},
					{
						"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["bash", "-c", "\"$(cat", "/tmp/script.sh)\""], "value": "bash -c \"$(cat /tmp/script.sh)\"", "form": "shell", "properties": [], "heredocs": [], "source": "RUN bash -c \"$(cat /tmp/script.sh)\"",
						"commands": [
							{"argv": ["bash", "-c", "$(cat /tmp/script.sh)"], "assignments": [], "text": "bash -c \"$(cat /tmp/script.sh)\"", "line": 7, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["export", "VERSION=\"$(curl", "-fsSL", "https://example.com/version)\""], "value": "export VERSION=\"$(curl -fsSL https://example.com/version)\"", "form": "shell", "properties": [], "heredocs": [], "source": "RUN export VERSION=\"$(curl -fsSL https://example.com/version)\"",
						"commands": [
							{"argv": ["export", "VERSION=$(curl -fsSL https://example.com/version)"], "assignments": [], "text": "export VERSION=\"$(curl -fsSL https://example.com/version)\"", "line": 8, "pipeline": 0, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["diff", "<(curl", "-fsSL", "https://example.com/a.conf)", "/etc/a.conf"], "value": "diff <(curl -fsSL https://example.com/a.conf) /etc/a.conf", "form": "shell", "properties": [], "heredocs": [], "source": "RUN diff <(curl -fsSL https://example.com/a.conf) /etc/a.conf",
						"commands": [
							{"argv": ["diff"], "assignments": [], "text": "diff", "line": 9, "pipeline": 0, "position": 0},
							{"argv": ["curl", "-fsSL", "https://example.com/a.conf"], "assignments": [], "text": "curl -fsSL https://example.com/a.conf", "line": 9, "pipeline": 1, "position": 0},
							{"argv": ["/etc/a.conf"], "assignments": [], "text": "/etc/a.conf", "line": 9, "pipeline": 2, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 10, "end_line": 10, "flags": [], "arguments": ["bash", "/tmp/setup.sh;", "diff", "<(curl", "-fsSL", "https://example.com/b.conf)", "/etc/b.conf"], "value": "bash /tmp/setup.sh; diff <(curl -fsSL https://example.com/b.conf) /etc/b.conf", "form": "shell", "properties": [], "heredocs": [], "source": "RUN bash /tmp/setup.sh; diff <(curl -fsSL https://example.com/b.conf) /etc/b.conf",
						"commands": [
							{"argv": ["bash", "/tmp/setup.sh"], "assignments": [], "text": "bash /tmp/setup.sh", "line": 10, "pipeline": 0, "position": 0},
							{"argv": ["diff"], "assignments": [], "text": "diff", "line": 10, "pipeline": 1, "position": 0},
							{"argv": ["curl", "-fsSL", "https://example.com/b.conf"], "assignments": [], "text": "curl -fsSL https://example.com/b.conf", "line": 10, "pipeline": 2, "position": 0},
							{"argv": ["/etc/b.conf"], "assignments": [], "text": "/etc/b.conf", "line": 10, "pipeline": 3, "position": 0},
						],
					},
					{
						"keyword": "RUN", "line": 11, "end_line": 11, "flags": [], "arguments": ["sh", "-n", "/tmp/install.sh", "&&", "curl", "-fsSLo", "/tmp/extra.sh", "https://example.com/extra.sh"], "value": "sh -n /tmp/install.sh && curl -fsSLo /tmp/extra.sh https://example.com/extra.sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN sh -n /tmp/install.sh && curl -fsSLo /tmp/extra.sh https://example.com/extra.sh",
						"commands": [
							{"argv": ["sh", "-n", "/tmp/install.sh"], "assignments": [], "text": "sh -n /tmp/install.sh", "line": 11, "pipeline": 0, "position": 0},
							{"argv": ["curl", "-fsSLo", "/tmp/extra.sh", "https://example.com/extra.sh"], "assignments": [], "text": "curl -fsSLo /tmp/extra.sh https://example.com/extra.sh", "line": 11, "pipeline": 1, "position": 0},
						],
					},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | ARG INSTALLER_URL
#  3 | RUN curl -fsSL "$INSTALLER_URL" | sh
no_url := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 3,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{"keyword": "ARG", "line": 2, "end_line": 2, "flags": [], "arguments": ["INSTALLER_URL"], "value": "INSTALLER_URL", "form": null, "properties": [{"name": "INSTALLER_URL", "value": null, "line": 2}], "heredocs": [], "commands": [], "source": "ARG INSTALLER_URL"},
					{
						"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["curl", "-fsSL", "\"$INSTALLER_URL\"", "|", "sh"], "value": "curl -fsSL \"$INSTALLER_URL\" | sh", "form": "shell", "properties": [], "heredocs": [], "source": "RUN curl -fsSL \"$INSTALLER_URL\" | sh",
						"commands": [
							{"argv": ["curl", "-fsSL", "$INSTALLER_URL"], "assignments": [], "text": "curl -fsSL \"$INSTALLER_URL\"", "line": 3, "pipeline": 0, "position": 0},
							{"argv": ["sh"], "assignments": [], "text": "sh", "line": 3, "pipeline": 0, "position": 1},
						],
					},
				],
			},
		],
	},
}
