# METADATA
# title: Duplicate or reserved stage name
# description: >-
#   Stage names are case-insensitive and must be unique: `FROM … AS build` twice, or
#   `AS build` and `AS Build`, fails the build (BuildKit's DuplicateStageName; Hadolint
#   DL3024, Trivy DS012). `scratch` and `context` are reserved words: a stage named so
#   cannot be told from the empty image or from a named build context
#   (ReservedStageName).
# custom:
#   id: PC-DF-061
#   severity: warn
#   related: [hadolint:DL3024, trivy:DS012, docker:DuplicateStageName, docker:ReservedStageName]
#   remediation: Give every stage its own name, other than `scratch` and `context`.
package portcullis.rules.stage_name

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some stage in dockerfile.stages
	stage.name != null
	some earlier in dockerfile.stages
	earlier.index < stage.index
	earlier.name == stage.name
	finding := {
		"msg": sprintf("Stage name %q is already used by the stage on line %d: stage names are case-insensitive and must be unique.", [stage.name, earlier.line]),
		"line": stage.line,
	}
}

warn contains finding if {
	some stage in dockerfile.stages
	stage.name in {"scratch", "context"}
	finding := {
		"msg": sprintf("Stage name %q is a reserved word: choose another name.", [stage.name]),
		"line": stage.line,
	}
}
