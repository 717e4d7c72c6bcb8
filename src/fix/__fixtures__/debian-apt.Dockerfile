FROM debian:bookworm-slim
MAINTAINER Jane Doe <jane@example.com>

# Two fixes on one line: --no-install-recommends and -y.
RUN apt-get update && apt-get install curl ca-certificates && rm -rf /var/lib/apt/lists/*

# The install continues on later lines: the flags go after `install` on its first line.
RUN apt-get update \
    && apt-get install \
        git \
        openssh-client \
    && rm -rf /var/lib/apt/lists/*

# Two identical commands on one line: each gets its own flags.
RUN apt-get install -q tini; apt-get install -q tini

ADD app.conf /etc/app/app.conf
add --chown=app:app scripts/ /opt/app/scripts/
ADD https://example.com/tool.tar.gz /opt/tool/
USER app
CMD /usr/local/bin/app --port 8080
