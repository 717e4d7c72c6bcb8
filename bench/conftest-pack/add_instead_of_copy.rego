# PC-DF-004 (warn): ADD where COPY would do, or a remote ADD without --checksum.
package main

import rego.v1

warn contains sprintf("PC-DF-004: ADD of %s does nothing COPY would not (instruction %d)", [concat(", ", srcs), i]) if {
	some i, c in cmds
	c.Cmd == "add"
	not heredoc(c)
	srcs := array.slice(c.Value, 0, count(c.Value) - 1)
	count(srcs) > 0
	every src in srcs {
		not remote(src)
		not maybe_archive(src)
	}
}

warn contains sprintf("PC-DF-004: ADD of the here-document %s does nothing COPY would not (instruction %d)", [c.Value[0], i]) if {
	some i, c in cmds
	c.Cmd == "add"
	heredoc(c)
}

warn contains sprintf("PC-DF-004: ADD downloads %q without --checksum (instruction %d)", [src, i]) if {
	some i, c in cmds
	c.Cmd == "add"
	not heredoc(c)
	not checksum(c)
	some src in array.slice(c.Value, 0, count(c.Value) - 1)
	remote(src)
}

heredoc(c) if startswith(c.Value[0], "<<")

checksum(c) if {
	some flag in c.Flags
	startswith(flag, "--checksum")
}

remote(src) if regex.match(`^(?i)(https?|git|ssh)://`, src)

remote(src) if regex.match(`^[\w.-]+@[\w.-]+:`, src)

maybe_archive(src) if regex.match(`(?i)\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tzst|tz|gz|bz2|xz|zst|lz4)$`, src)

maybe_archive(src) if contains(src, "$")

maybe_archive(src) if {
	regex.match(`[*?\[]`, src)
	not regex.match(`[*?\]][^*?\]/]*\.[A-Za-z0-9]+$`, src)
}
