# METADATA
# title: ADD used where COPY suffices, or remote ADD without checksum
# description: >-
#   `ADD` also unpacks local tar archives and downloads URLs, so a reader cannot tell
#   from `ADD app.conf /etc/` whether anything else happens: `COPY` says exactly what
#   it does. `ADD` stays right for local tar archives (`.tar`, `.tar.gz`, `.tgz`, …;
#   `.zip` is not unpacked) and remote sources. A remote `ADD` (HTTP(S) or Git URL)
#   without `--checksum` trusts whatever the server returns at build time.
# custom:
#   id: PC-DF-004
#   severity: warn
#   related: [hadolint:DL3020, trivy:DS005]
#   remediation: >-
#     Replace `ADD` with `COPY` for local files; for URLs, add
#     `--checksum=sha256:<digest>` so a changed download fails the build (for a Git
#     source, `--checksum=<commit sha>`).
package portcullis.rules.add_instead_of_copy

import rego.v1

import data.portcullis.lib.dockerfile

# ADD of local files that are not archives: COPY does the same.
warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword == "ADD"
	what := copyable(instruction)
	finding := object.union(
		{
			"msg": sprintf("ADD of %s does nothing COPY would not: use COPY, which only copies (ADD also unpacks archives and downloads URLs).", [what]),
			"line": instruction.line,
		},
		fix(instruction),
	)
}

# Remote ADD without --checksum: one finding per URL.
warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	instruction.keyword == "ADD"
	not has_flag(instruction, "checksum")
	some source in instruction.copy.sources
	is_remote(source)
	finding := {
		"msg": remote_message(source),
		"line": instruction.line,
	}
}

remote_message(source) := sprintf("ADD clones %q without --checksum, so the build takes whatever the ref points to at the time: pin the commit with --checksum=<commit sha>.", [source]) if {
	is_git(source)
} else := sprintf("ADD downloads %q without --checksum, so the build trusts whatever the server returns: add --checksum=sha256:<digest>.", [source])

# Local files, none of them an archive (or a pattern or variable that might be one), and
# here-documents, which are written inline and never an archive.
copyable(instruction) := concat(", ", array.concat(files, heredocs)) if {
	files := [sprintf("%q", [s]) | some s in instruction.copy.sources]
	heredocs := [sprintf("the here-document <<%s", [name]) | some name in instruction.copy.heredoc_sources]
	count(files) + count(heredocs) > 0
	every source in instruction.copy.sources {
		not is_remote(source)
		not maybe_archive(source)
	}
}

has_flag(instruction, name) if {
	some flag in instruction.flags
	flag.name == name
}

# Every remote source holds a colon: a native look first, for the local paths most ADDs copy.
is_remote(source) if {
	contains(source, ":")
	regex.match(`^(?i)(https?|git|ssh)://`, source)
}

is_remote(source) if {
	contains(source, ":")
	regex.match(`^[\w.-]+@[\w.-]+:`, source) # git@github.com:org/repo.git
}

is_git(source) if {
	contains(source, ":")
	regex.match(`^(?i)(git|ssh)://`, source)
}

is_git(source) if {
	contains(source, ":")
	regex.match(`^[\w.-]+@[\w.-]+:`, source)
}

is_git(source) if {
	contains(source, ".git")
	regex.match(`\.git(#.*)?$`, source)
}

# Suffixes of files ADD may unpack: it detects tar archives (plain, gzip, bzip2, xz,
# zstd) by content, so compressed single files count too.
archive_suffix := `(?i)\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tzst|tz|gz|bz2|xz|zst|lz4)$`

maybe_archive(source) if {
	contains(source, ".")
	regex.match(archive_suffix, source)
}

maybe_archive(source) if contains(source, "$")

# A pattern (`files/*`, `pkg-?`) may match archives unless it ends in a fixed,
# non-archive extension (`*.json`).
maybe_archive(source) if {
	some wildcard in ["*", "?", "["]
	contains(source, wildcard)
	not regex.match(`[*?\]][^*?\]/]*\.[A-Za-z0-9]+$`, source)
}

# The fix rewrites the keyword on the first line; flags only ADD understands
# (--checksum, --keep-git-dir, --unpack) leave it to a human.
fix(instruction) := {"fix": {
	"line": instruction.line,
	"end_line": instruction.line,
	"replacement": replacement,
	"description": "Replace ADD with COPY",
}} if {
	every flag in instruction.flags {
		flag.name in {"chown", "chmod", "link", "exclude", "parents"}
	}
	line := dockerfile.source_line(instruction, instruction.line)
	keyword := dockerfile.first_word(line)
	indent := dockerfile.leading_space(line)
	replacement := concat("", [indent, copy_keyword(line), substring(line, count(keyword), -1)])
} else := {}

# `COPY`, or `copy` when the keyword was written in lower case.
copy_keyword(line) := "copy" if regex.match(`^\s*add\b`, line)

copy_keyword(line) := "COPY" if not regex.match(`^\s*add\b`, line)
