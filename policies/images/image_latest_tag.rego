# METADATA
# title: Image reference uses latest or no tag
# description: >-
#   An image without a tag, or tagged `latest`, changes under you: the same manifest,
#   Compose file or workflow runs a different image tomorrow, and nobody reviewed the
#   change. Applies to every image reference (Kubernetes manifests, Compose files,
#   workflows, Helm values, kustomizations, a Dockerfile's `COPY --from` and
#   `RUN --mount=from`); a digest-only reference is pinned and fine. A Dockerfile's
#   `FROM` lines are PC-DF-001's.
# custom:
#   id: PC-IMG-001
#   severity: deny
#   remediation: Name an explicit version tag (for example `nginx:1.27.0`), and pin its digest.
package portcullis.rules.image_latest_tag

import rego.v1

import data.portcullis.lib.images

deny contains finding if {
	some ref in images.judged
	ref.image.digest == null
	object.get(ref.image, "tag", null) in {null, "latest"}
	finding := object.union(
		{
			"msg": sprintf("Image %s %s, so it can change from one run to the next: name an explicit version tag.", [images.label(ref), what(ref.image)]),
			"line": ref.line,
		},
		images.explicit_tag_fix(ref.raw, {"number": ref.line, "text": ref.source}, object.get(ref, "registry_facts", {})),
	)
}

what(image) := "has no tag and means the moving latest" if image.tag == null

what(image) := "is tagged latest" if image.tag == "latest"
