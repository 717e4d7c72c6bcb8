# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim
RUN <<EOF
apt-get update
apt-get install --no-install-recommends -y curl
rm -rf /var/lib/apt/lists/*
EOF
RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \
    apt-get update && apt-get install --no-install-recommends -y python3-pip
RUN <<EOF bash
set -e
pip install --no-cache-dir --break-system-packages httpie
EOF
RUN echo "apt-get install"; apt-get install --no-install-recommends -y jq && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
USER node
ENTRYPOINT ["node", "server.js"]
