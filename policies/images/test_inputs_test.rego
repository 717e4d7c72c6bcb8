# METADATA
# title: Image rule test inputs
# description: >-
#   Input documents for the image rules' tests (policies/images/*_test.rego): the real
#   output of the extractors for the files shown, line-numbered, in a comment above each
#   one, with `registry_facts` null as when Portcullis runs offline. `with_facts` adds
#   registry facts as the gatherer reports them. Nothing here produces findings; the file
#   is named `_test.rego` so that it stays out of the policy bundle.
package portcullis.lib.image_test_inputs

import rego.v1

# The document with `registry_facts` set on the references (and, in a Dockerfile, the
# stage bases) of the lines given as keys of `by_line`; null on the other lines.
with_facts(doc, by_line) := object.union(doc, {"references": [object.union(ref, {"registry_facts": object.get(by_line, ref.line, null)}) |
	some ref in doc.references
]}) if {
	not doc.dockerfile
}

with_facts(doc, by_line) := object.union(doc, {
	"references": [object.union(ref, {"registry_facts": object.get(by_line, ref.line, null)}) |
		some ref in doc.references
	],
	"dockerfile": {"stages": [object.union(stage, {"base": object.union(stage.base, {"registry_facts": object.get(by_line, stage.line, null)})}) |
		some stage in doc.dockerfile.stages
	]},
}) if {
	doc.dockerfile
}

# A successful look-up of a multi-platform image, with `overrides`.
found(overrides) := object.union(
	{
		"digest": "sha256:6af1e9d3b2c8f1a4e7d05c9b3a2f8e61d4c7b09a5e3f2d18c6b4a97e0f5d3c21",
		"platform_digest": "sha256:0b7c3e5a9d1f4b8e2c6a0d9f3b7e1c5a8d2f6b0e4c9a3d7f1b5e8c2a6d0f4b93",
		"media_type": "application/vnd.oci.image.index.v1+json",
		"platforms": ["linux/amd64", "linux/arm64"],
		"user": "65532",
		"created": "2024-05-14T09:21:07Z",
		"age_days": 42,
		"size": 48213762,
		"layer_count": 6,
		"error": null,
	},
	overrides,
)

# A failed look-up, as the gatherer reports it.
failed(code, message) := {
	"digest": null,
	"platform_digest": null,
	"media_type": null,
	"platforms": [],
	"user": null,
	"created": null,
	"age_days": null,
	"size": null,
	"layer_count": null,
	"error": {"code": code, "message": message},
}

# deploy/web.yaml, the lines that name images:
#  16 |           image: registry.example.com:5000/shop/migrate:1.4
#  19 |           image: "ghcr.io/acme/shop-web:2.3.1"
#  21 |           image: nginx # nginx:latest, in effect
#  22 |         - { name: redis, image: redis }
#  24 |           image: quay.io/prometheus/node-exporter:latest
#  26 |           image: envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4
#  28 |           image: Nginx:1.25
#  30 |           image: ghcr.io/acme/seed:${SEED_VERSION}
kubernetes := {
	"input_version": 1,
	"target": {"kind": "kubernetes", "path": "deploy/web.yaml"},
	"references": [
		{"line": 16, "field": "spec.template.spec.initContainers[0].image", "raw": "registry.example.com:5000/shop/migrate:1.4", "source": "          image: registry.example.com:5000/shop/migrate:1.4", "platform": null, "image": {"registry": "registry.example.com:5000", "repository": "shop/migrate", "tag": "1.4", "digest": null, "name": "registry.example.com:5000/shop/migrate", "normalized": "registry.example.com:5000/shop/migrate:1.4"}, "problem": null, "registry_facts": null},
		{"line": 19, "field": "spec.template.spec.containers[0].image", "raw": "ghcr.io/acme/shop-web:2.3.1", "source": "          image: \"ghcr.io/acme/shop-web:2.3.1\"", "platform": null, "image": {"registry": "ghcr.io", "repository": "acme/shop-web", "tag": "2.3.1", "digest": null, "name": "ghcr.io/acme/shop-web", "normalized": "ghcr.io/acme/shop-web:2.3.1"}, "problem": null, "registry_facts": null},
		{"line": 21, "field": "spec.template.spec.containers[1].image", "raw": "nginx", "source": "          image: nginx # nginx:latest, in effect", "platform": null, "image": {"registry": "docker.io", "repository": "library/nginx", "tag": null, "digest": null, "name": "docker.io/library/nginx", "normalized": "docker.io/library/nginx:latest"}, "problem": null, "registry_facts": null},
		{"line": 22, "field": "spec.template.spec.containers[2].image", "raw": "redis", "source": "        - { name: redis, image: redis }", "platform": null, "image": {"registry": "docker.io", "repository": "library/redis", "tag": null, "digest": null, "name": "docker.io/library/redis", "normalized": "docker.io/library/redis:latest"}, "problem": null, "registry_facts": null},
		{"line": 24, "field": "spec.template.spec.containers[3].image", "raw": "quay.io/prometheus/node-exporter:latest", "source": "          image: quay.io/prometheus/node-exporter:latest", "platform": null, "image": {"registry": "quay.io", "repository": "prometheus/node-exporter", "tag": "latest", "digest": null, "name": "quay.io/prometheus/node-exporter", "normalized": "quay.io/prometheus/node-exporter:latest"}, "problem": null, "registry_facts": null},
		{"line": 26, "field": "spec.template.spec.containers[4].image", "raw": "envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", "source": "          image: envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", "platform": null, "image": {"registry": "docker.io", "repository": "envoyproxy/envoy", "tag": "v1.29.1", "digest": "sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", "name": "docker.io/envoyproxy/envoy", "normalized": "docker.io/envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"}, "problem": null, "registry_facts": null},
		{"line": 28, "field": "spec.template.spec.containers[5].image", "raw": "Nginx:1.25", "source": "          image: Nginx:1.25", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "invalid image reference \"Nginx:1.25\": repository names must be lower-case"}, "registry_facts": null},
		{"line": 30, "field": "spec.template.spec.containers[6].image", "raw": "ghcr.io/acme/seed:${SEED_VERSION}", "source": "          image: ghcr.io/acme/seed:${SEED_VERSION}", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "\"ghcr.io/acme/seed:${SEED_VERSION}\" uses the variable ${SEED_VERSION}, which has no value here"}, "registry_facts": null},
	],
}

