PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs bench race clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vault --vault example-vault --today 2026-11-22 due
	@echo
	@echo "vault is installed in $(VENV)/bin: run 'source $(VENV)/bin/activate' to put it on your PATH,"
	@echo "then try: vault --vault example-vault --today 2026-11-22 show Tunde"

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check vaultkit tests bench
	$(BIN)/ruff format --check vaultkit tests bench
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m tests.gen_docs

bench: $(STAMP)
	$(BIN)/python -m bench.run

race: $(STAMP)
	$(BIN)/python -m bench.race

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
