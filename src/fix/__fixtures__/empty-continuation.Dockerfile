# Empty lines inside continued instructions (PC-DF-077): the fix deletes them, and leaves
# the comment line and the here-document's own blank line alone.
FROM alpine:3.20
RUN apk add --no-cache \
    curl \

    jq \
  	
    # the comment line stays
    file
COPY <<EOF /etc/motd
Welcome

to the image
EOF
ENV APP_HOME=/srv/app \

    APP_PORT=8080
USER 65534
CMD ["/bin/sh"]
