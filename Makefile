# The two commands a newcomer needs: `make run` and `make test`.
# Both set up everything they need on a fresh machine (Debian packages, the
# virtual environment, compiled catalogs) and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= .demo
APT_PACKAGES := poppler-utils fonts-wqy-microhei cups cups-bsd printer-driver-cups-pdf zbar-tools chromium chromium-driver

.PHONY: run test setup system-deps postgres catalogs lint typecheck imports pytest bench clean

# `make run`: a central server on loopback (SQLite under $(DEMO_DIR)) beside the demo
# workstation, which is enrolled with it once, so sync works from the first minute.
# The server stops when the workstation closes; if it cannot start (port taken),
# the workstation runs on its own. The demo keeps its token in a plain-text keyring
# file inside $(DEMO_DIR) (said so on screen); set PYTHON_KEYRING_BACKEND to use
# another. Everything the demo writes stays in $(DEMO_DIR): the server's database
# and log, the workstation's store, config and logs, the token.
DEMO_PORT ?= 8765
DEMO_SITE := 370303-ZWFW
DEMO_SERVER := http://127.0.0.1:$(DEMO_PORT)

run: setup
	@mkdir -p $(DEMO_DIR); \
	export SIHAO_SERVER_DATABASE="sqlite:///$(abspath $(DEMO_DIR))/server.db"; \
	export PYTHON_KEYRING_BACKEND="$${PYTHON_KEYRING_BACKEND:-core.demo_keyring.DemoPlaintextKeyring}"; \
	export SIHAO_KEYRING_FILE="$(abspath $(DEMO_DIR))/keyring.cfg"; \
	$(BIN)/sihao server run --host 127.0.0.1 --port $(DEMO_PORT) --log-level warning \
	  >$(DEMO_DIR)/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT INT TERM HUP; \
	up=""; for i in $$(seq 1 150); do \
	  if $(BIN)/python -c "import urllib.request as u; u.urlopen('$(DEMO_SERVER)/v1/health', timeout=1)" 2>/dev/null; \
	  then up=1; break; fi; \
	  kill -0 $$server 2>/dev/null || break; sleep 0.2; \
	done; \
	if [ -n "$$up" ]; then \
	  echo "central server: $(DEMO_SERVER) (log: $(DEMO_DIR)/server.log)"; \
	  $(BIN)/sihao server demo seed >/dev/null; \
	  $(BIN)/sihao server reminders demo >/dev/null && \
	  SIHAO_SMS_GATEWAY="file:$(abspath $(DEMO_DIR))/sms.jsonl" $(BIN)/sihao server reminders run --once >/dev/null 2>&1; \
	  demo_keyring=core.demo_keyring.DemoPlaintextKeyring; \
	  if [ ! -f $(DEMO_DIR)/.enrolled ] || { [ "$$PYTHON_KEYRING_BACKEND" = "$$demo_keyring" ] && [ ! -s "$$SIHAO_KEYRING_FILE" ]; }; then \
	    $(BIN)/sihao --data-dir $(DEMO_DIR) demo seed >/dev/null && \
	    code=$$($(BIN)/sihao server enroll-code --site $(DEMO_SITE) --ttl-minutes 10) && \
	    $(BIN)/sihao --data-dir $(DEMO_DIR) enroll --server $(DEMO_SERVER) --code "$$code" && \
	    touch $(DEMO_DIR)/.enrolled || echo "enrollment failed: the workstation runs on its own"; \
	  fi; \
	else \
	  echo "the central server did not start (see $(DEMO_DIR)/server.log): the workstation runs on its own"; \
	fi; \
	$(BIN)/sihao --data-dir $(DEMO_DIR) run --demo

test: setup system-deps postgres lint typecheck imports pytest

setup: $(STAMP) catalogs

$(STAMP): pyproject.toml tests/fixtures/sihao-testplugin/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet -e tests/fixtures/sihao-testplugin
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/python -m core.catalogs compile

# Debian packages the tests read PDFs and fonts with, print through (CUPS with a
# cups-pdf printer: the printing tests start cupsd themselves when it is down) and
# decode QR codes with. Installs only what is missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The server's tests run on PostgreSQL as well as SQLite (127.0.0.1:5432, trust auth,
# database `test`, as on the CI machine): start the local cluster if it is down.
postgres:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then \
	  echo "PostgreSQL is down: starting it"; \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start || true; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
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
