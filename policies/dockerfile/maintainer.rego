# METADATA
# title: Deprecated MAINTAINER
# description: >-
#   MAINTAINER has been deprecated since Docker 1.13; the OCI annotation
#   `org.opencontainers.image.authors`, set with LABEL, records the same thing where
#   registries and tools look for it.
# custom:
#   id: PC-DF-011
#   severity: info
#   related: [hadolint:DL4000, trivy:DS022, docker:MaintainerDeprecated]
#   remediation: Replace `MAINTAINER <name>` with `LABEL org.opencontainers.image.authors="<name>"`.
package portcullis.rules.maintainer

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword == "MAINTAINER"
	indent := dockerfile.leading_space(dockerfile.source_line(instruction, instruction.line))
	finding := {
		"msg": "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors instead.",
		"line": instruction.line,
		"fix": {
			"line": instruction.line,
			"end_line": instruction.end_line,
			"replacement": sprintf("%sLABEL org.opencontainers.image.authors=\"%s\"", [indent, quoted(instruction.value)]),
			"description": "Replace MAINTAINER with an org.opencontainers.image.authors label",
		},
	}
}

# The value escaped for a double-quoted LABEL value: the escape character itself,
# `"` and `$` (LABEL expands variables, MAINTAINER does not).
quoted(value) := strings.replace_n(
	{
		escape: concat("", [escape, escape]),
		"\"": concat("", [escape, "\""]),
		"$": concat("", [escape, "$"]),
	},
	value,
) if {
	escape := object.get(input.dockerfile, "escape", "\\")
}
