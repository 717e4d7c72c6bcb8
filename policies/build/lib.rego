# METADATA
# title: Built image helpers
# description: >-
#   Shared views of input.image (the image built from a Dockerfile and scanned, with
#   the same at the merge base) for the rules in policies/build/: which vulnerabilities
#   the change introduces or fixes, the Dockerfile line each one comes from, sizes.
package portcullis.lib.build

import rego.v1

import data.portcullis.lib.dockerfile

# The image facts, when the Dockerfile was built (or awaits a build).
image := input.image if {
	dockerfile.is_dockerfile
	is_object(input.image)
}

# Built and scanned.
scanned if {
	image.built
	image.scan_error == null
}

# Vulnerabilities of the head image that the merge base does not have.
introduced contains v if {
	scanned
	some v in image.vulnerabilities
	v.status == "introduced"
}

# Vulnerabilities of the merge base that the head image no longer has.
fixed contains v if {
	scanned
	some v in image.base.vulnerabilities
	v.status == "fixed"
}

fixable(v) if is_string(v.fixed_version)

# The line a vulnerability points at: the instruction whose layer brought its package in;
# for a package of the base image, the FROM line of the stage the image starts from; else
# the final stage's FROM line.
vulnerability_line(v) := v.layer.line if is_number(v.layer.line)

vulnerability_line(v) := root_stage.line if {
	not is_number(v.layer.line)
	v.layer.in_base_image
}

vulnerability_line(v) := dockerfile.final_stage.line if {
	not is_number(v.layer.line)
	not v.layer.in_base_image
}

# The first stage of the final stage's chain (`FROM alpine AS base` … `FROM base`).
root_stage := [stage |
	some stage in dockerfile.stages
	stage.index in dockerfile.stage_chain(dockerfile.final_stage)
][0]

# `CVE-2024-0001 (ALPINE-CVE-2024-0001)`: the first CVE alias leads when there is one.
vulnerability_label(v) := sprintf("%s (%s)", [cve, v.id]) if {
	cves := [a | some a in v.aliases; startswith(a, "CVE-")]
	count(cves) > 0
	cve := cves[0]
	cve != v.id
} else := v.id

# `libcrypto3 3.1.4-r1 (source package openssl, Alpine:v3.19)`.
package_label(v) := sprintf("%s %s (source package %s, %s)", [v.package.name, v.package.version, v.package.source_package, v.package.ecosystem]) if {
	v.package.source_package != v.package.name
} else := sprintf("%s %s (%s)", [v.package.name, v.package.version, v.package.ecosystem])

# `critical, CVSS 9.8` or `high`.
severity_label(v) := sprintf("%s, CVSS %v", [lower(v.severity), v.cvss_score]) if is_number(v.cvss_score)

else := lower(v.severity)

# Where the package came from, for messages.
origin_label(v) := sprintf("the layer of line %d (%s)", [v.layer.line, v.layer.keyword]) if {
	is_number(v.layer.line)
} else := "the base image" if {
	v.layer.in_base_image
} else := "a layer Portcullis could not trace to a line"

# Decimal megabytes with one decimal, as registries and `docker images` show sizes.
megabytes(bytes) := sprintf("%v MB", [round(bytes / 100000) / 10])

# A size for messages: kilobytes under a megabyte (a 42 kB layer is not "0 MB"), else megabytes.
size_label(bytes) := sprintf("%v kB", [round(bytes / 100) / 10]) if bytes < 1000000

else := megabytes(bytes)

# `+1.2 MB` / `-0.4 MB`.
signed_megabytes(bytes) := concat("", ["+", megabytes(bytes)]) if bytes >= 0

else := concat("", ["-", megabytes(0 - bytes)])
