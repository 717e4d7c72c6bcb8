package portcullis.rules.expose_ssh_test

import rego.v1

import data.portcullis.lib.test_inputs
import data.portcullis.rules.expose_ssh

test_port_22_is_warned if {
	findings := expose_ssh.warn with input as ssh
	test_inputs.at(findings, 2) == {{
		"msg": "EXPOSE 22 opens the SSH port: containers should not run an SSH server. Remove it and use docker exec or kubectl exec for a shell.",
		"line": 2,
	}}
}

test_tcp_protocol_and_ranges_are_warned if {
	findings := expose_ssh.warn with input as ssh
	findings == {
		{"msg": "EXPOSE 22 opens the SSH port: containers should not run an SSH server. Remove it and use docker exec or kubectl exec for a shell.", "line": 2},
		{"msg": "EXPOSE 22/tcp opens the SSH port: containers should not run an SSH server. Remove it and use docker exec or kubectl exec for a shell.", "line": 3},
		{"msg": "EXPOSE 20-25/TCP opens the SSH port: containers should not run an SSH server. Remove it and use docker exec or kubectl exec for a shell.", "line": 4},
	}
}

test_other_ports_pass if {
	count(expose_ssh.warn) == 0 with input as other_ports
}

test_other_targets_are_ignored if {
	count(expose_ssh.warn) == 0 with input as test_inputs.other_kind(ssh)
}

#  1 | FROM ubuntu:24.04
#  2 | EXPOSE 80 22
#  3 | EXPOSE 22/tcp
#  4 | EXPOSE 20-25/TCP
ssh := {
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
					{"keyword": "EXPOSE", "line": 2, "end_line": 2, "flags": [], "arguments": ["80", "22"], "value": "80 22", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 80 22"},
					{"keyword": "EXPOSE", "line": 3, "end_line": 3, "flags": [], "arguments": ["22/tcp"], "value": "22/tcp", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 22/tcp"},
					{"keyword": "EXPOSE", "line": 4, "end_line": 4, "flags": [], "arguments": ["20-25/TCP"], "value": "20-25/TCP", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 20-25/TCP"},
				],
			},
		],
	},
}

#  1 | FROM ubuntu:24.04
#  2 | EXPOSE 2222 8022 220 22/udp 23-80 10-20 ${SSH_PORT}
other_ports := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": null, "final": true, "line": 1, "end_line": 2,
				"base": {"raw": "ubuntu:24.04", "resolved": "ubuntu:24.04", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/ubuntu", "tag": "24.04", "digest": null, "name": "docker.io/library/ubuntu", "normalized": "docker.io/library/ubuntu:24.04"}, "error": null},
				"instructions": [
					{"keyword": "EXPOSE", "line": 2, "end_line": 2, "flags": [], "arguments": ["2222", "8022", "220", "22/udp", "23-80", "10-20", "${SSH_PORT}"], "value": "2222 8022 220 22/udp 23-80 10-20 ${SSH_PORT}", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 2222 8022 220 22/udp 23-80 10-20 ${SSH_PORT}"},
				],
			},
		],
	},
}
