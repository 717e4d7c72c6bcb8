# METADATA
# title: Relative WORKDIR
# description: >-
#   A relative WORKDIR is resolved against the previous one, inherited from the base
#   image when the stage sets none, so where files land depends on something the
#   Dockerfile does not show. Variables (`$HOME/app`) and Windows paths (`C:\app`) are
#   taken as absolute.
# custom:
#   id: PC-DF-015
#   severity: warn
#   related: [hadolint:DL3000, trivy:DS009, docker:WorkdirRelativePath]
#   remediation: Use an absolute path, such as `WORKDIR /app`.
package portcullis.rules.relative_workdir

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	item.instruction.keyword == "WORKDIR"
	path := unquoted(trim_space(item.instruction.value))
	path != ""
	not absolute(path)
	finding := {
		"msg": sprintf("WORKDIR %q is relative, so it depends on the previous WORKDIR: use an absolute path such as %q.", [path, concat("", ["/", trim_prefix(path, "./")])]),
		"line": item.instruction.line,
	}
}

absolute(path) if startswith(path, "/")

absolute(path) if startswith(path, "$")

absolute(path) if startswith(path, "\\")

absolute(path) if {
	substring(path, 1, 1) == ":"
	regex.match(`^[A-Za-z]:[\\/]`, path)
}

unquoted(value) := substring(value, 1, count(value) - 2) if {
	_quote_first(value)
	regex.match(`^("[^"]*"|'[^']*')$`, value)
} else := value

_quote_first(value) if startswith(value, "\"")

_quote_first(value) if startswith(value, "'")
