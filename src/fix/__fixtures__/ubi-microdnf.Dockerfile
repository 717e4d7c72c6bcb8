FROM registry.access.redhat.com/ubi9/ubi:9.4 AS build
RUN dnf install gcc make
COPY . /src
RUN make -C /src
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install --nodocs shadow-utils tzdata
COPY --from=build /src/app /usr/local/bin/app
USER 1001
ENTRYPOINT ["/usr/local/bin/app"]
