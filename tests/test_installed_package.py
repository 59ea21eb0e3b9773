"""docservice as a university's IT department runs it: the wheel built from this checkout,
installed by pip into a fresh virtualenv outside the source tree, driven by the installed
``docservice`` command from an empty folder — migrate, load the demo, render every document
type, serve under gunicorn, and print an archive job on a Celery worker of the same install.

Nothing here imports from the checkout: every step is a process of the installed venv, run
with the checkout out of reach (cwd an empty folder, no PYTHONPATH).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from docs_reading import docx_text, pdf_text
from services import celery_worker, free_port, made_once, wait_for

ROOT = Path(__file__).resolve().parents[1]
DEMO_CLOCK = "2026-11-05T10:00:00"     # the tests' clock: inside the demo's period
ARCHIVE_CLOCK = "2026-12-02T10:00:00"  # most demo journals are past their deadline by then

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> dict:
    """The wheel (built through the sdist, as ``python -m build`` does) in a new virtualenv:
    made once per run, by whichever worker asks first."""
    folder = made_once(tmp_path_factory, "installed-package", _build_and_install)
    return {"wheel": next((folder / "dist").glob("docservice-*.whl")), "venv": folder / "venv"}


def _build_and_install(folder: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(folder / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheel = next((folder / "dist").glob("docservice-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=120)
    pip = subprocess.run([str(folder / "venv" / "bin" / "pip"), "install", "-q", str(wheel)],
                         capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]


@pytest.fixture
def install(installed, tmp_path) -> dict:
    """A deployment of the installed package: an empty folder to run in, a home of its own."""
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCSERVICE_", "FLASK_", "PYTHON", "VIRTUAL_ENV")) and k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(PATH=f"{installed['venv'] / 'bin'}:{env['PATH']}", DOCSERVICE_HOME=str(tmp_path / "home"),
               DOCSERVICE_FROZEN_AT=DEMO_CLOCK, DOCSERVICE_LANG="ru", PYTHONWARNINGS="ignore")
    return {**installed, "work": work, "home": tmp_path / "home", "env": env}


def run(install, *args, timeout=300, **env):
    done = subprocess.run(["docservice", *args], cwd=install["work"], env={**install["env"], **env},
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"docservice {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def test_the_wheel_carries_every_runtime_file(install):
    names = set(zipfile.ZipFile(install["wheel"]).namelist())
    tracked = subprocess.run(["git", "ls-files", "docservice", "templates_kk", "templates_ru"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    for path in tracked:
        if path.startswith(("templates_kk/", "templates_ru/")):
            lang_folder, name = path.split("/")
            # shipped with the plugin that uses it
            assert f"plugins/{name.split('.')[0]}/{lang_folder}/{name}" in names, path
        elif not path.endswith(".pyc"):
            assert path in names, path
    catalogues = [p for p in tracked if p.endswith("messages.po")]
    assert catalogues and all(p[:-3] + ".mo" in names for p in catalogues)  # compiled by the build


def test_installed_command_migrates_loads_the_demo_and_renders_every_type(install, tmp_path):
    assert "serve" in run(install, "--help").stdout
    run(install, "db", "upgrade")
    assert (install["home"] / "docservice.db").exists() and (install["home"] / "secret_key").exists()
    loaded = run(install, "demo", "load")
    assert json.loads(loaded.stdout.splitlines()[0])["created"]["journals"] == 115
    assert not (install["work"] / "instance").exists()  # the home is DOCSERVICE_HOME, not the folder

    types = [line.split()[0] for line in run(install, "docs", "list").stdout.splitlines()]
    assert len(types) == 6
    # One document by `docs render` in each format, from the input `docs example` gives …
    example = tmp_path / "vedomost.json"
    example.write_text(run(install, "docs", "example", "vedomost").stdout, encoding="utf-8")
    for lang, fmt in (("kk", "pdf"), ("ru", "docx")):
        run(install, "docs", "render", "vedomost", "--lang", lang, "--format", fmt, "--data", str(example),
            "-o", str(tmp_path / "rendered" / f"vedomost-{lang}.{fmt}"))
    # … and every type in every language and format by `docs check` (one process, not 24).
    checked = run(install, "docs", "check", "--out", str(tmp_path / "check")).stdout.splitlines()
    assert len(checked) == 24
    files = [*(tmp_path / "rendered").iterdir(), *(tmp_path / "check").iterdir()]
    assert sorted(f.name for f in (tmp_path / "check").iterdir()) == sorted(
        f"{t}-{lang}.{fmt}" for t in types for lang in ("kk", "ru") for fmt in ("docx", "pdf"))
    for out in files:
        text = (pdf_text if out.suffix == ".pdf" else docx_text)(out.read_bytes())
        university = "ҚАЗАҚ ҰЛТТЫҚ МЕДИЦИНА" if "-kk." in out.name else "НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ"
        assert university in text.upper(), out.name


def test_installed_server_answers_in_kazakh_with_its_static_files(install):
    run(install, "db", "upgrade")
    port = free_port()
    log = (install["work"] / "serve.log").open("w")
    server = subprocess.Popen(["docservice", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                              cwd=install["work"], env=install["env"], stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_for(lambda: _get(base + "/api/v1/health") or server.poll() is not None, 60,
                          "docservice serve answering /api/v1/health")
        assert server.poll() is None, (install["work"] / "serve.log").read_text()
        assert json.loads(health[1]) == {"status": "ok", "checks": {"database": "ok", "storage": "ok"},
                                         "version": "0.1.0"}  # and no counts of people for a stranger
        status, body, headers = _get(base + "/login", {"Accept-Language": "kk"})
        assert status == 200 and "Кіру" in body and "lang=\"kk\"" in body
        status, css, headers = _get(base + "/static/app.css")
        assert status == 200 and "font" in css and headers["Content-Type"].startswith("text/css")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # graceful: the master stops its workers and exits
        assert server.wait(60) == 0
        log.close()
    served = (install["work"] / "serve.log").read_text()
    assert "Booting worker" in served and "Shutting down: Master" in served
    assert '"GET /login HTTP/1.1" 200' in served and " id=" in served  # access log with the request id


def _get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.read().decode("utf-8"), response.headers
    except OSError:
        return None


def test_a_celery_worker_of_the_installed_package_prints_an_archive_job(install, redis_url, tmp_path):
    run(install, "db", "upgrade")
    run(install, "demo", "load")
    env = {**install["env"], "CELERY_BROKER_URL": redis_url, "DOCSERVICE_FROZEN_AT": ARCHIVE_CLOCK,
           "DOCSERVICE_BATCH_STALL_SECONDS": "90"}
    celery = str(install["venv"] / "bin" / "celery")
    with celery_worker(celery, env, install["work"], tmp_path / "worker.log", concurrency=1, name="install-test"):
        done = subprocess.run(["docservice", "archive", "print", "--period", "2026-2027/1", "--school", "PB",
                               "--type", "summary_vedomost", "--out", str(tmp_path / "archive")],
                              cwd=install["work"], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:] + (tmp_path / "worker.log").read_text()
    manifest = json.loads((tmp_path / "archive" / "manifest.json").read_text(encoding="utf-8"))
    assert [(d["type"], d["label"]) for d in manifest["documents"]] == [("summary_vedomost", "ОЗ-25-06к")]
    number = manifest["documents"][0]["number"]
    summary = pdf_text((tmp_path / "archive" / "documents" / "02-10" / f"{number.replace('/', '-')}.pdf").read_bytes())
    assert "ОЗ-25-06к" in summary and number in summary
