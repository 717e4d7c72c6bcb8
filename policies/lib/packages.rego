# METADATA
# title: Package manager commands
# description: >-
#   Every package manager command of every RUN (apt-get, apt, aptitude, apk, yum, dnf,
#   microdnf, zypper, pip, npm, yarn, pnpm, gem, go, cargo), found through `sudo`/`env`
#   wrappers, each as an element of dockerfile.commands with its options parsed the way
#   that tool parses them: combined short flags (`-qy`), option values (`-o X`, `-tvirt`,
#   `--virtual=x`), options before and after the subcommand, `--` ending the options.
#   Written here rather than taken from a shell library because Rego has none, and every
#   rule must agree on which word is the subcommand and which words are packages.
package portcullis.lib.packages

import rego.v1

import data.portcullis.lib.dockerfile

# Each package manager command: a dockerfile.commands element with
#   manager:    the tool, by family name ("pip" for pip3.12 and `python3 -m pip`; "dnf" for dnf5),
#   args:       its words, starting with the program (`pip` for `python3 -m pip install …`),
#   subcommand: the first word that is neither an option nor an option's value ("" when none),
#   operands:   the words after the subcommand that are neither options nor their values,
#   options:    [{name, value, global}]: `-y`, `--yes`, `-o` with its value, and whether it
#               came before the subcommand (zypper's `-n` means non-interactive there only).
#
# Built field by field rather than with object.union, which deep-copies the stage and the
# instruction each command refers to (most of the evaluation time when it did).
invocations := [{
	"stage": c.stage, "instruction": c.instruction, "command": c.command, "index": c.index,
	"program": c.program, "manager": manager, "args": parsed.args, "subcommand": parsed.subcommand,
	"operands": parsed.operands, "options": parsed.options,
} |
	some c in dockerfile.commands
	manager := _manager(c)
	parsed := _parse(manager, _manager_args(c, manager))
]

_plain_managers := {
	"apt-get": "apt-get", "apt": "apt", "aptitude": "aptitude", "apk": "apk",
	"yum": "yum", "dnf": "dnf", "dnf5": "dnf", "microdnf": "microdnf", "zypper": "zypper",
	"npm": "npm", "yarn": "yarn", "pnpm": "pnpm", "gem": "gem", "go": "go", "cargo": "cargo",
}

# One definition with `else`: three separate ones were all evaluated for every command.
_manager(c) := _plain_managers[c.program] if {
	_plain_managers[c.program]
} else := "pip" if {
	startswith(c.program, "pip")
	regex.match(`^pip[0-9.]*$`, c.program)
} else := "pip" if {
	startswith(c.program, "python")
	c.args[1] == "-m"
	c.args[2] == "pip"
	regex.match(`^python[0-9.]*$`, c.program)
}

_manager_args(c, manager) := array.slice(c.args, 2, count(c.args)) if {
	manager == "pip"
	c.args[1] == "-m"
} else := c.args

_parse(manager, args) := {
	"args": args,
	"subcommand": _first(positionals),
	"operands": array.slice(positionals, 1, count(positionals)),
	"options": [option |
		some k, word in words
		k < end
		startswith(word, "-")
		word != "-"
		not k in values
		token := _option_token(manager, words, k)
		some name in token.names
		option := {"name": name, "value": token.value, "global": k < subcommand_at}
	],
} if {
	words := array.slice(args, 1, count(args))
	end := _first_or([k | some k, word in words; word == "--"], count(words))

	# Positions of words that are the value of the option before them. Only option words
	# are looked at closely: most words are package names.
	values := {j |
		some k, word in words
		k < end
		startswith(word, "-")
		_takes_next(manager, word)
		j := k + 1
	}
	positions := [k | some k, word in words; _operand(manager, word, k, end, values)]
	positionals := [words[k] | some k in positions]
	subcommand_at := _first_or(positions, count(words))
}

_first(list) := list[0] if count(list) > 0

_first(list) := "" if count(list) == 0

_first_or(list, _) := list[0] if count(list) > 0

