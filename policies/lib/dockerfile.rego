# METADATA
# title: Dockerfile helpers
# description: >-
#   Shared views of input.dockerfile for the rule packages. A note for rule authors:
#   Portcullis runs policies as WebAssembly. regex.match and
#   regex.find_all_string_submatch_n run inside the module; regex.replace, regex.split and
#   regex.find_n (RE2 syntax too) call out to JavaScript, which costs a round trip per call
#   and, in a cold process, loading an RE2 port: the text helpers at the end of this file do
#   the common cases natively.
package portcullis.lib.dockerfile

import rego.v1

is_dockerfile if input.target.kind == "dockerfile"

stages := input.dockerfile.stages if is_dockerfile

final_stage := stages[count(stages) - 1]

# Global ARGs (declared before the first FROM); empty unless the target is a Dockerfile.
global_args := object.get(input.dockerfile, "global_args", []) if is_dockerfile

# Every instruction, with the stage it belongs to. Arrays, not sets: each element holds its
# whole stage, and a set hashes and compares every element it adds (quadratic in the stage
# size), which made these two helpers most of the evaluation time (BENCHMARKS.md).
instructions := [{"stage": stage, "instruction": instruction} |
	some stage in stages
	some instruction in stage.instructions
]

# Every shell command of every RUN, with its instruction and stage, its index among the
# instruction's commands, and the program it runs with its arguments (`program_args`, and
# `program`: "" when there is none). Computed here once per command: functions are not
# memoized under WebAssembly, and finding the program was most of the evaluation time
# when every rule asked for it.
commands := [{"stage": stage, "instruction": instruction, "command": command, "index": index, "args": args, "program": name} |
	some stage in stages
	some instruction in stage.instructions
	some index, command in instruction.commands
	args := program_args(command)
	name := _program_name(args)
]

_program_name(args) := basename(args[0]) if count(args) > 0

_program_name(args) := "" if count(args) == 0

# A readable name for a stage in messages: `"builder"` or `#2`. Quoted with json.marshal, which
# runs inside WebAssembly (sprintf's %q calls out to JavaScript); for the names BuildKit accepts
# (letters, digits, `.`, `-`, `_`) the two quote alike, and any other is still escaped.
stage_label(stage) := json.marshal(stage.name) if stage.name != null

stage_label(stage) := concat("", ["#", format_int(stage.index, 10)]) if stage.name == null

# The base image of a stage for messages: `"node:20"`, or
# `"node:${V}" (resolved to "node:20")` when global ARGs were substituted.
base_label(stage) := sprintf("%q", [stage.base.raw]) if stage.base.raw == stage.base.resolved

base_label(stage) := sprintf("%q (resolved to %q)", [stage.base.raw, stage.base.resolved]) if {
	stage.base.raw != stage.base.resolved
}

# Indexes of `stage` and of every earlier stage it builds on through `FROM <stage>`:
# what the stage inherits USER, ENV, HEALTHCHECK … from.
stage_chain(stage) := _chains[stage.index]

_stage_graph := {s.index: {b | b := s.base.stage; b != null} | some s in stages}

# Computed once per evaluation as documents: functions are not memoized under WebAssembly,
# and every rule that looks at inherited instructions asks for these.
_chains := {s.index: graph.reachable(_stage_graph, {s.index}) | some s in stages}

_chain_instructions := {stage.index: [instruction |
	some s in stages
	s.index in _chains[stage.index]
	some instruction in s.instructions
] |
	some stage in stages
}

# Indexes of the stages whose filesystem reaches the image `docker build` produces: the
# final stage and the stages it builds on through `FROM <stage>`. A stage that is only
# copied from (`COPY --from`) ships what is copied, not its package caches, so cache and
# bloat rules look at these stages only; security rules look at every stage.
shipped_stages := stage_chain(final_stage)

# The instructions `stage` inherits or declares, oldest first.
chain_instructions(stage) := _chain_instructions[stage.index]

# The program a command runs and its arguments, looking through `sudo` and `env`
# wrappers (with their options, option values such as `-u user`, and VAR=value assignments).
program_args(command) := command.argv if {
	# Most commands start with their program: no look at every word for it.
	first := command.argv[0]
	not basename(first) in {"sudo", "env"}
	not startswith(first, "-")
	not contains(first, "=")
} else := array.slice(command.argv, i, count(command.argv)) if {
	starts := [j |
		some j, word in command.argv
		not basename(word) in {"sudo", "env"}
		not startswith(word, "-")
		not contains(word, "=")
		not _wrapper_option_value(command.argv, j)
	]
	i := starts[0]
} else := []

