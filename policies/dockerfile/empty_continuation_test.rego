package portcullis.rules.empty_continuation_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.empty_continuation

# One finding per instruction, on its first blank line (a line of blanks and tabs counts),
# with a fix that deletes them.
test_empty_continuation_lines_are_reported if {
	findings := empty_continuation.warn with input as blank_lines
	test_inputs.lines(findings) == {3, 16}
	test_inputs.at(findings, 3) == {{
		"msg": "RUN continues over 2 empty lines (lines 3, 5): the builder skips them and joins the next line to this instruction (deprecated; BuildKit will refuse it).",
		"line": 3,
		"fix": {
			"line": 2,
			"end_line": 6,
			"replacement": "RUN apk add --no-cache curl \\\n    git \\\n    jq",
			"description": "Delete the empty lines inside the instruction",
		},
	}}
}

# Tricky: a comment line inside a continuation is no empty line, and a here-document's
# blank lines are the document's own (lines 8 and 12 are not reported).
test_comment_lines_and_heredoc_bodies_pass if {
	findings := empty_continuation.warn with input as blank_lines
	count(test_inputs.at(findings, 8)) == 0
	count(test_inputs.at(findings, 12)) == 0
}

# Tricky: under `# escape=\``, the backtick continues the line.
test_backtick_continuations_are_read if {
	test_inputs.fixes(empty_continuation.warn) == {{
		"line": 3,
		"end_line": 5,
		"replacement": "RUN echo one `\n    two",
		"description": "Delete the empty lines inside the instruction",
	}} with input as backtick
}

test_other_targets_are_ignored if {
	count(empty_continuation.warn) == 0 with input as test_inputs.other_kind(blank_lines)
}

#  1 | FROM alpine:3.20
#  2 | RUN apk add --no-cache curl \
#  3 |
#  4 |     git \
#  5 |
#  6 |     jq
#  7 | RUN echo one \
#  8 |     # a comment line is fine
#  9 |     two
# 10 | RUN <<EOF
# 11 | echo a
# 12 |
# 13 | echo b
# 14 | EOF
# 15 | ENV A=1 \
# 16 |
# 17 |     B=2
# 18 | USER app
blank_lines := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "preamble": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 18, "source": "FROM alpine:3.20", "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 6, "flags": [], "arguments": ["apk", "add", "--no-cache", "curl", "git", "jq"], "value": "apk add --no-cache curl \n    git \n    jq", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apk", "add", "--no-cache", "curl", "git", "jq"], "assignments": [], "text": "apk add --no-cache curl git jq", "line": 2, "pipeline": 0, "position": 0}], "shell": ["/bin/sh", "-c"], "source": "RUN apk add --no-cache curl \\\n\n    git \\\n  \t\n    jq"}, {"keyword": "RUN", "line": 7, "end_line": 9, "flags": [], "arguments": ["echo", "one", "two"], "value": "echo one two", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["echo", "one", "two"], "assignments": [], "text": "echo one two", "line": 7, "pipeline": 0, "position": 0}], "shell": ["/bin/sh", "-c"], "source": "RUN echo one \\\n    # a comment line is fine\n    two"}, {"keyword": "RUN", "line": 10, "end_line": 14, "flags": [], "arguments": ["<<EOF", "echo", "a", "echo", "b", "EOF"], "value": "<<EOF\necho a\n\necho b\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "echo a\n\necho b", "line": 11, "end_line": 14}], "commands": [{"argv": ["echo", "a"], "assignments": [], "text": "echo a", "line": 11, "pipeline": 0, "position": 0}, {"argv": ["echo", "b"], "assignments": [], "text": "echo b", "line": 13, "pipeline": 1, "position": 0}], "shell": ["/bin/sh", "-c"], "source": "RUN <<EOF\necho a\n\necho b\nEOF"}, {"keyword": "ENV", "line": 15, "end_line": 17, "flags": [], "arguments": ["A=1", "B=2"], "value": "A=1 \n    B=2", "form": null, "properties": [{"name": "A", "value": "1", "line": 15}, {"name": "B", "value": "2", "line": 17}], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "ENV A=1 \\\n\n    B=2"}, {"keyword": "USER", "line": 18, "end_line": 18, "flags": [], "arguments": ["app"], "value": "app", "form": null, "properties": [], "heredocs": [], "commands": [], "shell": ["/bin/sh", "-c"], "source": "USER app"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

#  1 | # escape=`
#  2 | FROM mcr.microsoft.com/windows/servercore:ltsc2022
#  3 | RUN echo one `
#  4 |
#  5 |     two
#  6 | RUN echo done
backtick := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [{"name": "escape", "value": "`", "line": 1}], "global_args": [], "preamble": [], "escape": "`", "stages": [{"index": 0, "name": null, "final": true, "line": 2, "end_line": 6, "source": "FROM mcr.microsoft.com/windows/servercore:ltsc2022", "base": {"raw": "mcr.microsoft.com/windows/servercore:ltsc2022", "resolved": "mcr.microsoft.com/windows/servercore:ltsc2022", "unresolved_variables": [], "undefined_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "mcr.microsoft.com", "repository": "windows/servercore", "tag": "ltsc2022", "digest": null, "name": "mcr.microsoft.com/windows/servercore", "normalized": "mcr.microsoft.com/windows/servercore:ltsc2022"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 3, "end_line": 5, "flags": [], "arguments": ["echo", "one", "two"], "value": "echo one \n    two", "form": "shell", "properties": [], "heredocs": [], "commands": [], "shell": ["cmd", "/S", "/C"], "source": "RUN echo one `\n\n    two"}, {"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["echo", "done"], "value": "echo done", "form": "shell", "properties": [], "heredocs": [], "commands": [], "shell": ["cmd", "/S", "/C"], "source": "RUN echo done"}]}]}, "references": [{"line": 2, "field": "FROM", "raw": "mcr.microsoft.com/windows/servercore:ltsc2022", "source": "FROM mcr.microsoft.com/windows/servercore:ltsc2022", "platform": null, "image": {"registry": "mcr.microsoft.com", "repository": "windows/servercore", "tag": "ltsc2022", "digest": null, "name": "mcr.microsoft.com/windows/servercore", "normalized": "mcr.microsoft.com/windows/servercore:ltsc2022"}, "problem": null, "registry_facts": null}]}
