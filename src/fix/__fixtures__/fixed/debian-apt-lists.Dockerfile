FROM debian:12-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
USER 65532
CMD ["curl", "--version"]
