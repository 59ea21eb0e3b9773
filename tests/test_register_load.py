"""Short transactions under load: the real server (``docservice serve``: gunicorn, 2 workers ×
16 threads, on 127.0.0.1) on SQLite and on PostgreSQL, with 50 teachers' mark writers and 4 issuers
of documents at once, for a bounded time.

What must hold: no "database is locked" (in an answer or the server's log), no 5xx; a mark
write answers 200 or 409 (someone else wrote the cell first: a correct answer), and every 200
is one row of the audit trail; every issue answers 201 or 200 (``already_issued``) with the
subject's one number. In the register afterwards: no number twice, one current entry per type
and subject, none left ``issuing``, every file registered with its SHA-256 is in the store with
that SHA-256, no file in the store that no rendition names (no orphan), voids explained.

Throughput and p50/p95 of the mark writes are printed (``-s``), never asserted: performance is
measured by benchmarks, not by timed tests.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from conftest import pg_database
from services import free_port, wait_for
from sqlalchemy import create_engine, func, select, text

from docservice import create_app
from docservice.clock import FrozenClock
from docservice.models import DocumentRendition, IssuedDocument, Journal, MarkHistory, User, db

ROOT = Path(__file__).resolve().parents[1]
# The demo is laid out on the day it is loaded (demo_calendar): on this Wednesday about half of
# its journals are past their deadline (locked: their vedomosts can be issued), the others are
# still open for weeks (their teachers write marks).
FROZEN_AT = "2026-12-02T10:00:00"
PERIOD = "2026-2027/1"
WRITERS, ISSUERS = 50, 4
RUN_SECONDS = 6             # writers and issuers start no request after this (6 s: hundreds of writes, dozens of issues)
SERVER_WORKERS, SERVER_THREADS = 2, 16
WRITE_TIMEOUT, ISSUE_TIMEOUT = 60, 75   # seconds, per request
LOCKED = "database is locked"
# gunicorn's access log (docservice/serving.py): "PUT /path HTTP/1.1" 200 1234 56ms
ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.[01]" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms')
# The issuers' (language, format), so two issuers of one subject ask for different files.
COMBOS = [("kk", "pdf"), ("ru", "docx"), ("ru", "pdf"), ("kk", "docx")]
LOGIN_REQUESTS = [("Әбілқасымова Сәуле Нұрланқызы", "ANAT"), ("Иванов Пётр Сергеевич", "PHYS"),
                  ("Нұрланов Асқар Бекұлы", "CHEM"), ("Ким Алина Викторовна", "ANAT"),
                  ("Сейітов Ерлан Маратұлы", "PHYS"), ("Петрова Мария Олеговна", "CHEM")]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """The URL of an empty database of this test's own: a SQLite file, or a PostgreSQL database
    on the tests' server (skipped with the reason when it is not reachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'load.db'}"
    else:
        with pg_database("load") as url:
            yield url


