# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim
RUN <<EOF
apt-get update
apt-get install curl
rm -rf /var/lib/apt/lists/*
EOF
RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \
    apt-get update && apt-get install python3-pip
RUN <<EOF bash
set -e
pip install --break-system-packages httpie
EOF
RUN echo "apt-get install"; apt-get install -y jq && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
USER node
ENTRYPOINT exec node server.js
