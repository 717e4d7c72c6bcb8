package portcullis.rules.relink_bin_sh_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.relink_bin_sh

test_linking_a_shell_to_bin_sh_is_reported if {
	findings := relink_bin_sh.info with input as relinked
	test_inputs.lines(findings) == {2, 3}
	some finding in test_inputs.at(findings, 2)
	finding.msg == "\"ln -sf /bin/bash /bin/sh\" replaces /bin/sh for every later RUN and for the container: use the SHELL instruction instead."
}

# /bin/sh as the link's target, not its name, changes nothing.
test_bin_sh_as_the_target_passes if {
	count(relink_bin_sh.info) == 0 with input as fine
}

test_other_targets_are_ignored if {
	count(relink_bin_sh.info) == 0 with input as test_inputs.other_kind(relinked)
}

#  1 | FROM debian:12-slim
#  2 | RUN ln -sf /bin/bash /bin/sh
#  3 | RUN rm /bin/sh && ln -s /bin/bash /usr/bin/sh
relinked := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 3, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["ln", "-sf", "/bin/bash", "/bin/sh"], "value": "ln -sf /bin/bash /bin/sh", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["ln", "-sf", "/bin/bash", "/bin/sh"], "assignments": [], "text": "ln -sf /bin/bash /bin/sh", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN ln -sf /bin/bash /bin/sh"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["rm", "/bin/sh", "&&", "ln", "-s", "/bin/bash", "/usr/bin/sh"], "value": "rm /bin/sh && ln -s /bin/bash /usr/bin/sh", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["rm", "/bin/sh"], "assignments": [], "text": "rm /bin/sh", "line": 3, "pipeline": 0, "position": 0}, {"argv": ["ln", "-s", "/bin/bash", "/usr/bin/sh"], "assignments": [], "text": "ln -s /bin/bash /usr/bin/sh", "line": 3, "pipeline": 1, "position": 0}], "source": "RUN rm /bin/sh && ln -s /bin/bash /usr/bin/sh"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}

#  1 | FROM debian:12-slim
#  2 | RUN ln -s /bin/sh /usr/local/bin/sh
#  3 | RUN ln -s /opt/app/bin/app /usr/local/bin/app
fine := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 3, "base": {"raw": "debian:12-slim", "resolved": "debian:12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["ln", "-s", "/bin/sh", "/usr/local/bin/sh"], "value": "ln -s /bin/sh /usr/local/bin/sh", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["ln", "-s", "/bin/sh", "/usr/local/bin/sh"], "assignments": [], "text": "ln -s /bin/sh /usr/local/bin/sh", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN ln -s /bin/sh /usr/local/bin/sh"}, {"keyword": "RUN", "line": 3, "end_line": 3, "flags": [], "arguments": ["ln", "-s", "/opt/app/bin/app", "/usr/local/bin/app"], "value": "ln -s /opt/app/bin/app /usr/local/bin/app", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["ln", "-s", "/opt/app/bin/app", "/usr/local/bin/app"], "assignments": [], "text": "ln -s /opt/app/bin/app /usr/local/bin/app", "line": 3, "pipeline": 0, "position": 0}], "source": "RUN ln -s /opt/app/bin/app /usr/local/bin/app"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "debian:12-slim", "source": "FROM debian:12-slim", "platform": null, "image": {"registry": "docker.io", "repository": "library/debian", "tag": "12-slim", "digest": null, "name": "docker.io/library/debian", "normalized": "docker.io/library/debian:12-slim"}, "problem": null, "registry_facts": null}]}
