# METADATA
# title: Invalid LABEL key
# description: >-
#   Label keys are reverse-DNS names in lower case (`org.opencontainers.image.source`):
#   letters a–z, digits, `.` and `-`, starting with a letter and ending with a letter or
#   digit, without `..` or `--`. The `com.docker.`, `io.docker.` and `org.dockerproject.`
#   namespaces are reserved for Docker. Tools that read labels (registries, scanners,
#   `docker inspect --format`) rely on these rules (Hadolint DL3048).
# custom:
#   id: PC-DF-073
#   severity: info
#   related: [hadolint:DL3048]
#   remediation: Rename the key in lower-case reverse-DNS form, such as `org.example.team`.
package portcullis.rules.label_key

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "LABEL"
	some property in item.instruction.properties
	issue := problem(property.name)
	finding := {
		"msg": sprintf("LABEL key %q %s.", [property.name, issue]),
		"line": property.line,
	}
}

problem(key) := "is not lower-case reverse-DNS (a-z, 0-9, . and -, starting with a letter, ending with a letter or digit)" if {
	not regex.match(`^[a-z]([a-z0-9.-]*[a-z0-9])?$`, key)
} else := "has an empty part (.. or --)" if {
	some empty in ["..", "--"]
	contains(key, empty)
} else := "is in a namespace reserved for Docker" if {
	# Natively, not by regular expressions: OPA's WebAssembly compiles one on every call.
	some namespace in ["com.docker.", "io.docker.", "org.dockerproject."]
	startswith(key, namespace)
}
