# The two commands a newcomer needs: `make run` and `make test`.
# Both set up everything they need on a fresh machine (Debian packages, the
# virtual environment, compiled catalogs) and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo
APT_PACKAGES := poppler-utils fonts-wqy-microhei

.PHONY: run test setup system-deps catalogs lint typecheck imports pytest bench clean

run: setup
	$(BIN)/sihao --data-dir $(DEMO_DIR) run --demo

test: setup system-deps lint typecheck imports pytest

setup: $(STAMP) catalogs

$(STAMP): pyproject.toml tests/fixtures/sihao-testplugin/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet -e tests/fixtures/sihao-testplugin
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/python -m core.catalogs compile

# Debian packages the tests read PDFs and fonts with. Installs only what is missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy core

imports:
	$(BIN)/lint-imports

pytest:
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
