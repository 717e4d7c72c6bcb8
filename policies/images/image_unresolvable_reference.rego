# METADATA
# title: Image reference cannot be checked
# description: >-
#   A reference built from a template expression (`{{ .Values.tag }}`,
#   `${{ matrix.image }}`), an unset variable (`${TAG}`, a Dockerfile `ARG` without a
#   default) or a tag left to the chart or the kustomized manifests is only known where
#   the file is used, so no rule can judge the image. Applies to every image reference,
#   a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-IMG-005
#   severity: info
#   remediation: >-
#     Nothing to do if the value is set where the file is used; otherwise give it a
#     default (for example `ARG BASE_IMAGE=alpine:3.20`) so that it can be checked.
package portcullis.rules.image_unresolvable_reference

import rego.v1

import data.portcullis.lib.images

info contains finding if {
	some ref in images.references
	ref.problem.kind == "unresolvable"
	finding := {
		"msg": sprintf("Image %s cannot be checked: %s.", [images.label(ref), ref.problem.message]),
		"line": ref.line,
	}
}
