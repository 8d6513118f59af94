# Momento: `make run` runs the app, `make test` runs the whole suite. Both start from nothing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: install install-test system-deps install-system-deps run test lint format lock clean \
	bench bench-explain bench-deps install-bench-deps

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements.lock
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed requirements-dev.lock
	$(UV) pip install --quiet --python $(PY) --require-hashes -r requirements-dev.lock
	touch $@

# The browser and HTML checks need Debian's chromium (Playwright cannot download its own browser
# here) and Java (the Nu HTML checker); axe-core and the checker come from npm, pinned by hash.
# The scale-out tests start a Redis server of their own (tests/scale_out/).
system-deps:
	@command -v chromium >/dev/null && command -v java >/dev/null && command -v redis-server >/dev/null && command -v wrk >/dev/null || $(MAKE) --no-print-directory install-system-deps

install-system-deps:
	@echo "Installing Debian's chromium, a Java runtime, redis-server and wrk for the tests"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium default-jre-headless redis-server wrk >/dev/null

# The page benchmark's load tool is Debian's wrk.
bench-deps:
	@command -v wrk >/dev/null || $(MAKE) --no-print-directory install-bench-deps

install-bench-deps:
	@echo "Installing Debian's wrk for the page benchmark"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null

node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(PY) -m momento.dev

test: install-test system-deps node_modules/.installed
	$(PY) -m pytest -n auto --dist loadgroup

# The page benchmark (bench/run.py; docs/benchmarks.md): make bench SCALES="1 10" BENCH_ARGS="--duration 10".
SCALES ?= 1 10
BENCH_ARGS ?=

bench: install bench-deps
	BENCH_COMMAND='make bench SCALES="$(SCALES)" BENCH_ARGS="$(BENCH_ARGS)"' $(PY) -m bench.run --scales $(SCALES) $(BENCH_ARGS)

# The plans of the main queries of the event page, the host dashboard and the profile lookup,
# on the worlds `make bench` left in .bench/ (generated first when missing).
bench-explain: install
	BENCH_COMMAND='make bench-explain SCALES="$(SCALES)"' $(PY) -m bench.run --scales $(SCALES) --explain-only --reuse $(BENCH_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate both lock files from pyproject.toml (needs the registry).
lock: install
	$(UV) pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes -o requirements.lock
	$(UV) pip compile pyproject.toml --quiet --group dev --python-version 3.11 --generate-hashes -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache test-results .bench
