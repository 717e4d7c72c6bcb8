# METADATA
# title: COPY to a relative destination without WORKDIR
# description: >-
#   A relative destination is resolved against the WORKDIR, which the base image chooses
#   when the Dockerfile sets none: `COPY app.jar .` lands in `/` on one base and in
#   `/usr/src/app` on another. Reported when neither the stage nor a stage it builds on
#   set a WORKDIR before the COPY (or ADD); absolute, variable and Windows destinations
#   are fine. The destination of `COPY <<EOF /etc/motd` is `/etc/motd`, never the heredoc.
# custom:
#   id: PC-DF-070
#   severity: info
#   related: [hadolint:DL3045]
#   remediation: Set `WORKDIR /app` before the COPY, or copy to an absolute path.
package portcullis.rules.copy_relative_destination

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	destination := trim(instruction.copy.destination, "\"'")
	not absolute(destination)
	not workdir_before(item.stage, instruction)
	finding := {
		"msg": sprintf("%s to %q, a relative path, before any WORKDIR: where it lands depends on the base image. Set WORKDIR first or use an absolute path.", [instruction.keyword, destination]),
		"line": instruction.line,
	}
}

# Natively, without a regular expression (OPA's WebAssembly compiles one on every call):
# `/…`, `$VAR…`, `\…`, or a Windows drive letter `C:…`.
absolute(path) if startswith(path, "/")

absolute(path) if startswith(path, "$")

absolute(path) if startswith(path, "\\")

absolute(path) if {
	substring(path, 1, 1) == ":"
	regex.match(`^[A-Za-z]:`, path)
}

workdir_before(stage, instruction) if first_workdir[stage.index] < instruction.line

# By stage index: the line of the first WORKDIR the stage sets or inherits. Computed once
# per stage, not once per COPY.
first_workdir[stage.index] := min(lines) if {
	some stage in dockerfile.stages
	lines := [other.line | some other in dockerfile.chain_instructions(stage); other.keyword == "WORKDIR"]
	count(lines) > 0
}
