# METADATA
# title: Build tools or package caches in the built image
# description: >-
#   The image built from this Dockerfile has, in its final filesystem, a compiler, a build
#   program or `git` (`/usr/bin/gcc`, `/usr/bin/make`, `/usr/bin/git`…) put there by one of
#   the Dockerfile's own layers, on a line PC-DF-090 did not already report (a script, a
#   `COPY` of a toolchain, a package that pulls one in); or a package manager's cache of more
#   than 1 MB (`/var/cache/apt/archives`, `/var/lib/apt/lists`, `/var/cache/apk`, pip, npm).
#   Tools from the base image are the base's choice and are not reported here.
# custom:
#   id: PC-BLD-015
#   severity: warn
#   remediation: >-
#     Build in a builder stage and `COPY --from` only the result; clean package caches in the
#     RUN that fills them (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`).
#   related: [hadolint:DL3009]
package portcullis.rules.build_tools_in_image

import rego.v1

import data.portcullis.lib.build
import data.portcullis.rules.build_tools_in_final_stage

cache_threshold := 1000000

warn contains finding if {
	build.image.built
	some line, paths in tools_by_line
	finding := {
		"msg": sprintf("The built image has %s, added at line %d: build tools ship in the final image. Build in a builder stage and COPY --from only the result.", [concat(", ", paths), line]),
		"line": line,
	}
}

warn contains finding if {
	build.image.built
	some tool in build.image.build_tools
	tool.kind == "package-cache"
	not tool.in_base_image
	is_number(tool.line)
	tool.bytes > cache_threshold
	finding := {
		"msg": sprintf("The built image keeps the %s (%s, %s) of line %d: clean it in the RUN that fills it.", [tool.tool, tool.path, build.megabytes(tool.bytes), tool.line]),
		"line": tool.line,
	}
}

tools_by_line[line] := sort({tool.path | some tool in _own_tools; tool.line == line}) if {
	some tool in _own_tools
	line := tool.line
}

_own_tools := [tool |
	some tool in build.image.build_tools
	tool.kind != "package-cache"
	not tool.in_base_image
	is_number(tool.line)
	not tool.line in build_tools_in_final_stage.reported_lines
]
