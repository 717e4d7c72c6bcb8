# METADATA
# title: FROM --platform with a constant or redundant value
# description: >-
#   `FROM --platform=linux/amd64` fixes the platform for every build: on an arm64 machine,
#   or in a multi-platform build, the stage then runs under emulation or produces the
#   wrong architecture (BuildKit's FromPlatformFlagConstDisallowed; Hadolint DL3029, which
#   also reports variables, is read here as BuildKit does). A variable such as
#   `$BUILDPLATFORM` is the intended use, and so is a constant in a stage whose name says
#   the platform (`FROM --platform=linux/arm64 alpine AS build_arm64`, for
#   `FROM build_${TARGETARCH}`). `--platform=$TARGETPLATFORM` is the default
#   already and only adds noise (RedundantTargetPlatform).
# custom:
#   id: PC-DF-066
#   severity: info
#   related: [hadolint:DL3029, docker:FromPlatformFlagConstDisallowed, docker:RedundantTargetPlatform]
#   remediation: >-
#     Drop `--platform`, or use `--platform=$BUILDPLATFORM` for a stage that cross-compiles,
#     and choose the platform with `docker build --platform`.
package portcullis.rules.from_platform

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some stage in dockerfile.stages
	platform := stage.base.platform
	is_string(platform)
	platform != ""
	not contains(platform, "$")
	not named_for(stage, platform)
	finding := {
		"msg": sprintf("FROM --platform=%s fixes the platform of every build: drop it, or use $BUILDPLATFORM for a cross-compiling stage.", [platform]),
		"line": stage.line,
	}
}

info contains finding if {
	some stage in dockerfile.stages
	platform := stage.base.platform
	platform in {"$TARGETPLATFORM", "${TARGETPLATFORM}"}
	finding := {
		"msg": sprintf("FROM --platform=%s is the default already: drop the flag.", [platform]),
		"line": stage.line,
	}
}

# The stage's name includes the platform's OS or architecture.
named_for(stage, platform) if {
	is_string(stage.name)
	some part in split(lower(platform), "/")
	part != ""
	contains(stage.name, part)
}