@contextmanager
def one_load_at_a_time(tmp_path_factory):
    """The load tests of one run (SQLite, PostgreSQL) take turns, whichever xdist workers run
    them: two at once on a 2-core machine would only measure each other."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # the run's folder, above each worker's own
    with (root / "register_load.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def server_env(tmp_path: Path, url: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCSERVICE_", "FLASK_")) and k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    return env | {"PYTHONPATH": str(ROOT), "DATABASE_URL": url, "DOCSERVICE_HOME": str(tmp_path / "home"),
                  "DOCSERVICE_STORAGE_DIR": str(tmp_path / "documents"), "DOCSERVICE_FROZEN_AT": FROZEN_AT,
                  "DOCSERVICE_SECRET_KEY": "load-test", "DOCSERVICE_LANG": "ru", "PYTHONWARNINGS": "ignore"}


def docservice(*args: str) -> list[str]:
    """``docservice ARGS`` of this checkout (cwd and PYTHONPATH: the checkout, not an install)."""
    return [sys.executable, "-c", "from docservice.cli import main; main()", *args]


def run(env: dict, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(docservice(*args), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"docservice {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


# --- the plan: who writes where, what is issued -----------------------------------------

def plan(url: str) -> dict:
    """Tokens, the writers' journals and cells, the issuers' subjects — read from the store."""
    from docservice.journals import is_writable
    from docservice.users import issue_token

    at = datetime.fromisoformat(FROZEN_AT)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load-test", "CLOCK": FrozenClock(at)})
    tokens: dict[str, str] = {}

    def token(login: str) -> str:
        if login not in tokens:
            user = db.session.scalar(select(User).where(User.login == login))
            tokens[login] = issue_token(None, user, "load test")
        return tokens[login]

    with app.app_context():
        journals = db.session.scalars(select(Journal).order_by(Journal.code)).all()
        open_ = [j for j in journals if is_writable(j, at)]
        assert len(open_) >= 30, "the demo should have dozens of open journals at " + FROZEN_AT
        writers = []
        for n in range(WRITERS):
            journal = open_[n % len(open_)]
            teachers = sorted(t.user.login for t in journal.staff if t.role == "teacher")
            students = sorted(s.record_book for s in journal.group.students)
            lessons = [lesson.column for lesson in journal.lessons][:4]
            # A second writer of the same journal writes partly the same cells: conflicts (409).
            rank = n // len(open_)
            writers.append({"token": token(teachers[rank % len(teachers)]), "journal": journal.code,
                            "cells": [(s, c) for s in students[3 * rank: 3 * rank + 6] for c in lessons]})
        closed = [j for j in journals if not is_writable(j, at) and j.item.kind == "discipline"]
        groups = sorted({j.group.code for j in journals})
        subjects = [("vedomost", {"journal": j.code}) for j in closed]
        subjects += [("summary_vedomost", {"group": g, "period": PERIOD}) for g in groups]
        subjects += [("login_request", {"full_name": name, "position": "ассистент", "department": dept,
                                        "email": f"user{i}@kaznmu.example"})
                     for i, (name, dept) in enumerate(LOGIN_REQUESTS)]
        random.Random(10).shuffle(subjects)
        issuers = [token("or.inspector"), token("or.head"), token("or.inspector"), token("or.head")]
        history = db.session.scalar(select(func.count()).select_from(MarkHistory))
        db.session.remove()
        db.engine.dispose()
    return {"writers": writers, "subjects": subjects, "issuers": issuers, "history": history}


# --- the clients ----------------------------------------------------------------------------

def call(base: str, method: str, path: str, token: str, body=None, timeout: float = WRITE_TIMEOUT):
    """(status, JSON or text of the answer, seconds); status None when no answer came."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    except OSError as err:
        return None, f"{type(err).__name__}: {err}", time.monotonic() - start
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text), time.monotonic() - start
    except ValueError:
        return status, text, time.monotonic() - start


