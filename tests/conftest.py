"""Fixtures: an app on a fresh database of each backend, a client, a CLI runner, a clock.

Every test that takes ``app`` runs twice: on SQLite (a file in a temporary folder) and
on PostgreSQL (a database of this test process's own on the server of
``DOCSERVICE_TEST_PG_URL``, by default the local one). Without a reachable PostgreSQL those
runs are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import shutil
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text

from docservice import create_app
from docservice.clock import FrozenClock
from docservice.models import db

# Fixtures that start real servers (a Redis of a test's own).
pytest_plugins = ["services"]

# The suite signs in thousands of times: a cheap password hash for every app it makes, here and in
# the servers it starts (scrypt, the default, costs ≈ 0.1 s a hash; config.PASSWORD_HASH_METHOD).
os.environ.setdefault("DOCSERVICE_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

# Property tests check results, not time: Hypothesis's per-example deadline (200 ms) fails them
# on a loaded machine (CI shares 2 cores with parallel workers). Speed is measured by benchmarks/.
settings.register_profile("docservice", deadline=None)
settings.load_profile("docservice")


def _memoize_url_builders() -> None:
    """The suite makes an app for every test (thousands), and Werkzeug compiles each URL rule's
    builder from source anew for each app — half of ``create_app``'s ≈ 0.1 s. The code depends
    only on the rule's text, its parts and defaults, so the suite compiles it once per rule and
    binds it to every rule alike (a server makes its app once; nothing to gain there)."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another Werkzeug: the suite is slower, not wrong
        return
    made: dict = {}

    def memoized(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               tuple((name, type(conv).__qualname__, conv.regex) for name, conv in self._converters.items()),
               append_unknown)
        if key not in made:
            made[key] = compile_builder(self, append_unknown)
        return made[key]

    Rule._compile_builder = memoized


_memoize_url_builders()

# The sample faculty shipped with the project (a copy of ../shared/sample-dataset.json).
SAMPLE = Path(__file__).resolve().parents[1] / "docservice" / "samples" / "sample-dataset.json"
PG_URL = os.environ.get("DOCSERVICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Inside the sample's period, before any of its closing deadlines (final controls 10–13 Nov).
START = datetime(2026, 11, 5, 10, 0)


def _pg_problem() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: not available here
        return f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__}); set DOCSERVICE_TEST_PG_URL"


@contextmanager
def pg_database(tag: str = "", template: str | None = None):
    """A PostgreSQL database of its own (``<test>[_<tag>]_<worker>_<pid>``) on
    ``DOCSERVICE_TEST_PG_URL``'s server, empty or a copy of the database ``template``, dropped
    when the block ends; its URL. Skips the test with the reason when the server is not
    reachable."""
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    base = make_url(PG_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = "_".join(part for part in (base.database, tag, worker, str(os.getpid())) if part)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_ready():
    """A PostgreSQL database of this test process's own (``<test>_<worker>_<pid>``), made from
    ``DOCSERVICE_TEST_PG_URL``'s server, migrated once and dropped at the end: parallel
    workers and parallel sessions never share a schema."""
    with pg_database() as url:
        _migrate(url)
        yield url


@pytest.fixture(scope="session")
def pg_templates():
    """Migrated PostgreSQL databases with the demo faculty or the sample loaded, each made
    once per test process on first use: a test gets a copy of one (≈ 40 ms) instead of
    loading it again (demo ≈ 3 s, sample ≈ 1 s). Their names by preset."""
    with ExitStack() as stack:
        def made(preset: str) -> str:
            if preset not in made.names:
                url = stack.enter_context(pg_database(preset))
                _migrate(url)
                _fill(url, preset)
                made.names[preset] = make_url(url).database
            return made.names[preset]

        made.names = {}
        yield made


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory, sqlite_template):
    """The SQLite files of the presets, each made once per test process on first use."""
    def made(preset: str) -> Path:
        path = tmp_path_factory.getbasetemp() / f"{preset}.db"
        if not path.exists():
            shutil.copy(sqlite_template, path.with_suffix(".part"))
            _fill(f"sqlite:///{path.with_suffix('.part')}", preset)
            path.with_suffix(".part").rename(path)
        return path

    return made


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An empty migrated SQLite database, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    _migrate(f"sqlite:///{path}")
    return path


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def pytest_generate_tests(metafunc):
    """Store tests run on both backends; rendering tests (marked ``rendering``: the layout of
    documents, which no database changes) and those marked ``one_database`` (refused or decided
    before any query: CSRF, redirects, workbook bounds, the password policy; or what pages show
    over store functions that their own tests run on both) run on SQLite only."""
    if "backend" in metafunc.fixturenames and not _chooses_its_backends(metafunc):
        both = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
        only_sqlite = any(metafunc.definition.get_closest_marker(m) for m in ("rendering", "one_database"))
        metafunc.parametrize("backend", ["sqlite"] if only_sqlite else both, indirect=True)


