"""The archive printed by real processes, as an operator runs it: ``flask archive print``
killed with SIGKILL halfway and run again, and the same period printed by Celery workers
through a real Redis server — each ending with the same documents, byte for byte, as an
uninterrupted run on a copy of the same store."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from services import celery_worker, made_once

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = "2026-2027/1"
FROZEN_AT = "2026-12-02T10:00:00"  # most demo journals are past their deadline by then


def store(tmp: Path, template: Path, name: str) -> dict:
    """A copy of the demo store and the environment of the processes that use it."""
    folder = tmp / name
    folder.mkdir()
    shutil.copy(template, folder / "demo.db")
    env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
           "DOCSERVICE_STORAGE_DIR": str(folder / "documents"), "DOCSERVICE_JOBS_DIR": str(folder / "jobs"),
           "DOCSERVICE_FROZEN_AT": FROZEN_AT, "DOCSERVICE_SECRET_KEY": "test", "DOCSERVICE_LANG": "ru",
           "PYTHONWARNINGS": "ignore"}
    env.pop("CELERY_BROKER_URL", None)
    return {"folder": folder, "db": folder / "demo.db", "out": folder / "archive", "env": env}


def print_command(s: dict, *extra: str) -> list[str]:
    return [str(BIN / "flask"), "archive", "print", "--period", PERIOD, "--out", str(s["out"]), *extra]


def count(s: dict, sql: str) -> int:
    with sqlite3.connect(s["db"], timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def documents(s: dict) -> list[tuple]:
    manifest = json.loads((s["out"] / "manifest.json").read_text(encoding="utf-8"))
    return [(d["number"], d["type"], d["label"], d["file"], d["pages"], d["sha256"]) for d in manifest["documents"]]


@pytest.fixture(scope="session")
def reference(tmp_path_factory, demo_sqlite_template):
    """The period printed in one go by a pool of two worker processes (once per run, by
    whichever worker asks first)."""
    def print_the_period(folder: Path) -> None:
        s = store(folder, demo_sqlite_template, "pool")
        done = subprocess.run(print_command(s, "--workers", "2"), env=s["env"], cwd=ROOT, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Папка:" in done.stdout
        (folder / "reference.json").write_text(json.dumps(documents(s)), encoding="utf-8")

    folder = made_once(tmp_path_factory, "archive-reference", print_the_period)
    return [tuple(d) for d in json.loads((folder / "reference.json").read_text(encoding="utf-8"))]


def test_a_killed_run_resumed_gives_the_same_archive(tmp_path, demo_sqlite_template, reference):
    s = store(tmp_path, demo_sqlite_template, "killed")
    run = subprocess.Popen(print_command(s, "--workers", "1"), env=s["env"], cwd=ROOT, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if issued_so_far(s) >= 5:
            break
        assert run.poll() is None, "the run ended before it could be killed"
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    issued = count(s, "select count(*) from batch_item where status = 'issued'")
    pending = count(s, "select count(*) from batch_item where status = 'pending'")
    assert issued >= 5 and pending > 0
    assert count(s, "select count(*) from batch_job where status = 'running'") == 1
    assert not (s["out"] / "manifest.json").exists()

    again = subprocess.run(print_command(s, "--workers", "1"), env=s["env"], cwd=ROOT, capture_output=True,
                           text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Задание №1" in again.stdout  # the same job, resumed
    assert count(s, "select count(*) from batch_job") == 1
    total = count(s, "select count(*) from batch_item")
    assert count(s, "select count(*) from batch_item where status = 'issued'") == total == len(reference)
    # No number twice, no document twice, no file twice (the killed one's file was replaced).
    assert count(s, "select count(*) from issued_document") == total
    assert count(s, "select count(distinct number) from issued_document") == total
    assert sum(1 for p in (s["folder"] / "documents").rglob("*.pdf")) == total
    assert not list((s["folder"] / "documents").rglob("*.part"))
    assert documents(s) == reference


def issued_so_far(s: dict) -> int:
    """Items issued so far; 0 while the job's tables are not there yet (the run is planning)."""
    try:
        return count(s, "select count(*) from batch_item where status = 'issued'")
    except sqlite3.OperationalError:
        return 0


def test_celery_workers_on_redis_print_the_same_archive(tmp_path, demo_sqlite_template, reference, redis_url):
    s = store(tmp_path, demo_sqlite_template, "celery")
    # With a broker the run only hands out the items and waits: without a worker it would
    # stop after BATCH_STALL_SECONDS with the job resumable (and this test would fail).
    env = {**s["env"], "CELERY_BROKER_URL": redis_url, "DOCSERVICE_BATCH_STALL_SECONDS": "60"}
    with celery_worker(str(BIN / "celery"), env, ROOT, tmp_path / "worker.log", name="archive-test"):
        done = subprocess.run(print_command(s), env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:] + (tmp_path / "worker.log").read_text()[-2000:]
    assert documents(s) == reference
    assert count(s, "select count(*) from issued_document") == len(reference)
