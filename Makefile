# Two entry points for a fresh machine: `make site` and `make test`.
# Everything runs in a local virtual environment that the Makefile creates.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve validate test test-slow lint schema clean bench profile judges

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## site: validate accounts/ and build the site into site/
site: $(STAMP)
	$(BIN)/kamgen build

## serve: live preview on http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/kamgen serve

## validate: check every account file
validate: $(STAMP)
	$(BIN)/kamgen validate

## judges: install the external judges the tests run (axe-core, vnu-jar) from tools/judges/package-lock.json
JUDGES := tools/judges/node_modules/.installed
$(JUDGES): tools/judges/package.json tools/judges/package-lock.json
	cd tools/judges && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(JUDGES)
judges: $(JUDGES)

## test: lint, type-check and run the test suite, except the slow scale tests
test: $(STAMP) $(JUDGES) lint
	$(BIN)/python -m pytest -m "not slow"

## test-slow: only the slow scale tests (CI runs them after `make test`)
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

## bench: whole-process benchmark table at portfolio sizes N (default "100 1000"); `make bench N=10` is the smoke run
N ?= 100 1000
bench: $(STAMP)
	$(BIN)/python -m bench.benchmark $(N)

## profile: py-spy profiles of validate and build at one size N (default 100) into bench/profiles/
profile: $(STAMP)
	$(BIN)/python -c "import shutil, sys; sys.exit(shutil.which('py-spy', path='$(BIN)') is None)" \
	  || $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.profiling $(firstword $(N))

lint: $(STAMP)
	$(BIN)/ruff check kamgen tests bench
	$(BIN)/ruff format --check kamgen tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## schema: regenerate the JSON Schemas that editors use
schema: $(STAMP)
	$(BIN)/kamgen schema -o schema/account.schema.json
	$(BIN)/kamgen schema --settings -o schema/settings.schema.json

clean:
	rm -rf site .kamgen
