package portcullis.rules.image_lighter_base_test

import rego.v1

import data.portcullis.lib.image_test_inputs as inputs
import data.portcullis.rules.image_lighter_base

SLIM_DIGEST := "sha256:5111111111111111111111111111111111111111111111111111111111111111"

slim := {
	"variant": "slim", "tag": "3.12-slim", "reference": "docker.io/library/python:3.12-slim",
	"digest": SLIM_DIGEST,
	"platform_digest": "sha256:5222222222222222222222222222222222222222222222222222222222222222",
	"compressed_size": 45000000, "libc": "glibc", "same_libc": true, "package_manager": "apt", "has_shell": true,
	"caveats": ["fewer system packages: no compilers, headers or git"],
}

alpine := {
	"variant": "alpine", "tag": "3.12-alpine", "reference": "docker.io/library/python:3.12-alpine",
	"digest": "sha256:a111111111111111111111111111111111111111111111111111111111111111",
	"platform_digest": "sha256:a222222222222222222222222222222222222222222222222222222222222222",
	"compressed_size": 18000000, "libc": "musl", "same_libc": false, "package_manager": "apk", "has_shell": true,
	"caveats": ["musl libc instead of glibc: native code built for glibc may not load", "apk instead of apt"],
}

distroless := {
	"variant": "distroless", "tag": "3.12-distroless", "reference": "docker.io/library/python:3.12-distroless",
	"digest": "sha256:d111111111111111111111111111111111111111111111111111111111111111",
	"platform_digest": "sha256:d222222222222222222222222222222222222222222222222222222222222222",
	"compressed_size": 9000000, "libc": "glibc", "same_libc": true, "package_manager": "none", "has_shell": false,
	"caveats": ["no package manager", "no shell: RUN and shell-form commands fail"],
}

# python:3.12 as the gatherer reports it, 380 MB, with `variants` (smallest first).
python(variants) := inputs.found({"size": 380000000, "lighter_variants": variants})

# copy: the extractor's input for
#   1 | FROM python:3.12 AS build
#   2 | RUN pip wheel --wheel-dir /wheels -r requirements.txt
#   3 | FROM python:3.12
#   4 | COPY --from=build /wheels /wheels
#   5 | CMD ["python", "-m", "app"]
copy_dockerfile := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2, "base": {"raw": "python:3.12", "resolved": "python:3.12", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["pip", "wheel", "--wheel-dir", "/wheels", "-r", "requirements.txt"], "value": "pip wheel --wheel-dir /wheels -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["pip", "wheel", "--wheel-dir", "/wheels", "-r", "requirements.txt"], "assignments": [], "text": "pip wheel --wheel-dir /wheels -r requirements.txt", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN pip wheel --wheel-dir /wheels -r requirements.txt"}]}, {"index": 1, "name": null, "final": true, "line": 3, "end_line": 5, "base": {"raw": "python:3.12", "resolved": "python:3.12", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "build"}], "arguments": ["/wheels", "/wheels"], "value": "/wheels /wheels", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /wheels /wheels"}, {"keyword": "CMD", "line": 5, "end_line": 5, "flags": [], "arguments": ["python", "-m", "app"], "value": "[\"python\", \"-m\", \"app\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"python\", \"-m\", \"app\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "python:3.12", "source": "FROM python:3.12 AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "problem": null, "registry_facts": null}, {"line": 3, "field": "FROM", "raw": "python:3.12", "source": "FROM python:3.12", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "problem": null, "registry_facts": null}]}

# apt: the extractor's input for
#   1 | FROM python:3.12
#   2 | RUN apt-get update && apt-get install -y --no-install-recommends libpq5
#   3 | CMD ["python", "app.py"]
apt_dockerfile := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 3, "base": {"raw": "python:3.12", "resolved": "python:3.12", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["apt-get", "update", "&&", "apt-get", "install", "-y", "--no-install-recommends", "libpq5"], "value": "apt-get update && apt-get install -y --no-install-recommends libpq5", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apt-get", "update"], "assignments": [], "text": "apt-get update", "line": 2, "pipeline": 0, "position": 0}, {"argv": ["apt-get", "install", "-y", "--no-install-recommends", "libpq5"], "assignments": [], "text": "apt-get install -y --no-install-recommends libpq5", "line": 2, "pipeline": 1, "position": 0}], "source": "RUN apt-get update && apt-get install -y --no-install-recommends libpq5"}, {"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["python", "app.py"], "value": "[\"python\", \"app.py\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "CMD [\"python\", \"app.py\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "python:3.12", "source": "FROM python:3.12", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12"}, "problem": null, "registry_facts": null}]}

