# METADATA
# title: EXPOSE with a host address or an upper-case protocol
# description: >-
#   EXPOSE documents the container's ports only. An address or host port
#   (`EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`) is ignored by the builder with a warning:
#   publishing is decided by `docker run -p`, so the line does not do what it says
#   (BuildKit's ExposeInvalidFormat). The protocol is written in lower case (`80/tcp`,
#   `53/udp`): `80/TCP` works only because the builder lower-cases it
#   (ExposeProtoCasing).
# custom:
#   id: PC-DF-060
#   severity: info
#   related: [docker:ExposeInvalidFormat, docker:ExposeProtoCasing]
#   remediation: Write only the container port and a lower-case protocol, such as `EXPOSE 80/tcp`, and publish with `docker run -p`.
package portcullis.rules.expose_format

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "EXPOSE"
	some spec in item.instruction.arguments
	contains(spec, ":")
	not contains(spec, "$")
	finding := {
		"msg": sprintf("EXPOSE %s names a host address or port, which the builder ignores: expose the container port only (%s) and publish with docker run -p.", [spec, container_port(spec)]),
		"line": item.instruction.line,
	}
}

info contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "EXPOSE"
	some spec in item.instruction.arguments
	regex.match(`/[a-z]*[A-Z][A-Za-z]*$`, spec)
	not contains(spec, "$")
	finding := {
		"msg": sprintf("EXPOSE %s: write the protocol in lower case (%s).", [spec, lower(spec)]),
		"line": item.instruction.line,
	}
}

container_port(spec) := parts[count(parts) - 1] if parts := split(spec, ":")
