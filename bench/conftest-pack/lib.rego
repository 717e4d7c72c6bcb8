# METADATA
# title: Helpers for the Conftest pack
# description: >-
#   The pack re-states Portcullis's built-in Dockerfile rules (policies/dockerfile/, and
#   PC-IMG-005 for FROM lines) on Conftest's own Dockerfile input: a list of commands
#   {Cmd, SubCmd, JSON, Flags, Value, Stage} from BuildKit's parser, with no line numbers,
#   no shell parsing and no here-document bodies. So the shell words are split here with
#   regular expressions, as a Conftest user would. Every message starts with the rule id,
#   so the benchmark counts findings per rule, and names the command's position, so that
#   two equal findings in one file stay two (Conftest's results are sets of messages).
package main

import rego.v1

# Conftest hands each document of a file to the policy; a Dockerfile is one list of commands.
cmds := input[0] if is_array(input[0])

cmds := input if not is_array(input[0])

from_index := [i | some i, c in cmds; c.Cmd == "from"]

final_stage := count(from_index) - 1

# Global ARGs (before the first FROM) with a default, as `${NAME}` and `$NAME` replacements.
arg_replacements[sprintf("${%s}", [name])] := value if {
	some name, value in global_defaults
}

arg_replacements[sprintf("$%s", [name])] := value if {
	some name, value in global_defaults
}

global_defaults[name] := concat("=", array.slice(parts, 1, count(parts))) if {
	some i, c in cmds
	c.Cmd == "arg"
	i < from_index[0]
	some v in c.Value
	parts := split(v, "=")
	count(parts) > 1
	name := parts[0]
}

# One object per stage: its index, name, base as written and resolved, and the image
# (null for scratch, an earlier stage, or a reference an ARG leaves unresolved).
stages := [stage |
	some s, i in from_index
	c := cmds[i]
	raw := c.Value[0]
	resolved := strings.replace_n(arg_replacements, raw)
	name := stage_name(c.Value)
	base_stage := [t | some t, j in from_index; t < s; stage_name(cmds[j].Value) == lower(resolved)]
	stage := {
		"index": s,
		"name": name,
		"raw": raw,
		"resolved": resolved,
		"base_stage": base_stage,
		"image": image(resolved, base_stage),
	}
]

stage_name(value) := lower(value[2]) if {
	count(value) >= 3
	lower(value[1]) == "as"
} else := null

image(resolved, base_stage) := null if count(base_stage) > 0

else := null if lower(resolved) == "scratch"

else := null if contains(resolved, "$")

else := {"digest": digest, "tag": tag, "registry": registry, "repository": repository} if {
	at := split(resolved, "@")
	digest := nth(at, 1)
	name := at[0]
	segments := split(name, "/")
	last := segments[count(segments) - 1]
	colon := split(last, ":")
	tag := nth(colon, 1)
	registry := registry_of(segments)
	repository := name
}

nth(array, k) := array[k] if count(array) > k

else := null

registry_of(segments) := segments[0] if {
	count(segments) > 1
	regex.match(`[.:]|^localhost$`, segments[0])
} else := "docker.io"

# The stages a stage builds on through `FROM <stage>`, itself included.
_graph := {s.index: {b | some b in s.base_stage} | some s in stages}

chain(s) := graph.reachable(_graph, {s})

chain_cmds(s) := [c | some c in cmds; c.Stage in chain(s)]

basename(path) := parts[count(parts) - 1] if parts := split(path, "/")

# Every command of every shell-form RUN: split into lists at `&&`, `||`, `;` and new lines,
# and each list into a pipeline at `|`. `order` sorts the commands of one RUN.
run_commands := [x |
	some i, c in cmds
	c.Cmd == "run"
	not c.JSON
	text := concat(" ", c.Value)
	some p, list in regex.split(`&&|\|\||;|\n`, text)
	some k, part in regex.split(`\|`, list)
	words := [w | some w in regex.split(`\s+`, trim_space(part)); w != ""]
	count(words) > 0
	x := {
		"i": i,
		"stage": c.Stage,
		"pipeline": p,
		"position": k,
		"order": (p * 1000) + k,
		"words": words,
		"args": program_args(words),
		"text": trim_space(part),
	}
]

program_args(words) := array.slice(words, i, count(words)) if {
	starts := [j |
		some j, w in words
		not basename(w) in {"sudo", "env"}
		not startswith(w, "-")
		not contains(w, "=")
		not _wrapper_option_value(words, j)
	]
	i := starts[0]
} else := []

_wrapper_option_value(words, j) if {
	j > 0
	words[j - 1] in {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-S", "--user", "--group", "--chdir", "--unset"}
}

program(x) := basename(x.args[0])

subcommand(args) := [w |
	some k, w in args
	k > 0
	not startswith(w, "-")
	not args[k - 1] in _options_with_values
][0]

_options_with_values := {
	"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release", "--host-architecture",
	"-X", "-p", "--repository", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file",
	"--proxy", "--cert", "--client-cert", "--log", "--timeout", "--retries", "--exists-action", "--python",
}

apt_installs := [x |
	some x in run_commands
	count(x.args) > 0
	program(x) in {"apt-get", "apt"}
	subcommand(x.args) == "install"
]

apk_adds := [x |
	some x in run_commands
	count(x.args) > 0
	program(x) == "apk"
	subcommand(x.args) == "add"
]

pip_installs := [object.union(x, {"args": args}) |
	some x in run_commands
	count(x.args) > 0
	args := pip_args(x.args)
	subcommand(args) == "install"
]

pip_args(args) := args if regex.match(`^pip[0-9.]*$`, basename(args[0]))

pip_args(args) := array.slice(args, 2, count(args)) if {
	regex.match(`^python[0-9.]*$`, basename(args[0]))
	args[1] == "-m"
	args[2] == "pip"
}

# Targets of the `--mount=type=cache|tmpfs` flags of command i.
cache_mount_targets(i) := {trim_suffix(target, "/") |
	some flag in cmds[i].Flags
	startswith(flag, "--mount=")
	options := {key: value |
		some part in split(substring(flag, 8, -1), ",")
		kv := split(part, "=")
		key := mount_key(lower(kv[0]))
		value := concat("=", array.slice(kv, 1, count(kv)))
	}
	object.get(options, "type", "bind") in {"cache", "tmpfs"}
	target := options.target
}

mount_key(key) := "target" if key in {"dst", "destination"}

else := key

label(x) := sprintf("%s (instruction %d)", [x.text, x.i])
