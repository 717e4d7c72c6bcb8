package portcullis.rules.build_tools_in_image_test

import rego.v1

import data.portcullis.lib.build_test_inputs as inputs
import data.portcullis.rules.build_tools_in_image

tool(path, name, kind, bytes, line) := {
	"path": path, "tool": name, "kind": kind, "bytes": bytes, "layer_index": 1,
	"line": line, "in_base_image": line == null,
}

# Line 3 (ADD app.tar) put gcc and make in the image; the base image brought git; line 3
# also left 45 MB of apt downloads, and 10 kB of apk cache.
with_tools := json.patch(inputs.doc, [{"op": "add", "path": "/image/build_tools", "value": [
	tool("/usr/bin/gcc", "gcc", "compiler", 900000, 3),
	tool("/usr/bin/make", "make", "build", 200000, 3),
	tool("/usr/bin/git", "git", "vcs", 3000000, null),
	tool("/var/cache/apt/archives", "apt cache", "package-cache", 45000000, 3),
	tool("/var/cache/apk", "apk cache", "package-cache", 10000, 3),
]}])

test_tools_and_caches_added_by_the_dockerfile_are_reported_on_their_line if {
	findings := build_tools_in_image.warn with input as with_tools
	{f.msg | some f in findings} == {
		"The built image has /usr/bin/gcc, /usr/bin/make, added at line 3: build tools ship in the final image. Build in a builder stage and COPY --from only the result.",
		"The built image keeps the apt cache (/var/cache/apt/archives, 45 MB) of line 3: clean it in the RUN that fills it.",
	}
}

# PC-DF-090 already reports the line (it installs build-essential): its message names the files.
test_a_line_the_dockerfile_rule_reports_is_not_reported_twice if {
	findings := build_tools_in_image.warn with input as with_tools
		with data.portcullis.rules.build_tools_in_final_stage.reported_lines as {3}
	[f.line | some f in findings; contains(f.msg, "/usr/bin/gcc")] == []
}

test_unbuilt_images_pass if {
	count(build_tools_in_image.warn) == 0 with input as inputs.awaiting
}
