# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test deps system-deps db demo bench bench-archive clean catalogs

run: deps db demo  ## venv, install, database, demo data, serve on http://127.0.0.1:5000
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Parallel workers (pytest-xdist), one per core by default; each has its own SQLite files and
# its own PostgreSQL database. What is expensive to make (the installed wheel, the reference
# archive print) is made once per run and shared through a file lock (tests/services.py).
TEST_WORKERS ?= auto
test: deps  ## the whole test suite (SQLite, and PostgreSQL when it is reachable), in parallel workers
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(TEST_ARGS)

deps: system-deps $(VENV)/.installed catalogs

# The interface's translations: each .po compiled to its .mo when it changed.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard docservice/translations/*/*/LC_MESSAGES/messages.po))
catalogs: $(CATALOGS)
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

system-deps:
	@scripts/system-deps.sh

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements-test.txt
	# Installed as a package so the `docservice` entry points (document types) are registered.
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

db: deps  ## create or migrate the database (instance/docservice.db unless DATABASE_URL is set)
	$(BIN)/flask db upgrade

demo: db  ## load the demo faculty on first start
	$(BIN)/flask demo load --if-empty

bench: deps  ## time the document renders (naive baseline beside ours) and app start; writes benchmarks/results.md
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-archive: deps  ## time a period's archive printing (1,000 vedomosts; 1 and 2 workers) and its peak memory; writes benchmarks/archive_results.md
	$(BIN)/python -m benchmarks.archive $(BENCH_ARGS)

# A mark write (issue 12): in-process CPU and SQL statements, and through the production server
# with 20 teachers at once; each beside the code before the write did only its own work.
.PHONY: bench-write bench-web
bench-write: deps  ## a mark write's CPU and SQL statements in-process, 30 and 300 students; writes benchmarks/mark_write_results.md
	$(BIN)/python -m benchmarks.mark_write $(BENCH_ARGS)

bench-web: deps  ## mark writes through `docservice serve`, 20 teachers for 20 s, SQLite and PostgreSQL; writes benchmarks/web_results.md
	$(BIN)/python -m benchmarks.web $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis

# Known vulnerabilities of the pinned requirements.txt (pip-audit, pinned in requirements-test.txt).
# Exit 2 and "NOT CHECKED" when the vulnerability database cannot be reached; AUDIT_ARGS go to
# pip-audit (e.g. AUDIT_ARGS="-s osv", or "--no-deps --disable-pip" for the pins alone).
.PHONY: audit
audit: $(VENV)/.installed  ## known vulnerabilities of requirements.txt; says NOT CHECKED (exit 2) when it could not look
	$(BIN)/python scripts/audit.py -r requirements.txt $(AUDIT_ARGS)
