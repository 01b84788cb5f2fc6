# Harvest Bridge: `make run` serves the store with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 5000
export FLASK_APP = shop

.PHONY: install run test bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	PORT=$(PORT) $(BIN)/python scripts/dev-server

test: install
	$(BIN)/pytest -n 2 --dist loadgroup

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
