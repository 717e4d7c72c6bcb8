package portcullis.rules.wget_progress_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.wget_progress

test_wget_without_progress_is_reported_with_a_fix if {
	findings := wget_progress.info with input as noisy
	test_inputs.lines(findings) == {2, 4, 5}
	some finding in test_inputs.at(findings, 2)
	finding == {
		"msg": "\"wget https://example.com/a.tgz\" prints a progress line every few kilobytes into the build log: add --progress=dot:giga or -q.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN wget --progress=dot:giga https://example.com/a.tgz && tar -xzf a.tgz", "description": "Add --progress=dot:giga"},
	}
}

# The program's name is found as a whole word (not in the URL); a line with two wget
# commands gets no fix, since which one to edit cannot be told from the text.
test_fix_lands_after_the_program_name_only if {
	fixes := test_inputs.fixes(wget_progress.info) with input as noisy
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN wget --progress=dot:giga https://example.com/a.tgz && tar -xzf a.tgz", "description": "Add --progress=dot:giga"},
		{"line": 4, "end_line": 4, "replacement": " && /usr/bin/wget --progress=dot:giga -O b.tgz https://example.com/wget", "description": "Add --progress=dot:giga"},
	}
}

test_quiet_or_logged_wget_passes if {
	count(wget_progress.info) == 0 with input as quiet
}

test_other_targets_are_ignored if {
	count(wget_progress.info) == 0 with input as test_inputs.other_kind(noisy)
}

