# Three targets that work on a fresh machine: install, run, test (plus bench, lint).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run test bench lint

$(BIN)/probity: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/probity

install: $(BIN)/probity

# Until the gRPC service exists (issue 3), the main job evaluates the shipped examples.
run: install
	$(BIN)/probity evaluate --format summary --rules rules/nolan-tender.yaml rules/examples/nolan-tender/*.json

test: install
	$(BIN)/ruff check engine clients server tests benchmarks
	$(BIN)/mypy
	$(BIN)/probity check rules/
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pytest benchmarks -s -p no:cacheprovider --benchmark-columns=min,median,ops --timeout=3600

lint: install
	$(BIN)/ruff check engine clients server tests benchmarks
	$(BIN)/mypy
