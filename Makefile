# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format install install-dev db demo bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load
	@$(FLASK) users ensure-demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set; one worker
# per core (pytest-xdist), each with its own databases. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/ruff check app tests bench config.py wsgi.py migrations/env.py
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app tests bench config.py wsgi.py migrations/env.py
	$(BIN)/ruff format --check app tests config.py wsgi.py

format: install
	$(BIN)/ruff format app tests config.py wsgi.py
	$(BIN)/ruff check --fix app tests config.py wsgi.py

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
