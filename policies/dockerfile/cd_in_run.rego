# METADATA
# title: cd in RUN instead of WORKDIR
# description: >-
#   `RUN cd /app && make` changes directory for that one RUN only: the next instruction
#   starts in the WORKDIR again, which readers and later edits easily miss. WORKDIR names
#   the directory once, for every instruction after it and for the container. Every `cd`
#   in a RUN is reported, in heredoc scripts too, as Hadolint and Trivy do; one finding
#   per RUN.
# custom:
#   id: PC-DF-050
#   severity: info
#   related: [hadolint:DL3003, trivy:DS013]
#   remediation: Replace `RUN cd /app && make` with `WORKDIR /app` followed by `RUN make`.
package portcullis.rules.cd_in_run

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program == "cd"
	finding := {
		"msg": "RUN changes directory with cd, for this RUN only: use WORKDIR, which holds for every later instruction.",
		"line": item.instruction.line,
	}
}
