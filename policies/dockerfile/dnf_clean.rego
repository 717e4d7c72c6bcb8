# METADATA
# title: dnf or microdnf without `clean all`
# description: >-
#   `dnf install` and `microdnf install` (and upgrade, reinstall …) keep downloaded
#   packages and repository metadata in /var/cache/dnf (/var/cache/yum for microdnf), and
#   a later RUN cannot take them out of this layer. End the RUN with `dnf clean all` /
#   `microdnf clean all` (or remove the cache directory), or mount a build cache there.
#   Only stages whose filesystem reaches the final image are judged (the final stage and
#   the stages it builds on with `FROM <stage>`): a builder stage that is only copied from
#   ships none of its cache.
# custom:
#   id: PC-DF-019
#   severity: warn
#   remediation: >-
#     End the RUN that runs `dnf install` with `&& dnf clean all` (`microdnf clean all` for microdnf).
#   related: [hadolint:DL3040, trivy:DS019, trivy:DS027]
package portcullis.rules.dnf_clean

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
			"msg": sprintf("\"%s\" leaves its package cache in the layer: end the RUN with %s %s.", [dockerfile.command_label(item.command), item.program, "clean all"]),
			"line": item.command.line,
		},
		fix_at_end(item, sprintf("%s clean all", [item.program]), sprintf("Add %s clean all", [item.program])),
	)
}

downloads := [item |
	some item in packages.invocations
	item.manager in {"dnf", "microdnf"}
	item.subcommand in {"install", "in", "reinstall", "rei", "install-n", "install-na", "install-nevra", "localinstall", "groupinstall", "group", "update", "up", "upgrade", "downgrade", "distro-sync", "makecache"}
]

download_keys := packages.run_keys(downloads)

clean_keys := packages.run_keys(cleans)

cleans := [item |
	some item in packages.invocations
	item.manager in {"yum", "dnf", "microdnf"}
	item.subcommand == "clean"
	"all" in item.operands
]

cache_gone(instruction) if {
	some directory in {"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"}
	packages.removes(instruction, directory)
}

cache_gone(instruction) if packages.cache_mounted(instruction, {"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"})

fix_at_end(item, text, description) := {"fix": {
	"line": item.instruction.end_line,
	"end_line": item.instruction.end_line,
	"replacement": packages.appended_line(item, text),
	"description": description,
}} if {
	packages.appended_line(item, text)
} else := {}
