# METADATA
# title: COPY or ADD of a file the .dockerignore excludes
# description: >-
#   A source the build context's `.dockerignore` excludes never reaches the builder: the
#   COPY fails ("not found") or, through a pattern or a folder, quietly copies less than it
#   names. The ignore file is the one BuildKit reads for a context that is the
#   Dockerfile's folder (`<Dockerfile name>.dockerignore` beside it, else `.dockerignore`
#   there), matched as Docker matches it: a folder above counts, the last matching line
#   wins, and a source is left alone when a `!` exception may bring back something below
#   it. Sources of another stage (`COPY --from`), URLs, and sources with a variable are not
#   judged; nor is anything when the ignore file could not be read.
# custom:
#   id: PC-DF-082
#   severity: warn
#   related: [docker:CopyIgnoredFile]
#   remediation: >-
#     Stop excluding what the image needs: remove the matching line from the
#     `.dockerignore`, or add an exception after it (`!path`); or stop copying the file.
package portcullis.rules.copy_ignored_file

import rego.v1

import data.portcullis.lib.dockerfile

warn contains finding if {
	some item in dockerfile.instructions
	instruction := item.instruction
	some source in instruction.copy.ignored
	finding := {
		"msg": sprintf("%s of %q, which %s excludes from the build context: the builder never receives it, so this %s fails or copies less than it names.", [instruction.keyword, source, input.dockerfile.dockerignore.path, instruction.keyword]),
		"line": instruction.line,
	}
}
