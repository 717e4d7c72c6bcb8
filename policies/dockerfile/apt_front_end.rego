# METADATA
# title: apt or aptitude instead of apt-get
# description: >-
#   `apt` and `aptitude` are front ends for people at a terminal: their output and options
#   may change between releases (apt warns "apt does not have a stable CLI interface. Use
#   with caution in scripts") and aptitude is often not installed at all. Scripts and
#   Dockerfiles use `apt-get` and `apt-cache`. The fix replaces `apt` with `apt-get` where
#   apt-get has the same subcommand.
# custom:
#   id: PC-DF-022
#   severity: info
#   remediation: >-
#     Use `apt-get` (or `apt-cache` for search and show).
#   related: [hadolint:DL3027]
package portcullis.rules.apt_front_end

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager in {"apt", "aptitude"}
	finding := object.union(
		{
			"msg": sprintf("\"%s\" uses %s, whose command line is not stable for scripts: use apt-get.", [dockerfile.command_label(item.command), item.manager]),
			"line": item.command.line,
		},
		fix(item),
	)
}

# Subcommands apt-get runs the same way.
apt_get_subcommands := {
	"install", "update", "upgrade", "dist-upgrade", "remove", "purge", "autoremove", "autopurge",
	"clean", "autoclean", "source", "build-dep", "download", "check", "satisfy", "changelog",
}

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Use apt-get",
}} if {
	item.manager == "apt"
	item.subcommand in apt_get_subcommands
	replacement := packages.line_with_program(item, sprintf("%s-get", [item.args[0]]))
} else := {}
