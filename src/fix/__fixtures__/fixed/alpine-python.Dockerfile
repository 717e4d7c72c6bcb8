# syntax=docker/dockerfile:1
FROM python:3.12-alpine AS build
RUN apk add --no-cache build-base libffi-dev \
    && pip install --no-cache-dir wheel
WORKDIR /src
COPY requirements.txt .
RUN python3 -m pip install --no-cache-dir -r requirements.txt && pip3 install --no-cache-dir --prefix=/install .

FROM python:3.12-alpine
RUN apk update && apk add --no-cache libffi
COPY --from=build /install /usr/local
LABEL org.opencontainers.image.authors="\"Ops Team\" <ops@example.com> \$HOME"
USER 10001
ENTRYPOINT ["/usr/local/bin/gunicorn", "app:wsgi"]
