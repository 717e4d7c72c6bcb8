FROM debian:12-slim
RUN apt update && \
    apt install -y --no-install-recommends ca-certificates curl
USER 65532
CMD ["curl", "--version"]
