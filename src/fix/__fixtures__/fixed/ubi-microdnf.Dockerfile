FROM registry.access.redhat.com/ubi9/ubi:9.4 AS build
RUN dnf install -y gcc make
COPY . /src
RUN make -C /src
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y --nodocs shadow-utils tzdata && microdnf clean all
COPY --from=build /src/app /usr/local/bin/app
USER 1001
ENTRYPOINT ["/usr/local/bin/app"]
