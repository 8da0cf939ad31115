# Production image: gunicorn serves peersupport.wsgi on port 8000; the same image runs
# the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ARG UV_VERSION=0.13.9

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint (PDF reports) loads Pango at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY . .

# The project's own bytecode, as UV_COMPILE_BYTECODE gives the dependencies': with
# PYTHONDONTWRITEBYTECODE every process would otherwise compile each module it imports,
# costing start-up time and ~10 MB of peak memory in a worker (measured by bench/exports.py).
RUN python -m compileall -q -j 0 manage.py peersupport programmes workplaces supervision evaluation

# Collect static files with the production storage (hashed names + staticfiles.json manifest,
# which DJANGO_ENV=production requires at run time). Production settings refuse to load without
# these variables; the placeholders exist only in this build step and reach no service.
RUN DJANGO_ENV=production \
    DJANGO_SECRET_KEY=collectstatic-build-step-only \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v0

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app/var --no-create-home app \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

CMD ["gunicorn", "peersupport.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