# pinned: the extractor's input for
#   1 | FROM python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111
#   2 | COPY app.py /app.py
#   3 | CMD python /app.py
pinned_dockerfile := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": null, "final": true, "line": 1, "end_line": 3, "base": {"raw": "python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111", "resolved": "python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111", "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 2, "end_line": 2, "flags": [], "arguments": ["app.py", "/app.py"], "value": "app.py /app.py", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY app.py /app.py"}, {"keyword": "CMD", "line": 3, "end_line": 3, "flags": [], "arguments": ["python", "/app.py"], "value": "python /app.py", "form": "shell", "properties": [], "heredocs": [], "commands": [], "source": "CMD python /app.py"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111", "source": "FROM python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12", "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111", "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111"}, "problem": null, "registry_facts": null}]}

# The final stage (line 3) only copies and runs exec-form: every variant fits. The
# recommendation keeps glibc and the shell; the smallest is named with its caveats.
test_final_stage_gets_the_lighter_tag_with_both_sizes_and_a_fix if {
	doc := inputs.with_facts(copy_dockerfile, {1: python([distroless, alpine, slim]), 3: python([distroless, alpine, slim])})
	findings := image_lighter_base.info with input as doc
	findings == {{
		"msg": "python:3.12 is 380 MB; python:3.12-slim is 45 MB, 88% smaller (fewer system packages: no compilers, headers or git). python:3.12-distroless is smaller still, 9 MB (no package manager; no shell: RUN and shell-form commands fail).",
		"line": 3,
		"fix": {"line": 3, "end_line": 3, "replacement": "FROM python:3.12-slim", "description": "Use python:3.12-slim"},
	}}
}

# `RUN apt-get` after FROM: -alpine (apk) and -distroless (no shell) would break it.
test_apt_get_in_the_final_stage_is_not_offered_alpine if {
	doc := inputs.with_facts(apt_dockerfile, {1: python([distroless, alpine, slim])})
	findings := image_lighter_base.info with input as doc
	count(findings) == 1
	some finding in findings
	finding.msg == "python:3.12 is 380 MB; python:3.12-slim is 45 MB, 88% smaller (fewer system packages: no compilers, headers or git). python:3.12-distroless (9 MB) not offered: the final stage runs apt-get."
	finding.fix.replacement == "FROM python:3.12-slim"

	# The smallest left out is named, once, with the reason it breaks the final stage.
	no_distroless := inputs.with_facts(apt_dockerfile, {1: python([alpine, slim])})
	some without in image_lighter_base.info with input as no_distroless
	endswith(without.msg, "88% smaller (fewer system packages: no compilers, headers or git). python:3.12-alpine (18 MB) not offered: the final stage runs apt-get.")
	only_alpine := inputs.with_facts(apt_dockerfile, {1: python([alpine])})
	count(image_lighter_base.info) == 0 with input as only_alpine
}

# The package managers are data: without them, apt-get is no reason to withhold -alpine,
# which is then offered with its libc caveat.
test_package_managers_come_from_the_data if {
	doc := inputs.with_facts(apt_dockerfile, {1: python([alpine])})
	findings := image_lighter_base.info with input as doc with data.portcullis.image_variants.package_managers as {}
	some finding in findings
	finding.msg == "python:3.12 is 380 MB; python:3.12-alpine is 18 MB, 95% smaller (musl libc instead of glibc: native code built for glibc may not load; apk instead of apt)."
}

