# METADATA
# title: Variable used that no ARG or ENV defines
# description: >-
#   ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR and ARG defaults expand
#   `$NAME` from the stage's ARGs and ENVs (and those of the stages it is built `FROM`) and
#   the base image's environment; anything else expands to the empty string, silently:
#   `COPY app /opt/$APP_DIR` copies to `/opt/` (Docker build check UndefinedVar). Three
#   cases are certain without the base image: a global ARG (before the first FROM) used
#   without `ARG NAME` in the stage, BuildKit's platform ARGs (`TARGETARCH` …) used without
#   `ARG`, and a variable used before the ARG or ENV that defines it. Any other undefined
#   variable is reported only when the base image's environment is known: for `FROM
#   scratch`, or when the registry was asked (`registry_facts.env_names`); offline, an
#   image such as `node` may define it (`NODE_VERSION`), so it is not reported. `PATH` is
#   always defined (BuildKit sets a default). `${NAME:-default}` and the other forms with
#   a modifier are not reported; RUN, CMD and ENTRYPOINT are expanded by the shell, not
#   the builder.
# custom:
#   id: PC-DF-078
#   severity: warn
#   related: [docker:UndefinedVar]
#   remediation: >-
#     Declare the variable in the stage (`ARG NAME`, which also takes a global ARG's
#     default) before its first use, or give it a default with `${NAME:-value}`.
package portcullis.rules.undefined_variable

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword in _expanding
	not instruction.onbuild
	count(instruction.heredocs) == 0
	text := _expanded_text(instruction)
	contains(text, "$")
	some name in _used(text)
	name != "PATH"
	not _defined_before(item.stage, name, instruction.line)
	reason := _reason(item.stage, name, instruction.line)
	finding := {
		"msg": sprintf("%s uses $%s: %s, so it expands to the empty string.", [instruction.keyword, name, reason]),
		"line": instruction.line,
	}
}

# Instructions whose arguments the builder expands (BuildKit's dispatchers with word expansion).
_expanding := {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}

# The flags and arguments, without single-quoted text and escaped dollars, which are not expanded.
_expanded_text(instruction) := dockerfile.without_single_quoted(text) if {
	flags := [flag.value | some flag in instruction.flags; is_string(flag.value)]
	joined := concat(" ", array.concat(flags, [instruction.value]))
	text := replace(joined, concat("", [input.dockerfile.escape, "$"]), "")

	# Nothing to expand, as in most instructions: stop here.
	contains(text, "$")
}

# Names used as `$NAME` or `${NAME}`; `${NAME:-x}`, `${NAME+x}` … handle an unset NAME themselves.
_used(text) := {name |
	some match in regex.find_all_string_submatch_n(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?=])?|([A-Za-z_][A-Za-z0-9_]*))`, text, -1)
	match[2] == ""
	name := concat("", [match[1], match[3]])
}

# ARG and ENV names of each stage itself, with the line of the instruction that declares them.
_declared := {stage.index: [[property.name, instruction.line] |
	some instruction in stage.instructions
	instruction.keyword in {"ARG", "ENV"}
	not instruction.onbuild
	some property in instruction.properties
] |
	some stage in dockerfile.stages
}

# The first line each name is declared on, per stage: sorted, a name's first line heads its
# run of [name, line] pairs, so no pair is compared with all the others.
_first := {index: _first_lines(pairs) | some index, pairs in _declared}

_first_lines(pairs) := {pair[0]: pair[1] |
	sorted := sort(pairs)
	some k, pair in sorted
	not sorted[k - 1][0] == pair[0]
}

# Names the stages a stage is built FROM declare: all defined before any of its instructions.
_inherited := {stage.index: {name |
	some index in dockerfile.stage_chain(stage)
	index != stage.index
	some [name, _] in _declared[index]
} |
	some stage in dockerfile.stages
}

# Inherited, or declared in the stage by this instruction or an earlier one (`ENV A=1 B=$A`
# is PC-DF-069's case).
_defined_before(stage, name, _) if name in _inherited[stage.index]

_defined_before(stage, name, line) if _first[stage.index][name] <= line

_reason(stage, name, _) := sprintf("it is declared on line %d, after this use", [later]) if {
	later := _first[stage.index][name]
} else := sprintf("the global ARG on line %d is not visible inside a stage that does not declare `ARG %s`", [arg.line, name]) if {
	some arg in dockerfile.global_args
	arg.name == name
} else := sprintf("BuildKit defines it only in a stage that declares `ARG %s`", [name]) if {
	name in dockerfile.platform_args
} else := sprintf("no ARG or ENV of stage %s defines it, %s", [dockerfile.stage_label(stage), base]) if {
	env := _base_env(stage)
	not name in env.names
	base := env.label
}

# The environment of the image at the root of the stage's chain, when it is known.
_base_env(stage) := {"names": set(), "label": "and FROM scratch has no environment"} if {
	some index in dockerfile.stage_chain(stage)
	root := dockerfile.stages[index]
	root.base.stage == null
	root.base.scratch
} else := {"names": {name | some name in root.base.registry_facts.env_names}, "label": sprintf("nor does the environment of %s", [dockerfile.base_label(root)])} if {
	some index in dockerfile.stage_chain(stage)
	root := dockerfile.stages[index]
	root.base.stage == null
	is_array(root.base.registry_facts.env_names)
}
