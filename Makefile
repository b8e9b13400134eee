# The two commands: `make run` (the app with its demo tour) and `make test` (the whole suite).
# Both set up everything they need: the virtual environment, ffmpeg, front-end assets and,
# for tests, Chromium.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test api-fuzz setup system-deps browser-deps assets translations messages lint bench clean

run: setup
	$(BIN)/tourbuilder db upgrade
	$(BIN)/tourbuilder demo --if-empty
	$(BIN)/tourbuilder serve --host $(HOST) --port $(PORT)

test: setup browser-deps lint
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# A bounded schemathesis pass: the API's document and its server agree (CI runs it).
api-fuzz: setup
	$(BIN)/python scripts/api_fuzz.py

setup: system-deps $(VENV)/.installed assets translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# apt-get only for what is missing (fonts-noto-core: the demo's pictures, tourbuilder/fonts.py).
system-deps:
	@scripts/system-deps.sh ffmpeg=ffmpeg ffprobe=ffmpeg npm=npm \
		/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf=fonts-noto-core

browser-deps:
	@scripts/system-deps.sh /usr/bin/chromium=chromium,fonts-noto-core

assets: static/vendor/.stamp

static/vendor/.stamp: package.json package-lock.json scripts/vendor_assets.py
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py
	touch $@

# Interface translations: compiled .mo files are build products (git ignores them).
CATALOGS := $(wildcard tourbuilder/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGS:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing user-facing strings: refresh the template and every catalogue.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs '.* node_modules' \
		--width 100 --project tourbuilder -o tourbuilder/translations/messages.pot .
	$(BIN)/pybabel update -i tourbuilder/translations/messages.pot -d tourbuilder/translations \
		--width 100 --no-fuzzy-matching

lint: $(VENV)/.installed
	$(BIN)/ruff check tourbuilder tests bench scripts
	$(BIN)/ruff format --check tourbuilder tests bench scripts

bench: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) node_modules static/vendor
