# METADATA
# title: yarn install without `yarn cache clean`
# description: >-
#   `yarn install` (also a bare `yarn`, which installs, and `yarn add`) keeps a copy of
#   every package in Yarn's global cache (/usr/local/share/.cache/yarn for root), which
#   doubles what node_modules takes in the layer. End the RUN with `yarn cache clean`, or
#   mount a build cache on the cache directory. Only stages whose filesystem reaches the
#   final image are judged (the final stage and the stages it builds on with `FROM
#   <stage>`): a builder stage that is only copied from ships none of its cache.
# custom:
#   id: PC-DF-021
#   severity: info
#   remediation: >-
#     End the RUN that runs `yarn install` with `&& yarn cache clean`.
#   related: [hadolint:DL3060]
package portcullis.rules.yarn_cache_clean

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

info contains finding if {
	some item in installs
	packages.ships(item)
	packages.last_in_run(item, install_keys)
	not packages.followed_by(item, clean_keys)
	not cache_gone(item.instruction)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" leaves Yarn's package cache in the layer: end the RUN with yarn cache clean.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix_at_end(item, "yarn cache clean", "Add yarn cache clean"),
	)
}

installs := [item |
	some item in packages.invocations
	item.manager == "yarn"
	item.subcommand in {"", "install", "add"}
]

install_keys := packages.run_keys(installs)

clean_keys := packages.run_keys(cleans)

cleans := [item |
	some item in packages.invocations
	item.manager == "yarn"
	item.subcommand == "cache"
	item.operands[0] == "clean"
]

cache_gone(instruction) if {
	some command in instruction.commands
	args := dockerfile.program_args(command)
	dockerfile.basename(args[0]) == "rm"
	some arg in args
	contains(arg, ".cache/yarn")
}

cache_gone(instruction) if {
	some target in dockerfile.cache_mount_targets(instruction)
	contains(target, "yarn")
}

fix_at_end(item, text, description) := {"fix": {
	"line": item.instruction.end_line,
	"end_line": item.instruction.end_line,
	"replacement": packages.appended_line(item, text),
	"description": description,
}} if {
	packages.appended_line(item, text)
} else := {}
