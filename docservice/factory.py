"""The application factory."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from .clock import FrozenClock, SystemClock
from .errors import SetupError
from .models import db


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask("docservice", instance_relative_config=True, instance_path=str(instance_folder()))
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
    _make_home(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    _https_cookies(app.config)

    try:
        db.init_app(app)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise SetupError("setup_database_url", url=safe_url(app.config["SQLALCHEMY_DATABASE_URI"]),
                         detail=str(exc).splitlines()[0]) from None
    _init_migrations(app)
    app.extensions["docservice.clock"] = app.config.get("CLOCK") or _clock(app.config)

    from . import api, auth, plugins, request_ids, safe_input
    from .cli import register_cli
    from .status import bp as status_bp

    _behind_proxies(app)
    request_ids.init_app(app)
    safe_input.init_app(app)  # body size, JSON, text of the URL and forms: before anything reads them
    plugins.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    from . import web

    web.init_app(app)
    register_cli(app)
    app.register_blueprint(status_bp)
    return app


def instance_folder() -> Path:
    """The instance folder (secret key, default database, documents, jobs): ``DOCSERVICE_HOME``
    when set, otherwise ``./instance`` of the current directory — never inside the package."""
    home = os.environ.get("DOCSERVICE_HOME")
    return Path(home).expanduser().resolve() if home else Path.cwd() / "instance"


def _behind_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, their X-Forwarded-For/-Proto/-Host/-Prefix
    tell the client's address and the public scheme and host; with none (the default) those
    headers are ignored, since anybody can send them."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)


def _https_cookies(config) -> None:
    """Cookies travel only over https when the service is served over https (``PUBLIC_URL``),
    unless ``SESSION_COOKIE_SECURE`` says otherwise."""
    https = str(config.get("PUBLIC_URL", "")).startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(key) is None:
            config[key] = https


def safe_url(url: str) -> str:
    """A database URL to show in a message: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlalchemy_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _make_home(path: str) -> None:
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SetupError("setup_home_unwritable", path=path, detail=exc.strerror or str(exc)) from None


def _instance_secret(instance_path: str) -> str:
    """A per-installation secret kept in ``instance/secret_key`` (made on first start)."""
    import secrets

    path = Path(instance_path) / "secret_key"
    try:
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError as exc:
        raise SetupError("setup_home_unwritable", path=str(path.parent), detail=exc.strerror or str(exc)) from None


def _init_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    migrate = Migrate(directory=str(Path(__file__).resolve().parent / "migrations"),
                      render_as_batch=True, compare_type=True)
    migrate.init_app(app, db)


def _clock(config):
    if config.get("FROZEN_AT"):
        return FrozenClock(datetime.fromisoformat(str(config["FROZEN_AT"])))
    return SystemClock(config["TIMEZONE"])
