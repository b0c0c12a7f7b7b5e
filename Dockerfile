# syntax=docker/dockerfile:1
# Tideline production image: gunicorn serving Django, static files collected and served by WhiteNoise.
# The same image runs the Celery worker and beat (see docker-compose.yml).

# --- Stage 1: design-system assets. Node exists only in this stage. ------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The stylesheet may import only from assets/ and node_modules/: nothing else is copied here.
COPY assets ./assets
RUN mkdir -p static/dist && npm run build:css

# --- Stage 2: runtime ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# PYTHONPATH=/app makes the source tree (next to templates/ and static/) the code that is imported,
# ahead of the copy `pip install .` puts in site-packages, so BASE_DIR is always /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    MEDIA_ROOT=/app/media \
    XDG_CACHE_HOME=/tmp/cache

# WeasyPrint renders PDFs with Pango and subsets fonts with HarfBuzz; DejaVu is the PDF font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tideline \
    && useradd --system --uid 10001 --gid tideline --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin tideline

WORKDIR /app

# Dependencies first, read from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /src/node_modules/govuk-frontend/dist ./node_modules/govuk-frontend/dist
COPY --from=assets /src/node_modules/@ministryofjustice/frontend/moj ./node_modules/@ministryofjustice/frontend/moj
COPY --from=assets /src/node_modules/htmx.org/dist ./node_modules/htmx.org/dist
COPY --from=assets /src/static/dist ./static/dist

RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

# Settings refuse the default key when DEBUG is off; this throwaway key exists only for this
# command and is never part of the image's environment.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret-0123456789abcdef \
    DEBUG=false STATIC_MANIFEST=true \
    python manage.py collectstatic --noinput --verbosity 0

# Generated packs and uploads; the only directory the app writes to (a volume in compose).
RUN mkdir -p /app/media && chown tideline:tideline /app/media

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
