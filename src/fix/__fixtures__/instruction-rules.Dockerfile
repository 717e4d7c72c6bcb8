FROM node:20-alpine AS assets
WORKDIR /src
COPY site/ ./
RUN cat a.css b.css | gzip > site.css.gz

FROM debian:12-slim
RUN useradd -u 100000 app
WORKDIR /opt
RUN wget https://example.com/tool.tgz | tar -xz
ENV TOOL_HOME /opt/tool
COPY config.yml settings.yml /etc/tool
COPY --from=assets /src/site.css.gz /srv/
USER app
CMD ["/opt/tool/bin/tool"]
