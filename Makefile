# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make run    serve the apps with Voila on 127.0.0.1:$(PORT) (no browser opened)
#   make test   the whole suite: unit, notebooks, Voila server, real browser
#   make train  training mode on port $(TRAIN_PORT), made-up data in training/
PORT ?= 8866
TRAIN_PORT ?= 8867
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: run train test lint bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(INSTALLED)

run: $(INSTALLED)
	@echo "Coach apps: http://127.0.0.1:$(PORT)/voila/render/home.ipynb"
	$(BIN)/voila notebooks --port=$(PORT) --no-browser --Voila.ip=127.0.0.1

# Training mode: its own port and its own git-ignored data folder (training/), with a
# banner on every page; nothing can reach the real exports.
train: $(INSTALLED)
	@echo "Training apps: http://127.0.0.1:$(TRAIN_PORT)/voila/render/walkthrough.ipynb"
	ALIGNMENT_KIT_TRAINING=1 ALIGNMENT_KIT_TRAINING_DIR=$(CURDIR)/training \
	  $(BIN)/voila notebooks --port=$(TRAIN_PORT) --no-browser --Voila.ip=127.0.0.1

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
