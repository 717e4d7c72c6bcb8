# METADATA
# title: go install without a version
# description: >-
#   `go install example.com/tool` outside a module, or `@latest`, builds the newest
#   release on the day of the build. Pin it with `@v1.2.3` (or a commit). Unlike
#   Hadolint's DL3062, `@latest` is reported: it names no version. Local packages
#   (`./cmd/…`) come from the build context and are not reported. Version pinning is
#   controversial, so this rule is `info`: exact versions make a rebuild install what was
#   reviewed, but they also hold back security updates until someone bumps them, and
#   distributions drop old versions from their mirrors, which breaks the build. Teams that
#   pin raise it to `warn`; others turn it off. Arguments with a shell variable are not
#   judged.
# custom:
#   id: PC-DF-033
#   severity: info
#   remediation: >-
#     Pin the module version: `go install example.com/tool@v1.2.3`.
#   related: [hadolint:DL3062]
package portcullis.rules.go_install_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "go"
	item.subcommand == "install"
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "path@version"),
		"line": item.command.line,
	}
}

pinned(word) if {
	contains(word, "@")
	not endswith(word, "@latest")
}

pinned(word) if regex.match(`^(\.|/)`, word)
