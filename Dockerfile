# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media

WORKDIR /app
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home /app app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# Translations and static files are built into the image; the settings need placeholders to load.
RUN python scripts/compilemessages.py \
 && DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    DJANGO_SITE_URL=https://build.invalid \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /data/media && chown -R app:app /data

USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4); sys.exit(r.status != 200)"
# Threaded workers (as `make run`, scripts/devstack.py): 2 processes x 8 threads hold many slow
# clients at once; static files come from WhiteNoise.
CMD ["gunicorn", "feedback_platform.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", "--workers", "2", "--threads", "8", \
     "--timeout", "30", "--graceful-timeout", "10", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
