# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format install install-dev db demo bench clean translations

# Interface translations: the .po files are kept in git, their compiled .mo are not; every
# target that runs the app goes through `install`, which compiles a catalog newer than its .mo.
TRANSLATIONS := app/translations
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install: $(BIN)/activate $(CATALOGS:.po=.mo)

%.mo: %.po | $(BIN)/activate
	$(BIN)/pybabel -q compile --statistics -i $< -o $@

# After wrapping texts in _(): collect them into messages.pot and add the new ones to every
# catalog (untranslated until a translator fills them in). A new language: see README.
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		--add-comments=Translators: --add-location=file --sort-output \
		--project="Interreg partnership" --msgid-bugs-address="" \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

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