# compose.yaml:
#   1 | services:
#   2 |   web:
#   3 |     image: ghcr.io/acme/shop-web:2.3.1
#   4 |     platform: linux/arm64
#   5 |   db:
#   6 |     image: "postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2"
#   7 |   cache:
#   8 |     image: redis:latest
#   9 |   worker:
#  10 |     image: ${REGISTRY:-ghcr.io}/acme/worker:1.0
#  11 |   legacy:
#  12 |     image: my.registry.local/legacy/app:0.9
compose := {
	"input_version": 1,
	"target": {"kind": "compose", "path": "compose.yaml"},
	"references": [
		{"line": 3, "field": "services.web.image", "raw": "ghcr.io/acme/shop-web:2.3.1", "source": "    image: ghcr.io/acme/shop-web:2.3.1", "platform": "linux/arm64", "image": {"registry": "ghcr.io", "repository": "acme/shop-web", "tag": "2.3.1", "digest": null, "name": "ghcr.io/acme/shop-web", "normalized": "ghcr.io/acme/shop-web:2.3.1"}, "problem": null, "registry_facts": null},
		{"line": 6, "field": "services.db.image", "raw": "postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2", "source": "    image: \"postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2\"", "platform": null, "image": {"registry": "docker.io", "repository": "library/postgres", "tag": "16.1-alpine", "digest": "sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2", "name": "docker.io/library/postgres", "normalized": "docker.io/library/postgres:16.1-alpine@sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2"}, "problem": null, "registry_facts": null},
		{"line": 8, "field": "services.cache.image", "raw": "redis:latest", "source": "    image: redis:latest", "platform": null, "image": {"registry": "docker.io", "repository": "library/redis", "tag": "latest", "digest": null, "name": "docker.io/library/redis", "normalized": "docker.io/library/redis:latest"}, "problem": null, "registry_facts": null},
		{"line": 10, "field": "services.worker.image", "raw": "${REGISTRY:-ghcr.io}/acme/worker:1.0", "source": "    image: ${REGISTRY:-ghcr.io}/acme/worker:1.0", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "\"${REGISTRY:-ghcr.io}/acme/worker:1.0\" uses the variable ${REGISTRY:-ghcr.io}, which has no value here"}, "registry_facts": null},
		{"line": 12, "field": "services.legacy.image", "raw": "my.registry.local/legacy/app:0.9", "source": "    image: my.registry.local/legacy/app:0.9", "platform": null, "image": {"registry": "my.registry.local", "repository": "legacy/app", "tag": "0.9", "digest": null, "name": "my.registry.local/legacy/app", "normalized": "my.registry.local/legacy/app:0.9"}, "problem": null, "registry_facts": null},
	],
}

