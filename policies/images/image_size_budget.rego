# METADATA
# title: Image is larger than the size budget
# description: >-
#   Every node, runner and developer pulls the whole image: a large one slows
#   deployments, scaling and builds, costs storage and transfer, and usually ships
#   compilers, package managers and other tools an attacker can use. The budget is
#   `data.portcullis.config.image_size_budget_bytes` (1 GiB by default) for the
#   compressed layers of the image for the platform the file asks for (linux/amd64
#   otherwise), as its registry reports them. Applies to every image reference the
#   registry was asked about, a Dockerfile's `FROM` lines included.
# custom:
#   id: PC-IMG-008
#   severity: warn
#   remediation: >-
#     Use a slimmer variant (`-slim`, `-alpine`, distroless), or build your own image
#     in stages so that build tools stay out of what ships.
package portcullis.rules.image_size_budget

import rego.v1

import data.portcullis.lib.images

budget := data.portcullis.config.image_size_budget_bytes

warn contains finding if {
	is_number(budget)
	some ref in images.references
	size := images.facts(ref).size
	is_number(size)
	size > budget
	finding := {
		"msg": sprintf("Image %s is %d MB compressed, over the budget of %d MB: use a slimmer variant, or build it in stages so that build tools stay out of it.", [images.label(ref), megabytes(size), megabytes(budget)]),
		"line": ref.line,
	}
}

# Decimal megabytes, as registries show sizes.
megabytes(bytes) := round(bytes / 1000000)
