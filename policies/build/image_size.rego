# METADATA
# title: Built image size and vulnerabilities
# description: >-
#   One line per built image: its size and layer count, the change against the merge
#   base, and how many vulnerabilities the change introduces and fixes.
# custom:
#   id: PC-BLD-005
#   severity: info
#   remediation: Nothing to do.
package portcullis.rules.build_image_size

import rego.v1

import data.portcullis.lib.build
import data.portcullis.lib.dockerfile

info contains finding if {
	build.image.built
	finding := {
		"msg": sprintf("Built image: %s in %d layers%s; %s.", [build.megabytes(build.image.size), build.image.layer_count, delta, vulnerabilities]),
		"line": dockerfile.final_stage.line,
	}
}

delta := sprintf(" (%s, %d layers, against the merge base)", [build.signed_megabytes(build.image.delta.size), build.image.delta.layers]) if {
	is_object(build.image.delta)
} else := " (no merge-base image to compare with)"

vulnerabilities := sprintf("%d vulnerabilities introduced, %d fixed, %d in all", [count(build.introduced), count(build.fixed), count(build.image.vulnerabilities)]) if {
	build.scanned
} else := "not scanned"
