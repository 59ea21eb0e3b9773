"""The SQLAlchemy handle and the engine settings every model shares."""
from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, and WAL so readers do not block the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        # A write waits this long for the write lock. SQLite's busy handler polls (every 100 ms
        # at last) instead of queueing, so under many concurrent writers one can lose the race
        # again and again: with 2 × 16 request threads writing marks, writes waited up to
        # 10 s and the former 5 s answered "database is locked" (tests/test_register_load.py).
        # 30 s is well under gunicorn's 120 s request timeout.
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_writes(conn, _name):
    """SQLite: a savepoint opened outside a transaction starts it with the write lock taken.

    Python's sqlite3 module begins a transaction only before INSERT/UPDATE/DELETE, so reads
    run in autocommit and a write transaction's first statement is a write, which waits for
    the lock (``busy_timeout``). A ``SAVEPOINT`` outside a transaction instead begins a
    *deferred* one: the reads that follow it (an expired object reloaded, a lookup) take a
    read snapshot, and the first write then has to upgrade it — which SQLite refuses at once
    with "database is locked" (SQLITE_BUSY, the busy handler is not called) whenever another
    connection wrote meanwhile. The register takes its numbers and claims on savepoints; under
    load (tests/test_register_load.py) they failed so. ``BEGIN IMMEDIATE`` takes the write lock
    first, waiting for it like any write; the transactions are the same short ones."""
    if conn.dialect.name == "sqlite":
        dbapi_connection = conn.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")
