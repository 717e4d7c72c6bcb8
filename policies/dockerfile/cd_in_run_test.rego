package portcullis.rules.cd_in_run_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.cd_in_run

msg := "RUN changes directory with cd, for this RUN only: use WORKDIR, which holds for every later instruction."

# One finding per RUN, on its first line; through sudo and in heredoc scripts too.
test_cd_is_reported_once_per_run if {
	findings := cd_in_run.info with input as with_cd
	findings == {{"msg": msg, "line": 2}, {"msg": msg, "line": 4}, {"msg": msg, "line": 5}}
}

# `cd` as an argument, in a path, or in exec form (which no shell runs) is not a cd.
test_cd_as_an_argument_or_in_exec_form_passes if {
	count(cd_in_run.info) == 0 with input as without_cd
}

test_other_targets_are_ignored if {
	count(cd_in_run.info) == 0 with input as test_inputs.other_kind(with_cd)
}

#  1 | FROM alpine:3.20
#  2 | RUN cd /src && make \
#  3 |  && cd /tmp && ls
#  4 | RUN sudo cd /x
#  5 | RUN <<EOF
#  6 | cd /opt
#  7 | ls
#  8 | EOF
with_cd := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 8, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 3, "flags": [], "arguments": ["cd", "/src", "&&", "make", "&&", "cd", "/tmp", "&&", "ls"], "value": "cd /src && make && cd /tmp && ls", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["cd", "/src"], "assignments": [], "text": "cd /src", "line": 2, "pipeline": 0, "position": 0}, {"argv": ["make"], "assignments": [], "text": "make", "line": 2, "pipeline": 1, "position": 0}, {"argv": ["cd", "/tmp"], "assignments": [], "text": "cd /tmp", "line": 3, "pipeline": 2, "position": 0}, {"argv": ["ls"], "assignments": [], "text": "ls", "line": 3, "pipeline": 3, "position": 0}], "source": "RUN cd /src && make \\\n && cd /tmp && ls"}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["sudo", "cd", "/x"], "value": "sudo cd /x", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["sudo", "cd", "/x"], "assignments": [], "text": "sudo cd /x", "line": 4, "pipeline": 0, "position": 0}], "source": "RUN sudo cd /x"}, {"keyword": "RUN", "line": 5, "end_line": 8, "flags": [], "arguments": ["<<EOF", "cd", "/opt", "ls", "EOF"], "value": "<<EOF\ncd /opt\nls\nEOF", "form": "shell", "properties": [], "heredocs": [{"name": "EOF", "body": "cd /opt\nls", "line": 6, "end_line": 8}], "commands": [{"argv": ["cd", "/opt"], "assignments": [], "text": "cd /opt", "line": 6, "pipeline": 0, "position": 0}, {"argv": ["ls"], "assignments": [], "text": "ls", "line": 7, "pipeline": 1, "position": 0}], "source": "RUN <<EOF\ncd /opt\nls\nEOF"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

#  1 | FROM alpine:3.20
#  2 | WORKDIR /src
#  3 | RUN make && echo cd /x && ls ./cd
#  4 | RUN ["cd", "/x"]
without_cd := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 4, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["/src"], "value": "/src", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /src"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["make", "&&", "echo", "cd", "/x", "&&", "ls", "./cd"], "value": "make && echo cd /x && ls ./cd", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["make"], "assignments": [], "text": "make", "line": 3, "pipeline": 0, "position": 0}, {"argv": ["echo", "cd", "/x"], "assignments": [], "text": "echo cd /x", "line": 3, "pipeline": 1, "position": 0}, {"argv": ["ls", "./cd"], "assignments": [], "text": "ls ./cd", "line": 3, "pipeline": 2, "position": 0}], "source": "RUN make && echo cd /x && ls ./cd"}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["cd", "/x"], "value": "[\"cd\", \"/x\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "RUN [\"cd\", \"/x\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}