class Record:
    """What the clients saw, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.writes: list[tuple[int | None, float]] = []
        self.issues: list[tuple[str, dict, str, str, int | None, object]] = []
        self.failures: list[str] = []

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what[:1500])


def writer(base: str, spec: dict, seed: int, start: threading.Barrier, until: list, rec: Record) -> None:
    rng = random.Random(seed)
    try:
        status, grid, _ = call(base, "GET", f"/api/v1/journals/{spec['journal']}?lang=ru", spec["token"])
        assert status == 200, f"grid {spec['journal']}: {status} {str(grid)[:500]}"
        rows = {row["student"]: row["cells"] for row in grid["rows"]}
        known = {(s, c): (rows[s][c]["value"], rows[s][c]["version"]) for s, c in spec["cells"]}
    except Exception as exc:  # told, and the others start all the same
        rec.fail(f"writer {seed}: {type(exc).__name__}: {exc}")
        known = None
    start.wait()
    try:
        while known is not None and time.monotonic() < until[0]:
            cell = rng.choice(spec["cells"])
            value, version = known[cell]
            new = rng.choice([v for v in range(50, 101) if v != value])
            status, body, seconds = call(base, "PUT", f"/api/v1/journals/{spec['journal']}/cells?lang=ru",
                                         spec["token"], {"student": cell[0], "column": cell[1], "value": new,
                                                         "version": version})
            with rec.lock:
                rec.writes.append((status, seconds))
            if status == 200:
                known[cell] = (body["cell"]["value"], body["cell"]["version"])
                if body["cell"]["value"] != new or body["cell"]["version"] <= version:
                    rec.fail(f"writer {seed}: {spec['journal']} {cell}: wrote {new} v{version}, got {body['cell']}")
            elif status == 409 and isinstance(body, dict) and "current" in body:
                known[cell] = (body["current"]["value"], body["current"]["version"])
            else:
                rec.fail(f"writer {seed}: PUT {spec['journal']} {cell}: {status} {str(body)[:800]}")
    except Exception as exc:
        rec.fail(f"writer {seed}: {type(exc).__name__}: {exc}")


def issuer(base: str, n: int, token: str, subjects: list, start: threading.Barrier, until: list,
           rec: Record) -> None:
    """Issuers 0 and 1 go through the subjects in one order, 2 and 3 in the reverse one: the
    same subject is asked by two issuers at once, in another language or format."""
    order = subjects if n < 2 else subjects[::-1]
    start.wait()
    for j, (type_id, data) in enumerate(order):
        if time.monotonic() >= until[0]:
            break
        lang, fmt = COMBOS[(n + j) % len(COMBOS)]
        status, body, _ = call(base, "POST", f"/api/v1/documents/{type_id}/issue?lang={lang}&format={fmt}",
                               token, data, timeout=ISSUE_TIMEOUT)
        with rec.lock:
            rec.issues.append((type_id, data, lang, fmt, status, body))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


# --- the test ---------------------------------------------------------------------------

@pytest.mark.load
@pytest.mark.xdist_group(name="register_load")
def test_marks_and_issues_under_load_keep_transactions_short(database, tmp_path, tmp_path_factory, record_property):
    with one_load_at_a_time(tmp_path_factory):
        under_load(database, tmp_path, record_property)


def under_load(database: str, tmp_path: Path, record_property) -> None:
    env = server_env(tmp_path, database)
    backend = "postgresql" if database.startswith("postgresql") else "sqlite"
    run(env, "db", "upgrade")
    run(env, "demo", "load")
    work = plan(database)

    port, log_path = free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    rec = Record()
    with log_path.open("w") as log:
        server = subprocess.Popen(docservice("serve", "--bind", f"127.0.0.1:{port}", "--workers",
                                             str(SERVER_WORKERS), "--threads", str(SERVER_THREADS)),
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: server.poll() is not None or call(base, "GET", "/api/v1/health", "-", timeout=5)[0] == 200,
                     60, "docservice serve answering /api/v1/health")
            assert server.poll() is None, log_path.read_text()[-3000:]
            elapsed = load(base, work, rec)
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # graceful: requests in flight finish
            try:
                server.wait(45)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    served = log_path.read_text(errors="replace")

    access = [m for m in map(ACCESS.search, served.splitlines()) if m]

    # The figures (printed, not asserted). A client's time includes its wait in the queue of
    # connections (50 writers, 2 × 16 request threads); the server's is from the access log.
    writes = [seconds for status, seconds in rec.writes if status in (200, 409)]
    served_ms = [int(m["ms"]) for m in access if m["method"] == "PUT"]
    statuses = Counter(status for status, _ in rec.writes)
    issued = Counter(status for *_, status, _ in rec.issues)
    asked = Counter((type_id, json.dumps(data, sort_keys=True)) for type_id, data, *_ in rec.issues)
    figures = {"backend": backend, "seconds": round(elapsed, 1), "writes": len(rec.writes),
               "writes_per_s": round(len(rec.writes) / elapsed, 1), "write_statuses": dict(statuses),
               "write_p50_ms": round(percentile(writes, 50) * 1000) if writes else None,
               "write_p95_ms": round(percentile(writes, 95) * 1000) if writes else None,
               "write_served_p50_ms": round(percentile(served_ms, 50)) if served_ms else None,
               "write_served_p95_ms": round(percentile(served_ms, 95)) if served_ms else None,
               "issues": len(rec.issues), "issue_statuses": dict(issued), "subjects": len(asked),
               "subjects_asked_twice": sum(n > 1 for n in asked.values())}
    print(f"\nregister load, {backend}: {json.dumps(figures)}")
    record_property("register_load", figures)

    assert LOCKED not in served.lower(), [line for line in served.splitlines() if LOCKED in line.lower()][:5]
    assert not rec.failures, rec.failures[:10]
    assert set(statuses) <= {200, 409} and statuses[200] > 0, statuses
    assert any(n > 1 for n in asked.values()), "no subject was asked by two issuers"
    for type_id, data, lang, fmt, status, body in rec.issues:
        assert status in (200, 201) and isinstance(body, dict) and body.get("number"), \
            (type_id, data, lang, fmt, status, str(body)[:800])
        assert body["already_issued"] is (status == 200)
    assert len(access) >= len(rec.writes) + len(rec.issues)
    five_xx = [m.group(0) for m in access if m["status"].startswith("5")]
    assert not five_xx, five_xx[:5]
    check_register(database, tmp_path / "documents", rec, work, successful_writes=statuses[200])


def load(base: str, work: dict, rec: Record) -> float:
    """Run the writers and the issuers at once; the seconds from the start to the last answer."""
    until = [0.0]  # set when every client is ready (the writers read their grids first)
    start = threading.Barrier(WRITERS + ISSUERS + 1, timeout=120,
                              action=lambda: until.__setitem__(0, time.monotonic() + RUN_SECONDS))
    threads = [threading.Thread(target=writer, args=(base, spec, n, start, until, rec), daemon=True)
               for n, spec in enumerate(work["writers"])]
    threads += [threading.Thread(target=issuer, args=(base, n, token, work["subjects"], start, until, rec), daemon=True)
                for n, token in enumerate(work["issuers"])]
    for thread in threads:
        thread.start()
    start.wait()
    began = until[0] - RUN_SECONDS
    deadline = until[0] + ISSUE_TIMEOUT + 5
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    assert not stuck, f"{stuck} client threads still waiting for an answer"
    return time.monotonic() - began


def check_register(url: str, store: Path, rec: Record, work: dict, successful_writes: int) -> None:
    numbers: dict[str, set] = defaultdict(set)
    for type_id, data, *_, body in rec.issues:
        numbers[(type_id, json.dumps(data, sort_keys=True))].add(body["number"])
    assert all(len(found) == 1 for found in numbers.values()), {k: v for k, v in numbers.items() if len(v) > 1}

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load-test",
                      "CLOCK": FrozenClock(datetime.fromisoformat(FROZEN_AT))})
    with app.app_context():
        try:
            documents = db.session.scalars(select(IssuedDocument)).all()
            renditions = db.session.scalars(select(DocumentRendition)).all()
            history = db.session.scalar(select(func.count()).select_from(MarkHistory))
        finally:
            db.session.remove()
            db.engine.dispose()

    # Every mark write that answered 200 is one change in the audit trail: none lost, none twice.
    assert history - work["history"] == successful_writes
    # No number twice; one current entry per type and subject; none left issuing; voids explained.
    assert len({d.number for d in documents}) == len(documents)
    assert len({(d.nomenclature, d.year, d.seq) for d in documents}) == len(documents)
    current = Counter((d.doc_type, d.subject) for d in documents if d.state in ("issuing", "valid"))
    assert all(n == 1 for n in current.values()), [k for k, n in current.items() if n > 1]
    assert not [d.number for d in documents if d.state == "issuing"]
    assert all(d.void_reason for d in documents if d.state == "void")
    answered = {body["number"] for *_, body in rec.issues}
    assert answered and answered <= {d.number for d in documents if d.state == "valid"}
    # Every registered file is in the store with its SHA-256; no claim left; no file unregistered.
    assert not [(r.document.number, r.lang, r.fmt) for r in renditions if not r.sha256]
    for rendition in renditions:
        path = store / rendition.storage_key
        assert path.is_file(), rendition.storage_key
        assert hashlib.sha256(path.read_bytes()).hexdigest() == rendition.sha256, rendition.storage_key
    files = {p.relative_to(store).as_posix() for p in store.rglob("*") if p.is_file()} if store.exists() else set()
    assert files == {r.storage_key for r in renditions}, sorted(files ^ {r.storage_key for r in renditions})[:10]


def test_a_savepoint_on_sqlite_begins_with_the_write_lock(tmp_path):
    """What the load test found first, in two connections: a savepoint opened outside a
    transaction (the register's numbers and claims), a read in it, another connection's write
    meanwhile, then our write. Had the savepoint begun a deferred transaction, our write would
    be refused at once — "database is locked", SQLite does not wait when a read snapshot must
    become a write. It begins with the write lock (``docservice/models/base.py``), so the
    other write waits for ours instead."""
    engine = create_engine(f"sqlite:///{tmp_path / 'savepoint.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    we_read, they_wrote = threading.Event(), threading.Event()

    def other_writer():
        we_read.wait(10)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        they_wrote.set()

    other = threading.Thread(target=other_writer)
    other.start()
    try:
        with engine.connect() as conn, conn.begin(), conn.begin_nested():
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
            we_read.set()
            they_wrote.wait(1)  # it cannot: it waits for our lock
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        we_read.set()
        other.join(40)
    assert they_wrote.is_set()
    with engine.connect() as conn:  # ours first: the other write waited
        assert conn.execute(text("SELECT x FROM t ORDER BY rowid")).scalars().all() == [1, 2]
    engine.dispose()
