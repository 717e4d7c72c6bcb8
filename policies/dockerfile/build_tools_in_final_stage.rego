# METADATA
# title: Build tools installed in the final stage
# description: >-
#   A stage whose filesystem reaches the final image (the final stage and the stages it
#   builds on with `FROM <stage>`) installs compilers, `build-essential`/`build-base`,
#   `-dev`/`-devel` header packages, `make`, `cmake` or `git` with a system package manager
#   (apt, apk, yum, dnf, microdnf, zypper), or compiles there (`make`, `go build`,
#   `cargo build`, `mvn package`, `gradle build`). They run once, at build time, and then
#   ship in every copy of the image: size, and tools an attacker can use. Not reported when
#   the same RUN removes the packages again (`apk del .build-deps`, `apt-get purge`), the
#   official images' idiom for building in one layer. On a
#   built image, the message names the files found (`/usr/bin/gcc`).
# custom:
#   id: PC-DF-090
#   severity: warn
#   remediation: >-
#     Build in a builder stage (`FROM … AS build`, install the tools and compile there),
#     then start the final stage from a runtime image and `COPY --from=build` only the result.
package portcullis.rules.build_tools_in_final_stage

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some line, names in installed_by_line
	finding := {
		"msg": concat("", ["Line ", format_int(line, 10), " installs build tools in the final image (", concat(", ", names), ")", confirmed(line), ": build in a builder stage and COPY --from only the result."]),
		"line": line,
	}
}

warn contains finding if {
	some line, what in built_by_line
	finding := {
		"msg": concat("", ["Line ", format_int(line, 10), " builds in the final image (", what, ")", confirmed(line), ": the sources and the toolchain ship with the result. Build in a builder stage and COPY --from only the result."]),
		"line": line,
	}
}

# Lines this rule reports, for PC-BLD-015 (which reports tools the built image shows elsewhere).
reported_lines := {line | some line, _ in installed_by_line} | {line | some line, _ in built_by_line}

_installers := {"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "zypper"}

_install_words := {"install", "add", "in"}

_removal_words := {"remove", "purge", "autoremove", "del", "erase", "rm"}

# Package names, by the tool each one is: exact names, then suffixes.
_tools := {
	"build-essential", "build-base", "alpine-sdk", "gcc", "g++", "gcc-c++", "clang", "llvm",
	"make", "cmake", "automake", "autoconf", "libtool", "git", "golang", "rustc", "cargo",
	"maven", "gradle", "default-jdk", "openjdk-17-jdk", "openjdk-21-jdk",
}

_tool_package(word) if _package_name(word) in _tools

_tool_package(word) if endswith(_package_name(word), "-dev")

_tool_package(word) if endswith(_package_name(word), "-devel")

# `gcc=4:12.2.0-3` (apt), `gcc=13.2.1-r0` (apk): the name before the version.
_package_name(word) := split(word, "=")[0]

# Per line of a shipped stage's install command, the build-tool packages it names.
# (Grouped from the few matching words, not by comparing every install with every other.)
installed_by_line[line] := sort({hit.word | some hit in _tool_hits; hit.line == line}) if {
	some hit in _tool_hits
	line := hit.line
}

_tool_hits := [{"line": item.command.line, "word": _package_name(word)} |
	some item in _installs
	some word in item.operands
	_tool_package(word)
]

_installs := [item |
	some item in packages.invocations
	item.manager in _installers
	item.subcommand in _install_words
	packages.ships(item)
	not item.instruction.line in _removing_instructions
]

# Instructions (by line) whose RUN also removes packages: the usual `--virtual .build-deps … && apk del .build-deps`.
_removing_instructions := {item.instruction.line |
	some item in packages.invocations
	item.manager in _installers
	item.subcommand in _removal_words
}

# Compiling in a shipped stage: the programs and subcommands, per line.
built_by_line[line] := concat(", ", sort({hit.what | some hit in _build_hits; hit.line == line})) if {
	some hit in _build_hits
	line := hit.line
}

_build_hits := [{"line": c.command.line, "what": what} |
	some c in dockerfile.commands
	c.stage.index in dockerfile.shipped_stages
	not c.instruction.line in _removing_instructions
	what := _build_step(c)
]

_build_step(c) := "make" if c.program == "make"

_build_step(c) := sprintf("%s %s", [c.program, c.args[1]]) if {
	some tool, subcommands in {"go": {"build"}, "cargo": {"build"}, "mvn": {"package", "install", "verify"}, "gradle": {"build", "assemble"}, "gradlew": {"build", "assemble"}}
	c.program == tool
	count(c.args) > 1
	c.args[1] in subcommands
}

# On a built image: the build tools its files show, added by the layer of this line.
confirmed(line) := concat("", ["; the built image has ", concat(", ", paths)]) if {
	paths := sort({tool.path |
		some tool in object.get(object.get(input, "image", {}), "build_tools", [])
		tool.line == line
		tool.kind != "package-cache"
	})
	count(paths) > 0
} else := ""
