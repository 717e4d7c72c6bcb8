# METADATA
# title: A lighter variant of the same image exists
# description: >-
#   Every node, runner and developer pulls the whole image, and every package in it is
#   attack surface. Many images publish lighter tags of the same version (`python:3.12`
#   is also `python:3.12-slim` and `python:3.12-alpine`; `eclipse-temurin:21-jdk` is also
#   `21-jre`). When the registry has such a tag for the image a Dockerfile's final stage is
#   built on, or a manifest runs, and it is smaller for the same platform, the finding gives
#   both compressed sizes and a fix that rewrites the tag (a digest pin is kept, with the new
#   tag's digest). A variant that changes libc (glibc → musl) is offered only when no
#   same-libc one is, and says so; one the final stage would break on is not offered: no
#   shell while a `RUN` or a shell-form `CMD`/`ENTRYPOINT` needs one, or another package
#   manager than the one its `RUN` lines call (`apt-get` on `-alpine`). Which suffixes are
#   tried and what each changes is data (`data.portcullis.image_variants`), which a
#   repository's data files extend. A final stage that only copies one binary from a builder
#   stage and runs it is offered `FROM scratch`, or an image of another repository that the
#   data names (`single_binary`: `gcr.io/distroless/static-debian12` when the builder links
#   statically, `base-debian12` for a dynamic glibc binary), looked up only on that evidence
#   and offered with its caveats (no shell, CA certificates, nonroot user). Severity info: a heavier base is a cost, not a defect,
#   and only the team knows whether it needs the tools the full image carries.
# custom:
#   id: PC-IMG-012
#   severity: info
#   remediation: >-
#     Use the lighter tag when the image does not need what it leaves out (compilers,
#     headers, a JDK, glibc); build in a full image and copy the result into the lighter one
#     when only the build does. Add your registry's own suffixes under
#     `portcullis.image_variants.variants` in a data file.
package portcullis.rules.image_lighter_base

import rego.v1

import data.portcullis.lib.dockerfile
import data.portcullis.lib.images

# A Dockerfile's final stage: the only one that ships.
info contains finding if {
	stage := dockerfile.final_stage
	is_object(stage.base.image)
	not single_binary
	facts := stage.base.registry_facts
	facts.error == null
	variants := _same_repository(facts)
	offered := [v | some v in variants; not _breaks_final_stage(v)]
	pick := _choice(offered)
	finding := object.union(
		{
			"msg": concat("", [
				_message(stage.base.resolved, facts.size, pick, offered),
				_left_out(stage.base.resolved, pick, variants),
			]),
			"line": stage.line,
		},
		_retag_fix(stage.line, images.source_of(stage.line), stage.base.raw, stage.base.image.tag, pick),
	)
}

# A final stage that only copies one file from another stage and runs it needs no base
# image at all when that file is a statically linked binary: `FROM scratch`. No registry
# needed; the size is given when the registry was asked.
info contains finding if {
	stage := dockerfile.final_stage
	is_object(stage.base.image)
	binary := single_binary
	not _other_repository(stage)
	finding := object.union(
		{
			"msg": sprintf("%s%s only holds %s, copied from %s, and runs it: if it is statically linked (Go with CGO_ENABLED=0, Rust for musl), FROM scratch ships nothing else. Copy CA certificates (/etc/ssl/certs) too if it makes TLS calls, and use a numeric USER: scratch has no /etc/passwd.", [
				stage.base.resolved, _known_size(stage.base.registry_facts),
				binary.name, binary.from,
			]),
			"line": stage.line,
		},
		_scratch_fix(stage),
	)
}

# The same final stage, when the gatherer found an image of another repository for its
# binary (`image_variants.single_binary`: distroless, looked up only when the builder stage's
# flags say how the binary is linked): that image, with its caveats, and scratch for a static one.
info contains finding if {
	stage := dockerfile.final_stage
	is_object(stage.base.image)
	binary := single_binary
	other := _other_repository(stage)
	size := stage.base.registry_facts.size
	finding := object.union(
		{
			"msg": sprintf("%s (%s) only holds %s, copied from %s, and runs it: %s is %s, %d%% smaller%s.%s", [
				split(stage.base.resolved, "@")[0], _size(size),
				binary.name, binary.from,
				other.reference, _size(other.compressed_size),
				round(((size - other.compressed_size) * 100) / size),
				_caveats(other),
				_scratch_too(other),
			]),
			"line": stage.line,
		},
		_other_fix(stage, other),
	)
}

# The smallest image of another repository among the variants (they come smallest first).
_other_repository(stage) := others[0] if {
	facts := stage.base.registry_facts
	facts.error == null
	others := [v | some v in _variants(facts); v.other_repository == true]
	count(others) > 0
}

