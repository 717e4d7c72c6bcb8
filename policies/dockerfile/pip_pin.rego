# METADATA
# title: pip install without versions
# description: >-
#   `pip install flask` installs the newest release on the day of the build, with whatever
#   it depends on. A package is pinned by a version specifier (`flask==3.0.3`, `>=`, `~=`
#   …), by a VCS URL with a ref (`git+https://…@v1.2`), or as a local path, wheel or
#   sdist. `pip install -r requirements.txt` or `-c constraints.txt` leaves pinning to
#   those files and is not reported. Version pinning is controversial, so this rule is
#   `info`: exact versions make a rebuild install what was reviewed, but they also hold
#   back security updates until someone bumps them, and distributions drop old versions
#   from their mirrors, which breaks the build. Teams that pin raise it to `warn`; others
#   turn it off. Arguments with a shell variable are not judged.
# custom:
#   id: PC-DF-030
#   severity: info
#   remediation: >-
#     Pin each package (`pip install flask==<version>`) or install from a requirements or constraints file.
#   related: [hadolint:DL3013]
package portcullis.rules.pip_pin

import rego.v1

import data.portcullis.lib.packages

info contains finding if {
	some item in packages.invocations
	item.manager == "pip"
	item.subcommand == "install"

	# A constraints file pins whatever is installed; a requirements file pins only its own lines.
	not packages.has_option(item, {"-c", "--constraint"})
	unpinned := [word | some word in packages.literal_operands(item); not pinned(word)]
	count(unpinned) > 0
	finding := {
		"msg": packages.unpinned_message(item, unpinned, "name==version"),
		"line": item.command.line,
	}
}

pinned(word) if regex.match(`[=<>~!]=|[<>]`, word)

# A VCS or archive URL: pinned by a ref after the path, or by being a file.
pinned(word) if {
	contains(word, "://")
	regex.match(`://[^@]*/[^@]*@`, word)
}

pinned(word) if regex.match(`\.(whl|tar\.gz|zip|tar\.bz2)$`, word)

# A local project or path.
pinned(word) if startswith(word, ".")

pinned(word) if {
	not contains(word, "://")
	contains(word, "/")
}