_first_or(list, default_value) := default_value if count(list) == 0

_operand(_, word, k, end, values) if {
	k < end
	not startswith(word, "-")
	not k in values
}

_operand(_, "-", k, end, values) if {
	k < end
	not k in values
}

# After `--`: operands, except for gem, which passes them to the extension build.
_operand(manager, _, k, end, _) if {
	k > end
	manager != "gem"
}

# --name, --name=value, --name value
_option_token(manager, words, k) := {"names": [name], "value": value} if {
	word := words[k]
	_long_style(manager, word)
	parts := split(word, "=")
	name := _long_name(manager, parts[0])
	value := _long_value(manager, words, k, parts, name)
}

# -y, -qy, -q=2, -ofoo, -o foo: one option per letter, the first letter that takes a value
# taking the rest of the word or the next word.
_option_token(manager, words, k) := {"names": names, "value": value} if {
	word := words[k]
	not _long_style(manager, word)
	body := substring(word, 1, -1)
	letters := [substring(body, i, 1) | some i in numbers.range(0, count(body) - 1)]
	stop := _first_or([i | some i, letter in letters; _short_stop(manager, letter)], count(letters))
	names := [concat("", ["-", letter]) | some i, letter in letters; i <= stop; letter != "="]
	value := _short_value(words, k, letters, stop)
}

# go's flags are single-dash long names (`-ldflags=-s`).
_long_style(_, word) if startswith(word, "--")

_long_style("go", word) if startswith(word, "-")

_long_name("go", name) := concat("", ["-", trim_left(name, "-")])

_long_name(manager, name) := name if manager != "go"

_long_value(_, _, _, parts, _) := concat("=", array.slice(parts, 1, count(parts))) if count(parts) > 1

_long_value(manager, words, k, parts, name) := words[k + 1] if {
	count(parts) == 1
	name in _long_values[manager]
	k + 1 < count(words)
} else := null if count(parts) == 1

# A short letter that ends the cluster: `=` (`-q=2`) or a letter that takes a value.
_short_stop(_, "=") := true

_short_stop(manager, letter) if letter in _short_values[manager]

_short_value(_, _, letters, stop) := null if stop >= count(letters)

_short_value(_, _, letters, stop) := concat("", array.slice(letters, stop + 1, count(letters))) if {
	stop < count(letters) - 1
}

_short_value(words, k, letters, stop) := words[k + 1] if {
	stop == count(letters) - 1
	letters[stop] != "="
	k + 1 < count(words)
} else := null if stop == count(letters) - 1

# The option word takes the next word as its value.
_takes_next(manager, word) if {
	_long_style(manager, word)
	not contains(word, "=")
	_long_name(manager, word) in _long_values[manager]
}

_takes_next(manager, word) if {
	not _long_style(manager, word)
	startswith(word, "-")
	count(word) > 1
	not contains(word, "=")
	last := substring(word, count(word) - 1, 1)
	last in _short_values[manager]

	# An earlier value-taking letter would have taken the rest of the word as its value.
	not _earlier_stop(manager, substring(word, 1, count(word) - 2))
}

_earlier_stop(manager, body) if {
	count(body) > 0
	some i in numbers.range(0, count(body) - 1)
	substring(body, i, 1) in _short_values[manager]
}

_apt_short := {"o", "c", "t", "a"}

_apt_long := {"--option", "--config-file", "--target-release", "--default-release", "--host-architecture"}

_rpm_short := {"c", "d", "e", "R", "x"}

_rpm_long := {
	"--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--exclude",
	"--excludepkgs", "--setopt", "--repo", "--repoid", "--repofrompath", "--forcearch", "--color",
	"--comment", "--downloaddir", "--destdir", "--enableplugin", "--disableplugin",
	"--rpmverbosity", "--debuglevel", "--errorlevel", "--advisory", "--cve", "--secseverity",
}

