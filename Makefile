# Two commands on a fresh machine with Python 3.11 and make:
#   make pack   set up the environment from the lock, run the latest meeting's pack
#   make test   set up the environment from the lock, run every test
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
LATEST := 2026-01-19

.PHONY: setup pack test browser lock notebooks benchmark clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' \
	  || (echo "Set PYTHON=/path/to/python3.11" && false)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	@touch $@

pack: setup
	$(BIN)/scrutiny run $(LATEST)
	@echo "The pack is at reports/$(LATEST)/index.html"

# Browser tests drive Debian's Chromium; install it when it is missing (as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package"; exit 1; fi; }

test: setup browser
	$(BIN)/python -m pytest --nbval -p no:cacheprovider tests notebooks

notebooks: setup
	$(BIN)/scrutiny refresh

lock:
	$(BIN)/python scripts/lock.py

benchmark: setup browser
	$(BIN)/python benchmarks/pack.py
	PYTHONPATH=. $(BIN)/python benchmarks/waiting.py
	$(BIN)/python benchmarks/explorers.py

clean:
	rm -rf $(VENV) reports