# Only a libc-changing variant without a RUN: offered, the caveat in the message.
test_libc_change_is_offered_with_its_caveat if {
	doc := inputs.with_facts(copy_dockerfile, {3: python([alpine])})
	some finding in image_lighter_base.info with input as doc
	contains(finding.msg, "python:3.12-alpine is 18 MB, 95% smaller (musl libc instead of glibc")
	finding.fix.replacement == "FROM python:3.12-alpine"
}

# A digest pin is kept, with the new tag's digest; a shell-form CMD rules out -distroless.
test_digest_pin_is_kept_with_the_variants_digest if {
	doc := inputs.with_facts(pinned_dockerfile, {1: python([distroless, slim])})
	findings := image_lighter_base.info with input as doc
	some finding in findings
	count(findings) == 1
	finding.fix.replacement == concat("", ["FROM python:3.12-slim@", SLIM_DIGEST])
	endswith(finding.msg, " python:3.12-distroless (9 MB) not offered: it has no shell and the final stage needs one (a RUN or a shell-form CMD or ENTRYPOINT).")
}

# A variant left out but larger than the one offered is not worth a word.
test_larger_left_out_variant_is_not_named if {
	big_alpine := object.union(alpine, {"compressed_size": 60000000})
	doc := inputs.with_facts(apt_dockerfile, {1: python([slim, big_alpine])})
	some finding in image_lighter_base.info with input as doc
	not contains(finding.msg, "not offered")
}

# Nothing without facts, after a failed look-up, without variants, or with none smaller.
test_nothing_to_recommend if {
	count(image_lighter_base.info) == 0 with input as copy_dockerfile
	failed := inputs.with_facts(copy_dockerfile, {3: inputs.failed("unreachable", "no route")})
	count(image_lighter_base.info) == 0 with input as failed
	none := inputs.with_facts(copy_dockerfile, {3: python([])})
	count(image_lighter_base.info) == 0 with input as none
	absent := inputs.with_facts(copy_dockerfile, {3: inputs.found({"size": 380000000})})
	count(image_lighter_base.info) == 0 with input as absent
	larger := inputs.with_facts(copy_dockerfile, {3: inputs.found({"size": 40000000, "lighter_variants": [slim]})})
	count(image_lighter_base.info) == 0 with input as larger
}

# A builder stage does not ship: no finding on its FROM.
test_builder_stage_is_not_judged if {
	doc := inputs.with_facts(copy_dockerfile, {1: python([slim])})
	count(image_lighter_base.info) == 0 with input as doc
}

# Manifests: every variant, the fix on the reference's line.
test_manifest_reference_gets_the_lighter_tag if {
	web := inputs.found({"size": 120000000, "lighter_variants": [object.union(slim, {"tag": "2.3.1-slim", "compressed_size": 30000000})]})
	doc := inputs.with_facts(inputs.compose, {3: web})
	findings := image_lighter_base.info with input as doc
	findings == {{
		"msg": "ghcr.io/acme/shop-web:2.3.1 is 120 MB; ghcr.io/acme/shop-web:2.3.1-slim is 30 MB, 75% smaller (fewer system packages: no compilers, headers or git).",
		"line": 3,
		"fix": {"line": 3, "end_line": 3, "replacement": "    image: ghcr.io/acme/shop-web:2.3.1-slim", "description": "Use ghcr.io/acme/shop-web:2.3.1-slim"},
	}}
}

# Small images are shown in kB and tenths of MB.
test_sizes_in_readable_units if {
	small := object.union(slim, {"compressed_size": 640000})
	doc := inputs.with_facts(copy_dockerfile, {3: inputs.found({"size": 2500000, "lighter_variants": [small]})})
	some finding in image_lighter_base.info with input as doc
	startswith(finding.msg, "python:3.12 is 2.5 MB; python:3.12-slim is 640 kB, 74% smaller")
}