# .github/workflows/ci.yml, the lines that name images:
#  14 |     container: node:20-bookworm
#  17 |         image: postgres:16
#  24 |         image: redis:7-alpine
#  36 |         uses: docker://hadolint/hadolint:v2.12.0-debian
#  40 |         uses: "docker://koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c"
#  48 |       image: ${{ matrix.image }}
#  55 |         image: ghcr.io/${{ github.repository_owner }}/registry-mirror:2
workflow := {
	"input_version": 1,
	"target": {"kind": "workflow", "path": ".github/workflows/ci.yml"},
	"references": [
		{"line": 14, "field": "jobs.test.container", "raw": "node:20-bookworm", "source": "    container: node:20-bookworm", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-bookworm", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-bookworm"}, "problem": null, "registry_facts": null},
		{"line": 17, "field": "jobs.test.services.postgres.image", "raw": "postgres:16", "source": "        image: postgres:16", "platform": null, "image": {"registry": "docker.io", "repository": "library/postgres", "tag": "16", "digest": null, "name": "docker.io/library/postgres", "normalized": "docker.io/library/postgres:16"}, "problem": null, "registry_facts": null},
		{"line": 24, "field": "jobs.test.services.redis.image", "raw": "redis:7-alpine", "source": "        image: redis:7-alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/redis", "tag": "7-alpine", "digest": null, "name": "docker.io/library/redis", "normalized": "docker.io/library/redis:7-alpine"}, "problem": null, "registry_facts": null},
		{"line": 36, "field": "jobs.lint-dockerfiles.steps[1].uses", "raw": "docker://hadolint/hadolint:v2.12.0-debian", "source": "        uses: docker://hadolint/hadolint:v2.12.0-debian", "platform": null, "image": {"registry": "docker.io", "repository": "hadolint/hadolint", "tag": "v2.12.0-debian", "digest": null, "name": "docker.io/hadolint/hadolint", "normalized": "docker.io/hadolint/hadolint:v2.12.0-debian"}, "problem": null, "registry_facts": null},
		{"line": 40, "field": "jobs.lint-dockerfiles.steps[2].uses", "raw": "docker://koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c", "source": "        uses: \"docker://koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c\"", "platform": null, "image": {"registry": "docker.io", "repository": "koalaman/shellcheck", "tag": null, "digest": "sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c", "name": "docker.io/koalaman/shellcheck", "normalized": "docker.io/koalaman/shellcheck@sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c"}, "problem": null, "registry_facts": null},
		{"line": 48, "field": "jobs.integration.container.image", "raw": "${{ matrix.image }}", "source": "      image: ${{ matrix.image }}", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "\"${{ matrix.image }}\" uses the GitHub Actions expression ${{ matrix.image }}, known only when the workflow runs"}, "registry_facts": null},
		{"line": 55, "field": "jobs.integration.services.registry.image", "raw": "ghcr.io/${{ github.repository_owner }}/registry-mirror:2", "source": "        image: ghcr.io/${{ github.repository_owner }}/registry-mirror:2", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "\"ghcr.io/${{ github.repository_owner }}/registry-mirror:2\" uses the GitHub Actions expression ${{ github.repository_owner }}, known only when the workflow runs"}, "registry_facts": null},
	],
}

