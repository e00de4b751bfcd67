# Two commands: `make dev` starts everything on embedded defaults, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: dev test test-unit test-faults test-any-date install lint lock catalogue bench bench-month-end clean-dev

$(STAMP): requirements.txt requirements-dev.txt requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(BIN)/python -m devstack

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m shared.events.catalogue --check
	$(BIN)/pytest -m "not faults"

# Domain and service-layer tests only: no database, no broker, seconds.
test-unit: $(STAMP)
	$(BIN)/pytest -m "not integration" -q

# Processes of a running dev stack killed under load: nothing lost, nothing doubled (tests/faults/);
# .ci/run runs it after `make test`.
test-faults: $(STAMP)
	$(BIN)/pytest tests/faults -m faults -s

# The whole suite again with the clock at three awkward instants (see deploy/devstack/any_date.py).
test-any-date: $(STAMP)
	$(BIN)/python -m devstack.any_date -m "not faults" $(PYTEST_ARGS)

# The transitive pins, resolved afresh from requirements*.txt in a scratch environment.
lock:
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --upgrade pip
	$(VENV)-lock/bin/python -m pip install --quiet -r requirements-dev.txt
	{ sed -n '1,2p' requirements.lock; $(VENV)-lock/bin/python -m pip freeze; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf $(VENV)-lock

lint: $(STAMP)
	$(BIN)/ruff check .

catalogue: $(STAMP)
	$(BIN)/python -m shared.events.catalogue

# Figures, not tests: see bench/README.md. Pass options with BENCH_ARGS="--calls 10000".
bench: $(STAMP)
	$(BIN)/python bench/intake_and_scoring.py $(BENCH_ARGS)

# The month end at 1,000 and 10,000 employees: period close, pay run, outbox replay (bench/README.md).
bench-month-end: $(STAMP)
	$(BIN)/python bench/month_end.py $(BENCH_ARGS)

# Deletes the development database (kept between `make dev` runs in .dev/).
clean-dev:
	rm -rf .dev
