"""Mark writes through the production server: ``make bench-web`` (or
``.venv/bin/python -m benchmarks.web``).

``docservice serve`` (gunicorn, gthread workers, as deployed: one worker per core, 4 threads)
on a free 127.0.0.1 port with a scratch ``DOCSERVICE_HOME``, on SQLite and then on PostgreSQL
(a scratch database on ``DOCSERVICE_BENCH_PG_URL``'s server, created and dropped), serving
the synthetic faculty (``benchmarks/dataset.py``). 20 clients, each signed in as a teacher of
an open journal with a session of its own, write marks as the grid's script does (the page's
CSRF token, the version read, keep-alive connections) for a bounded time: each its own cells,
so that no write is a conflict. Reported: writes/s, p50/p95/p99 of the answers, and the
server's CPU per write (its processes' user + system time over the run, from ``/proc``).

Beside the code as it is, the same run with the code before the write was made to do only its
own work (``marking.BEFORE``): the same store, the same clients. The clients share the
machine's cores with the server. The report is printed and written to
``benchmarks/web_results.md``.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.marking import (  # noqa: E402
    BEFORE, FROZEN_AT, PASSWORD, Writer, cpu_model, percentile, prepare_store, source_tree,
)

RESULTS = ROOT / "benchmarks" / "web_results.md"
PG_URL = os.environ.get("DOCSERVICE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLIENTS, SECONDS = 20, 20
REQUEST_TIMEOUT = 60


# --- the stores -----------------------------------------------------------------------------

class SqliteStore:
    """A prepared SQLite file; each run writes in a copy of it."""

    name = "SQLite"

    def __init__(self, scratch: Path):
        self.scratch, self.template, self.runs = scratch, scratch / "template.db", 0
        self.teachers = prepare_store(f"sqlite:///{self.template}")

    def fresh(self) -> str:
        self.runs += 1
        copy = self.scratch / f"run{self.runs}.db"
        shutil.copyfile(self.template, copy)
        return f"sqlite:///{copy}"

    def close(self) -> None:
        pass


class PostgresStore:
    """A prepared PostgreSQL database; each run writes in a database made from it as template.
    All of them are dropped at the end. An unreachable server raises ``OperationalError``."""

    name = "PostgreSQL"

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine, make_url

        self.base = make_url(admin_url)
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        self.prefix = f"bench_web_{os.getpid()}"
        self.made: list[str] = []
        template = self._create(f"{self.prefix}_template")
        self.teachers = prepare_store(template)
        self.runs = 0

    def _create(self, name: str, template: str | None = None) -> str:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        self.made.append(name)
        return self.base.set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> str:
        self.runs += 1
        return self._create(f"{self.prefix}_run{self.runs}", template=f"{self.prefix}_template")

    def close(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in reversed(self.made):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


# --- the server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(code: Path, url: str, home: Path):
    """``docservice serve`` of the code in ``code`` on ``url``; yields (port, server pid, log)."""
    port, log_path = free_port(), home / "serve.log"
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSERVICE_", "FLASK_"))
           and k not in ("DATABASE_URL", "CELERY_BROKER_URL", "PYTHONPATH")}
    env |= {"DATABASE_URL": url, "DOCSERVICE_HOME": str(home), "DOCSERVICE_FROZEN_AT": FROZEN_AT,
            "DOCSERVICE_SECRET_KEY": "bench-web", "PYTHONWARNINGS": "ignore"}
    with log_path.open("w") as log:
        # cwd first on sys.path (python -c): the docservice of ``code``, before the installed one.
        server = subprocess.Popen([sys.executable, "-c", "from docservice.cli import main; main()", "serve",
                                   "--bind", f"127.0.0.1:{port}"], cwd=code, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not answers(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"docservice serve did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
            yield port, server.pid, log_path
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/api/v1/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system time of the server: its master, the workers alive, and the workers it
    has reaped (recycled after ``max_requests``)."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p: int) -> list[str]:
        stat = Path(f"/proc/{p}/stat").read_text()
        return stat[stat.rindex(")") + 2:].split()  # after "pid (name) "

    master = fields(pid)
    total = sum(int(x) for x in master[11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                f = fields(int(entry.name))
            except OSError:
                continue
            if f[1] == str(pid):  # a worker
                total += int(f[11]) + int(f[12])
    return total / tick


# --- the clients ----------------------------------------------------------------------------

class Browser:
    """One signed-in teacher: a keep-alive connection and the session cookie."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def call(self, method: str, path: str, json_body=None, form=None, headers=None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "Max-Age=0" not in cookie and "expires=Thu, 01 Jan 1970" not in cookie:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, raw

    def sign_in(self, login: str) -> None:
        status, form = self.call("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.decode()).group(1)
        status, _ = self.call("POST", "/login", form={"login": login, "password": PASSWORD, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"sign-in of {login}: {status}")

    def journal(self, code: str) -> tuple[str, dict]:
        """The journal page's CSRF token and the grid, as the page's script has them."""
        status, page = self.call("GET", f"/journals/{code}")
        if status != 200:
            raise RuntimeError(f"journal page {code}: {status}")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.decode()).group(1)
        status, grid = self.call("GET", f"/api/v1/journals/{code}?lang=ru")
        return csrf, json.loads(grid)


def plan(teachers: dict[str, list[str]], clients: int) -> list[tuple[str, str, int, int]]:
    """(teacher, journal, rank, of how many) per client: the journals in turn; the clients of
    one journal share its students out (none writes another's cells)."""
    journals = sorted(teachers)
    per_journal = {code: sum(1 for n in range(clients) if journals[n % len(journals)] == code) for code in journals}
    return [(teachers[journals[n % len(journals)]][0], journals[n % len(journals)], n // len(journals),
             per_journal[journals[n % len(journals)]]) for n in range(clients)]


class Run:
    """What the clients saw during one run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers: list[tuple[int | None, float]] = []  # (status, ms)
        self.failures: list[str] = []

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what[:300])


def client(port: int, job: tuple, ready: threading.Barrier, go: threading.Event, until: list, run: Run) -> None:
    login, code, rank, of = job
    writer = None
    try:
        browser = Browser(port)
        browser.sign_in(login)
        csrf, grid = browser.journal(code)
        students = sorted(row["student"] for row in grid["rows"])[rank::of]
        writer = Writer(code, grid, students)
        browser.reconnect()  # the barrier may outlast the server's keep-alive
    except Exception as exc:  # told, and the others run all the same
        run.fail(f"{login} {code}: {type(exc).__name__}: {exc}")
    ready.wait()
    go.wait()
    while writer is not None and time.monotonic() < until[0]:
        body = writer.body()
        start = time.perf_counter()
        try:
            status, raw = browser.call("PUT", f"/api/v1/journals/{code}/cells?lang=ru", json_body=body,
                                       headers={"X-CSRFToken": csrf, "Accept": "application/json"})
        except OSError as exc:  # no answer: a new connection for the next write
            status, raw = None, b""
            run.fail(f"{login} {code}: {type(exc).__name__}: {exc}")
            browser.reconnect()
        took = (time.perf_counter() - start) * 1000
        if status in (200, 409):
            writer.answered(body, json.loads(raw))
        elif status is not None:
            run.fail(f"{login} {code}: PUT {status} {raw[:200]!r}")
        with run.lock:
            run.answers.append((status, took))


def measure(code: Path, url: str, home: Path, teachers: dict, clients: int, seconds: float) -> dict:
    """One run: a fresh server on a fresh store, the clients for ``seconds``."""
    with serving(code, url, home) as (port, pid, log_path):
        run, until, go = Run(), [0.0], threading.Event()
        ready = threading.Barrier(clients + 1)  # every client signed in, its journal read
        threads = [threading.Thread(target=client, args=(port, job, ready, go, until, run), daemon=True)
                   for job in plan(teachers, clients)]
        for thread in threads:
            thread.start()
        ready.wait()
        cpu, start = cpu_seconds(pid), time.monotonic()
        until[0] = start + seconds
        go.set()
        for thread in threads:
            thread.join(seconds + REQUEST_TIMEOUT + 10)
        elapsed, cpu = time.monotonic() - start, cpu_seconds(pid) - cpu
        log = log_path.read_text(errors="replace")
    return {"answers": run.answers, "seconds": elapsed, "cpu": cpu, "failures": run.failures,
            "server_errors": log.count("Traceback")}


def pooled(runs: list[dict]) -> dict:
    """The runs of one version together: writes/s over their time, percentiles over every answer."""
    answers = [a for r in runs for a in r["answers"]]
    times, written = [ms for _, ms in answers], sum(1 for status, _ in answers if status == 200)
    return {
        "writes": written, "rate": written / sum(r["seconds"] for r in runs),
        "p50": percentile(times, 50) if times else None, "p95": percentile(times, 95) if times else None,
        "p99": percentile(times, 99) if times else None,
        "other": sum(1 for status, _ in answers if status != 200),
        "cpu_per_write": sum(r["cpu"] for r in runs) / written * 1000 if written else None,
        "failures": [f for r in runs for f in r["failures"]][:5], "server_errors": sum(r["server_errors"] for r in runs),
    }


# --- the report -----------------------------------------------------------------------------

def report(rows: list[tuple[str, str, dict]], skipped: list[str], args) -> str:
    lines = [
        "# Mark writes through the production server (`make bench-web`)", "",
        f"`docservice serve` (gunicorn gthread, one worker per core × 4 threads) on 127.0.0.1; {args.clients} "
        f"clients signed in as teachers (a session each, the page's CSRF token, keep-alive), each writing "
        f"its own cells of an open journal for {args.seconds:.0f} s; the synthetic faculty "
        f"(`benchmarks/dataset.py`). {args.rounds} runs per version, a fresh server and store each, the "
        "versions in turn (before, now, now, before …); each row pools its runs. Latencies are the "
        "clients' (request sent → answer read), in ms; server CPU is its processes' user + system time "
        "over the runs, per write.", "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores (shared by the server and the clients), Python "
        f"{platform.python_version()}, load average at the end {os.getloadavg()[0]:.1f}.", "",
        "| database | code | writes/s | p50 | p95 | p99 | server CPU per write | writes | not 200 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for database, label, r in rows:
        if not r["writes"]:
            lines.append(f"| {database} | {label} | 0 | — | — | — | — | 0 | {r['other']} |")
            continue
        cpu = f"{r['cpu_per_write']:.1f} ms"
        lines.append(f"| {database} | {label} | {r['rate']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{cpu} | {r['writes']} | {r['other']} |")
    problems = [f"- {database}, {label}: {failure}" for database, label, r in rows for failure in r["failures"]]
    problems += [f"- {database}, {label}: {r['server_errors']} tracebacks in the server's log"
                 for database, label, r in rows if r["server_errors"]]
    if problems:
        lines += ["", "Problems:", *problems]
    lines += [f"- {s}" for s in skipped]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="how long the clients write, per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per version and database")
    parser.add_argument("--before", default=BEFORE, metavar="REV",
                        help="the revision measured beside the code as it is (default: before issue 12's write)")
    parser.add_argument("--no-before", action="store_true", help="measure the code as it is only")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-web-"))
    rows, skipped = [], []
    try:
        with source_tree(None if args.no_before else args.before) as before:
            versions = ([] if args.no_before else [(f"before (`{args.before[:7]}`)", before)]) + [("now", ROOT)]
            for database in args.databases.split(","):
                try:
                    store = SqliteStore(scratch) if database == "sqlite" else PostgresStore(PG_URL)
                except OperationalError as exc:
                    skipped.append(f"PostgreSQL skipped: not reachable at {PG_URL} ({type(exc.orig).__name__})")
                    continue
                runs: dict[str, list] = {label: [] for label, _ in versions}
                try:
                    for round_ in range(args.rounds):
                        for label, code in versions[::-1 if round_ % 2 else 1]:
                            home = scratch / f"home-{database}-{round_}-{len(runs[label])}-{label[:3]}"
                            result = measure(code, store.fresh(), home, store.teachers, args.clients, args.seconds)
                            runs[label].append(result)
                            written = sum(1 for status, _ in result["answers"] if status == 200)
                            print(f"{store.name}, {label}: {written / result['seconds']:.0f} writes/s", flush=True)
                finally:
                    store.close()
                rows += [(store.name, label, pooled(runs[label])) for label, _ in versions]
        text = report(rows, skipped, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