# chart/values.yaml, the lines that name images:
#   5 |   repository: ghcr.io/acme/shop-web
#  15 |     image: ingress-nginx/controller
#  23 |         image: ingress-nginx/kube-webhook-certgen
#  30 |     image: "quay.io/prometheus/node-exporter:v1.7.0"
#  34 |     repository: postgres
#  39 |     repository: redis
#  44 |     image: fluent/fluent-bit:2.2
#  46 |     image: "{{ .Values.global.registry }}/custom:1.0"
helm := {
	"input_version": 1,
	"target": {"kind": "helm", "path": "chart/values.yaml"},
	"references": [
		{"line": 5, "field": "image", "raw": "ghcr.io/acme/shop-web", "source": "  repository: ghcr.io/acme/shop-web", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "image sets no tag: the chart's templates choose it, often from the chart's appVersion"}, "registry_facts": null},
		{"line": 15, "field": "controller.image", "raw": "registry.k8s.io/ingress-nginx/controller:v1.9.5@sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e", "source": "    image: ingress-nginx/controller", "platform": null, "image": {"registry": "registry.k8s.io", "repository": "ingress-nginx/controller", "tag": "v1.9.5", "digest": "sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e", "name": "registry.k8s.io/ingress-nginx/controller", "normalized": "registry.k8s.io/ingress-nginx/controller:v1.9.5@sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e"}, "problem": null, "registry_facts": null},
		{"line": 23, "field": "controller.admissionWebhooks.patch.image", "raw": "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0", "source": "        image: ingress-nginx/kube-webhook-certgen", "platform": null, "image": {"registry": "registry.k8s.io", "repository": "ingress-nginx/kube-webhook-certgen", "tag": "v20231011-8b53cabe0", "digest": null, "name": "registry.k8s.io/ingress-nginx/kube-webhook-certgen", "normalized": "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0"}, "problem": null, "registry_facts": null},
		{"line": 30, "field": "metrics.exporter.image", "raw": "quay.io/prometheus/node-exporter:v1.7.0", "source": "    image: \"quay.io/prometheus/node-exporter:v1.7.0\"", "platform": null, "image": {"registry": "quay.io", "repository": "prometheus/node-exporter", "tag": "v1.7.0", "digest": null, "name": "quay.io/prometheus/node-exporter", "normalized": "quay.io/prometheus/node-exporter:v1.7.0"}, "problem": null, "registry_facts": null},
		{"line": 34, "field": "postgresql.image", "raw": "postgres:16", "source": "    repository: postgres", "platform": null, "image": {"registry": "docker.io", "repository": "library/postgres", "tag": "16", "digest": null, "name": "docker.io/library/postgres", "normalized": "docker.io/library/postgres:16"}, "problem": null, "registry_facts": null},
		{"line": 39, "field": "redis.image", "raw": "redis:7.10", "source": "    repository: redis", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "redis.image.tag is the number 7.10 in YAML, which Helm renders as 7.1: quote it"}, "registry_facts": null},
		{"line": 44, "field": "sidecars[0].image", "raw": "fluent/fluent-bit:2.2", "source": "    image: fluent/fluent-bit:2.2", "platform": null, "image": {"registry": "docker.io", "repository": "fluent/fluent-bit", "tag": "2.2", "digest": null, "name": "docker.io/fluent/fluent-bit", "normalized": "docker.io/fluent/fluent-bit:2.2"}, "problem": null, "registry_facts": null},
		{"line": 46, "field": "sidecars[1].image", "raw": "{{ .Values.global.registry }}/custom:1.0", "source": "    image: \"{{ .Values.global.registry }}/custom:1.0\"", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "\"{{ .Values.global.registry }}/custom:1.0\" uses the template expression {{ .Values.global.registry }}, known only when the template is rendered"}, "registry_facts": null},
	],
}

# overlays/prod/kustomization.yaml, the lines that name images:
#  10 |   - name: ghcr.io/acme/shop-web
#  12 |   - name: postgres
#  15 |   - name: redis
#  17 |   - name: envoyproxy/envoy
#  20 |   - name: busybox
#  22 |   - name: nginx
kustomize := {
	"input_version": 1,
	"target": {"kind": "kustomize", "path": "overlays/prod/kustomization.yaml"},
	"references": [
		{"line": 10, "field": "images[0]", "raw": "ghcr.io/acme/shop-web:v2.4.0", "source": "  - name: ghcr.io/acme/shop-web", "platform": null, "image": {"registry": "ghcr.io", "repository": "acme/shop-web", "tag": "v2.4.0", "digest": null, "name": "ghcr.io/acme/shop-web", "normalized": "ghcr.io/acme/shop-web:v2.4.0"}, "problem": null, "registry_facts": null},
		{"line": 12, "field": "images[1]", "raw": "registry.acme.internal/mirror/postgres:16.1", "source": "  - name: postgres", "platform": null, "image": {"registry": "registry.acme.internal", "repository": "mirror/postgres", "tag": "16.1", "digest": null, "name": "registry.acme.internal/mirror/postgres", "normalized": "registry.acme.internal/mirror/postgres:16.1"}, "problem": null, "registry_facts": null},
		{"line": 15, "field": "images[2]", "raw": "redis@sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0", "source": "  - name: redis", "platform": null, "image": {"registry": "docker.io", "repository": "library/redis", "tag": null, "digest": "sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0", "name": "docker.io/library/redis", "normalized": "docker.io/library/redis@sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0"}, "problem": null, "registry_facts": null},
		{"line": 17, "field": "images[3]", "raw": "envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", "source": "  - name: envoyproxy/envoy", "platform": null, "image": {"registry": "docker.io", "repository": "envoyproxy/envoy", "tag": "v1.29.1", "digest": "sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", "name": "docker.io/envoyproxy/envoy", "normalized": "docker.io/envoyproxy/envoy:v1.29.1@sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"}, "problem": null, "registry_facts": null},
		{"line": 20, "field": "images[4]", "raw": "registry.acme.internal/mirror/busybox", "source": "  - name: busybox", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "images[4] sets no newTag or digest: the tag is the one of the manifests kustomize rewrites"}, "registry_facts": null},
		{"line": 22, "field": "images[5]", "raw": "nginx:1.25", "source": "  - name: nginx", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "images[5].newTag is the number 1.25 in YAML, not a string"}, "registry_facts": null},
	],
}

