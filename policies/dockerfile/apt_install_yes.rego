# METADATA
# title: apt-get install without -y
# description: >-
#   Without `-y`, `apt-get install` (and `apt`, `aptitude install`) asks for confirmation
#   whenever it would install more than the named packages. A build has no terminal to
#   answer, so apt aborts and the build fails, or succeeds only until a dependency
#   changes. `-y`, `--yes`, `--assume-yes`, combined flags such as `-qy`,
#   `-o APT::Get::Assume-Yes=true` and `yes | apt-get install` all answer it, and so does
#   quiet level 2 (`-qq`, `-q=2`, `-q -q`, `--quiet --quiet`), which apt-get's manual says
#   implies `-y`. A single `-q` does not (Hadolint's DL3014 accepts it).
# custom:
#   id: PC-DF-016
#   severity: warn
#   remediation: Add `-y` to `apt-get install`.
#   related: [hadolint:DL3014, trivy:DS021]
package portcullis.rules.apt_install_yes

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.packages

warn contains finding if {
	some item in packages.apt_installs
	not assumes_yes(item)
	finding := object.union(
		{
			"msg": sprintf("\"%s\" has no -y: apt asks for a confirmation the build cannot give, and aborts. Add -y.", [dockerfile.command_label(item.command)]),
			"line": item.command.line,
		},
		fix(item),
	)
}

assumes_yes(item) if {
	some option in item.options
	option.name in {"-y", "--yes", "--assume-yes"}
	not option.value in {"false", "no", "0", "off"}
}

# apt-get's manual: "quiet level 2 implies -y" (aptitude's -q does not).
assumes_yes(item) if {
	item.manager in {"apt-get", "apt"}
	packages.apt_quiet_level(item) >= 2
}

assumes_yes(item) if {
	some value in packages.option_values(item, {"-o", "--option"})
	regex.match(`(?i)^APT::Get::Assume-Yes=(true|1|yes)$`, value)
}

# yes | apt-get install …
assumes_yes(item) if packages.piped_from_yes(item)

fix(item) := {"fix": {
	"line": item.command.line,
	"end_line": item.command.line,
	"replacement": replacement,
	"description": "Add -y",
}} if {
	replacement := dockerfile.line_with_insertion(item.instruction, item.command, item.subcommand, " -y")
} else := {}
