# METADATA
# title: Image reference not pinned by digest
# description: >-
#   Tags move: `redis:7.2` is rebuilt every few weeks, so two deployments of the same
#   commit can run different images. A digest (`@sha256:…`) names exactly one image;
#   tools such as Renovate or Dependabot keep it current through reviewed pull requests.
#   When the registry was consulted, the finding offers the digest the tag points at
#   now. A Dockerfile's `FROM` lines are PC-DF-003's.
# custom:
#   id: PC-IMG-002
#   severity: warn
#   remediation: >-
#     Append the image's digest, keeping the tag for readability:
#     `redis:7.2@sha256:<digest>` (`docker buildx imagetools inspect redis:7.2` prints it).
package portcullis.rules.image_unpinned_digest

import rego.v1

import data.portcullis.lib.images

warn contains finding if {
	some ref in images.judged
	ref.image.digest == null
	finding := object.union(
		{
			"msg": sprintf("Image %s has no digest, so the image can change between runs: pin it as %s.", [images.label(ref), pinned(ref)]),
			"line": ref.line,
		},
		images.pin_fix(ref),
	)
}

pinned(ref) := sprintf("%s@%s", [ref.raw, images.facts(ref).digest]) if {
	images.valid_digest(images.facts(ref).digest)
} else := sprintf("%s@sha256:<digest>", [ref.raw])