#  1 | FROM debian:12-slim
#  2 | RUN wget https://example.com/a.tgz && tar -xzf a.tgz
#  3 | RUN cd /tmp \
#  4 |  && /usr/bin/wget -O b.tgz https://example.com/wget
#  5 | RUN wget -O- https://example.com/c | sh && wget https://example.com/d
noisy := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 5, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["wget", "https://example.com/a.tgz", "&&", "tar", "-xzf", "a.tgz"], "value": "wget https://example.com/a.tgz && tar -xzf a.tgz", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "https://example.com/a.tgz"], "assignments": [], "text": "wget https://example.com/a.tgz", "line": 2, "pipeline": 0, "position": 0}, {"argv": ["tar", "-xzf", "a.tgz"], "assignments": [], "text": "tar -xzf a.tgz", "line": 2, "pipeline": 1, "position": 0}], "source": "RUN wget https://example.com/a.tgz && tar -xzf a.tgz"}, {"keyword": "RUN", "line": 3, "end_line": 4, "flags": [], "arguments": ["cd", "/tmp", "&&", "/usr/bin/wget", "-O", "b.tgz", "https://example.com/wget"], "value": "cd /tmp && /usr/bin/wget -O b.tgz https://example.com/wget", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["cd", "/tmp"], "assignments": [], "text": "cd /tmp", "line": 3, "pipeline": 0, "position": 0}, {"argv": ["/usr/bin/wget", "-O", "b.tgz", "https://example.com/wget"], "assignments": [], "text": "/usr/bin/wget -O b.tgz https://example.com/wget", "line": 4, "pipeline": 1, "position": 0}], "source": "RUN cd /tmp \\\n && /usr/bin/wget -O b.tgz https://example.com/wget"}, {"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["wget", "-O-", "https://example.com/c", "|", "sh", "&&", "wget", "https://example.com/d"], "value": "wget -O- https://example.com/c | sh && wget https://example.com/d", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-O-", "https://example.com/c"], "assignments": [], "text": "wget -O- https://example.com/c", "line": 5, "pipeline": 0, "position": 0}, {"argv": ["sh"], "assignments": [], "text": "sh", "line": 5, "pipeline": 0, "position": 1}, {"argv": ["wget", "https://example.com/d"], "assignments": [], "text": "wget https://example.com/d", "line": 5, "pipeline": 1, "position": 0}], "source": "RUN wget -O- https://example.com/c | sh && wget https://example.com/d"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}

#  1 | FROM debian:12-slim
#  2 | RUN wget -q https://example.com/a
#  3 | RUN wget -qO- https://example.com/a
#  4 | RUN wget --progress=bar:force https://example.com/a
#  5 | RUN wget -nv https://example.com/a
#  6 | RUN wget --no-verbose https://example.com/a
#  7 | RUN wget -o /tmp/log https://example.com/a
#  8 | RUN wget --output-file=/tmp/log https://example.com/a
#  9 | RUN wget -a /tmp/log https://example.com/a
# 10 | RUN wget --quiet https://example.com/a
# 11 | RUN ["wget", "https://example.com/a"]
quiet := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 11, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["wget", "-q", "https://example.com/a"], "value": "wget -q https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-q", "https://example.com/a"], "assignments": [], "text": "wget -q https://example.com/a", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN wget -q https://example.com/a"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["wget", "-qO-", "https://example.com/a"], "value": "wget -qO- https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-qO-", "https://example.com/a"], "assignments": [], "text": "wget -qO- https://example.com/a", "line": 3, "pipeline": 0, "position": 0}], "source": "RUN wget -qO- https://example.com/a"}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["wget", "--progress=bar:force", "https://example.com/a"], "value": "wget --progress=bar:force https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "--progress=bar:force", "https://example.com/a"], "assignments": [], "text": "wget --progress=bar:force https://example.com/a", "line": 4, "pipeline": 0, "position": 0}], "source": "RUN wget --progress=bar:force https://example.com/a"}, {"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["wget", "-nv", "https://example.com/a"], "value": "wget -nv https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-nv", "https://example.com/a"], "assignments": [], "text": "wget -nv https://example.com/a", "line": 5, "pipeline": 0, "position": 0}], "source": "RUN wget -nv https://example.com/a"}, {"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["wget", "--no-verbose", "https://example.com/a"], "value": "wget --no-verbose https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "--no-verbose", "https://example.com/a"], "assignments": [], "text": "wget --no-verbose https://example.com/a", "line": 6, "pipeline": 0, "position": 0}], "source": "RUN wget --no-verbose https://example.com/a"}, {"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["wget", "-o", "/tmp/log", "https://example.com/a"], "value": "wget -o /tmp/log https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-o", "/tmp/log", "https://example.com/a"], "assignments": [], "text": "wget -o /tmp/log https://example.com/a", "line": 7, "pipeline": 0, "position": 0}], "source": "RUN wget -o /tmp/log https://example.com/a"}, {"keyword": "RUN", "line": 8, "end_line": 8, "flags": [], "arguments": ["wget", "--output-file=/tmp/log", "https://example.com/a"], "value": "wget --output-file=/tmp/log https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "--output-file=/tmp/log", "https://example.com/a"], "assignments": [], "text": "wget --output-file=/tmp/log https://example.com/a", "line": 8, "pipeline": 0, "position": 0}], "source": "RUN wget --output-file=/tmp/log https://example.com/a"}, {"keyword": "RUN", "line": 9, "end_line": 9, "flags": [], "arguments": ["wget", "-a", "/tmp/log", "https://example.com/a"], "value": "wget -a /tmp/log https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "-a", "/tmp/log", "https://example.com/a"], "assignments": [], "text": "wget -a /tmp/log https://example.com/a", "line": 9, "pipeline": 0, "position": 0}], "source": "RUN wget -a /tmp/log https://example.com/a"}, {"keyword": "RUN", "line": 10, "end_line": 10, "flags": [], "arguments": ["wget", "--quiet", "https://example.com/a"], "value": "wget --quiet https://example.com/a", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["wget", "--quiet", "https://example.com/a"], "assignments": [], "text": "wget --quiet https://example.com/a", "line": 10, "pipeline": 0, "position": 0}], "source": "RUN wget --quiet https://example.com/a"}, {"keyword": "RUN", "line": 11, "end_line": 11, "flags": [], "arguments": ["wget", "https://example.com/a"], "value": "[\"wget\", \"https://example.com/a\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "RUN [\"wget\", \"https://example.com/a\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}
