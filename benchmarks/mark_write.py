"""In-process cost of one mark write: ``make bench-write`` (or
``.venv/bin/python -m benchmarks.mark_write``).

``PUT /api/v1/journals/<code>/cells`` as the grid's script sends it (a teacher's session, the
CSRF token, the version read), through Flask's test client into the whole app, on a scratch
SQLite copy of the synthetic faculty (``benchmarks/dataset.py``), in the journals of 30 and 300
students. What is measured is the server's side of each request — the CPU time (and wall time)
from the WSGI call to its answer, and the SQL statements it ran — not the test client's
building of the request.

Beside the code as it is, the same writes are served by the code before the write was made to
do only its own work (``marking.BEFORE``, unpacked by ``git archive``): two worker processes
with a copy each of the same store, taking turns batch by batch, so that the machine's load
falls on both alike. Each figure is the median (and p90) of every write after the warm-up.
The report is printed and written to ``benchmarks/mark_write_results.md``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.marking import (  # noqa: E402
    BEFORE, FROZEN_AT, LARGE, PASSWORD, SMALL, Writer, cpu_model, percentile, prepare_store, source_tree,
)

RESULTS = ROOT / "benchmarks" / "mark_write_results.md"
TARGET_CPU_MS = 5.0
# The floor: the same request to a journal that does not exist — the session, the CSRF check,
# the user's loading, routing, the lookup and a 404 answer: what a write costs before its own work.
FLOOR = "NO-SUCH-JOURNAL"


# --- a worker: one version of the code serving writes ------------------------------------------

class Meter:
    """Wraps the app's WSGI callable: each request's CPU and wall time in ms, from the call to
    its answer (Flask builds the whole answer before returning it), and its SQL statements."""

    def __init__(self, app, engine):
        from sqlalchemy import event

        self.inner, app.wsgi_app = app.wsgi_app, self
        self.statements, self.last = 0, (0.0, 0.0, 0)
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_):
        self.statements += 1

    def __call__(self, environ, start_response):
        self.statements = 0
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return self.inner(environ, start_response)
        finally:
            self.last = ((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, self.statements)


def signed_in(app, login: str, journal: str):
    """A test client with a teacher's session, the journal page's CSRF token and its grid."""
    import re

    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, f"sign-in of {login}: {r.status_code}"
    page = client.get(f"/journals/{journal}").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client, csrf, client.get(f"/api/v1/journals/{journal}").get_json()


def worker(url: str, teachers: dict) -> None:
    """Serve batches of writes asked on stdin (``<journal> <count>``), answering each with a
    JSON line of [cpu ms, wall ms, statements] per write. The code is the first ``docservice``
    on ``sys.path``."""
    import docservice
    from docservice import create_app
    from docservice.models import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "FROZEN_AT": FROZEN_AT})
    with app.app_context():
        meter = Meter(app, db.engine)
    journals = {}
    for code in (SMALL, LARGE):
        client, csrf, grid = signed_in(app, teachers[code][0], code)
        journals[code] = (client, csrf, Writer(code, grid))
    print(json.dumps({"ready": str(Path(docservice.__file__).parent)}), flush=True)
    for line in sys.stdin:
        code, count = line.split()
        client, csrf, writer = journals[SMALL if code == FLOOR else code]
        samples = []
        for _ in range(int(count)):
            body = writer.body()
            r = client.put(f"/api/v1/journals/{code}/cells?lang=ru", json=body, headers={"X-CSRFToken": csrf})
            if r.status_code != (404 if code == FLOOR else 200):
                raise SystemExit(f"PUT {code} {body}: {r.status_code} {r.get_data(as_text=True)[:500]}")
            if code != FLOOR:
                writer.answered(body, r.get_json())
            samples.append(meter.last)
        print(json.dumps(samples), flush=True)


# --- the run: both versions in turn ----------------------------------------------------------

class Version:
    """A worker process of one version of the code, on a copy of the store of its own."""

    def __init__(self, label: str, code: Path, store: Path, teachers: dict):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCSERVICE_", "FLASK_"))
               and k not in ("DATABASE_URL", "PYTHONPATH")} | {"PYTHONWARNINGS": "ignore"}
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(code), f"sqlite:///{store}", json.dumps(teachers)],
            cwd=store.parent, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = json.loads(self._line())
        if Path(ready["ready"]) != code / "docservice":
            raise SystemExit(f"{label}: ran {ready['ready']}, not {code / 'docservice'}")
        self.samples: dict[str, list] = {SMALL: [], LARGE: [], FLOOR: []}

    def _line(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.label}: the worker stopped (exit {self.process.wait()})")
        return line

    def writes(self, journal: str, count: int, keep: bool = True) -> None:
        self.process.stdin.write(f"{journal} {count}\n")
        self.process.stdin.flush()
        samples = json.loads(self._line())
        if keep:
            self.samples[journal] += samples

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def figures(samples: list) -> dict:
    cpu, wall, statements = ([s[i] for s in samples] for i in range(3))
    return {"cpu": statistics.median(cpu), "cpu_p90": percentile(cpu, 90), "wall": statistics.median(wall),
            "statements": statistics.median(statements), "n": len(samples)}


def report(versions: list[Version], args) -> str:
    labels = {"before": f"before (`{args.before[:7]}`)", "now": "now"}
    lines = [
        "# Mark write, in-process (`make bench-write`)", "",
        f"`PUT /api/v1/journals/<code>/cells` through the whole app (Flask test client, a teacher's "
        f"session and CSRF token), scratch SQLite, the server's side of each request; {args.rounds} rounds "
        f"of {args.writes} writes per journal and version after {args.warmup} warm-up writes, the "
        "versions taking turns. Milliseconds; CPU is the process's (user + system).", "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average at the end {os.getloadavg()[0]:.1f}.", "",
        "| journal | code | CPU median | CPU p90 | wall median | SQL statements | target CPU ≤ 5 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for journal, what in ((SMALL, "30 students"), (LARGE, "300 students"), (FLOOR, "floor: no such journal")):
        for version in versions:
            f = figures(version.samples[journal])
            met = ("**yes**" if f["cpu"] <= TARGET_CPU_MS else "no") if version.label == "now" and journal != FLOOR else ""
            lines.append(f"| {what} | {labels[version.label]} | {f['cpu']:.2f} | {f['cpu_p90']:.2f} | "
                         f"{f['wall']:.2f} | {f['statements']:.0f} | {met} |")
    lines += ["", "The floor is the same request for a journal that does not exist (404): the session, the "
              "CSRF check, loading the signed-in user, routing, one lookup and the error's answer — what any "
              "write costs before its own work."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=100, help="writes per journal, version and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--before", default=BEFORE, metavar="REV",
                        help="the revision measured beside the code as it is (default: before issue 12's write)")
    parser.add_argument("--no-before", action="store_true", help="measure the code as it is only")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-write-"))
    versions: list[Version] = []
    try:
        template = scratch / "template.db"
        teachers = prepare_store(f"sqlite:///{template}")
        with source_tree(None if args.no_before else args.before) as before:
            for label, code in ([] if args.no_before else [("before", before)]) + [("now", ROOT)]:
                store = scratch / f"{label}.db"
                shutil.copyfile(template, store)
                versions.append(Version(label, code, store, teachers))
            for version in versions:
                for journal in (SMALL, LARGE, FLOOR):
                    version.writes(journal, args.warmup, keep=False)
            for round_ in range(args.rounds):
                for journal in (SMALL, LARGE, FLOOR):
                    for version in versions[::1 if round_ % 2 else -1]:
                        version.writes(journal, args.writes)
        text = report(versions, args)
    finally:
        for version in versions:
            version.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print(text)
    args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:  # CODE URL TEACHERS: CODE's docservice before any other
        sys.path.insert(0, sys.argv[2])
        worker(sys.argv[3], json.loads(sys.argv[4]))
    else:
        main()
