"""Readiness for monitoring and load balancers: ``GET /api/v1/health``.

200 when the database answers, its schema is at the migrations' head and the store of issued
files is writable; 503 naming what is not. Counts of journals, students and users are shown
only to the IT department and the registrar's office: an anonymous caller learns nothing
about the people in the store.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, jsonify
from sqlalchemy import func, select, text

from .auth import actor
from .models import Journal, Student, User, db

bp = Blueprint("status", __name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SEES_COUNTS = ("it", "registrar", "registrar_head")


@lru_cache(maxsize=1)
def migrations_head() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_revision() -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.scalar(text("select version_num from alembic_version"))


def _database() -> str:
    try:
        db.session.execute(text("select 1"))
    except Exception as exc:  # any failure to answer is the finding itself
        db.session.rollback()
        return f"unavailable: {type(exc).__name__}"
    revision, head = schema_revision(), migrations_head()
    return "ok" if revision == head else f"schema at {revision}, migrations at {head}: run docservice db upgrade"


def _storage() -> str:
    from .documents.storage import storage

    try:
        store = storage()
        writable = getattr(store, "writable", None)
        if writable is not None:
            return "ok" if writable() else "not writable"
        return "ok"  # a backend that cannot tell is trusted: its first put says otherwise
    except Exception as exc:  # a misconfigured backend is the finding itself
        return f"unavailable: {type(exc).__name__}"


@lru_cache(maxsize=1)
def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("docservice")
    except PackageNotFoundError:
        return None


def _counts() -> dict:
    return {name: db.session.scalar(select(func.count(model.id)))
            for name, model in (("journals", Journal), ("students", Student), ("users", User))}


@bp.get("/api/v1/health")
def health():
    checks = {"database": _database(), "storage": _storage()}
    ready = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks,
            "version": _version()}
    user = actor()
    if ready and user is not None and user.has_role(*SEES_COUNTS):
        body.update(_counts())
    return jsonify(body), 200 if ready else 503
