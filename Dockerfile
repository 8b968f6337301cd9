# sse_dash: the dashboard image, built from the repository (docs/deploy.md).
#   docker build -t sse-dash .
#   docker run -p 8501:8501 -v sse-data:/data:ro sse-dash                  # the dashboard
#   docker run -v sse-data:/data sse-dash python -m sse_dash data build     # (re)build the data
# Nothing is downloaded when a container runs: Python packages, the DuckDB spatial extension
# (a PyPI wheel), Chromium for image exports and the map scripts (static/vendor/) are all in
# the image; only the optional geocoder and the map tile server are reached over the network.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# chromium + fonts: PNG/SVG/PDF exports and the briefing pack (kaleido drives Debian's
# chromium); tini reaps the browser's child processes and forwards stop signals.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Runtime packages only: no pytest, playwright, hypothesis or ruff (requirements-dev.txt).
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The application (what .dockerignore leaves: no tests, no data, no virtualenv).
COPY . .
RUN python -m compileall -q app.py pages sse_dash deploy \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin sse \
    && mkdir -p /data \
    && chown sse:sse /data

USER sse
ENV SSE_DASH_DATA_DIR=/data \
    SSE_DASH_CHROMIUM=/usr/bin/chromium \
    MPLCONFIGDIR=/home/sse/.config/matplotlib
# Matplotlib's font cache, built once here instead of at the first export.
RUN python -c "import matplotlib.font_manager as f; f.findfont('DejaVu Sans')"

# The warehouse: mounted read-only into the app, read-write into the refresh job.
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
