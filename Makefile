# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make run    serve the apps with Voila on 127.0.0.1:$(PORT) (no browser opened)
#   make test   the whole suite: unit, notebooks, Voila server, real browser
#   make screenshots  every page and meeting state as PNGs in screenshots/
#   make train  training mode on port $(TRAIN_PORT), made-up data in training/
#   make hub    the program's JupyterHub on 127.0.0.1:$(HUB_PORT), a local trial
#   make workshop  training mode served to a room (all interfaces, access key required)
#   make report the analysis as one offline HTML file: reports/report.html
SHELL := /bin/bash
PORT ?= 8866
TRAIN_PORT ?= 8867
# People in a workshop room who may open the same page at once.
ROOM ?= 10
HUB_PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
HUB_INSTALLED := $(VENV)/.installed-hub
HUB_DIR := deploy/jupyterhub
# The hub's proxy comes from npm, into the project (never a global install).
PROXY := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy

.PHONY: run train workshop hub hub-install test lint bench screenshots report clean-venv

# pip's own lines, less its chatter: one line per package, so a first install (a few
# minutes) visibly moves.
PIP_PROGRESS := grep --line-buffered -E '^(Collecting|Successfully installed|ERROR)' || true

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian/Ubuntu, install python3-venv (sudo apt-get install python3-venv)."; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing the kit into $(VENV) (the first run takes a few minutes)..."
	@set -o pipefail; $(BIN)/python -m pip install --progress-bar off -e . 2>&1 | $(PIP_PROGRESS)
	@touch $@

$(TEST_INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing the kit and its test tools into $(VENV) (the first run takes a few minutes)..."
	@set -o pipefail; $(BIN)/python -m pip install --progress-bar off -e '.[test,hub]' 2>&1 | $(PIP_PROGRESS)
	@touch $@ $(INSTALLED) $(HUB_INSTALLED)

$(HUB_INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing the kit and JupyterHub into $(VENV) (the first run takes a few minutes)..."
	@set -o pipefail; $(BIN)/python -m pip install --progress-bar off -e '.[hub]' 2>&1 | $(PIP_PROGRESS)
	@touch $@ $(INSTALLED)

$(PROXY): $(HUB_DIR)/package.json $(HUB_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The hub's proxy (configurable-http-proxy) comes from npm: install Node.js and npm (sudo apt-get install nodejs npm)."; exit 1; }
	@echo "Installing configurable-http-proxy into $(HUB_DIR)/node_modules..."
	@npm ci --prefix $(HUB_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# The server prints the link to open (it carries the access key); Ctrl+C stops it.
run: $(INSTALLED)
	@$(BIN)/python -m widgets.server notebooks --port=$(PORT)

# Training mode: its own port and its own git-ignored data folder (training/), with a
# banner on every page; nothing can reach the real exports.
train: $(INSTALLED)
	@ALIGNMENT_KIT_TRAINING=1 ALIGNMENT_KIT_TRAINING_DIR=$(CURDIR)/training \
	  $(BIN)/python -m widgets.server notebooks --port=$(TRAIN_PORT) --title="Alignment Meeting Kit (training)" \
	  --port-hint="make train TRAIN_PORT={port}"

# The analysis notebook executed and converted to one HTML file that needs no network
# (charts are inline SVG, tables download from the page). DATA names the folders to
# analyse, e.g. make report DATA="coach-a/exports coach-b/exports"; default: the kit's.
DATA ?=
REPORTS ?= reports
report: $(INSTALLED)
	@mkdir -p $(REPORTS)
	@$(BIN)/python -m widgets.analysis.report_file --out $(REPORTS)/report.html $(abspath $(DATA))

# A workshop: training mode bound to every interface, so trainees' laptops on the same
# network can open it; the printed link (with the access key) is the way in. Each
# trainee chooses a space of their own on first visit.
workshop: $(INSTALLED)
	@ALIGNMENT_KIT_TRAINING=1 ALIGNMENT_KIT_TRAINING_DIR=$(CURDIR)/training \
	  $(BIN)/python -m widgets.server notebooks --ip=0.0.0.0 --port=$(TRAIN_PORT) --room=$(ROOM) \
	  --title="Alignment Meeting Kit (workshop)" --port-hint="make workshop TRAIN_PORT={port}"

# The program's hub, locally: prints the address and a shared password; Ctrl+C stops it
# and every coach's server. Data in hub-data/ (git-ignored).
hub: hub-install
	@$(BIN)/python $(HUB_DIR)/local_hub.py --port=$(HUB_PORT)

# What a program's server needs before it runs jupyterhub with its own settings.
hub-install: $(HUB_INSTALLED) $(PROXY)

# Without npm the hub's tests are skipped (CI installs it and runs them).
test: $(TEST_INSTALLED)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(PROXY); \
	  else echo "npm not found: the hub tests will be skipped (sudo apt-get install nodejs npm)"; fi
	$(BIN)/python -m pytest

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check widgets tests bench deploy
	$(BIN)/mypy widgets

bench: $(TEST_INSTALLED)
	$(BIN)/python bench/save_latency.py
	$(BIN)/python bench/page_open.py
	$(BIN)/python bench/analysis_load.py
	@$(MAKE) --no-print-directory $(PROXY)
	$(BIN)/python bench/hub_open.py

# Every page and the meeting's key states at 1366x768 and 1920x1080, from a made-up
# program in a temporary folder, into screenshots/ (git-ignored): look before and after.
screenshots: $(TEST_INSTALLED)
	$(BIN)/python bench/screenshots.py

clean-venv:
	rm -rf $(VENV)