# Dockerfile:
#   1 | ARG PY=3.12
#   2 | FROM python:${PY}-slim AS build
#   3 | RUN --mount=type=cache,target=/root/.cache/pip,from=ghcr.io/acme/wheels:2024.05 pip install -r requirements.txt
#   4 | FROM --platform=linux/amd64 node:20-alpine AS web
#   5 | COPY --from=node:20-alpine /usr/local/bin/node /usr/local/bin/node
#   6 | COPY --from=buildr /app /app
#   7 | FROM alpine AS alpine
#   8 | FROM gcr.io/distroless/static-debian12:nonroot
#   9 | COPY --from=build /app /app
dockerfile := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "PY", "default": "3.12", "line": 1}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "build", "final": false, "line": 2, "end_line": 3,
				"base": {"raw": "python:${PY}-slim", "resolved": "python:3.12-slim", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "error": null, "registry_facts": null},
				"instructions": [
					{"keyword": "RUN", "line": 3, "end_line": 3, "flags": [{"name": "mount", "value": "type=cache,target=/root/.cache/pip,from=ghcr.io/acme/wheels:2024.05"}], "arguments": ["pip", "install", "-r", "requirements.txt"], "value": "pip install -r requirements.txt", "form": "shell", "properties": [], "heredocs": [], "commands": [{"argv": ["pip", "install", "-r", "requirements.txt"], "assignments": [], "text": "pip install -r requirements.txt", "line": 3, "pipeline": 0, "position": 0}], "source": "RUN --mount=type=cache,target=/root/.cache/pip,from=ghcr.io/acme/wheels:2024.05 pip install -r requirements.txt"},
				],
			},
			{
				"index": 1, "name": "web", "final": false, "line": 4, "end_line": 6,
				"base": {"raw": "node:20-alpine", "resolved": "node:20-alpine", "unresolved_variables": [], "platform": "linux/amd64", "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "error": null, "registry_facts": null},
				"instructions": [
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "from", "value": "node:20-alpine"}], "arguments": ["/usr/local/bin/node", "/usr/local/bin/node"], "value": "/usr/local/bin/node /usr/local/bin/node", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=node:20-alpine /usr/local/bin/node /usr/local/bin/node"},
					{"keyword": "COPY", "line": 6, "end_line": 6, "flags": [{"name": "from", "value": "buildr"}], "arguments": ["/app", "/app"], "value": "/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=buildr /app /app"},
				],
			},
			{
				"index": 2, "name": "alpine", "final": false, "line": 7, "end_line": 7,
				"base": {"raw": "alpine", "resolved": "alpine", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": null, "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:latest"}, "error": null, "registry_facts": null},
				"instructions": [],
			},
			{
				"index": 3, "name": null, "final": true, "line": 8, "end_line": 9,
				"base": {"raw": "gcr.io/distroless/static-debian12:nonroot", "resolved": "gcr.io/distroless/static-debian12:nonroot", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": {"registry": "gcr.io", "repository": "distroless/static-debian12", "tag": "nonroot", "digest": null, "name": "gcr.io/distroless/static-debian12", "normalized": "gcr.io/distroless/static-debian12:nonroot"}, "error": null, "registry_facts": null},
				"instructions": [
					{"keyword": "COPY", "line": 9, "end_line": 9, "flags": [{"name": "from", "value": "build"}], "arguments": ["/app", "/app"], "value": "/app /app", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=build /app /app"},
				],
			},
		],
	},
	"references": [
		{"line": 2, "field": "FROM", "raw": "python:${PY}-slim", "source": "FROM python:${PY}-slim AS build", "platform": null, "image": {"registry": "docker.io", "repository": "library/python", "tag": "3.12-slim", "digest": null, "name": "docker.io/library/python", "normalized": "docker.io/library/python:3.12-slim"}, "problem": null, "registry_facts": null},
		{"line": 3, "field": "RUN --mount from", "raw": "ghcr.io/acme/wheels:2024.05", "source": "RUN --mount=type=cache,target=/root/.cache/pip,from=ghcr.io/acme/wheels:2024.05 pip install -r requirements.txt", "platform": null, "image": {"registry": "ghcr.io", "repository": "acme/wheels", "tag": "2024.05", "digest": null, "name": "ghcr.io/acme/wheels", "normalized": "ghcr.io/acme/wheels:2024.05"}, "problem": null, "registry_facts": null},
		{"line": 4, "field": "FROM", "raw": "node:20-alpine", "source": "FROM --platform=linux/amd64 node:20-alpine AS web", "platform": "linux/amd64", "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null},
		{"line": 5, "field": "COPY --from", "raw": "node:20-alpine", "source": "COPY --from=node:20-alpine /usr/local/bin/node /usr/local/bin/node", "platform": null, "image": {"registry": "docker.io", "repository": "library/node", "tag": "20-alpine", "digest": null, "name": "docker.io/library/node", "normalized": "docker.io/library/node:20-alpine"}, "problem": null, "registry_facts": null},
		{"line": 6, "field": "COPY --from", "raw": "buildr", "source": "COPY --from=buildr /app /app", "platform": null, "image": {"registry": "docker.io", "repository": "library/buildr", "tag": null, "digest": null, "name": "docker.io/library/buildr", "normalized": "docker.io/library/buildr:latest"}, "problem": null, "registry_facts": null},
		{"line": 7, "field": "FROM", "raw": "alpine", "source": "FROM alpine AS alpine", "platform": null, "image": {"registry": "docker.io", "repository": "library/alpine", "tag": null, "digest": null, "name": "docker.io/library/alpine", "normalized": "docker.io/library/alpine:latest"}, "problem": null, "registry_facts": null},
		{"line": 8, "field": "FROM", "raw": "gcr.io/distroless/static-debian12:nonroot", "source": "FROM gcr.io/distroless/static-debian12:nonroot", "platform": null, "image": {"registry": "gcr.io", "repository": "distroless/static-debian12", "tag": "nonroot", "digest": null, "name": "gcr.io/distroless/static-debian12", "normalized": "gcr.io/distroless/static-debian12:nonroot"}, "problem": null, "registry_facts": null},
	],
}

# tools/Dockerfile:
#   1 | ARG BASE_IMAGE
#   2 | FROM ${BASE_IMAGE} AS base
#   3 | FROM Alpine:3.20 AS tools
#   4 | COPY --from=Builder /out /out
#   5 | COPY --from=ghcr.io/acme/Tools:1.0 /bin/tool /bin/tool
#   6 | FROM base
dockerfile_problems := {
	"input_version": 1,
	"target": {"kind": "dockerfile", "path": "tools/Dockerfile"},
	"dockerfile": {
		"directives": [],
		"global_args": [{"name": "BASE_IMAGE", "default": null, "line": 1}],
		"escape": "\\",
		"stages": [
			{
				"index": 0, "name": "base", "final": false, "line": 2, "end_line": 2,
				"base": {"raw": "${BASE_IMAGE}", "resolved": "${BASE_IMAGE}", "unresolved_variables": ["BASE_IMAGE"], "platform": null, "stage": null, "scratch": false, "image": null, "error": "the base image \"${BASE_IMAGE}\" uses $BASE_IMAGE without a default value", "registry_facts": null},
				"instructions": [],
			},
			{
				"index": 1, "name": "tools", "final": false, "line": 3, "end_line": 5,
				"base": {"raw": "Alpine:3.20", "resolved": "Alpine:3.20", "unresolved_variables": [], "platform": null, "stage": null, "scratch": false, "image": null, "error": "invalid image reference \"Alpine:3.20\": repository names must be lower-case", "registry_facts": null},
				"instructions": [
					{"keyword": "COPY", "line": 4, "end_line": 4, "flags": [{"name": "from", "value": "Builder"}], "arguments": ["/out", "/out"], "value": "/out /out", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=Builder /out /out"},
					{"keyword": "COPY", "line": 5, "end_line": 5, "flags": [{"name": "from", "value": "ghcr.io/acme/Tools:1.0"}], "arguments": ["/bin/tool", "/bin/tool"], "value": "/bin/tool /bin/tool", "form": null, "properties": [], "heredocs": [], "commands": [], "source": "COPY --from=ghcr.io/acme/Tools:1.0 /bin/tool /bin/tool"},
				],
			},
			{
				"index": 2, "name": null, "final": true, "line": 6, "end_line": 6,
				"base": {"raw": "base", "resolved": "base", "unresolved_variables": [], "platform": null, "stage": 0, "scratch": false, "image": null, "error": null, "registry_facts": null},
				"instructions": [],
			},
		],
	},
	"references": [
		{"line": 2, "field": "FROM", "raw": "${BASE_IMAGE}", "source": "FROM ${BASE_IMAGE} AS base", "platform": null, "image": null, "problem": {"kind": "unresolvable", "message": "the base image \"${BASE_IMAGE}\" uses $BASE_IMAGE without a default value"}, "registry_facts": null},
		{"line": 3, "field": "FROM", "raw": "Alpine:3.20", "source": "FROM Alpine:3.20 AS tools", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "invalid image reference \"Alpine:3.20\": repository names must be lower-case"}, "registry_facts": null},
		{"line": 4, "field": "COPY --from", "raw": "Builder", "source": "COPY --from=Builder /out /out", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "invalid image reference \"Builder\": repository names must be lower-case"}, "registry_facts": null},
		{"line": 5, "field": "COPY --from", "raw": "ghcr.io/acme/Tools:1.0", "source": "COPY --from=ghcr.io/acme/Tools:1.0 /bin/tool /bin/tool", "platform": null, "image": null, "problem": {"kind": "invalid", "message": "invalid image reference \"ghcr.io/acme/Tools:1.0\": repository names must be lower-case"}, "registry_facts": null},
	],
}

