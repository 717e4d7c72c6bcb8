# PC-DF-001 (deny), PC-DF-003 (warn), PC-DF-014 (deny), PC-IMG-005 (info, as warn): the base
# image of each stage. The trusted registries are those of policies/data.json.
package main

import rego.v1

trusted_registries := {"docker.io", "gcr.io", "ghcr.io", "quay.io", "registry.k8s.io", "mcr.microsoft.com", "public.ecr.aws", "cgr.dev"}

deny contains sprintf("PC-DF-001: stage %d uses %q, which has no fixed version", [s.index, s.raw]) if {
	some s in stages
	s.image.digest == null
	s.image.tag in {null, "latest"}
}

warn contains sprintf("PC-DF-003: stage %d uses %q without a digest", [s.index, s.raw]) if {
	some s in stages
	s.image.digest == null
}

deny contains sprintf("PC-DF-014: stage %d pulls %q from %s, not a trusted registry", [s.index, s.raw, registry]) if {
	some s in stages
	registry := lower(s.image.registry)
	not registry in trusted_registries
}

warn contains sprintf("PC-IMG-005: stage %d: %q cannot be resolved", [s.index, s.raw]) if {
	some s in stages
	count(s.base_stage) == 0
	contains(s.resolved, "$")
}
