# METADATA
# title: dnf or microdnf install without versions
# description: >-
#   `dnf install httpd` (`microdnf install`) installs the newest version in the
#   repositories on the day of the build. A package is pinned by `httpd-2.4.57` (the part
#   after the last `-` starts with a digit; `python3-devel` is a name, not a version), an
#   `.rpm` file or a URL; module streams (`dnf module install nodejs:18`) are reported by
#   name without a `:stream`. Version pinning is controversial, so this rule is `info`:
#   exact versions make a rebuild install what was reviewed, but they also hold back
#   security updates until someone bumps them, and distributions drop old versions from
#   their mirrors, which breaks the build. Teams that pin raise it to `warn`; others turn
#   it off. Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-035
#   severity: info
#   remediation: >-
#     Pin each package: `dnf install -y httpd-<version>`.
#   related: [hadolint:DL3041]
package portcullis.rules.dnf_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager in {"dnf", "microdnf"}
	item.subcommand in {"install", "in"}
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name-version"),
		"line": item.command.line,
	}
}

pinned(word) if packages.rpm_pinned(word)
