# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEMO_SESSION ?= getting-started-together

.PHONY: demo test lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(TEST_STAMP)

install: $(STAMP)

# Runs a real built-in session on your default records folder (or COPROD_HOME).
# In a terminal you are guided; without one, scripted answers from demo/ are piped in.
# The demo keeps its made-up people in its own folder, never in your real records.
DEMO_HOME ?= $(CURDIR)/.demo-home
DEMO_PEOPLE = --lead "Sam (demo):staff" --co-facilitator "Ceri (demo):person-using-services" \
	--attendee "Dŵr (demo):person-using-services" --attendee "Łucja (demo):volunteer" \
	--attendee "Siobhán (demo):carer"

demo: $(STAMP)
	@echo "This is a demo. Its made-up people and answers go to $(DEMO_HOME), not your records."
	@if [ -t 0 ]; then \
		echo "Answer y to the consent questions, then press Enter for each step; ? shows the keys,"; \
		echo "v the agenda, t adds a note, q saves and stops. Delete $(DEMO_HOME) when done."; \
		COPROD_HOME="$(DEMO_HOME)" $(BIN)/coprod session run $(DEMO_SESSION) --new \
			$(DEMO_PEOPLE) --feedback now; \
	else \
		COPROD_HOME="$(DEMO_HOME)" $(BIN)/coprod --plain session run $(DEMO_SESSION) --new \
			$(DEMO_PEOPLE) --feedback now < demo/answers.txt; \
	fi

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check coprod_cli tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
