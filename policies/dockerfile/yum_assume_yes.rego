# METADATA
# title: yum without -y
# description: >-
#   Without `-y`, `yum install` (update, remove …) asks for confirmation. A build has no
#   terminal to answer, so yum aborts and the build fails. `-y`, `--assumeyes`, combined
#   flags such as `-qy`, `--setopt=assumeyes=1` and `yes | yum install` all answer it.
# custom:
#   id: PC-DF-025
#   severity: warn
#   remediation: >-
#     Add `-y` after the subcommand.
#   related: [hadolint:DL3030]
package portcullis.rules.yum_assume_yes

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in packages.invocations
	item.manager in {"yum"}
	item.subcommand in {"install", "in", "groupinstall", "localinstall", "reinstall", "rei", "update", "up", "upgrade", "remove", "rm", "erase", "downgrade", "distro-sync", "autoremove", "group"}
	not assumes_yes(item)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" has no -y: it asks for a confirmation the build cannot give, and aborts. Add -y.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item),
	)
}

assumes_yes(item) if packages.has_option(item, {"-y", "--assumeyes"})

assumes_yes(item) if packages.piped_from_yes(item)

# --setopt=assumeyes=1
assumes_yes(item) if {
	some value in packages.option_values(item, {"--setopt"})
	regex.match(`^assumeyes=(1|[Tt]rue|[Yy]es)$`, value)
}

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Add -y",
}} if {
	replacement := dockerfile.line_with_insertion(item.instruction, item.command, item.subcommand, " -y")
} else := {}
