"""The database part of a backup: a consistent snapshot with its counts, and restoring it.

SQLite goes through sqlite3's online backup API, a consistent copy while the service runs.
PostgreSQL goes through ``pg_dump``/``pg_restore`` (Debian's postgresql-client) on the very
snapshot the counts and the register were read in, so the manifest describes exactly the data
that was dumped, whatever the service writes meanwhile.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, make_url, text
from sqlalchemy.engine import Engine

from ..errors import DomainError, SetupError
from ..models import DocumentRendition, IssuedDocument, Journal, Mark, MarkHistory, User

BACKENDS = ("sqlite", "postgresql")
PARTS = {"sqlite": "database/docservice.sqlite3", "postgresql": "database/docservice.pgdump"}
# What the manifest counts, and the restore checks again.
COUNTED = {"journals": Journal, "marks": Mark, "mark_history": MarkHistory, "issued_documents": IssuedDocument}
CLIENT_PACKAGE = "postgresql-client"


@dataclass
class StoredDocument:
    number: str
    key: str
    sha256: str


@dataclass
class Facts:
    """What a database holds, as the manifest records it."""

    counts: dict[str, int]
    revision: str | None
    documents: list[StoredDocument] = field(default_factory=list)


@dataclass
class Reader:
    """Plain SQL on one database, whichever way it is reached (the live engine or a staged copy)."""

    dialect: str
    rows: Callable[[str], list]

    def tables(self) -> set[str]:
        sql = ("SELECT name FROM sqlite_master WHERE type = 'table'" if self.dialect == "sqlite" else
               "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        return {r[0] for r in self.rows(sql)}

    def count(self, table: str) -> int:
        return self.rows(f'SELECT count(*) FROM "{table}"')[0][0] if table in self.tables() else 0

    def revision(self) -> str | None:
        if "alembic_version" not in self.tables():
            return None
        return ",".join(sorted(r[0] for r in self.rows("SELECT version_num FROM alembic_version"))) or None

    def facts(self, with_documents: bool = False) -> Facts:
        counts = {name: self.count(model.__table__.name) for name, model in COUNTED.items()}
        documents = []
        if with_documents:
            # Every file of the register: each entry's original and its renditions (a claim still
            # rendering has no file yet).
            documents = [StoredDocument(*r) for r in self.rows(
                f'SELECT d.number, r.storage_key, r.sha256 FROM "{DocumentRendition.__table__.name}" r '
                f'JOIN "{IssuedDocument.__table__.name}" d ON d.id = r.document_id '
                'WHERE r.sha256 IS NOT NULL ORDER BY r.id')]
        return Facts(counts, self.revision(), documents)

    def occupied(self) -> dict[str, int]:
        """Journals, users and issued documents: any of them makes the store not empty."""
        return {name: self.count(model.__table__.name)
                for name, model in (("journals", Journal), ("users", User), ("documents", IssuedDocument))}


def backend_of(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in BACKENDS or (name == "sqlite" and not _sqlite_file(engine)):
        raise SetupError("backup_database_unsupported", backend=str(engine.url.render_as_string(hide_password=True)))
    return name


def live_reader(conn) -> Reader:
    return Reader(conn.dialect.name, lambda sql: conn.exec_driver_sql(sql).fetchall())


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database
    return None if not database or database == ":memory:" or database.startswith("file:") else database


def _sqlite_reader(con: sqlite3.Connection) -> Reader:
    return Reader("sqlite", lambda sql: con.execute(sql).fetchall())


# --- taking a snapshot ---------------------------------------------------------------------

def snapshot(engine: Engine, workdir: Path) -> tuple[Path, Facts]:
    """Copy the database into ``workdir``; return the copy and what it holds (with the register)."""
    if backend_of(engine) == "sqlite":
        return _sqlite_snapshot(Path(_sqlite_file(engine)), workdir / "docservice.sqlite3")
    return _postgres_snapshot(engine, workdir / "docservice.pgdump")


def _sqlite_snapshot(source: Path, copy: Path) -> tuple[Path, Facts]:
    if not source.exists():  # sqlite3.connect would quietly create an empty one
        raise SetupError("backup_store_not_migrated")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
        # The live file is in WAL mode; the copy becomes one self-contained file that opens anywhere.
        dst.execute("PRAGMA journal_mode=DELETE")
        facts = _checked_facts(_sqlite_reader(dst))
    return copy, facts


def _postgres_snapshot(engine: Engine, dump: Path) -> tuple[Path, Facts]:
    pg_dump = client_tool("pg_dump")  # before any work: a missing client is said at once
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the snapshot this transaction exported: the counts and the register
            # read here describe exactly the rows it dumps.
            snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _checked_facts(live_reader(conn))
            uri, env = libpq_target(engine.url)
            run_tool(pg_dump, ["--format=custom", f"--snapshot={snapshot_id}", f"--file={dump}",
                               f"--dbname={uri}"], env)
    return dump, facts


def _checked_facts(reader: Reader) -> Facts:
    if Journal.__table__.name not in reader.tables():
        raise SetupError("backup_store_not_migrated")
    return reader.facts(with_documents=True)


# --- checking an archive's database part -----------------------------------------------------

def check_part(backend: str, part: str, path: Path, manifest: dict) -> None:
    """The database part opens and agrees with the manifest, without touching the store."""
    if backend == "sqlite":
        _check_sqlite_part(part, path, manifest)
    else:
        run_tool(client_tool("pg_restore"), ["--list", str(path)], dict(os.environ),
                 failure=lambda detail: DomainError("backup_database_bad", part=part, detail=detail))


def _check_sqlite_part(part: str, path: Path, manifest: dict) -> None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise DomainError("backup_database_bad", part=part, detail=result)
            facts = _sqlite_reader(con).facts()
    except sqlite3.DatabaseError as exc:
        raise DomainError("backup_database_bad", part=part, detail=str(exc)) from None
    for name, expected in manifest["counts"].items():
        if facts.counts.get(name) != expected:
            raise DomainError("backup_manifest_mismatch", counted=name, expected=expected, found=facts.counts.get(name))
    if facts.revision != manifest.get("revision"):
        raise DomainError("backup_manifest_mismatch", counted="revision", expected=manifest.get("revision"),
                          found=facts.revision)


# --- restoring -------------------------------------------------------------------------------

def restore(engine: Engine, path: Path) -> None:
    """Replace the configured database with the archive's copy. The caller has closed every
    connection of ours first: PostgreSQL would wait on their locks, SQLite on their transactions."""
    if backend_of(engine) == "sqlite":
        target = Path(_sqlite_file(engine))
        target.parent.mkdir(parents=True, exist_ok=True)
        # The online backup API writes page by page under SQLite's locks, so a service process
        # still holding the file open sees either the old database or the new one.
        with closing(sqlite3.connect(path)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        return
    pg_restore = client_tool("pg_restore")
    uri, env = libpq_target(engine.url)
    # A service still connected would make the restore wait for ever: give up after a minute.
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c lock_timeout=60000").strip()
    run_tool(pg_restore, ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                          f"--dbname={uri}", str(path)], env)


# --- PostgreSQL's client programs -------------------------------------------------------------

def client_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, or a one-line message naming the Debian package."""
    found = shutil.which(name)
    if not found:
        raise SetupError("backup_tool_missing", tool=name, package=CLIENT_PACKAGE)
    return found


def libpq_target(url) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for SQLAlchemy's ``postgresql+psycopg://…`` URL, and the environment
    to run a client in: the password goes in ``PGPASSWORD``, never on a command line that every
    user of the machine can read in the process list."""
    url = make_url(url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # Built anew: URL.set(password=None) would keep the password.
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query)
    return bare.render_as_string(hide_password=False), env


def run_tool(program: str, args: list[str], env: dict[str, str], failure=None) -> None:
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = _first_error(done.stderr) or f"exit status {done.returncode}"
        tool = Path(program).name
        raise (failure(detail) if failure else DomainError("backup_tool_failed", tool=tool, detail=detail))


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
