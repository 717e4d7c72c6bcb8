# A Flask app: wheels are built in the full image, the app runs in the final stage.
# {{registry}} is the test registry's host, filled in by builtin-fixes.test.ts.
FROM {{registry}}/example/python:3.12 AS build
WORKDIR /src
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM {{registry}}/example/python:3.12-slim
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY app.py .
USER 10001
CMD ["python", "app.py"]
