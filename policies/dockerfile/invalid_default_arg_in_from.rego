# METADATA
# title: FROM is invalid without --build-arg
# description: >-
#   A global ARG without a default expands to the empty string when the build gives no
#   `--build-arg`: `ARG TAG` with `FROM alpine:${TAG}` asks for `alpine:`, and `ARG IMAGE`
#   with `FROM ${IMAGE}` for nothing, and the build fails (BuildKit's
#   InvalidDefaultArgInFrom). A default keeps the Dockerfile buildable as it is.
# custom:
#   id: PC-DF-064
#   severity: warn
#   related: [docker:InvalidDefaultArgInFrom]
#   remediation: Give the ARG a default value (`ARG TAG=3.20`).
package portcullis.rules.invalid_default_arg_in_from

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some stage in dockerfile.stages
	variables := dockerfile.from_variables(stage)
	count(variables) > 0

	# A variable no global ARG declares is PC-DF-063's.
	count((variables - dockerfile.global_arg_names) - dockerfile.platform_args) == 0
	image := dockerfile.default_base(stage)
	not valid(image)
	finding := {
		"msg": sprintf("FROM %s is %q without --build-arg, which is not an image reference: give %s a default.", [stage.base.raw, image, concat(", ", sort(variables - dockerfile.platform_args))]),
		"line": stage.line,
	}
}

valid(image) if image == "scratch"

valid(image) if {
	some stage in dockerfile.stages
	stage.name == lower(image)
}

# A reference as the distribution spec and Docker's normalisation accept it.
valid(image) if regex.match(`^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,})?$`, image)
