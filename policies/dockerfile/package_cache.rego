# METADATA
# title: Package manager cache left in the layer
# description: >-
#   Files a RUN leaves behind stay in its layer for good, even if a later RUN deletes
#   them. `apk add` without `--no-cache` (and `apk update`) keeps the package index in
#   /var/cache/apk; `apt-get update` (`apt update`, `aptitude update`) fetches package
#   lists into /var/lib/apt/lists that stay unless the same RUN removes them; and
#   `pip install` keeps every downloaded wheel in ~/.cache/pip without `--no-cache-dir`.
#   A `RUN --mount=type=cache` on the cache directory keeps it out of the layer too. Only
#   stages whose filesystem reaches the final image are judged (the final stage and the
#   stages it builds on with `FROM <stage>`): a builder stage that is only copied from
#   with `COPY --from` ships none of its caches.
# custom:
#   id: PC-DF-006
#   severity: warn
#   remediation: >-
#     Use `apk add --no-cache` instead of `apk update`; end the RUN that runs
#     `apt-get update` with `rm -rf /var/lib/apt/lists/*`; use `pip install --no-cache-dir`
#     (or `ENV PIP_NO_CACHE_DIR=1`); or mount a build cache on the cache directory.
#   related: [hadolint:DL3009, hadolint:DL3019, hadolint:DL3042, trivy:DS025]
package portcullis.rules.package_cache

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

# apk add without --no-cache.
warn contains finding if {
	some item in packages.apk_adds
	packages.ships(item)
	not packages.has_option(item, {"--no-cache"})
	not apk_cache_gone(item.instruction)
	finding := object.union(
		{
			"msg": concat("", ["\"", dockerfile.command_label(item.command), "\" keeps the package index in /var/cache/apk in the layer: add --no-cache."]),
			"line": item.command.line,
		},
		fix(item, "add", " --no-cache", "Add --no-cache"),
	)
}

# apk update writes the index to /var/cache/apk whatever the later `apk add` does.
warn contains finding if {
	some item in packages.invocations
	item.manager == "apk"
	item.subcommand == "update"
	packages.ships(item)
	not packages.has_option(item, {"--no-cache"})
	not apk_cache_gone(item.instruction)
	finding := {
		"msg": sprintf("\"%s\" leaves the package index in /var/cache/apk in the layer: drop it and use apk add --no-cache.", [dockerfile.command_label(item.command)]),
		"line": item.command.line,
	}
}

# apt-get update without removing the package lists in the same RUN: one finding per
# RUN, on its first update command; the fix ends the RUN with the removal.
warn contains finding if {
	some item in apt_updates
	packages.ships(item)
	not earlier_update(item)
	not packages.removes(item.instruction, "/var/lib/apt/lists")
	not packages.cache_mounted(item.instruction, {"/var/lib/apt", "/var/lib/apt/lists"})
	finding := object.union(
		{
			"msg": concat("", ["\"", dockerfile.command_label(item.command), "\" leaves the package lists of /var/lib/apt/lists in the layer: end the same RUN with rm -rf /var/lib/apt/lists/* (or mount a cache there)."]),
			"line": item.command.line,
		},
		fix_at_end(item, "rm -rf /var/lib/apt/lists/*", "Remove the apt lists"),
	)
}

# pip install without --no-cache-dir.
warn contains finding if {
	some item in packages.pip_installs
	packages.ships(item)
	not packages.has_option(item, {"--no-cache-dir"})
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

apt_updates := [item |
	some item in packages.invocations
	item.manager in {"apt-get", "apt", "aptitude"}
	item.subcommand == "update"
]

earlier_update(item) if {
	some other in apt_updates
	other.instruction.line == item.instruction.line
	other.index < item.index
}

apk_cache_gone(instruction) if packages.removes(instruction, "/var/cache/apk")

apk_cache_gone(instruction) if packages.cache_mounted(instruction, {"/var/cache/apk", "/etc/apk/cache"})

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

fix_at_end(item, text, description) := {"fix": {
	"line": item.instruction.end_line,
	"end_line": item.instruction.end_line,
	"replacement": packages.appended_line(item, text),
	"description": description,
}} if {
	packages.appended_line(item, text)
} else := {}
