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
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from docservice import create_app
from docservice.clock import FrozenClock
from docservice.models import db

# Fixtures that start real servers (a Redis of a test's own).
pytest_plugins = ["services"]

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
def pg_database(tag: str = ""):
    """A PostgreSQL database of its own (``<test>[_<tag>]_<worker>_<pid>``) on
    ``DOCSERVICE_TEST_PG_URL``'s server, empty, dropped when the block ends; its URL. Skips the
    test with the reason when the server is not reachable."""
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    base = make_url(PG_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = "_".join(part for part in (base.database, tag, worker, str(os.getpid())) if part)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
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
    documents, which no database changes) run on SQLite only."""
    if "backend" in metafunc.fixturenames:
        both = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
        only_sqlite = metafunc.definition.get_closest_marker("rendering") is not None
        metafunc.parametrize("backend", ["sqlite"] if only_sqlite else both, indirect=True)


@pytest.fixture
def backend(request):
    return request.param


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory, sqlite_template):
    """A migrated SQLite database with the demo faculty loaded (loading it takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "t",
                      "CLOCK": FrozenClock(START)})
    with app.app_context():
        from docservice.demo import load_demo

        load_demo()
        # Close every connection: SQLite then folds its WAL into the file we copy from.
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def app(request, backend, tmp_path, clock, sqlite_template):
    """The app on a fresh store; tests marked ``demo`` get the demo faculty loaded."""
    with_demo = request.node.get_closest_marker("demo") is not None
    if backend == "sqlite":
        template = request.getfixturevalue("demo_sqlite_template") if with_demo else sqlite_template
        shutil.copy(template, tmp_path / "test.db")
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_ready")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                      "CLOCK": clock, "STORAGE_DIR": str(tmp_path / "documents"), "JOBS_DIR": str(tmp_path / "jobs")})
    with app.app_context():
        if backend == "postgresql":
            _truncate_all()
            if with_demo:
                from docservice.demo import load_demo

                load_demo()
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
    """The store with docservice/samples/sample-dataset.json (the SPEC's sample) imported."""
    from docservice.importer import import_dataset

    import_dataset(None, sample_data)
    return sample_data
