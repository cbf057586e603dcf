# Two commands: `make build` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test lint check serve system system-test clean

# The sample's hotline numbers are placeholders: its zine is a proof copy, never for the print shop.
build: system $(BIN)/.installed
	$(BIN)/ballata build --allow-placeholders

test: system-test $(BIN)/.installed-test node_modules/.installed lint
	$(BIN)/pytest

# The policy in pyproject.toml ([tool.ruff], [tool.mypy]), enforced on every test run.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check scripts tests
	$(BIN)/mypy

check: $(BIN)/.installed
	$(BIN)/ballata check

serve: $(BIN)/.installed
	$(BIN)/ballata serve

system:
	@bash scripts/setup-system.sh

system-test:
	@bash scripts/setup-system.sh --test

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Browser-side tools (axe-core, Lighthouse, the Nu Html Checker), exactly as package-lock.json pins
# them. No install scripts: vnu-jar's would download a Java runtime; Debian's comes from setup-system.sh.
node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site build $(VENV) node_modules
