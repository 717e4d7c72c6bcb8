package portcullis.rules.useradd_log_init_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.useradd_log_init

test_high_uid_without_l_is_warned_with_a_fix if {
	findings := useradd_log_init.warn with input as high
	some finding in test_inputs.at(findings, 2)
	finding == {
		"msg": "\"useradd -u 100000 app\" creates UID 100000 without -l: the lastlog and faillog files grow to hundreds of megabytes in the layer. Add -l.",
		"line": 2,
		"fix": {"line": 2, "end_line": 2, "replacement": "RUN useradd -l -u 100000 app", "description": "Add -l"},
	}
}

# --uid=, -u<uid>, a full path, and a command continued on the next line.
test_every_way_of_giving_the_uid_is_read if {
	fixes := test_inputs.fixes(useradd_log_init.warn) with input as high
	fixes == {
		{"line": 2, "end_line": 2, "replacement": "RUN useradd -l -u 100000 app", "description": "Add -l"},
		{"line": 3, "end_line": 3, "replacement": "RUN groupadd -g 100000 app && /usr/sbin/useradd -l --uid=1000000 -g app app", "description": "Add -l"},
		{"line": 4, "end_line": 4, "replacement": "RUN useradd -l -m -u1234567 \\", "description": "Add -l"},
	}
}

# Low UIDs, -l in any spelling, a UID from a variable, and adduser pass.
test_low_uid_or_no_log_init_passes if {
	count(useradd_log_init.warn) == 0 with input as fine
}

test_other_targets_are_ignored if {
	count(useradd_log_init.warn) == 0 with input as test_inputs.other_kind(high)
}

#  1 | FROM debian:12-slim
#  2 | RUN useradd -u 100000 app
#  3 | RUN groupadd -g 100000 app && /usr/sbin/useradd --uid=1000000 -g app app
#  4 | RUN useradd -m -u1234567 \
#  5 |     -s /bin/bash app
high := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 5, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["useradd", "-u", "100000", "app"], "value": "useradd -u 100000 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-u", "100000", "app"], "assignments": [], "text": "useradd -u 100000 app", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN useradd -u 100000 app"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["groupadd", "-g", "100000", "app", "&&", "/usr/sbin/useradd", "--uid=1000000", "-g", "app", "app"], "value": "groupadd -g 100000 app && /usr/sbin/useradd --uid=1000000 -g app app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["groupadd", "-g", "100000", "app"], "assignments": [], "text": "groupadd -g 100000 app", "line": 3, "pipeline": 0, "position": 0}, {"argv": ["/usr/sbin/useradd", "--uid=1000000", "-g", "app", "app"], "assignments": [], "text": "/usr/sbin/useradd --uid=1000000 -g app app", "line": 3, "pipeline": 1, "position": 0}], "source": "RUN groupadd -g 100000 app && /usr/sbin/useradd --uid=1000000 -g app app"}, {"keyword": "RUN", "line": 4, "end_line": 5, "flags": [], "arguments": ["useradd", "-m", "-u1234567", "-s", "/bin/bash", "app"], "value": "useradd -m -u1234567 -s /bin/bash app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-m", "-u1234567", "-s", "/bin/bash", "app"], "assignments": [], "text": "useradd -m -u1234567 -s /bin/bash app", "line": 4, "pipeline": 0, "position": 0}], "source": "RUN useradd -m -u1234567 \\\n    -s /bin/bash app"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}

#  1 | FROM debian:12-slim
#  2 | RUN useradd -u 10001 app
#  3 | RUN useradd -l -u 100000 app
#  4 | RUN useradd -lm --uid 100000 app
#  5 | RUN useradd --no-log-init -u 100000 app
#  6 | RUN useradd -u $UID app
#  7 | RUN adduser -u 100000 app
fine := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 7, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["useradd", "-u", "10001", "app"], "value": "useradd -u 10001 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-u", "10001", "app"], "assignments": [], "text": "useradd -u 10001 app", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN useradd -u 10001 app"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["useradd", "-l", "-u", "100000", "app"], "value": "useradd -l -u 100000 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-l", "-u", "100000", "app"], "assignments": [], "text": "useradd -l -u 100000 app", "line": 3, "pipeline": 0, "position": 0}], "source": "RUN useradd -l -u 100000 app"}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["useradd", "-lm", "--uid", "100000", "app"], "value": "useradd -lm --uid 100000 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-lm", "--uid", "100000", "app"], "assignments": [], "text": "useradd -lm --uid 100000 app", "line": 4, "pipeline": 0, "position": 0}], "source": "RUN useradd -lm --uid 100000 app"}, {"keyword": "RUN", "line": 5, "end_line": 5, "flags": [], "arguments": ["useradd", "--no-log-init", "-u", "100000", "app"], "value": "useradd --no-log-init -u 100000 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "--no-log-init", "-u", "100000", "app"], "assignments": [], "text": "useradd --no-log-init -u 100000 app", "line": 5, "pipeline": 0, "position": 0}], "source": "RUN useradd --no-log-init -u 100000 app"}, {"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["useradd", "-u", "$UID", "app"], "value": "useradd -u $UID app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["useradd", "-u", "$UID", "app"], "assignments": [], "text": "useradd -u $UID app", "line": 6, "pipeline": 0, "position": 0}], "source": "RUN useradd -u $UID app"}, {"keyword": "RUN", "line": 7, "end_line": 7, "flags": [], "arguments": ["adduser", "-u", "100000", "app"], "value": "adduser -u 100000 app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["adduser", "-u", "100000", "app"], "assignments": [], "text": "adduser -u 100000 app", "line": 7, "pipeline": 0, "position": 0}], "source": "RUN adduser -u 100000 app"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}
