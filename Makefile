# make run   – install what is missing, migrate, seed demo data, start web + worker + beat
# make test  – the test suite (CI runs exactly this)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
MANAGE := $(VENV)/bin/python manage.py
PYTEST_ARGS ?=
# Test processes (pytest-xdist); one per core. PYTEST_WORKERS=0 runs in this process alone.
PYTEST_WORKERS ?= auto
# WeasyPrint (PDF reports) loads Pango through ctypes; these are its Debian/Ubuntu packages.
WEASYPRINT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
DEMO_PASSWORD := peer-demo-2026
DEMO_TOTP_SECRET := PEERSUPPORTDEMOTOTPSECRET234567A

.PHONY: help run test lint messages bench bench-smoke uv venv system-libs

help:
	@echo "make run       install what is missing, migrate, seed demo data, start web + worker + beat"
	@echo "make test      run the test suite (PYTEST_ARGS='-k something' to narrow it)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make messages  update and compile the Swedish translation catalogue"
	@echo "make bench     seed national scale data, measure it as production serves it, write bench/results.md"
	@echo "make bench-smoke  the same at tiny scale, no targets, results not written (what CI runs)"

uv:
	@if ! command -v uv >/dev/null 2>&1 && ! $(PYTHON) -m uv --version >/dev/null 2>&1; then \
	  echo "uv is not installed: pip install uv"; \
	  $(PYTHON) -m pip install uv \
	    || $(PYTHON) -m pip install --user --break-system-packages uv \
	    || { echo "Could not install uv with pip. Install it and run make again:"; \
	         echo "  sudo apt-get install -y python3-pip && pip install uv"; \
	         echo "  (or see https://docs.astral.sh/uv/getting-started/installation/)"; exit 1; }; \
	fi

# uv sync is a no-op when the venv already matches uv.lock.
venv: uv
	@uv_cmd=$$(command -v uv || echo "$(PYTHON) -m uv"); \
	UV_PYTHON_DOWNLOADS=never $$uv_cmd sync --frozen

system-libs:
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for pkg in $(WEASYPRINT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "ok installed" \
	      || missing="$$missing $$pkg"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	  else \
	    echo "WeasyPrint (PDF reports) needs system libraries that are not installed."; \
	    echo "Run this, then make run again:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	  echo "Installing$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends$$missing; \
	fi

run: venv system-libs
	@if ! $(VENV)/bin/python -c "import weasyprint" >/dev/null 2>&1; then \
	  echo "WeasyPrint cannot load Pango. Install it for your system, then make run again:"; \
	  echo "  https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"; \
	  exit 1; \
	fi
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "  PEER Support runs at http://127.0.0.1:8000"
	@echo "  Log in as koordinator.stockholm@example.org (or another demo login in README.md)"
	@echo "  with password $(DEMO_PASSWORD); staff roles ask for a TOTP code from an"
	@echo "  authenticator app set up with the secret $(DEMO_TOTP_SECRET)."
	@echo "  Ctrl-C stops web, worker and beat."
	@echo
	exec $(VENV)/bin/honcho -f Procfile.dev start

test: venv
	@status=0; $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) || status=$$?; \
	if [ "$$status" = 5 ]; then \
	  echo "pytest collected no tests (exit status 5): treated as a failure." >&2; \
	fi; \
	exit $$status

# PostgreSQL (DATABASE_URL's server, database ps_bench or BENCH_DATABASE), Redis (REDIS_URL)
# and wrk; BENCH_ARGS='--reuse-db NAME' measures an existing database without seeding it.
BENCH_ARGS ?=
bench: venv
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

bench-smoke: venv
	$(VENV)/bin/python bench/run.py --smoke $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: venv
	$(MANAGE) makemessages -l sv --ignore=.venv --ignore=var --ignore=tests --no-location --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv
