# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make run    serve the apps with Voila on 127.0.0.1:$(PORT) (no browser opened)
#   make test   the whole suite: unit, notebooks, Voila server, real browser
#   make train  training mode on port $(TRAIN_PORT), made-up data in training/
#   make report the analysis as one offline HTML file: reports/report.html
SHELL := /bin/bash
PORT ?= 8866
TRAIN_PORT ?= 8867
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: run train test lint bench report clean-venv

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
	@set -o pipefail; $(BIN)/python -m pip install --progress-bar off -e '.[test]' 2>&1 | $(PIP_PROGRESS)
	@touch $@ $(INSTALLED)

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
	ALIGNMENT_KIT_REPORT_SOURCES="$(abspath $(DATA))" $(BIN)/python -m jupyter nbconvert --to html --execute \
	  --ExecutePreprocessor.timeout=600 --output-dir=$(REPORTS) --output=report notebooks/analysis.ipynb
	@echo "Wrote $(REPORTS)/report.html"

test: $(TEST_INSTALLED)
	$(BIN)/python -m pytest

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check widgets tests bench
	$(BIN)/mypy widgets

bench: $(TEST_INSTALLED)
	$(BIN)/python bench/save_latency.py
	$(BIN)/python bench/page_open.py
	$(BIN)/python bench/analysis_load.py

clean-venv:
	rm -rf $(VENV)
