FROM opensuse/leap:15.6
RUN zypper refresh && zypper install -y curl ca-certificates && zypper clean --all
USER nobody
CMD ["curl", "--version"]
