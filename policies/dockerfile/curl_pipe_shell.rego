# METADATA
# title: Remote script piped into a shell
# description: >-
#   `curl … | sh` runs whatever the server sends at build time, unreviewed and
#   unverified, and a truncated download runs half a script. The same goes for
#   `sh -c "$(curl …)"` and `bash <(curl …)`.
# custom:
#   id: PC-DF-009
#   severity: warn
#   remediation: >-
#     Download the script to a file (or with `ADD --checksum=sha256:…`), verify its
#     checksum (`echo "<sha256>  install.sh" | sha256sum -c`), then run it; better,
#     install a packaged release.
package portcullis.rules.curl_pipe_shell

import rego.v1

import data.portcullis.lib.dockerfile

shells := {"sh", "bash", "zsh", "ash", "dash", "ksh", "mksh"}

downloaders := {"curl", "wget"}

# curl … | sh: the downloader's command, immediately followed by a shell in the pipeline.
warn contains finding if {
	some item in dockerfile.commands
	item.program in downloaders
	download := item.command

	# Commands are in order, so the next one in the pipeline is the next in the RUN
	# (looked up, not searched for: a search per download was quadratic in a long RUN).
	shell := item.instruction.commands[item.index + 1]
	shell.pipeline == download.pipeline
	shell.position == download.position + 1
	dockerfile.program(shell) in shells
	finding := object.union(
		{
			"msg": concat("", [item.program, " pipes ", url_label(download.argv), " into ", dockerfile.program(shell), ": the remote script runs unverified. Download it to a file, check its sha256, then run it."]),
			"line": download.line,
		},
		end_line(download.line, shell.line),
	)
}

# sh -c "$(curl …)", eval "$(wget -O- …)": the download inside a command substitution
# (or a process substitution, should the tokenizer keep `<(…)` in a word).
warn contains finding if {
	some item in dockerfile.commands
	item.program in (shells | {"eval"})
	shell := item.command
	some word in shell.argv
	match := regex.find_all_string_submatch_n("(\\$\\(|<\\(|`)\\s*(curl|wget)\\s", word, 1)[0]
	finding := {
		"msg": sprintf("%s runs a script that %s downloads from %s through %s…): the remote script runs unverified. Download it to a file, check its sha256, then run it.", [item.program, match[2], url_label(split(word, " ")), match[1]]),
		"line": shell.line,
	}
}

# bash <(curl …): the tokenizer ends the shell's command at `(`, so the shell is followed
# by the download as the next command; the source line shows the `<(`.
warn contains finding if {
	some item in dockerfile.commands
	item.program in (shells | {"source", "."})
	shell := item.command
	download := item.instruction.commands[item.index + 1]
	dockerfile.program(download) in downloaders
	regex.match(`<\(\s*(curl|wget)\b`, dockerfile.source_line(item.instruction, shell.line))
	finding := object.union(
		{
			"msg": sprintf("%s runs a script that %s downloads from %s through <(…): the remote script runs unverified. Download it to a file, check its sha256, then run it.", [item.program, dockerfile.program(download), url_label(download.argv)]),
			"line": shell.line,
		},
		end_line(shell.line, download.line),
	)
}

# The first URL among the arguments, quoted, or a generic description.
url_label(argv) := sprintf("%q", [urls[0]]) if {
	urls := [match[0] | some word in argv; some match in regex.find_all_string_submatch_n("(?i)(https?|ftp)://[^\\s\"'`)]+", word, 1)]
	count(urls) > 0
} else := "a download"

end_line(first, last) := {"end_line": last} if last > first

end_line(first, last) := {} if last <= first