# Registry facts for the documents above, as a look-up on a day in June 2024 found them.
kubernetes_facts := {
	16: failed("unreachable", "Could not reach the registry registry.example.com:5000 at https://registry.example.com:5000 (ECONNREFUSED, 3 attempts): check the host name and port"),
	19: found({"user": "65532:65532", "created": "2024-06-13T08:02:44Z", "age_days": 12, "size": 61870214, "digest": "sha256:3e1c5a7b9d2f4e6a8c0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c"}),
	21: found({"user": "", "created": "2024-06-11T21:35:09Z", "age_days": 14, "size": 71254337, "digest": "sha256:56b388b0d79c738f4cf51bbaf184a14fab19337f4819ceb2cae7d94100262de8"}),
	22: found({"user": "", "created": "2024-05-30T02:14:51Z", "age_days": 26, "size": 45871902, "digest": "sha256:0ee34b7b4d3b0b1b2f3e6a2f7d1c5e9a4b8c2d6f0a3e7b1c5d9f2a6e0b4c8d1f"}),
	24: found({"user": "nobody", "created": "2023-04-27T16:40:03Z", "age_days": 425, "size": 11020463, "digest": "sha256:8f2a4c6e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a"}),
	26: found({"user": "", "created": "2024-03-20T11:03:28Z", "age_days": 97, "size": 59332101, "digest": "sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"}),
}

