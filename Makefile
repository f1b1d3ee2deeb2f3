# The two commands of the README: `make demo` builds the demo graph from seeds/ into
# output/, `make test` runs the test suite. Both install what they need into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/kg build seeds/ --out output/

test: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/kg eval ../shared/dev

bench: install
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) output/*.ttl output/*.trig output/*.nq output/*.nt output/*.html \
	  output/*.csv output/*.graphml output/*.gexf
