FROM ubuntu:24.04
LABEL org.opencontainers.image.authors="Jane Doe"
  RUN    apt-get   install --no-install-recommends -y   nginx
RUN sudo apt-get install --no-install-recommends -y -o Dpkg::Options::=--force-confold nginx-extras
RUN yes | apt-get install --no-install-recommends vim && apt-get install --no-install-recommends --yes less
COPY ["config.json", "/etc/app/"]
USER 65532:65532
cmd ["nginx", "-c", "/etc/nginx/nginx.conf"]