compose_facts := {
	3: found({"user": "65532:65532", "platform_digest": "sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"}),
	6: found({"user": "", "created": "2023-12-08T23:41:20Z", "age_days": 199, "size": 89771542, "digest": "sha256:0a4a1e8d1c8b8f0f6a1e3d2c5b4a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2"}),
	8: found({"user": "", "created": "2024-05-30T02:14:51Z", "age_days": 26, "size": 45871902, "digest": "sha256:0ee34b7b4d3b0b1b2f3e6a2f7d1c5e9a4b8c2d6f0a3e7b1c5d9f2a6e0b4c8d1f"}),
	12: found({"user": "root", "created": "2020-06-18T07:12:55Z", "age_days": 1468, "size": 2415919104, "media_type": "application/vnd.docker.distribution.manifest.v2+json", "platforms": [], "digest": "sha256:d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3"}),
}

workflow_facts := {
	14: found({"user": "", "created": "2024-06-04T19:20:31Z", "age_days": 21, "size": 396412588, "digest": "sha256:a5e0ed56f2c20b9689e0f7dd498cac7e08de2a3ec2fc8f7d1f3b6d5e8a1c4b27"}),
	17: found({"user": "", "created": "2024-06-06T03:12:40Z", "age_days": 19, "size": 152116374, "digest": "sha256:46aa2ee5d664b275f05d1a963b30fff60fb422b4b594d509765c42db46d48881"}),
	24: found({"user": "", "created": "2024-05-30T02:14:51Z", "age_days": 26, "size": 17342118, "digest": "sha256:8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e"}),
	36: found({"user": "", "created": "2022-11-24T10:53:38Z", "age_days": 579, "size": 104887601, "digest": "sha256:27086352fd5e1907ea2b934eb1023f217c5ae087992eb59fde121dce9c9ff21e"}),
	40: found({"user": "", "created": "2024-04-11T09:07:12Z", "age_days": 75, "size": 9823114, "digest": "sha256:a527e2077f11f28c1c1ad1dc784b5bc966baeb3e34ef304a0ffa72699b01ad9c"}),
}

