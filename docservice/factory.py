"""The application factory."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import Flask

from .clock import FrozenClock, SystemClock
from .models import db


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask("docservice", instance_relative_config=True,
                instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.from_object("docservice.config")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "docservice.db")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DOCSERVICE")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(os.environ["DATABASE_URL"])
    if os.environ.get("CELERY_BROKER_URL"):  # the name Celery's own tools use
        app.config["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"]
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    db.init_app(app)
    _init_migrations(app)
    app.extensions["docservice.clock"] = app.config.get("CLOCK") or _clock(app.config)

    from . import api, auth, plugins
    from .cli import register_cli
    from .status import bp as status_bp

    plugins.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    from . import web

    web.init_app(app)
    register_cli(app)
    app.register_blueprint(status_bp)
    return app


def _sqlalchemy_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in ``instance/secret_key`` (made on first start)."""
    import secrets

    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _init_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    migrate = Migrate(directory=str(Path(__file__).resolve().parent / "migrations"),
                      render_as_batch=True, compare_type=True)
    migrate.init_app(app, db)


def _clock(config):
    if config.get("FROZEN_AT"):
        return FrozenClock(datetime.fromisoformat(str(config["FROZEN_AT"])))
    return SystemClock(config["TIMEZONE"])
