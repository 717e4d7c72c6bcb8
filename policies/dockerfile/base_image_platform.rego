# METADATA
# title: Base image not published for the FROM --platform
# description: >-
#   With registry facts, a FROM that asks for a platform the image's index does not offer
#   (`FROM --platform=linux/arm64 acme/tool:1.0` when only linux/amd64 is published) fails
#   to build, or pulls what the builder falls back to (BuildKit's
#   InvalidBaseImagePlatform). `linux/arm64` matches a published `linux/arm64/v8`; a
#   platform given by a variable is not known here.
# custom:
#   id: PC-DF-074
#   severity: warn
#   related: [docker:InvalidBaseImagePlatform]
#   remediation: Use a platform the image offers, or an image published for the platform you need.
package portcullis.rules.base_image_platform

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some stage in dockerfile.stages
	is_string(stage.base.platform)
	platform := lower(stage.base.platform)
	not contains(platform, "$")
	offered := object.get(stage.base, ["registry_facts", "platforms"], [])
	count(offered) > 0
	not published(platform, offered)
	finding := {
		"msg": sprintf("%s is published for %s, not for --platform=%s.", [dockerfile.base_label(stage), concat(", ", offered), stage.base.platform]),
		"line": stage.line,
	}
}

published(platform, offered) if {
	some candidate in offered
	lower(candidate) == platform
}

published(platform, offered) if {
	some candidate in offered
	startswith(lower(candidate), concat("", [platform, "/"]))
}
