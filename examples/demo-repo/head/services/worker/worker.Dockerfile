FROM python:3.12-slim
MAINTAINER ops@acme.example
WORKDIR app
RUN pip install celery==5.3.6 redis==5.0.1
COPY worker.py .
USER 10001
CMD celery -A worker worker --loglevel=info