def _chooses_its_backends(metafunc) -> bool:
    """A test may list its own (backend, …) cases: what is costly and the same on both
    databases then runs once on PostgreSQL, not for every case."""
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        if "backend" in ([n.strip() for n in names.split(",")] if isinstance(names, str) else names):
            return True
    return False


@pytest.fixture
def backend(request):
    return request.param


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture(scope="session")
def demo_sqlite_template(sqlite_templates):
    """A migrated SQLite database with the demo faculty loaded (loading it takes seconds)."""
    return sqlite_templates("demo")


def _fill(url: str, preset: str) -> None:
    """Load a preset into the store at ``url``, as a test at START would have."""
    from docservice.demo import load_demo
    from docservice.demo_calendar import REFERENCE_DAY
    from docservice.importer import import_dataset

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "CLOCK": FrozenClock(START)})
    with app.app_context():
        # The demo laid out on its reference day (the e2e stories' DEMO_NOW), loaded at START.
        load_demo(REFERENCE_DAY) if preset == "demo" else import_dataset(
            None, json.loads(SAMPLE.read_text(encoding="utf-8")))
        # Close every connection: SQLite then folds its WAL into the file we copy from, and
        # PostgreSQL copies a database only when no one is connected to it.
        db.session.remove()
        db.engine.dispose()


def _preset(request) -> str | None:
    """What a test's store starts with: the demo faculty (tests marked ``demo``), the sample
    (tests that use conftest's ``sample`` fixture; a module may have a ``sample`` of its own),
    or nothing."""
    if request.node.get_closest_marker("demo") is not None:
        return "demo"
    if "sample" in request.fixturenames and not hasattr(request.module, "sample"):
        return "sample"
    return None


@pytest.fixture
def app(request, backend, tmp_path, clock, sqlite_template):
    """The app on a fresh store: a copy of the empty migrated one or of a preset's."""
    preset = _preset(request)
    with ExitStack() as stack:
        if backend == "sqlite":
            template = request.getfixturevalue("sqlite_templates")(preset) if preset else sqlite_template
            shutil.copy(template, tmp_path / "test.db")
            url = f"sqlite:///{tmp_path / 'test.db'}"
        elif preset:
            url = stack.enter_context(pg_database("copy", template=request.getfixturevalue("pg_templates")(preset)))
        else:
            url = request.getfixturevalue("pg_ready")
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "CLOCK": clock,
                          "STORAGE_DIR": str(tmp_path / "documents"), "JOBS_DIR": str(tmp_path / "jobs")})
        with app.app_context():
            if backend == "postgresql" and not preset:
                _truncate_all()
            yield app
            db.session.remove()
            db.engine.dispose()


def _truncate_all() -> None:
    """Empty every table but Alembic's: a fresh store without migrating again."""
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def sample_data():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def sample(app, sample_data):
    """The store with docservice/samples/sample-dataset.json (the SPEC's sample) imported: the
    ``app`` fixture starts such a test from a copy of a store it was imported into once."""
    return sample_data
