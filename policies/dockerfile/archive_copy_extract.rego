# METADATA
# title: Archive copied in, then extracted by RUN
# description: >-
#   `COPY app.tar.gz /tmp/` followed by `RUN tar -xzf /tmp/app.tar.gz` keeps the archive in
#   the COPY's layer for good, even when the RUN deletes it afterwards: the image ships it
#   and its contents. `ADD app.tar.gz /opt/app/` unpacks a local tar archive (plain, gzip,
#   bzip2 or xz) in one layer without keeping it (Hadolint DL3010). Reported for a COPY of a
#   local file whose name is a tar archive's, and a later `tar` in the same stage that
#   extracts a file of that name; `COPY --from` and bind mounts are not layers of this kind.
# custom:
#   id: PC-DF-076
#   severity: info
#   related: [hadolint:DL3010]
#   remediation: >-
#     Replace the COPY and the `tar -x` with `ADD <archive> <directory>/`, which unpacks it;
#     or extract it from a bind mount (`RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf …`).
package portcullis.rules.archive_copy_extract

import rego.v1

import data.portcullis.lib.dockerfile

info contains finding if {
	some item in dockerfile.commands
	item.program == "tar"
	extracts(item.args)
	some arg in item.args
	key := concat("/", [format_int(item.stage.index, 10), dockerfile.basename(arg)])
	key in _archive_keys
	some copy in _copied_archives_by_stage[item.stage.index]
	copy.key == key
	copy.line < item.instruction.line
	finding := {
		"msg": sprintf("COPY on line %d copies the archive %q into a layer of its own, and this RUN extracts it: the image ships the archive too. ADD %s <directory>/ unpacks it without keeping it.", [copy.line, copy.name, copy.source]),
		"line": item.command.line,
	}
}

# Local tar archives the stage's COPYs bring in, by the name a later command sees: the
# source's, and the destination's when a single source is copied to a file name.
_copied_archives contains {"key": concat("/", [format_int(item.stage.index, 10), name]), "line": item.instruction.line, "name": name, "source": source} if {
	some item in dockerfile.instructions
	item.instruction.keyword == "COPY"
	not item.instruction.onbuild
	count(item.instruction.heredocs) == 0
	every flag in item.instruction.flags {
		flag.name != "from"
	}
	args := item.instruction.arguments
	count(args) > 1
	some i, source in args
	i < count(args) - 1
	contains(source, ".t")
	regex.match(_tar_suffix, source)
	not contains(source, "$")
	some name in _names(source, args)
}

# Looked up by stage and name, so that each tar command costs a look-up per argument; only
# a hit looks at the copies, of its own stage.
_archive_keys := {copy.key | some copy in _copied_archives}

_copied_archives_by_stage := {stage.index: [copy |
	some copy in _copied_archives
	startswith(copy.key, concat("", [format_int(stage.index, 10), "/"]))
] |
	some stage in dockerfile.stages
}

_names(source, args) := {dockerfile.basename(source), dockerfile.basename(destination)} if {
	count(args) == 2
	destination := args[1]
	not endswith(destination, "/")
	contains(destination, ".t")
	regex.match(_tar_suffix, destination)
} else := {dockerfile.basename(source)}

# Names of the files ADD unpacks as tar archives (Hadolint's list).
_tar_suffix := `\.(tar|tar\.(gz|bz2|xz|Z|lz|lzma)|tgz|tbz|tbz2|tb2|txz|tZ|tlz|tpz)$`

# tar's extract mode: `-x…`/`--extract`/`--get`, or the old style `xzf` as its first word.
extracts(args) if {
	some arg in array.slice(args, 1, count(args))
	startswith(arg, "-")
	regex.match(`^(-[A-Za-z]*x[A-Za-z]*|--extract|--get)$`, arg)
}

extracts(args) if {
	contains(args[1], "x")
	regex.match(`^[A-Za-z]*x[A-Za-z]*$`, args[1])
}