helm_facts := {
	15: found({"user": "101", "digest": "sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e"}),
	23: found({"user": "65532", "created": "2023-10-11T14:25:02Z", "age_days": 258, "digest": "sha256:a7943503b45d552785aa3b5e457f169a5661fb94d82b8a3373bcd9ebaf9aac80"}),
	30: found({"user": "nobody", "created": "2023-11-12T18:06:44Z", "age_days": 225, "digest": "sha256:4cb2b9019f1757be8482419002cb7afe028fdba35d47958829e4cfeaf6246d80"}),
	34: found({"user": "", "digest": "sha256:46aa2ee5d664b275f05d1a963b30fff60fb422b4b594d509765c42db46d48881"}),
	44: found({"user": "", "created": "2024-01-23T15:27:41Z", "age_days": 154, "digest": "sha256:2c5c9a2f6f0b7c3ad5ddd4c9a5b4a42ee1f3c4e5b6d7a8f9e0d1c2b3a4f5e6d7"}),
}

kustomize_facts := {
	10: failed("not_found", "Registry ghcr.io answered 404 (MANIFEST_UNKNOWN: manifest unknown) for acme/shop-web:v2.4.0: check the repository name, tag or digest"),
	12: failed("unauthorized", "Registry registry.acme.internal answered 401 (UNAUTHORIZED: authentication required) for mirror/postgres:16.1: add credentials for registry.acme.internal (PORTCULLIS_REGISTRY_AUTH)"),
	15: found({"user": "", "digest": "sha256:9c2d0ae5f1e1d4c5b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0"}),
	17: found({"user": "", "digest": "sha256:1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"}),
}

# Lines 2, 4, 7 and 8 are FROM lines: the facts go to the stage base and the reference.
dockerfile_facts := {
	2: found({"user": "", "created": "2024-06-13T02:17:36Z", "age_days": 12, "size": 51310284, "digest": "sha256:e3ae8a6e3a2b4cd5a8c6f7d9e0b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9"}),
	3: found({"user": "", "created": "2024-05-21T12:00:00Z", "age_days": 35, "size": 1610612736, "digest": "sha256:77aa55cc33ee11ff99dd77bb55993311ffddbb9977553311eeccaa8866442200"}),
	4: found({"user": "node", "created": "2024-06-05T23:48:10Z", "age_days": 20, "size": 44062341, "platforms": [], "digest": "sha256:df01469346db2bf1cfc1f7261aeab86b2960efa840fe2bd46d83ff339f463665"}),
	5: found({"user": "node", "created": "2024-06-05T23:48:10Z", "age_days": 20, "size": 44062341, "digest": "sha256:df01469346db2bf1cfc1f7261aeab86b2960efa840fe2bd46d83ff339f463665"}),
	6: failed("unauthorized", "Registry docker.io answered 401 (UNAUTHORIZED: authentication required) for library/buildr:latest: add credentials for docker.io (PORTCULLIS_REGISTRY_AUTH) (Docker Hub also answers 401 for repositories that do not exist)"),
	7: found({"user": "", "created": "2023-01-09T17:05:20Z", "age_days": 533, "size": 3408729, "digest": "sha256:82d1e9d7ed48a7523bdebc18cf6290bdb97b82302a8a9c27d4fe885949ea94d1"}),
	8: found({"user": "65532", "created": "1970-01-01T00:00:00Z", "age_days": 19899, "size": 1998745, "digest": "sha256:41972110a1c1a5c0b6adb2e2fd42b3d8c7ce5ab1a1aef0e5bf1c7f0d36b0a8a5"}),
}