# go: the extractor's input for
#   1 | FROM golang:1.22 AS build
#   2 | WORKDIR /src
#   3 | COPY . .
#   4 | RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server
#   5 | FROM alpine:3.20
#   6 | COPY --from=build /out/server /usr/local/bin/server
#   7 | USER 65532
#   8 | EXPOSE 8080
#   9 | ENTRYPOINT ["/usr/local/bin/server"]
go_dockerfile := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 4, "base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "WORKDIR", "line": 2, "end_line": 2, "flags": [], "arguments": ["/src"], "value": "/src", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /src"}, {"keyword": "COPY", "line": 3, "end_line": 3, "flags": [], "arguments": [".", "."], "value": ". .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY . ."}, {"keyword": "RUN", "line": 4, "end_line": 4, "flags": [], "arguments": ["CGO_ENABLED=0", "go", "build", "-o", "/out/server", "./cmd/server"], "value": "CGO_ENABLED=0 go build -o /out/server ./cmd/server", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["go", "build", "-o", "/out/server", "./cmd/server"], "assignments": ["CGO_ENABLED=0"], "text": "go build -o /out/server ./cmd/server", "line": 4, "pipeline": 0, "position": 0}], "source": "RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server"}]}, {"index": 1, "name": null, "final": true, "line": 5, "end_line": 9, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/server", "/usr/local/bin/server"], "value": "/out/server /usr/local/bin/server", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/server /usr/local/bin/server"}, {"keyword": "USER", "line": 7, "end_line": 7, "flags": [], "arguments": ["65532"], "value": "65532", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "USER 65532"}, {"keyword": "EXPOSE", "line": 8, "end_line": 8, "flags": [], "arguments": ["8080"], "value": "8080", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "EXPOSE 8080"}, {"keyword": "ENTRYPOINT", "line": 9, "end_line": 9, "flags": [], "arguments": ["/usr/local/bin/server"], "value": "[\"/usr/local/bin/server\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"/usr/local/bin/server\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "golang:1.22", "source": "FROM golang:1.22 AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "problem": null, "registry_facts": null}, {"line": 5, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

# goapk: the extractor's input for
#   1 | FROM golang:1.22 AS build
#   2 | RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server
#   3 | FROM alpine:3.20
#   4 | WORKDIR /app
#   5 | COPY --from=build /out/server .
#   6 | RUN apk add --no-cache ca-certificates
#   7 | ENTRYPOINT ["./server"]
goapk_dockerfile := {"input_version": 1, "target": {"kind": "dockerfile", "path": "Dockerfile"}, "dockerfile": {"directives": [], "global_args": [], "escape": "\\", "stages": [{"index": 0, "name": "build", "final": false, "line": 1, "end_line": 2, "base": {"raw": "golang:1.22", "resolved": "golang:1.22", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "RUN", "line": 2, "end_line": 2, "flags": [], "arguments": ["CGO_ENABLED=0", "go", "build", "-o", "/out/server", "./cmd/server"], "value": "CGO_ENABLED=0 go build -o /out/server ./cmd/server", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["go", "build", "-o", "/out/server", "./cmd/server"], "assignments": ["CGO_ENABLED=0"], "text": "go build -o /out/server ./cmd/server", "line": 2, "pipeline": 0, "position": 0}], "source": "RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server"}]}, {"index": 1, "name": null, "final": true, "line": 3, "end_line": 7, "base": {"raw": "alpine:3.20", "resolved": "alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "error": null, "registry_facts": null}, "instructions": [{"keyword": "WORKDIR", "line": 4, "end_line": 4, "flags": [], "arguments": ["/app"], "value": "/app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "WORKDIR /app"}, {"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "from", "value": "build"}], "arguments": ["/out/server", "."], "value": "/out/server .", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /out/server ."}, {"keyword": "RUN", "line": 6, "end_line": 6, "flags": [], "arguments": ["apk", "add", "--no-cache", "ca-certificates"], "value": "apk add --no-cache ca-certificates", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["apk", "add", "--no-cache", "ca-certificates"], "assignments": [], "text": "apk add --no-cache ca-certificates", "line": 6, "pipeline": 0, "position": 0}], "source": "RUN apk add --no-cache ca-certificates"}, {"keyword": "ENTRYPOINT", "line": 7, "end_line": 7, "flags": [], "arguments": ["./server"], "value": "[\"./server\"]", "form": "exec", "properties": [], "heredocs": [], "commands": [], "source": "ENTRYPOINT [\"./server\"]"}]}]}, "references": [{"line": 1, "field": "FROM", "raw": "golang:1.22", "source": "FROM golang:1.22 AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/golang", "tag": "1.22", "digest": null, "name": "docker.io/library/golang", "normalized": "docker.io/library/golang:1.22"}, "problem": null, "registry_facts": null}, {"line": 3, "field": "FROM", "raw": "alpine:3.20", "source": "FROM alpine:3.20", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": "3.20", "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:3.20"}, "problem": null, "registry_facts": null}]}

# The final stage only copies one binary and runs it: FROM scratch, offline too.
test_single_binary_gets_scratch if {
	findings := image_lighter_base.info with input as go_dockerfile
	findings == {{
		"msg": "alpine:3.20 only holds server, copied from \"build\", and runs it: if it is statically linked (Go with CGO_ENABLED=0, Rust for musl), FROM scratch ships nothing else. Copy CA certificates (/etc/ssl/certs) too if it makes TLS calls, and use a numeric USER: scratch has no /etc/passwd.",
		"line": 5,
		"fix": {"line": 5, "end_line": 5, "replacement": "FROM scratch", "description": "Build the final stage FROM scratch"},
	}}
	alpine := inputs.found({"size": 3600000, "lighter_variants": [object.union(slim, {"tag": "3.20-slim", "compressed_size": 1000000})]})
	with_size := inputs.with_facts(go_dockerfile, {5: alpine})
	some sized in image_lighter_base.info with input as with_size
	startswith(sized.msg, "alpine:3.20 (3.6 MB) only holds server")
	count(image_lighter_base.info) == 1 with input as with_size
}

# A RUN in the final stage needs the base: no scratch.
test_run_in_the_final_stage_needs_the_base if {
	count(image_lighter_base.info) == 0 with input as goapk_dockerfile
}

static_distroless := {
	"variant": "distroless-static", "tag": "nonroot", "reference": "gcr.io/distroless/static-debian12:nonroot",
	"other_repository": true,
	"digest": "sha256:e111111111111111111111111111111111111111111111111111111111111111",
	"platform_digest": "sha256:e222222222222222222222222222222222222222222222222222222222222222",
	"compressed_size": 1000000, "libc": "none", "same_libc": false, "package_manager": "none", "has_shell": false,
	"caveats": ["no shell: RUN and shell-form commands fail", "no package manager"],
}

# The builder's flags made the gatherer look up distroless/static: offered with its caveats,
# scratch named too, the fix writes the other repository's reference.
test_single_binary_gets_distroless_from_another_repository if {
	alpine_base := inputs.found({"size": 3600000, "lighter_variants": [static_distroless]})
	doc := inputs.with_facts(go_dockerfile, {5: alpine_base})
	findings := image_lighter_base.info with input as doc
	findings == {{
		"msg": "alpine:3.20 (3.6 MB) only holds server, copied from \"build\", and runs it: gcr.io/distroless/static-debian12:nonroot is 1 MB, 72% smaller (no shell: RUN and shell-form commands fail; no package manager). FROM scratch ships nothing at all: copy CA certificates (/etc/ssl/certs) if it makes TLS calls, and use a numeric USER.",
		"line": 5,
		"fix": {"line": 5, "end_line": 5, "replacement": "FROM gcr.io/distroless/static-debian12:nonroot", "description": "Use gcr.io/distroless/static-debian12:nonroot"},
	}}
}

# Another repository's image is never offered as a tag of this one (a RUN needs the base).
test_other_repository_is_not_a_tag_variant if {
	alpine_base := inputs.found({"size": 3600000, "lighter_variants": [static_distroless]})
	doc := inputs.with_facts(goapk_dockerfile, {3: alpine_base})
	count(image_lighter_base.info) == 0 with input as doc
	glibc := object.union(static_distroless, {"libc": "glibc", "has_shell": true, "package_manager": "apk"})
	with_shell := inputs.with_facts(goapk_dockerfile, {3: inputs.found({"size": 3600000, "lighter_variants": [glibc]})})
	count(image_lighter_base.info) == 0 with input as with_shell
}
