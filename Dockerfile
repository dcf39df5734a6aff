# syntax=docker/dockerfile:1
# Threadguard scoring service: `threadguard serve` on the shipped model, as a non-root user.
#
#   docker build -t threadguard .
#   docker run --rm -p 8080:8080 --stop-timeout 35 threadguard
#
# Only the runtime goes in: service/ and the model (.dockerignore keeps training code, data,
# runs and tests out of the build context), installed without the train or dev extras.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
# Wheels for the package and its runtime dependencies only; the final stage installs from them
# offline, so no build tooling or pip cache reaches it.
RUN pip wheel --wheel-dir /wheels .
# World-readable whatever the checkout's file modes, without a second copy in a chmod layer.
COPY models/threadguard-minilm /model
RUN chmod -R a+rX /model

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --system --gid 10001 threadguard \
 && useradd --system --uid 10001 --gid threadguard --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin threadguard
# The wheels are bind-mounted, not copied, so they leave no layer behind.
RUN --mount=type=bind,from=build,source=/wheels,target=/tmp/wheels \
    pip install --no-index --find-links /tmp/wheels threadguard
# An installed package cannot find the repository's models/ folder: name the model explicitly.
COPY --from=build /model /opt/threadguard/models/threadguard-minilm
ENV THREADGUARD_MODEL_DIR=/opt/threadguard/models/threadguard-minilm \
    THREADGUARD_HOST=0.0.0.0 \
    THREADGUARD_PORT=8080
USER threadguard
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('THREADGUARD_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["threadguard", "serve"]
