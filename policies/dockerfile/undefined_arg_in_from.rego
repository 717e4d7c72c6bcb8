# METADATA
# title: FROM uses a variable no global ARG declares
# description: >-
#   A FROM line can use only the ARGs declared before the first FROM (and the platform
#   variables BuildKit defines, such as TARGETARCH). Any other variable expands to the
#   empty string, whatever `--build-arg` says: `FROM alpine$TAG` builds `alpine`, the
#   latest. An ARG declared inside an earlier stage does not count: its scope is that
#   stage (BuildKit's UndefinedArgInFrom).
# custom:
#   id: PC-DF-063
#   severity: warn
#   related: [docker:UndefinedArgInFrom]
#   remediation: Declare the ARG, with a default, before the first FROM (`ARG TAG=3.20`).
package portcullis.rules.undefined_arg_in_from

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some stage in dockerfile.stages
	some name in dockerfile.from_variables(stage)
	not name in dockerfile.global_arg_names
	not name in dockerfile.platform_args
	finding := {
		"msg": sprintf("FROM uses $%s, which no ARG before the first FROM declares: it expands to the empty string%s%s. Declare ARG %s before the first FROM.", [name, expansion(stage), scope_hint(name), name]),
		"line": stage.line,
	}
}

expansion(stage) := sprintf(" (the image is %q)", [dockerfile.default_base(stage)]) if {
	dockerfile.default_base(stage) != ""
} else := ""

# Where the author may have thought it was declared.
scope_hint(name) := sprintf("; the ARG %s on line %d belongs to stage %s only", [name, line, dockerfile.stage_label(stage)]) if {
	lines := [[property.line, s.index] |
		some s in dockerfile.stages
		some instruction in s.instructions
		instruction.keyword == "ARG"
		some property in instruction.properties
		property.name == name
	]
	count(lines) > 0
	[line, index] := lines[0]
	stage := dockerfile.stages[index]
} else := ""
