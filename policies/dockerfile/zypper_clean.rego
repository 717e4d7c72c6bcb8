# METADATA
# title: zypper without `zypper clean`
# description: >-
#   `zypper install` (and update, dist-upgrade, patch, refresh …) keeps downloaded
#   packages and repository metadata in /var/cache/zypp, and a later RUN cannot take them
#   out of this layer. End the RUN with `zypper clean --all` (`zypper clean` or `zypper
#   cc` count too), remove /var/cache/zypp, or mount a build cache there. Only stages
#   whose filesystem reaches the final image are judged (the final stage and the stages it
#   builds on with `FROM <stage>`): a builder stage that is only copied from ships none of
#   its cache.
# custom:
#   id: PC-DF-020
#   severity: warn
#   remediation: >-
#     End the RUN that runs `zypper install` with `&& zypper clean --all`.
#   related: [hadolint:DL3036, trivy:DS020]
package portcullis.rules.zypper_clean

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in downloads
	packages.ships(item)
	packages.last_in_run(item, download_keys)
	not packages.followed_by(item, clean_keys)
	not cache_gone(item.instruction)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" leaves its package cache in the layer: end the RUN with %s %s.", [dockerfile.command_label(item.command), item.program, "clean --all"]),
			"line": item.command.line,
		},
		fix_at_end(item, sprintf("%s clean --all", [item.program]), sprintf("Add %s clean --all", [item.program])),
	)
}

downloads := [item |
	some item in packages.invocations
	item.manager in {"zypper"}
	item.subcommand in {"install", "in", "source-install", "si", "patch", "update", "up", "dist-upgrade", "dup", "refresh", "ref"}
]

download_keys := packages.run_keys(downloads)

clean_keys := packages.run_keys(cleans)

cleans := [item |
	some item in packages.invocations
	item.manager == "zypper"
	item.subcommand in {"clean", "cc"}
]

cache_gone(instruction) if {
	some directory in {"/var/cache/zypp"}
	packages.removes(instruction, directory)
}

cache_gone(instruction) if packages.cache_mounted(instruction, {"/var/cache/zypp"})

fix_at_end(item, text, description) := {"fix": {
	"line": item.instruction.end_line,
	"end_line": item.instruction.end_line,
	"replacement": packages.appended_line(item, text),
	"description": description,
}} if {
	packages.appended_line(item, text)
} else := {}
