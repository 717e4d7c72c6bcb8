FROM ubuntu:24.04
MAINTAINER Jane \
    Doe
  RUN    apt-get   install   nginx
RUN sudo apt-get install -o Dpkg::Options::=--force-confold nginx-extras
RUN yes | apt-get install vim && apt-get install --yes less
ADD ["config.json", "/etc/app/"]
cmd nginx -c /etc/nginx/nginx.conf