# Short options that take a value, per tool (from each tool's manual).
_short_values := {
	"apt-get": _apt_short, "apt": _apt_short, "aptitude": {"o", "t", "F", "w", "S", "O"},
	"apk": {"X", "p", "t"},
	"yum": _rpm_short, "dnf": _rpm_short, "microdnf": _rpm_short,
	"zypper": {"R", "c", "D", "C", "r", "t"},
	"pip": {"r", "c", "e", "i", "f", "t", "C"},
	"npm": {"w"}, "yarn": set(), "pnpm": {"C", "F"},
	"gem": {"v", "i", "n", "s", "P"},
	"go": set(), "cargo": {"j", "F", "Z"},
}

# Long options that take a value, per tool (go: its single-dash flags).
_long_values := {
	"apt-get": _apt_long, "apt": _apt_long, "aptitude": _apt_long,
	"apk": {"--virtual", "--repository", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file", "--cache-max-age"},
	"yum": _rpm_long, "dnf": _rpm_long, "microdnf": _rpm_long,
	"zypper": {"--root", "--config", "--reposd-dir", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "--repo", "--type", "--from", "--userdata"},
	"pip": {
		"--requirement", "--constraint", "--editable", "--index-url", "--extra-index-url", "--find-links",
		"--target", "--prefix", "--root", "--src", "--platform", "--python-version", "--implementation",
		"--abi", "--no-binary", "--only-binary", "--upgrade-strategy", "--progress-bar", "--proxy",
		"--trusted-host", "--cert", "--client-cert", "--log", "--timeout", "--retries", "--exists-action",
		"--python", "--cache-dir", "--config-settings", "--global-option", "--report", "--root-user-action",
		"--use-feature", "--use-deprecated", "--index", "--group",
	},
	"npm": {"--prefix", "--registry", "--tag", "--workspace", "--cache", "--loglevel", "--omit", "--include", "--userconfig", "--install-strategy"},
	"yarn": {"--cwd", "--registry", "--cache-folder", "--modules-folder", "--network-timeout", "--mutex", "--use-yarnrc"},
	"pnpm": {"--dir", "--filter", "--store-dir", "--registry", "--reporter"},
	"gem": {"--version", "--install-dir", "--bindir", "--source", "--trust-policy", "--platform", "--build-root"},
	"go": {
		"-C", "-o", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-overlay",
		"-pkgdir", "-buildmode", "-compiler", "-gccgoflags", "-toolexec", "-exec", "-pgo", "-covermode", "-coverpkg",
	},
	"cargo": {
		"--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path", "--root", "--index", "--registry",
		"--features", "--target", "--profile", "--jobs", "--config", "--target-dir", "--bin", "--example", "--color",
	},
}

# The command sets one of the named options (`-y`, `--yes` …).
has_option(item, names) if {
	some option in item.options
	option.name in names
}

# The values given to the named options, in order.
option_values(item, names) := [option.value | some option in item.options; option.name in names; option.value != null]

# The command runs in a stage whose filesystem reaches the final image.
ships(item) if item.stage.index in dockerfile.shipped_stages

_apt_family := {"apt-get", "apt", "aptitude"}

# `apt-get install …`, `apt install …` and `aptitude install …`.
apt_installs := [item |
	some item in invocations
	item.manager in _apt_family
	item.subcommand == "install"
]

# `apk add …`.
apk_adds := [item |
	some item in invocations
	item.manager == "apk"
	item.subcommand == "add"
]

# `pip install …`, `pip3.12 install …`, `python3 -m pip install …`.
pip_installs := [item |
	some item in invocations
	item.manager == "pip"
	item.subcommand == "install"
]

# The quiet level apt is given: each -q or --quiet adds one, -q=N or --quiet=N sets it.
apt_quiet_level(item) := to_number(values[count(values) - 1]) if {
	values := [option.value |
		some option in item.options
		option.name in {"-q", "--quiet"}
		option.value != null
	]
	count(values) > 0
} else := count([option | some option in item.options; option.name in {"-q", "--quiet"}])

# Keys of commands for followed_by: the index of the last of `items` in each RUN, by the
# RUN's line. A rule computes them once as a document (functions are not memoized under
# WebAssembly), so that followed_by is one look-up: walking the rest of a long RUN for each
# command, with a key built per step, took seconds in WebAssembly at 1,200 commands.
run_keys(items) := {line: max([item.index | some item in items; item.instruction.line == line]) |
	some line in {item.instruction.line | some item in items}
}

# The RUN of `item` has a later command among those of `keys` (from run_keys): what a
# cleanup after an install looks like. Looks only at the commands of item's own RUN.
followed_by(item, keys) if keys[item.instruction.line] > item.index

# A RUN removes `directory` or something in it (`rm -rf /var/cache/yum/*`).
removes(instruction, directory) if {
	some command in instruction.commands
	args := dockerfile.program_args(command)
	dockerfile.basename(args[0]) == "rm"
	some arg in args
	startswith(arg, directory)
}

# A RUN mounts a build cache (or tmpfs) on one of `directories`: nothing written there
# stays in the layer.
cache_mounted(instruction, directories) if {
	some target in dockerfile.cache_mount_targets(instruction)
	target in directories
}

# The last line of the RUN of `item` with ` && <text>` appended: only for a shell form RUN
# without heredocs whose last line ends its last command (no trailing comment,
# continuation or operator), so the appended command runs after everything else.
appended_line(item, text) := concat(" && ", [trim_right(line, " \t"), text]) if {
	instruction := item.instruction
	instruction.form == "shell"
	count(instruction.heredocs) == 0
	line := dockerfile.source_line(instruction, instruction.end_line)
	not contains(line, "#")
	regex.match(`[^\s\\;&|]\s*$`, line)
}

# `yes | <command>`: the answers come from `yes`.
piped_from_yes(item) if {
	item.command.position > 0
	some other in item.instruction.commands
	other.pipeline == item.command.pipeline
	other.position == item.command.position - 1
	dockerfile.program(other) == "yes"
}

# The operands of an install that name packages a rule can judge: words with a shell
# variable (`$PACKAGES`) could be anything and are left alone.
# The message of the pin rules (PC-DF-028, 029 …): `"apk add curl" installs curl without a
# version: pin it (name=version).` Built with concat, not sprintf, which calls out of
# WebAssembly to JavaScript: these rules report thousands of findings on a large repository.
unpinned_message(item, unpinned, form) := concat("", [
	"\"", dockerfile.command_label(item.command), "\" installs ", concat(", ", unpinned),
	" without a version: pin it (", form, ").",
])

literal_operands(item) := [word | some word in item.operands; not contains(word, "$")]

# The last command of its RUN among the commands of `keys` (one finding per RUN).
last_in_run(item, keys) if not followed_by(item, keys)

# An rpm package argument with a version: the part after its last `-` starts with a digit
# (`nginx-1.20.1`, `tzdata-2024a`, `name-2:1.0-1.el9`, not `python3-devel` or
# `java-17-openjdk`), or an .rpm file, a path or a URL.
rpm_pinned(word) if {
	parts := split(word, "-")
	count(parts) > 1
	regex.match(`^[0-9]`, parts[count(parts) - 1])
}

rpm_pinned(word) if endswith(word, ".rpm")

rpm_pinned(word) if contains(word, "/")

# Groups (`@development-tools`) have no version.
rpm_pinned(word) if startswith(word, "@")

# The command's source line with its program word (`args[0]` as written) replaced by `new`:
# `apt install curl` → `apt-get install curl`. The program and the word after it must be
# on the command's first line, one space apart (undefined otherwise); earlier commands on
# the same line are skipped so that the right one of two identical commands is edited.
line_with_program(item, new) := new_line if {
	line := dockerfile.source_line(item.instruction, item.command.line)
	anchor := concat(" ", [item.args[0], item.args[1]])
	skipped := sum([n |
		some j, earlier in item.instruction.commands
		j < item.index
		earlier.line == item.command.line
		n := count(indexof_n(earlier.text, anchor))
	])
	at := indexof_n(line, anchor)[skipped]
	new_line := concat("", [substring(line, 0, at), new, substring(line, at + count(item.args[0]), -1)])
}
