# METADATA
# title: zypper without -y or --non-interactive
# description: >-
#   Without `-y` (`--no-confirm`) after the subcommand, or `-n` (`--non-interactive`)
#   before it, `zypper install` (remove, update, patch …) asks for confirmation. A build
#   has no terminal to answer, so zypper aborts and the build fails. After the subcommand
#   `-n` means `--name`, not non-interactive (Hadolint's DL3034 does not accept the global
#   `-n`).
# custom:
#   id: PC-DF-027
#   severity: warn
#   remediation: Add `-y` after the subcommand (or `-n` before it).
#   related: [hadolint:DL3034]
package portcullis.rules.zypper_non_interactive

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in packages.invocations
	item.manager == "zypper"
	item.subcommand in {"install", "in", "remove", "rm", "source-install", "si", "patch", "update", "up", "dist-upgrade", "dup"}
	not non_interactive(item)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" has no -y: zypper asks for a confirmation the build cannot give, and aborts. Add -y.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item),
	)
}

non_interactive(item) if {
	some option in item.options
	option.name in {"-n", "--non-interactive"}
	option.global
}

non_interactive(item) if {
	some option in item.options
	option.name in {"-y", "--no-confirm"}
	not option.global
}

non_interactive(item) if packages.piped_from_yes(item)

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Add -y",
}} if {
	replacement := dockerfile.line_with_insertion(item.instruction, item.command, item.subcommand, " -y")
} else := {}
