# METADATA
# title: EXPOSE 22 (SSH)
# description: >-
#   Exposing port 22 means the image runs, or expects to run, an SSH server: one more
#   daemon with credentials to manage and patch. Containers are entered with
#   `docker exec` or `kubectl exec`, not SSH.
# custom:
#   id: PC-DF-010
#   severity: warn
#   related: [trivy:DS004]
#   remediation: Remove port 22 from EXPOSE and the SSH server from the image; use `docker exec`/`kubectl exec` for shell access.
package portcullis.rules.expose_ssh

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "EXPOSE"
	some port in item.instruction.arguments
	includes_ssh(port)
	finding := {
		"msg": sprintf("EXPOSE %s opens the SSH port: containers should not run an SSH server. Remove it and use docker exec or kubectl exec for a shell.", [port]),
		"line": item.instruction.line,
	}
}

# `22`, `22/tcp`, or a TCP range such as `20-25` that includes 22.
includes_ssh(port) if regex.match(`^22(/(?i:tcp))?$`, port)

includes_ssh(port) if {
	parts := regex.find_all_string_submatch_n(`^(\d+)-(\d+)(/(?i:tcp))?$`, port, 1)[0]
	to_number(parts[1]) <= 22
	to_number(parts[2]) >= 22
}
