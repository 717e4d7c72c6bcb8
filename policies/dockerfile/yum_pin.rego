# METADATA
# title: yum install without versions
# description: >-
#   `yum install httpd` installs the newest version in the repositories on the day of the
#   build. A package is pinned by `httpd-2.4.57` (the part after the last `-` starts with
#   a digit; `python3-devel` is a name, not a version), an `.rpm` file or a URL; a module
#   stream by `yum module install nodejs:18`. Version pinning is controversial, so this
#   rule is `info`: exact versions make a rebuild install what was reviewed, but they also
#   hold back security updates until someone bumps them, and distributions drop old
#   versions from their mirrors, which breaks the build. Teams that pin raise it to
#   `warn`; others turn it off. Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-034
#   severity: info
#   remediation: >-
#     Pin each package: `yum install -y httpd-<version>`.
#   related: [hadolint:DL3033]
package portcullis.rules.yum_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "yum"
	install_words(item)
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name-version"),
		"line": item.command.line,
	}
}

pinned(word) if packages.rpm_pinned(word)

install_words(item) if item.subcommand in {"install", "in"}
