FROM opensuse/leap:15.6
RUN zypper refresh && zypper install curl ca-certificates
USER nobody
CMD ["curl", "--version"]
