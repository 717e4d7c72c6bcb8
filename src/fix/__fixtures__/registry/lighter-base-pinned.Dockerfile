# Pinned by digest, with a shell-form CMD: a lighter tag keeps the pin, with its own digest.
FROM {{registry}}/example/python:3.12@{{digest:3.12}}
COPY app.py /srv/app.py
ENV PYTHONUNBUFFERED=1
USER 65534
CMD python /srv/app.py
