# METADATA
# title: Image reference helpers
# description: >-
#   Shared views of input.references (every image reference a target writes, in every
#   kind of file) for the image rules in policies/images/, and the trusted-registry
#   matching they share with PC-DF-014.
package portcullis.lib.images

import rego.v1

import data.portcullis.lib.dockerfile

# Every reference of the target; empty for an input without the field.
references := object.get(input, "references", [])

# References written as a parsed image (no template expression, no invalid text).
parsed contains ref if {
	some ref in references
	is_object(ref.image)
}

# References the tag, digest and registry rules judge: a Dockerfile's FROM lines are
# judged by PC-DF-001, PC-DF-003 and PC-DF-014 on the stage instead, and a bare word
# (`COPY --from=buildr`) by PC-DF-013 as a stage name that does not exist.
judged contains ref if {
	some ref in parsed
	not dockerfile_from(ref)
	not bare_word(ref)
}

# A Dockerfile's FROM line.
dockerfile_from(ref) if {
	dockerfile.is_dockerfile
	ref.field == "FROM"
}

# `COPY --from=<word>` or `RUN --mount=from=<word>` with neither `/`, `:`, `@` nor `$`:
# most likely a misspelt stage, which PC-DF-013 reports.
bare_word(ref) if {
	dockerfile.is_dockerfile
	ref.field != "FROM"
	not regex.match(`[/:@$]`, ref.raw)
}

# The reference for messages: `"nginx:1.25" (spec.template.spec.containers[0].image)`.
label(ref) := sprintf("%q (%s)", [ref.raw, ref.field])

# What the registry said about a reference, when the look-up succeeded.
facts(ref) := ref.registry_facts if {
	is_object(ref.registry_facts)
	ref.registry_facts.error == null
}

# The trusted registries from the configuration; undefined when not configured.
trusted_registries := data.portcullis.config.trusted_registries if is_array(data.portcullis.config.trusted_registries)

# Whether a registry host is trusted: listed (case-insensitively), or a subdomain of a
# `*.example.com` entry. `notdocker.io` is not `docker.io`.
trusted_registry(registry) if {
	some entry in trusted_registries
	lower(entry) == lower(registry)
}

trusted_registry(registry) if {
	some entry in trusted_registries
	startswith(entry, "*.")
	endswith(lower(registry), lower(substring(entry, 1, -1)))
}

# The image's user is root: empty (the default), `0`, `root`, `0:<group>`, `root:<group>`.
root_user(user) if user == ""

root_user(user) if {
	is_string(user)
	split(user, ":")[0] in {"0", "root"}
}

# A digest as registries report it: `sha256:<hex>`.
valid_digest(digest) if {
	is_string(digest)
	regex.match(`^sha(256|384|512):[0-9a-f]{64,128}$`, digest)
}

# The text of `line` with `raw` pinned to `digest` (`nginx:1.25` → `nginx:1.25@sha256:…`),
# keeping the tag. Only when `raw` holds no variable and no digest yet and is written on
# the line as a whole reference exactly once (for a FROM line: the first one, the image
# before `AS <name>`); undefined otherwise, for example for references composed from
# several keys (Helm `repository`/`tag`, Kustomize `newName`/`newTag`).
pinned_line(line, raw, field, digest) := concat("", [
	substring(line, 0, at),
	raw, "@", digest,
	substring(line, at + count(raw), -1),
]) if {
	is_string(line)
	valid_digest(digest)
	raw != ""
	not regex.match(`[$@{}\s]`, raw)
	positions := _whole_positions(line, raw)
	at := _pin_position(positions, field)
}

_pin_position(positions, _) := positions[0] if count(positions) == 1

_pin_position(positions, "FROM") := positions[0] if count(positions) > 1

# Where `word` occurs in `text` not as part of a longer reference or path.
_whole_positions(text, word) := [i |
	some i in indexof_n(text, word)
	not regex.match(`[A-Za-z0-9._/:@-]$`, substring(text, 0, i))
	not regex.match(`^[A-Za-z0-9._/:@-]`, substring(text, i + count(word), -1))
]

# The `fix` of a finding that pins a reference to the digest its registry reports now,
# as an object to merge into the finding; empty when no fix can be offered.
pin_fix(ref) := {"fix": {
	"line": ref.line,
	"end_line": ref.line,
	"replacement": replacement,
	"description": "Pin the current digest",
}} if {
	replacement := pinned_line(ref.source, ref.raw, ref.field, facts(ref).digest)
} else := {}

# The source text of line `line`, from the references written on it.
source_of(line) := [ref.source |
	some ref in references
	ref.line == line
	is_string(ref.source)
][0]

# The fix that names the version tag the registry says an untagged or `latest` image is
# now (`registry_facts.tags_for_digest`, most specific first), rewriting `raw` where it
# stands once on its line. Empty when the registry did not say, or the text is templated.
explicit_tag_fix(raw, line, facts) := {"fix": {
	"line": line_number,
	"end_line": line_number,
	"replacement": replace(line.text, raw, tagged),
	"description": sprintf("Name the tag latest points at now: %s", [tag]),
}} if {
	tag := facts.tags_for_digest[0]
	not contains(raw, "$")
	count(indexof_n(line.text, raw)) == 1
	tagged := with_tag(raw, tag)
	line_number := line.number
} else := {}

with_tag(raw, tag) := concat("", [trim_suffix(raw, "latest"), tag]) if endswith(raw, ":latest")

with_tag(raw, tag) := concat(":", [raw, tag]) if not endswith(raw, ":latest")