_scratch_too(other) := " FROM scratch ships nothing at all: copy CA certificates (/etc/ssl/certs) if it makes TLS calls, and use a numeric USER." if {
	other.libc == "none"
} else := ""

_other_fix(stage, other) := {"fix": {
	"line": stage.line,
	"end_line": stage.line,
	"replacement": replace(text, stage.base.raw, _pinned_like(stage.base.raw, other)),
	"description": sprintf("Use %s", [other.reference]),
}} if {
	text := images.source_of(stage.line)
	is_string(text)
	not regex.match(`[$\s{}]`, stage.base.raw)
	count(indexof_n(text, stage.base.raw)) == 1
	regex.match(`^[A-Za-z0-9._/:@-]+$`, other.reference)
} else := {}

# A digest pin stays a digest pin, with the new image's digest.
_pinned_like(raw, other) := concat("", [other.reference, "@", other.digest]) if {
	contains(raw, "@")
	images.valid_digest(other.digest)
} else := other.reference

# The one file the final stage copies (`COPY --from=<stage> <file> <dest>`, no glob, no
# directory) and runs with an exec-form ENTRYPOINT or CMD; nothing else needs a shell or a
# program of the base (no RUN, no shell form, no HEALTHCHECK but NONE).
single_binary := {"name": name, "from": sprintf("%q", [from])} if {
	stage := dockerfile.final_stage
	copies := [i | some i in stage.instructions; i.keyword in {"COPY", "ADD"}]
	count(copies) == 1
	copy := copies[0]
	copy.keyword == "COPY"
	count(copy.arguments) == 2
	some flag in copy.flags
	flag.name == "from"
	from := flag.value
	source := copy.arguments[0]
	not regex.match(`[*?\[$]|/$`, source)
	name := _copied_name(source, copy.arguments[1])
	not _base_needed(stage)
	some run in stage.instructions
	run.keyword in {"ENTRYPOINT", "CMD"}
	run.form == "exec"
	dockerfile.basename(run.arguments[0]) == name
}

_copied_name(source, dest) := dockerfile.basename(source) if {
	regex.match(`(^\.$)|(/$)`, dest)
} else := dockerfile.basename(dest)

_base_needed(stage) if {
	some instruction in stage.instructions
	instruction.keyword in {"RUN", "ONBUILD"}
}

_base_needed(stage) if {
	some instruction in stage.instructions
	instruction.keyword in {"CMD", "ENTRYPOINT"}
	instruction.form != "exec"
}

_base_needed(stage) if {
	some instruction in stage.instructions
	instruction.keyword == "HEALTHCHECK"
	upper(trim_space(instruction.value)) != "NONE"
}

_known_size(facts) := sprintf(" (%s)", [_size(facts.size)]) if {
	facts.error == null
	is_number(facts.size)
} else := ""

_scratch_fix(stage) := {"fix": {
	"line": stage.line,
	"end_line": stage.line,
	"replacement": replace(text, stage.base.raw, "scratch"),
	"description": "Build the final stage FROM scratch",
}} if {
	text := images.source_of(stage.line)
	is_string(text)
	not regex.match(`[$\s{}]`, stage.base.raw)
	count(indexof_n(text, stage.base.raw)) == 1
} else := {}

# Manifests (Kubernetes, Compose, workflows, Helm, Kustomize): nothing says what runs in the
# container, so every variant is offered, with its caveats.
info contains finding if {
	not dockerfile.is_dockerfile
	some ref in images.judged
	facts := images.facts(ref)
	offered := _same_repository(facts)
	pick := _choice(offered)
	finding := object.union(
		{"msg": _message(ref.raw, facts.size, pick, offered), "line": ref.line},
		_retag_fix(ref.line, ref.source, ref.raw, ref.image.tag, pick),
	)
}

_variants(facts) := variants if {
	is_number(facts.size)
	variants := [v |
		some v in object.get(facts, "lighter_variants", [])
		is_number(v.compressed_size)
		v.compressed_size < facts.size
	]
}

# Lighter tags of the same repository: what the tag rules offer.
_same_repository(facts) := [v | some v in _variants(facts); not v.other_repository]

# The recommendation: the smallest variant that keeps libc and shell; else the smallest.
_choice(offered) := safe[0] if {
	safe := [v | some v in offered; v.same_libc == true; v.has_shell == true]
	count(safe) > 0
} else := offered[0]

# Package managers by name (`apt`: apt-get, apt, dpkg…), from the data.
_package_managers := data.portcullis.image_variants.package_managers if {
	is_object(data.portcullis.image_variants.package_managers)
} else := {}

# The package managers the final stage's RUN lines call: one pass over the precomputed commands.
final_package_managers contains manager if {
	final := dockerfile.final_stage.index
	some entry in dockerfile.commands
	entry.stage.index == final
	some manager, programs in _package_managers
	is_array(programs)
	entry.program in programs
}

