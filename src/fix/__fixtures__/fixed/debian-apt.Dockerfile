FROM debian:bookworm-slim
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"

# Two fixes on one line: --no-install-recommends and -y.
RUN apt-get update && apt-get install --no-install-recommends -y curl ca-certificates && rm -rf /var/lib/apt/lists/*

# The install continues on later lines: the flags go after `install` on its first line.
RUN apt-get update \
    && apt-get install --no-install-recommends -y \
        git \
        openssh-client \
    && rm -rf /var/lib/apt/lists/*

# Two identical commands on one line: each gets its own flags.
RUN apt-get install --no-install-recommends -y -q tini; apt-get install --no-install-recommends -y -q tini

COPY app.conf /etc/app/app.conf
copy --chown=app:app scripts/ /opt/app/scripts/
ADD https://example.com/tool.tar.gz /opt/tool/
USER app
CMD ["/usr/local/bin/app", "--port", "8080"]
