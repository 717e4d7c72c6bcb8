# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG DISTROLESS=gcr.io/distroless/static-debian12:nonroot
ARG BASE_IMAGE

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,from=ghcr.io/acme/go-vendor:2024-05,source=/vendor,target=/src/vendor \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/server ./cmd/server

FROM build AS test
RUN --mount=type=bind,from=build,source=/out,target=/out go test ./...

FROM ${BASE_IMAGE} AS custom

FROM scratch AS certs
COPY --from=alpine:3.19 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/

FROM ${DISTROLESS}
COPY --from=build /out/server /server
COPY --from=0 /src/LICENSE /LICENSE
COPY --from=CERTS /etc/ssl/certs /etc/ssl/certs
COPY --from=docker.io/tonistiigi/xx:1.4.0 / /
USER nonroot
ENTRYPOINT ["/server"]
