# The Portcullis GitHub App as an image: `docker build -t portcullis .`, then see
# docs/operations.md (one process with the embedded store, or web and worker roles on Redis).
# The same image runs the CLI: `docker run --rm -v "$PWD:/src" -w /src portcullis portcullis check`.
#
# Base images are pinned by digest, the tag kept for readers (PC-DF-003). The digests below are
# the multi-platform index digests these tags had when they were written in; they were taken
# from public Dockerfiles that pin the same tags (no registry was reachable where this file was
# written). Refresh one with `docker buildx imagetools inspect node:20-bookworm-slim`
# (the "Digest:" line), or let Renovate/Dependabot's docker manager propose the update as a
# reviewed pull request, which Portcullis then judges like any other.
#   node:20-bookworm-slim  Node 20.20.2 on Debian 12
#   golang:1.26.8-bookworm the Go that builds the tools (osv-scanner 2.5.0 needs Go 1.26)
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0
ARG GO_IMAGE=golang:1.26.8-bookworm@sha256:9fdc884aacc3bec89b20ffc69f4bb369c78210e3e4f600387b5128b12c199f81

# The programs the image carries, built from source at the versions scripts/setup.sh pins (keep
# the two in step). The App verifies signatures in-process (@sigstore/verify); cosign is here
# for people using the image as their CLI toolbox (signing what they then verify).
FROM ${GO_IMAGE} AS tools
ARG OPA_VERSION=v1.22.3
ARG OSV_SCANNER_VERSION=v2.5.0
ARG COSIGN_VERSION=v2.6.5
ENV CGO_ENABLED=0 GOBIN=/out GOFLAGS=-mod=mod
RUN go install "github.com/open-policy-agent/opa@${OPA_VERSION}" \
 && go install "github.com/google/osv-scanner/v2/cmd/osv-scanner@${OSV_SCANNER_VERSION}" \
 && go install "github.com/sigstore/cosign/v2/cmd/cosign@${COSIGN_VERSION}" \
 && /out/opa version && /out/osv-scanner --version && /out/cosign version

# Compiles the TypeScript and the built-in policy pack (dist/policy-pack, with OPA), then
# drops the development packages, keeping the native better-sqlite3 binding compiled (or
# fetched) here for this platform's Node.
FROM ${NODE_IMAGE} AS build
# better-sqlite3 falls back to node-gyp when no prebuilt binding fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# npm ci runs the package's prepare script, which does nothing here (it builds installs from git).
COPY scripts/prepare.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY --from=tools /out/opa tools/bin/
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-policy-pack.mjs scripts/bundle-cli.mjs scripts/
COPY policies/ policies/
COPY src/ src/
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="Portcullis" \
      org.opencontainers.image.description="A pull-request gate for container images (GitHub App)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"
# HOST: listen on every interface of the container, not only its loopback.
# LOG_FORMAT: one JSON object a line for the log collector (Probot's own default is pretty).
# PORTCULLIS_CACHE_DIR: compiled policies (and built-image facts), bounded in size, kept
# outside HOME so that the root filesystem can stay read-only.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    PORTCULLIS_DATA_DIR=/data \
    PORTCULLIS_CACHE_DIR=/cache
WORKDIR /app
# The CLI runs in the same image (`docker run -v "$PWD:/src" -w /src IMAGE portcullis check`):
# git lists a repository's files; buildah builds daemonless for `check --build` (chroot
# isolation and vfs storage in a user namespace: uidmap and the node user's subordinate ids).
# /src is the one folder git trusts whoever owns it: a mounted checkout is the host user's.
# shellcheck: Debian's ShellCheck reads the shell of every RUN (PC-SH-001, src/facts/shellcheck.ts).
# portcullis ignore=PC-DF-090 reason="git is a runtime tool here: the CLI lists repositories' files with it"
RUN apt-get update \
 && apt-get install -y --no-install-recommends git buildah uidmap shellcheck \
 && rm -rf /var/lib/apt/lists/* \
 && echo 'node:100000:65536' >> /etc/subuid \
 && echo 'node:100000:65536' >> /etc/subgid \
 && git config --file /home/node/.gitconfig --add safe.directory /src
# The node user of the base image (1000:1000), named by number so that Kubernetes can check
# runAsNonRoot without looking the name up. The application files stay root's: the process
# can write only /data, /cache and /tmp.
RUN install -d -o 1000 -g 1000 -m 0750 /data /cache
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY --from=tools /out/opa /out/osv-scanner /out/cosign tools/bin/
COPY bin/ bin/
# `portcullis` on PATH: the base image's entrypoint runs a command it finds there, and runs
# anything else (the default CMD) with node, so one image serves both the App and the CLI.
RUN ln -s /app/bin/portcullis.js /usr/local/bin/portcullis
# The sources the prebuilt pack in dist/ was compiled from, so that its hash matches them.
COPY --from=build /src/policies/ policies/
COPY app.yml ./
# The schemas the App validates against at run time; the rest of docs/ is for readers.
COPY schemas/ schemas/
COPY trust/ trust/
COPY docs/policy-input.schema.json docs/
VOLUME ["/data"]
USER 1000:1000
EXPOSE 3000
# /healthz answers while the process is up; readiness (/readyz) is for the orchestrator's
# routing, not for restarting the container. Node's fetch, so no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node as PID 1 handles SIGTERM itself (a graceful drain, docs/operations.md); run with an init
# (`docker run --init`, Compose `init: true`) to reap the programs it starts if they orphan any.
CMD ["node", "dist/main.js"]
