# METADATA
# title: Package manager cache left in the layer
# description: >-
#   Files a RUN leaves behind stay in its layer for good, even if a later RUN deletes
#   them. `apk add` without `--no-cache` keeps the package index in /var/cache/apk,
#   `apt-get install` keeps the lists fetched by `apt-get update` in
#   /var/lib/apt/lists unless the same RUN removes them, and `pip install` keeps every
#   downloaded wheel in ~/.cache/pip without `--no-cache-dir`. A
#   `RUN --mount=type=cache` on the cache directory keeps it out of the layer too.
# custom:
#   id: PC-DF-006
#   severity: warn
#   remediation: >-
#     Use `apk add --no-cache`; end an `apt-get install` RUN with
#     `rm -rf /var/lib/apt/lists/*`; use `pip install --no-cache-dir` (or
#     `ENV PIP_NO_CACHE_DIR=1`); or mount a build cache on the cache directory.
package portcullis.rules.package_cache

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

# apk add without --no-cache.
warn contains finding if {
	some item in packages.apk_adds
	not "--no-cache" in item.args
	not removes(item.instruction, "/var/cache/apk")
	not cache_mounted(item.instruction, {"/var/cache/apk", "/etc/apk/cache"})
	finding := object.union(
		{
			"msg": sprintf("\"%s\" keeps the package index in /var/cache/apk in the layer: add --no-cache.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item, "add", " --no-cache", "Add --no-cache"),
	)
}

# apt-get install without removing the package lists in the same RUN: one finding per
# RUN, on its first install command.
warn contains finding if {
	some item in packages.apt_installs
	not later_install(item)
	not removes(item.instruction, "/var/lib/apt/lists")
	not cache_mounted(item.instruction, {"/var/lib/apt", "/var/lib/apt/lists"})
	finding := {
		"msg": sprintf("\"%s\" leaves the package lists of /var/lib/apt/lists in the layer: end the same RUN with rm -rf /var/lib/apt/lists/* (or mount a cache there).", [dockerfile.command_label(item.command)]),
		"line": item.command.line,
	}
}

# pip install without --no-cache-dir.
warn contains finding if {
	some item in packages.pip_installs
	not "--no-cache-dir" in item.args
	not pip_cache_disabled(item)
	not pip_cache_mounted(item.instruction)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" keeps downloaded packages in pip's cache in the layer: add --no-cache-dir.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item, "install", " --no-cache-dir", "Add --no-cache-dir"),
	)
}

later_install(item) if {
	some other in packages.apt_installs

	# The same instruction (no two start on one line), an earlier command of it.
	other.instruction.line == item.instruction.line
	other.index < item.index
}

# The RUN has an `rm` of the directory or of something inside it.
removes(instruction, directory) if {
	some command in instruction.commands
	args := dockerfile.program_args(command)
	dockerfile.basename(args[0]) == "rm"
	some arg in args
	startswith(arg, directory)
}

cache_mounted(instruction, directories) if {
	some target in dockerfile.cache_mount_targets(instruction)
	target in directories
}

pip_cache_mounted(instruction) if {
	some target in dockerfile.cache_mount_targets(instruction)
	regex.match(`(^|/)\.cache(/pip)?$`, target)
}

# PIP_NO_CACHE_DIR set on the command (`PIP_NO_CACHE_DIR=1 pip install`, `env …`),
# exported earlier in the RUN, or set by ENV/ARG in the stage or a stage it builds on.
pip_cache_disabled(item) if {
	some word in array.concat(item.command.assignments, item.command.argv)
	startswith(word, "PIP_NO_CACHE_DIR=")
}

pip_cache_disabled(item) if {
	some command in item.instruction.commands
	command.argv[0] == "export"
	some word in command.argv
	startswith(word, "PIP_NO_CACHE_DIR=")
}

pip_cache_disabled(item) if {
	some instruction in dockerfile.chain_instructions(item.stage)
	instruction.keyword in {"ENV", "ARG"}
	instruction.line < item.instruction.line
	some property in instruction.properties
	property.name == "PIP_NO_CACHE_DIR"
	property.value
}

fix(item, word, insertion, description) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": description,
}} if {
	replacement := dockerfile.line_with_insertion(item.instruction, item.command, word, insertion)
} else := {}
