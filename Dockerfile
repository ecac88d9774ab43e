# The app image: gunicorn serves the web, the same image runs the Celery worker and beat.
# Pango, HarfBuzz's subsetter and the DejaVu fonts are what WeasyPrint loads to render order PDFs.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl openssl \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
# Static files are collected at build time; WhiteNoise serves them with far-future cache headers.
# (Production settings demand real secrets; the build gets throwaway ones that never leave this step.)
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    IDP_OIDC_PRIVATE_KEY="$(openssl genrsa 2048 2>/dev/null)" \
    python manage.py collectstatic --noinput -v0

# The media volume is mounted here; created in the image so the volume belongs to the app user.
RUN mkdir -p /app/media && chown app:app /app/media

# The release tag on error reports (core/sentry.py): e.g. --build-arg SENTRY_RELEASE=$(git rev-parse HEAD).
ARG SENTRY_RELEASE=""
ENV SENTRY_RELEASE=${SENTRY_RELEASE}

USER app
EXPOSE 8000
# The web's check; compose and Kubernetes give the worker and beat their own (core/probe.py).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# Workers, threads, timeouts, max_requests, forwarded-allow-ips, logs: gunicorn.conf.py, from env.
CMD ["gunicorn", "config.wsgi"]