# argv[j] is the value of a sudo/env option, as `app` in `sudo -u app pip …`.
_wrapper_option_value(argv, j) if {
	j > 0
	argv[j - 1] in {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-S", "--user", "--group", "--chdir", "--unset"}
}

# The basename of the program a command runs: `/usr/bin/apt-get` → `apt-get`.
program(command) := basename(program_args(command)[0])

# The last component of a path.
# (split, not regex.replace: split runs inside WebAssembly, regex.replace calls out to the host.)
basename(path) := parts[count(parts) - 1] if parts := split(path, "/")

# The `--mount` options of an instruction, one object per mount, e.g.
# {"type": "cache", "target": "/var/cache/apk"}; `type` defaults to `bind` and the
# `dst`/`destination` aliases are read as `target`.
mounts(instruction) := [mount |
	some flag in instruction.flags
	flag.name == "mount"
	is_string(flag.value)
	pairs := [[key, value] |
		some part in split(flag.value, ",")
		kv := split(part, "=")
		key := _mount_key(lower(trim_space(kv[0])))
		value := concat("=", array.slice(kv, 1, count(kv)))
	]
	keys := {pair[0] | some pair in pairs}

	# When an option is repeated, the last one wins.
	mount := object.union({"type": "bind"}, {key: values[count(values) - 1] |
		some key in keys
		values := [pair[1] | some pair in pairs; pair[0] == key]
	})
]

_mount_key(key) := "target" if key in {"dst", "destination"}

_mount_key(key) := key if not key in {"dst", "destination"}

# Targets of the instruction's `--mount=type=cache` (and `tmpfs`) mounts: nothing
# written there ends up in the layer.
cache_mount_targets(instruction) := {trim_suffix(mount.target, "/") |
	some mount in mounts(instruction)
	mount.type in {"cache", "tmpfs"}
	mount.target
}

# A command for messages: its text on one line, shortened to 60 characters.
# (Split on the four other characters RE2's \s names, not regex.replace: a call out to the
# host for every finding's message.)
command_label(command) := text if {
	text := _one_line(command.text)
	count(text) <= 60
} else := concat("", [substring(_one_line(command.text), 0, 59), "…"])

_one_line(text) := concat(" ", words(trim_space(text)))

# The position of a command in its instruction's list of commands.
# Looked up first where it is when no earlier pipeline has more than one command (pipeline
# numbers count pipelines, positions commands within one), searched for otherwise: a
# search per command is quadratic in a long RUN. Pipeline and position name a command
# within its RUN, so the search compares them before the whole command.
command_index(instruction, command) := i if {
	i := command.pipeline + command.position
	instruction.commands[i] == command
} else := i if {
	some i, c in instruction.commands
	c.pipeline == command.pipeline
	c.position == command.position
	c == command
}

# The text of one source line of an instruction.
source_line(instruction, line) := lines[line - instruction.line] if {
	lines := _source_lines[instruction.source]
} else := split(instruction.source, "\n")[line - instruction.line]

# Each instruction's source split into lines once per evaluation: fixes ask for a line of
# their RUN once per command, and splitting a long RUN every time made a fix per command
# quadratic in time and in WebAssembly memory. Keyed by the source itself, so that
# instructions with the same text share an entry instead of conflicting.
_source_lines := {source: split(source, "\n") |
	some item in instructions
	source := item.instruction.source
	is_string(source)
}

# Replaces the first occurrence of old in s.
replace_first(s, old, new) := concat("", [substring(s, 0, i), new, substring(s, i + count(old), -1)]) if {
	i := indexof(s, old)
	i >= 0
}

# The command's source line with `insertion` inserted right after the first whole
# word `word` of the command (a subcommand such as `install`, never the first word):
# `apt-get install curl` + ` -y` → `apt-get install -y curl`. The command is found on
# its line by its text, or, when the command continues on later lines, by its text up
# to `word`; earlier commands on the same line are skipped so that the right one of two
# identical commands is edited. Undefined when `word` is not on the command's first line.
line_with_insertion(instruction, command, word, insertion) := new_line if {
	line := source_line(instruction, command.line)
	matches := regex.find_all_string_submatch_n(concat("", [`^(.*?\s`, word, `)(?:\s|$)`]), command.text, 1)
	prefix := matches[0][1]
	anchor := _insertion_anchor(line, command.text, prefix)
	rest := substring(anchor, count(prefix), -1)

	skipped := _occurrences_before(instruction, command_index(instruction, command), command.line, anchor)
	at := indexof_n(line, anchor)[skipped]
	new_line := concat("", [substring(line, 0, at), prefix, insertion, rest, substring(line, at + count(anchor), -1)])
}

# How often `anchor` occurs in the commands before the `index`-th that start on `line`:
# none, without looking at the RUN's other commands, when the previous command starts on an
# earlier line (one command per line, the usual long RUN).
_occurrences_before(instruction, index, line, anchor) := 0 if {
	not instruction.commands[index - 1].line == line
} else := sum([n |
	some j, earlier in instruction.commands
	j < index
	earlier.line == line
	contains(earlier.text, anchor)
	n := count(indexof_n(earlier.text, anchor))
])

_insertion_anchor(line, text, _) := text if contains(line, text)

_insertion_anchor(line, text, prefix) := prefix if {
	not contains(line, text)
	contains(line, prefix)
}

# The command's source line with `insertion` right after the name of the program it runs:
# `wget https://…` + ` --progress=dot:giga` → `wget --progress=dot:giga https://…`.
# Undefined unless the name appears on the command's first line exactly once, as a whole
# word, so that the edit cannot land in another command or an argument.
line_with_program_option(instruction, command, insertion) := new_line if {
	line := source_line(instruction, command.line)
	word := program_args(command)[0]
	at := indexof_n(line, word)
	count(at) == 1
	end := at[0] + count(word)
	_word_ends(line, end)
	new_line := concat("", [substring(line, 0, end), insertion, substring(line, end, -1)])
}

_word_ends(line, end) if end == count(line)

_word_ends(line, end) if substring(line, end, 1) in {" ", "\t"}

# The text of a stage's FROM line as written, for rules about its spelling: the stage's
# `source` when the parser gives it, else the source of the stage's FROM reference (there
# is none for `FROM scratch` and `FROM <earlier stage>`, nor then a finding).
from_source(stage) := stage.source if {
	is_string(stage.source)
} else := ref.source if {
	some ref in input.references
	ref.field == "FROM"
	ref.line == stage.line
}

# Names of the global ARGs: the only build arguments a FROM line can use.
global_arg_names := {arg.name | some arg in global_args}

# Build arguments BuildKit defines in the global scope of every build, without an ARG.
platform_args := {
	"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
	"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
}

# The variables a stage's FROM line uses, in its image and its --platform.
from_variables(stage) := {match[1] |
	some text in [stage.base.raw, object.get(stage.base, "platform", null)]
	is_string(text)
	contains(text, "$")
	some match in regex.find_all_string_submatch_n(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`, text, -1)
}

# The base image of a build without --build-arg: BuildKit expands a variable that no global
# ARG gives a value to the empty string (`FROM alpine$TAG` builds `alpine`, untagged), and
# an ARG declared inside a stage is not visible to a later FROM. Undefined when the image
# uses a platform variable, whose value depends on the build.
default_base(stage) := without_variable_references(stage.base.resolved) if {
	not regex.match(`\$\{?(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)\b`, stage.base.raw)
}

# Text helpers that run inside WebAssembly (see the note at the top): each gives exactly what
# the regular expression in its comment gives.

# RE2's \s: space, tab, newline, carriage return and form feed (not \v).
_re2_space := " \t\n\r\f"

# regex.find_n(`^\s*`, text, 1)[0]: the white space a line starts with.
leading_space(text) := substring(text, 0, count(text) - count(trim_left(text, _re2_space)))

# regex.find_n(`^[ \t]*`, text, 1)[0]: the blanks a line starts with.
leading_blanks(text) := substring(text, 0, count(text) - count(trim_left(text, " \t")))

# regex.find_n(`^\s*\S+`, text, 1)[0]: the leading white space and the first word;
# undefined when the text is only white space.
first_word(text) := concat("", [leading_space(text), word]) if {
	word := words(trim_left(text, _re2_space))[0]
	word != ""
}

# regex.split(`\s+`, text) of a text without leading or trailing white space
# (trim_space(…)): its words, or [""] when it is empty, as Go's Split gives.
words(trimmed) := [""] if {
	trimmed == ""
} else := [word |
	some word in split(replace(replace(replace(replace(trimmed, "\t", " "), "\n", " "), "\r", " "), "\f", " "), " ")
	word != ""
]

# regex.replace(text, `'[^']*'`, ""): the text without its single-quoted parts; an
# unmatched last quote stays, with what follows it.
without_single_quoted(text) := concat("", [part |
	some i, part in parts
	i % 2 == 0
]) if {
	parts := split(text, "'")
	count(parts) % 2 == 1
} else := concat("'", [concat("", [part | some i, part in parts; i % 2 == 0; i < last]), parts[last]]) if {
	parts := split(text, "'")
	last := count(parts) - 1
}

# regex.replace(text, `\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*`, ""): the text
# without its variable references (`$NAME`, `${NAME}`); any other `$` stays.
without_variable_references(text) := text if {
	not contains(text, "$")
} else := concat("", array.concat([parts[0]], [_after_reference(part) |
	some i, part in parts
	i > 0
])) if {
	parts := split(text, "$")
}

_identifier_start := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"

_identifier_chars := concat("", [_identifier_start, "0123456789"])

# What follows a `$`, less the name it references, or with the `$` back when it names none.
_after_reference(part) := substring(after, 1, -1) if {
	startswith(part, "{")
	name := substring(part, 1, -1)
	_starts_identifier(name)
	after := trim_left(name, _identifier_chars)
	startswith(after, "}")
} else := trim_left(part, _identifier_chars) if {
	_starts_identifier(part)
} else := concat("", ["$", part])

_starts_identifier(text) if {
	first := substring(text, 0, 1)
	first != ""
	contains(_identifier_start, first)
}