# Whether the final stage needs /bin/sh: a RUN, or a shell-form CMD or ENTRYPOINT.
final_stage_uses_shell if {
	some instruction in dockerfile.final_stage.instructions
	instruction.keyword == "RUN"
}

final_stage_uses_shell if {
	some instruction in dockerfile.final_stage.instructions
	instruction.keyword in {"CMD", "ENTRYPOINT"}
	instruction.form == "shell"
}

_breaks_final_stage(variant) if {
	variant.has_shell == false
	final_stage_uses_shell
}

_breaks_final_stage(variant) if {
	some manager in final_package_managers
	variant.package_manager != manager
}

# The programs of each package manager the final stage's RUN lines call, first one first
# (`{"apt": "apt-get"}`): what a left-out variant's reason names.
final_package_programs := {manager: called[0] |
	some manager in final_package_managers
	called := [entry.program |
		some entry in dockerfile.commands
		entry.stage.index == dockerfile.final_stage.index
		entry.program in _package_managers[manager]
	]
}

# Why the smallest variant smaller than the one offered was left out, in one clause:
# ` python:3.12-alpine (18 MB) not offered: the final stage runs apt-get.`
_left_out(base, pick, variants) := sprintf(" %s (%s) not offered: %s.", [
	_retagged_name(base, smallest.tag), _size(smallest.compressed_size), _break_reason(smallest),
]) if {
	left := [v | some v in variants; v.compressed_size < pick.compressed_size; _breaks_final_stage(v)]
	smallest := left[0]
} else := ""

_break_reason(variant) := reason if {
	reasons := [sprintf("the final stage runs %s", [program]) |
		some manager, program in final_package_programs
		variant.package_manager != manager
	]
	reason := reasons[0]
} else := "it has no shell and the final stage needs one (a RUN or a shell-form CMD or ENTRYPOINT)"

# The base without its digest: sizes are the tag's story.
_message(base, size, pick, offered) := sprintf("%s is %s; %s is %s, %d%% smaller%s.%s", [
	split(base, "@")[0], _size(size),
	_retagged_name(base, pick.tag), _size(pick.compressed_size),
	round(((size - pick.compressed_size) * 100) / size),
	_caveats(pick),
	_smaller_still(base, pick, offered),
])

_caveats(variant) := sprintf(" (%s)", [concat("; ", variant.caveats)]) if {
	count(variant.caveats) > 0
} else := ""

# The smallest variant, when it is not the one recommended (it changes libc or drops the shell).
_smaller_still(base, pick, offered) := sprintf(" %s is smaller still, %s%s.", [
	_retagged_name(base, smallest.tag), _size(smallest.compressed_size), _caveats(smallest),
]) if {
	smallest := offered[0]
	smallest.tag != pick.tag
} else := ""

# `python:3.12` → `python:3.12-slim`; a digest is left out of the name.
_retagged_name(text, tag) := concat(":", [name, tag]) if {
	without_digest := split(text, "@")[0]
	parts := split(without_digest, ":")
	name := concat(":", array.slice(parts, 0, count(parts) - 1))
	count(parts) > 1
	not contains(parts[count(parts) - 1], "/")
} else := concat(":", [split(text, "@")[0], tag])

# Decimal units, as registries show sizes.
_size(bytes) := sprintf("%d MB", [round(bytes / 1000000)]) if bytes >= 10000000

_size(bytes) := sprintf("%v MB", [round(bytes / 100000) / 10]) if {
	bytes >= 1000000
	bytes < 10000000
}

_size(bytes) := sprintf("%d kB", [round(bytes / 1000)]) if bytes < 1000000

# The fix: `raw` with the variant's tag (and, when `raw` is pinned, the variant's digest),
# where `raw` stands once on its line as a whole reference. Empty otherwise.
_retag_fix(line, text, raw, tag, variant) := {"fix": {
	"line": line,
	"end_line": line,
	"replacement": replace(text, raw, retagged),
	"description": sprintf("Use %s", [_retagged_name(raw, variant.tag)]),
}} if {
	is_string(text)
	is_string(tag)
	not regex.match(`[$\s{}]`, raw)
	positions := indexof_n(text, raw)
	count(positions) == 1
	not regex.match(`^[A-Za-z0-9._/:@-]`, substring(text, positions[0] + count(raw), -1))
	retagged := _retagged(raw, tag, variant)
} else := {}

_retagged(raw, tag, variant) := concat("", [trim_suffix(raw, tag), variant.tag]) if {
	not contains(raw, "@")
	endswith(raw, concat("", [":", tag]))
}

_retagged(raw, tag, variant) := concat("", [trim_suffix(parts[0], tag), variant.tag, "@", variant.digest]) if {
	parts := split(raw, "@")
	count(parts) == 2
	endswith(parts[0], concat("", [":", tag]))
	images.valid_digest(variant.digest)
}
