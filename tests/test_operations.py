"""Running the service: the readiness check, request ids, proxies and cookies, the instance
folder, and installation problems told in one line by the ``docservice`` command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from web_client import signed_in

from docservice import create_app
from docservice.models import db

DOCSERVICE = Path(sys.executable).parent / "docservice"


# --- the readiness check ----------------------------------------------------------------

def test_health_is_ready_and_tells_a_stranger_no_counts(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok" and r.json["checks"] == {"database": "ok", "storage": "ok"}
    assert not {"journals", "students", "users"} & set(r.json)


@pytest.mark.demo
@pytest.mark.parametrize("login, sees", [("it.admin", True), ("or.inspector", True), ("t.anat2", False)])
def test_health_counts_for_it_and_the_registrar_only(app, login, sees):
    body = signed_in(app, login).get("/api/v1/health").json
    assert ({"journals": 115, "students": 332}.items() <= body.items()) is sees


def test_health_says_the_schema_is_behind_its_migrations(app, client):
    with db.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'fbe4310509b0'"))
    r = client.get("/api/v1/health")
    assert r.status_code == 503 and r.json["status"] == "unavailable"
    assert r.json["checks"]["database"].startswith("schema at fbe4310509b0") and "db upgrade" in r.json["checks"]["database"]


def test_health_says_the_store_is_not_writable(app, client, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the store's folder should be")
    app.config["STORAGE_DIR"] = str(blocked)
    app.extensions.pop("docservice.storage", None)
    r = client.get("/api/v1/health")
    assert r.status_code == 503 and r.json["checks"]["storage"] == "not writable"


# --- request ids, proxies, cookies --------------------------------------------------------

def test_every_response_carries_a_request_id_and_keeps_a_proxys(client):
    made = client.get("/login").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/login").headers["X-Request-ID"]
    assert client.get("/login", headers={"X-Request-ID": "proxy-1234-abcd"}).headers["X-Request-ID"] == "proxy-1234-abcd"
    odd = client.get("/login", headers={"X-Request-ID": "<script>\u0000"}).headers["X-Request-ID"]
    assert odd.isalnum() and len(odd) == 32  # not a request id: a new one is made


def _seen_by_the_app(app, headers):
    @app.get("/_seen")
    def seen():
        from flask import request

        return {"remote": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client().get("/_seen", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}).json


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "journal.example.kz"}


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert _seen_by_the_app(app, FORWARDED) == {"remote": "10.0.0.5", "scheme": "http", "host": "localhost"}
    trusting = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                           "TRUSTED_PROXIES": 1})
    assert _seen_by_the_app(trusting, FORWARDED) == {"remote": "203.0.113.7", "scheme": "https",
                                                     "host": "journal.example.kz"}


@pytest.mark.parametrize("public_url, secure", [("https://journal.kaznmu.kz", True), ("http://127.0.0.1:5000", False)])
def test_session_cookies_are_secure_when_served_over_https(tmp_path, public_url, secure):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "PUBLIC_URL": public_url})
    assert app.config["SESSION_COOKIE_SECURE"] is secure and app.config["REMEMBER_COOKIE_SECURE"] is secure


# --- the instance folder and installation problems ----------------------------------------

def _docservice(tmp_path, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSERVICE_", "FLASK_")) and k != "DATABASE_URL"}
    return subprocess.run([str(DOCSERVICE), *args], cwd=tmp_path, env={**clean, "PYTHONWARNINGS": "ignore", **env},
                          capture_output=True, text=True, timeout=120)


def test_the_instance_folder_is_docservice_home_or_the_current_folders_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCSERVICE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Path(create_app({"SECRET_KEY": "t"}).instance_path) == tmp_path / "instance"
    monkeypatch.setenv("DOCSERVICE_HOME", str(tmp_path / "home"))
    app = create_app()
    assert Path(app.instance_path) == tmp_path / "home"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'home' / 'docservice.db'}"
    assert (tmp_path / "home" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("env, words", [
    ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/docservice"},
     ["Нет подключения к базе данных postgresql+psycopg://nobody@127.0.0.1:1/docservice", "проверьте DATABASE_URL"]),
    ({"DATABASE_URL": "mysqlx://h/db"}, ["Неверный DATABASE_URL: mysqlx://h/db", "Пример: postgresql://"]),
    ({"DOCSERVICE_HOME": "/proc/docservice"}, ["Нет доступа на запись в папку /proc/docservice", "DOCSERVICE_HOME"]),
    ({"DOCSERVICE_HOME": "/proc/docservice", "DOCSERVICE_LANG": "kk"}, ["/proc/docservice қалтасына жазу мүмкін емес"]),
])
def test_installation_problems_are_one_line_that_says_what_to_do(tmp_path, env, words):
    done = _docservice(tmp_path, "db", "upgrade", **env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert all(w in lines[0] for w in words), lines[0]


def test_serve_refuses_a_database_behind_its_migrations(tmp_path):
    done = _docservice(tmp_path, "serve", DOCSERVICE_HOME=str(tmp_path / "home"))
    assert done.returncode == 1 and "docservice db upgrade" in done.stderr and "Traceback" not in done.stderr
