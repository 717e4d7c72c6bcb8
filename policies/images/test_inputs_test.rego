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
