# syntax=docker/dockerfile:1
FROM python:3.12-alpine AS build
RUN apk add build-base libffi-dev \
    && pip install wheel
WORKDIR /src
COPY requirements.txt .
RUN python3 -m pip install -r requirements.txt && pip3 install --prefix=/install .

FROM python:3.12-alpine
RUN apk update && apk add --no-cache libffi
COPY --from=build /install /usr/local
LABEL org.opencontainers.image.authors="\"Ops Team\" <ops@example.com> \$HOME"
USER 10001
ENTRYPOINT ["/usr/local/bin/gunicorn", "app:wsgi"]
