# METADATA
# title: No HEALTHCHECK in the final stage
# description: >-
#   Without a HEALTHCHECK, Docker and Swarm only know whether the process is running,
#   not whether it still serves. `HEALTHCHECK NONE` records a deliberate choice (for
#   example on Kubernetes, which uses its own probes) and silences this rule. A
#   HEALTHCHECK in an earlier stage the final stage builds on carries over.
# custom:
#   id: PC-DF-017
#   severity: info
#   related: [hadolint:DL3057, trivy:DS026]
#   remediation: >-
#     Add `HEALTHCHECK CMD <command that fails when the service is unhealthy>` to the
#     final stage, or `HEALTHCHECK NONE` if the platform checks health itself.
package portcullis.rules.missing_healthcheck

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	stage := dockerfile.final_stage
	not has_healthcheck(stage)
	finding := {
		"msg": concat("", ["The final stage ", dockerfile.stage_label(stage), " has no HEALTHCHECK: add one so the runtime can tell a hung container from a healthy one, or write HEALTHCHECK NONE if the platform checks health itself."]),
		"line": stage.line,
	}
}

has_healthcheck(stage) if {
	some instruction in dockerfile.chain_instructions(stage)
	instruction.keyword == "HEALTHCHECK"
}
