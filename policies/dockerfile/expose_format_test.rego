package portcullis.rules.expose_format_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.expose_format

test_host_addresses_and_upper_case_protocols_are_reported if {
	findings := expose_format.info with input as ports
	findings == {
		{"msg": "EXPOSE 127.0.0.1:8080:80/TCP names a host address or port, which the builder ignores: expose the container port only (80/TCP) and publish with docker run -p.", "line": 4},
		{"msg": "EXPOSE 127.0.0.1:8080:80/TCP: write the protocol in lower case (127.0.0.1:8080:80/tcp).", "line": 4},
		{"msg": "EXPOSE 53/UDP: write the protocol in lower case (53/udp).", "line": 4},
		{"msg": "EXPOSE 8080:80 names a host address or port, which the builder ignores: expose the container port only (80) and publish with docker run -p.", "line": 5},
	}
}

test_other_targets_are_ignored if {
	count(expose_format.info) == 0 with input as test_inputs.other_kind(ports)
}

#  1 | FROM nginx:1.27
#  2 | EXPOSE 80 80800
#  3 | EXPOSE 8000-70000/udp
#  4 | EXPOSE 127.0.0.1:8080:80/TCP 53/UDP
#  5 | EXPOSE 8080:80
#  6 | EXPOSE $PORT 65535 0 443/tcp 1000-2000
ports := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 6, "base": {"raw": "nginx:1.27", "resolved": "nginx:1.27", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "EXPOSE", "line": 2, "end_line": 2, "flags": [], "arguments": ["80", "80800"], "value": "80 80800", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 80 80800"}, {"keyword": "EXPOSE", "line": 3, "end_line": 3, "flags": [], "arguments": ["8000-70000/udp"], "value": "8000-70000/udp", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 8000-70000/udp"}, {"keyword": "EXPOSE", "line": 4, "end_line": 4, "flags": [], "arguments": ["127.0.0.1:8080:80/TCP", "53/UDP"], "value": "127.0.0.1:8080:80/TCP 53/UDP", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 127.0.0.1:8080:80/TCP 53/UDP"}, {"keyword": "EXPOSE", "line": 5, "end_line": 5, "flags": [], "arguments": ["8080:80"], "value": "8080:80", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 8080:80"}, {"keyword": "EXPOSE", "line": 6, "end_line": 6, "flags": [], "arguments": ["$PORT", "65535", "0", "443/tcp", "1000-2000"], "value": "$PORT 65535 0 443/tcp 1000-2000", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE $PORT 65535 0 443/tcp 1000-2000"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "nginx:1.27", "source": "FROM nginx:1.27", "platform": null, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": "1.27", "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:1.27"}, "problem": null, "registry_facts": null}]}
