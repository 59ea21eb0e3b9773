"""Archive printing benchmark: ``make bench-archive`` (or ``.venv/bin/python -m benchmarks.archive
[--documents 1000] [--workers 1 2]``).

The issue's target: 1,000 vedomost PDFs (30 students each) archived on a 2-core machine in
≤ 60 s, with a peak memory ≤ 300 MB whatever the number of documents.

For each number of documents N (and N/4, to see whether memory grows with N), a scratch
SQLite database in a temporary folder is migrated (``flask_migrate.upgrade``) and given a
synthetic faculty (``dataset.archive_faculty``: N journals of 30 students with lessons,
RK1, RK2 and exam marks), whose journals are then closed so that their vedomosts are
issued. The database is kept as a template and copied afresh for each worker count, so
every run starts from the same state.

Each run is a new interpreter (``--child``), as ``flask archive print`` is: it creates the
app, then times the job — ``jobs.start(None, period, "ru", types=["vedomost"])`` (plan),
``jobs.run(job, workers=W)`` split into issue (the executor) and assemble
(``archive.assemble``, timed by wrapping it) — in wall clock.

Memory: the kernel's peak RSS (``VmHWM`` in ``/proc/<pid>/status``). For the main process
it is reset (``echo 5 > /proc/self/clear_refs``) at the start of each phase and read at its
end, so each phase has its own peak; the main process's peak is the largest of them (the
app and its imports included, as the run starts after ``create_app``). The worker
processes are found by a thread that walks the process tree every 0.1 s
(``/proc/<pid>/task/<tid>/children``) and keeps each one's last ``VmHWM`` — a fresh
process, so its lifetime peak; ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the
largest child waited for) is the cross-check.

Then the run is checked: N documents issued, none failed, their numbers unique and
consecutive, every file's SHA-256 in ``manifest.json`` (and ``SHA256SUMS``) that of the
file on disk, every original's SHA-256 that of its copy, the ZIP's that of the job's report,
the file's PDF as many pages as its documents plus the cover and inventory.

``--profile 30`` (default) also profiles the issue phase of one in-process worker on 30
documents with cProfile, and sorts its time into render / database / storage / page count.
The report is printed and written to ``benchmarks/archive_results.md``.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import dataset  # noqa: E402

RESULTS = ROOT / "benchmarks" / "archive_results.md"
TARGET_S, TARGET_DOCS, TARGET_MB = 60, 1000, 300
TYPES = ["vedomost"]


# --- memory -------------------------------------------------------------------------------

def status_of(pid: int | str = "self") -> dict:
    """VmRSS, VmHWM (kB → MB) of a process; {} if it is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1]) / 1024
    except OSError:
        pass  # the process ended between listing and reading
    return out


def reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def cmdline_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its children waited for (the pool's
    workers, once the pool is shut down)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class TreeSampler(threading.Thread):
    """Every ``every`` s: the descendants of this process and their peak RSS (VmHWM), and the
    main process's RSS, by phase."""

    def __init__(self, every: float = 0.1):
        super().__init__(daemon=True)
        self.every, self.stop = every, threading.Event()
        self.peaks: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self.phase, self.main_rss = "start", {}

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.is_set():
            self.sample(me)
            self.stop.wait(self.every)
        self.sample(me)

    def sample(self, me: int) -> None:
        rss = status_of().get("VmRSS", 0)
        self.main_rss[self.phase] = max(self.main_rss.get(self.phase, 0), rss)
        direct = children_of(me)
        todo = list(direct)
        while todo:
            pid = todo.pop()
            todo += children_of(pid)
            hwm = status_of(pid).get("VmHWM")
            if hwm is None:
                continue
            if self.kinds.get(pid, "other") == "other":
                # A pool worker is a child of this process running ``spawn_main``; its own
                # children (``ctypes.util.find_library`` runs gcc and ld when WeasyPrint loads)
                # show its command line until they exec: they are not workers.
                cmd = cmdline_of(pid)
                self.kinds[pid] = ("tracker" if "resource_tracker" in cmd else
                                   "worker" if pid in direct and "spawn_main" in cmd else "other")
                if self.kinds[pid] != "other":
                    self.peaks.pop(pid, None)  # read before its exec: the parent's memory
            self.peaks[pid] = max(self.peaks.get(pid, 0), hwm)

    def workers(self) -> list[float]:
        return [round(self.peaks[pid], 1) for pid in sorted(self.peaks) if self.kinds.get(pid) == "worker"]


# --- the faculty --------------------------------------------------------------------------

def app_for(folder: Path, db_file: Path):
    from docservice import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "SECRET_KEY": "bench",
                       "STORAGE_DIR": str(folder / "documents"), "JOBS_DIR": str(folder / "jobs")})


def build_template(folder: Path, journals: int) -> tuple[Path, dict]:
    """A migrated database with ``journals`` closed journals of 30 students; (its file, timings)."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from docservice.importer import import_dataset
    from docservice.journals import close_journal
    from docservice.models import Journal, db

    folder.mkdir(parents=True, exist_ok=True)
    db_file = folder / "template.db"
    app = app_for(folder, db_file)
    took = {}
    with app.app_context():
        upgrade()
        t = time.perf_counter()
        data = dataset.archive_faculty(journals)
        import_dataset(None, data)
        took["import"] = time.perf_counter() - t
        t = time.perf_counter()
        for journal in db.session.scalars(select(Journal).order_by(Journal.code)).all():
            close_journal(None, journal)  # the system (the CLI's operator) closes it: the vedomost is due
        took["close"] = time.perf_counter() - t
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    took.update(students=len(data["students"]), groups=len(data["groups"]), marks=len(data["marks"]))
    return db_file, took


# --- one run, in its own interpreter --------------------------------------------------------

def child(spec: dict) -> dict:
    """Plan, issue and assemble the period's vedomosts with ``spec['workers']`` workers."""
    logging.disable(logging.WARNING)
    from docservice.batch import archive, jobs

    folder = Path(spec["folder"])
    t = time.perf_counter()
    app = app_for(folder, Path(spec["db"]))
    app_s = time.perf_counter() - t
    sampler = TreeSampler()
    peaks, marks, part_s = {}, {}, {"render": 0.0}
    with app.app_context():
        from docservice.documents import issuing, rendering
        issuing.registry()  # the plugins' types, loaded as the CLI has them before a job
        baseline = status_of().get("VmRSS", 0)
        resettable = reset_peak()
        sampler.start()
        where = ["start"]  # where the main process's peak goes: a phase, or a part of assemble

        def fold(into: str | None = None) -> None:
            """The peak RSS since the last reset goes to ``where`` (or ``into``); reset it."""
            if resettable:
                key = into or where[0]
                peaks[key] = max(peaks.get(key, 0), status_of().get("VmHWM", 0))
                reset_peak()

        def phase(name: str) -> None:
            """End the current phase, start ``name``."""
            now = time.perf_counter()
            fold()
            if sampler.phase != "start":
                marks[sampler.phase] = now - marks[sampler.phase]
            sampler.sample(os.getpid())  # the last reading of the phase ending
            sampler.phase = name
            where[0] = "assemble.rest" if name == "assemble" else name
            marks[name] = now

        assemble, html_to_pdf = archive.assemble, rendering.html_to_pdf

        def timed_assemble(job, folder_):
            phase("assemble")
            return assemble(job, folder_)

        def timed_html_to_pdf(*a, **k):
            """In assemble: the cover and inventory render, apart from the rest (copies, the
            merge with pypdf, manifest, ZIP)."""
            if where[0] != "assemble.rest":
                return html_to_pdf(*a, **k)
            fold()
            t = time.perf_counter()
            try:
                return html_to_pdf(*a, **k)
            finally:
                part_s["render"] += time.perf_counter() - t
                fold("assemble.render")

        archive.assemble, rendering.html_to_pdf = timed_assemble, timed_html_to_pdf
        cpu0 = cpu_seconds()
        started = time.perf_counter()
        phase("plan")
        job = jobs.start(None, dataset.PERIOD, "ru", types=TYPES, output=str(folder / "out"))
        job_id = job.id
        phase("issue")
        job = jobs.run(job_id, workers=spec["workers"])
        phase("end")
        total = time.perf_counter() - started
        cpu = cpu_seconds() - cpu0
        sampler.stop.set()
        sampler.join()
        archive.assemble, rendering.html_to_pdf = assemble, html_to_pdf
        peaks.pop("end", None)
        if resettable:
            peaks["assemble"] = max(peaks.get("assemble.render", 0), peaks.get("assemble.rest", 0))
        children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result = {"documents": spec["documents"], "workers": spec["workers"], "app_s": app_s, "total_s": total,
                  "plan_s": marks["plan"], "issue_s": marks["issue"], "assemble_s": marks.get("assemble", 0.0),
                  "assemble_render_s": part_s["render"],
                  "baseline_mb": baseline, "phase_peak_mb": peaks, "phase_sampled_mb": dict(sampler.main_rss),
                  "hwm_reset": resettable, "workers_mb": sampler.workers(), "children_maxrss_mb": children_rss,
                  "status": job.status, "cpu_s": cpu, "load": os.getloadavg()[0]}
        result["main_mb"] = max([*sampler.main_rss.values(), *peaks.values()])
        result["checks"] = check(job, spec["documents"])
        result["sizes"] = sizes(Path(job.output))
    return result


def check(job, expected: int) -> dict:
    """What the job made is what it should have made."""
    import zipfile

    from pypdf import PdfReader
    from sqlalchemy import select

    from docservice.batch import jobs
    from docservice.batch.archive import sha256_of
    from docservice.models import BatchItem, IssuedDocument, db

    out, problems = {}, []
    p = jobs.progress(job)
    out["progress"] = {k: p[k] for k in ("status", "total", "issued", "failed", "pending", "not_printed",
                                         "open_journals")}
    if p["issued"] != expected or p["failed"] or p["pending"] or p["not_printed"] or p["open_journals"]:
        problems.append(f"progress {out['progress']}, expected {expected} issued")
    numbers = db.session.execute(select(IssuedDocument.number, IssuedDocument.seq)
                                 .join(BatchItem, BatchItem.document_id == IssuedDocument.id)
                                 .where(BatchItem.job_id == job.id)).all()
    seqs = sorted(s for _, s in numbers)
    out["numbers"] = len(numbers)
    out["numbers_unique"] = len({n for n, _ in numbers}) == len(numbers) == expected
    out["numbers_consecutive"] = seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False
    if not (out["numbers_unique"] and out["numbers_consecutive"]):
        problems.append("numbers not unique and consecutive")
    folder = Path(job.output)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    bad = [e["path"] for e in manifest["files"]
           if sha256_of(folder / e["path"]) != e["sha256"] or (folder / e["path"]).stat().st_size != e["bytes"]]
    sums = {line.split("  ", 1)[1]: line.split("  ", 1)[0]
            for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    bad += [e["path"] + " (SHA256SUMS)" for e in manifest["files"] if sums.get(e["path"]) != e["sha256"]]
    copies = {e["path"]: e["sha256"] for e in manifest["files"]}
    docs = manifest["documents"]
    bad += [d["number"] for d in docs
            if copies.get(f"documents/{d['file']}/{d['number'].replace('/', '-')}.pdf") != d["sha256"]]
    out["manifest_files"], out["manifest_documents"] = len(manifest["files"]), len(docs)
    out["manifest_ok"] = not bad and len(docs) == expected
    if not out["manifest_ok"]:
        problems.append(f"manifest: {len(docs)} documents, mismatched: {bad[:5]}")
    zip_path = folder / job.report["zip"]
    out["zip_ok"] = sha256_of(zip_path) == job.report["zip_sha256"]
    with zipfile.ZipFile(zip_path) as z:
        out["zip_ok"] = out["zip_ok"] and z.testzip() is None and len(z.namelist()) == len(manifest["files"]) + 2
    if not out["zip_ok"]:
        problems.append("zip")
    pages = {}
    for d in docs:
        pages[d["file"]] = pages.get(d["file"], 0) + d["pages"]
    for index, count in pages.items():
        # One PDF per file, or per volume of a file longer than ARCHIVE_VOLUME_SHEETS.
        volumes = [folder / f"{index}.pdf"] if (folder / f"{index}.pdf").exists() else \
            sorted(folder.glob(f"{index}-vol*.pdf"))
        merged = sum(len(PdfReader(v).pages) for v in volumes)
        out[f"pages_{index}"] = {"merged": merged, "documents": count, "volumes": len(volumes)}
        if merged < count + 2 * len(volumes):
            problems.append(f"{index}: {merged} pages in {len(volumes)} volumes for {count} of documents")
    out["problems"] = problems
    return out


def sizes(folder: Path) -> dict:
    merged = {p.name: p.stat().st_size for p in folder.glob("*.pdf")}
    originals = sum(p.stat().st_size for p in (folder / "documents").rglob("*.pdf"))
    zips = {p.name: p.stat().st_size for p in folder.glob("*.zip")}
    return {"merged": merged, "originals": originals, "zip": zips}


# --- the profile ----------------------------------------------------------------------------

# The parts of issuing one item, by the cumulative time of the functions that do them (they
# do not call one another: ``register`` builds the context, then renders, then stores).
CATEGORIES = [
    ("render: the type's PDF engine → PDF/A (issuing.render; the vedomost's is Typst)", [("docservice/documents/issuing.py", "render")]),
    ("context: the vedomost's data (issuing.build_context; frozen when the job is planned, so 0 here)",
     [("docservice/documents/issuing.py", "build_context")]),
    ("storage: write the file (LocalStorage.put)", [("docservice/documents/storage.py", "put")]),
    ("page count: pypdf (items.page_count)", [("docservice/batch/items.py", "page_count")]),
    ("validation: schema, journal closed? (validate, check_issue)",
     [("docservice/documents/validation.py", "validate"), ("plugins/vedomost/__init__.py", "check_issue")]),
]


def profile(folder: Path, documents: int) -> dict:
    """cProfile of the issue phase, one worker in this process, ``documents`` vedomosts."""
    logging.disable(logging.WARNING)
    from docservice.batch import executors, jobs

    db_file, _ = build_template(folder, documents)
    app = app_for(folder, db_file)
    with app.app_context():
        from docservice.documents import issuing
        issuing.registry()
        job = jobs.start(None, dataset.PERIOD, "ru", types=TYPES, output=str(folder / "out"))
        jobs.claim(job.id)
        runner = jobs.Runner(job.id)
        ids = runner.pending()
        # Warm-up: the first document loads WeasyPrint, fonts, templates (once per worker).
        executors.InlineExecutor().run(ids[:1], runner)
        profiler = cProfile.Profile()
        t = time.perf_counter()
        profiler.enable()
        executors.InlineExecutor().run(ids[1:], runner)
        profiler.disable()
        wall = time.perf_counter() - t
    stats = pstats.Stats(profiler)
    table = stats.stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = sum(v[2] for v in table.values())
    parts = {}
    for label, functions in CATEGORIES:
        parts[label] = sum(v[3] for k, v in table.items() for path, name in functions
                           if k[0].endswith(path) and k[2] == name)
    parts["the rest: the item and job read, commits, heartbeat and progress, hooks"] = max(
        0.0, wall - sum(parts.values()))
    # The database, whoever asks: time spent inside SQLAlchemy and sqlite3 (own time).
    db_self = sum(v[2] for k, v in table.items() if "sqlalchemy" in k[0] or "sqlite3" in k[0]
                  or k[0] == "~" and "sqlite3" in k[2])
    commit = sum(v[3] for k, v in table.items() if k[2] == "commit" and k[0].endswith("sqlalchemy/orm/session.py"))
    weasy = sum(v[2] for k, v in table.items() if "weasyprint" in k[0] or "pydyf" in k[0] or "fontTools" in k[0]
                or "tinycss2" in k[0] or "cssselect2" in k[0] or "tinyhtml5" in k[0] or "html5lib" in k[0])
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(25)
    return {"documents": len(ids) - 1, "wall_s": wall, "profiled_s": total, "parts": parts, "db_self_s": db_self,
            "commit_s": commit, "weasy_self_s": weasy, "top": buf.getvalue()}


# --- the report -----------------------------------------------------------------------------

def environment() -> dict:
    import pypdf
    import weasyprint

    cpu, mem = "?", "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass  # no /proc: the report leaves them out
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "docservice", "plugins"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        code = commit + (" with uncommitted changes in docservice/ or plugins/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        code = "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "mem": mem, "python": platform.python_version(), "code": code,
            "weasyprint": weasyprint.__version__, "pypdf": pypdf.__version__, "load": os.getloadavg(),
            "kernel": platform.release()}


def report(env, runs, builds, prof, args, took) -> str:
    def mb(x):
        return f"{x:.0f}"

    out = ["# docservice archive printing benchmark", "",
           f"`make bench-archive`, {time.strftime('%Y-%m-%d %H:%M')}: {env['cpu']}, {env['cores']} cores, "
           f"{env['mem']} RAM, Linux {env['kernel']}, Python {env['python']}, WeasyPrint {env['weasyprint']}, "
           f"pypdf {env['pypdf']}, SQLite, code {env['code']}; load average {env['load'][0]:.2f} before, "
           f"{env['load_end'][0]:.2f} after.",
           "",
           "Job: `jobs.start(None, period, \"ru\", types=[\"vedomost\"])` then `jobs.run(job, workers=W)` — one "
           "vedomost PDF/A of 30 students per closed journal, all filed in nomenclature file 02-07 (bound in volumes "
           "of ≤ 250 sheets, each a merged PDF with cover and inventory), the `documents/` copies, manifest.json, SHA256SUMS and the ZIP. Each run "
           "in a new interpreter from the same template database; seconds are wall clock (app start excluded), "
           "peaks are the kernel's VmHWM: the main process's per phase (reset between phases), each worker's over "
           "its life; CPU s is the user + system time of the run's processes (main and workers), with the 1-minute "
           "load average at its end — other work on the machine inflates wall times, not CPU times. Targets (for "
           "1,000 documents): whole job ≤ 60 s, every process ≤ 300 MB.", "",
           "| documents | workers | total s | plan s | issue s | assemble s | docs/s | CPU s (load) | peak RSS main MB "
           "(plan / issue / assemble) | peak RSS per worker MB | target ≤ 60 s / ≤ 300 MB | met |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        if "error" in r:
            out.append(f"| {r['documents']} | {r['workers']} | failed: {r['error']} | | | | | | | | | |")
            continue
        ph = r["phase_peak_mb"]
        phases = " / ".join(mb(ph[k]) if ph.get(k) else "?" for k in ("plan", "issue", "assemble"))
        workers = " / ".join(mb(w) for w in r["workers_mb"]) if r["workers_mb"] else "— (in process)"
        peak_all = max([r["main_mb"], *r["workers_mb"]])
        time_ok = r["total_s"] <= TARGET_S * r["documents"] / TARGET_DOCS if r["documents"] >= TARGET_DOCS else None
        mem_ok = peak_all <= TARGET_MB
        target = "≤ 60 s / ≤ 300 MB" if r["documents"] >= TARGET_DOCS else "— / ≤ 300 MB"
        met = ("time " + ("yes" if time_ok else "**no**") + ", " if time_ok is not None else "") + \
              "memory " + ("yes" if mem_ok else "**no**")
        out.append(f"| {r['documents']:,} | {r['workers']} | {r['total_s']:.1f} | {r['plan_s']:.1f} | "
                   f"{r['issue_s']:.1f} | {r['assemble_s']:.1f} | {r['documents'] / r['total_s']:.2f} | "
                   f"{r['cpu_s']:.0f} ({r['load']:.1f}) | "
                   f"**{mb(r['main_mb'])}** ({phases}) | {workers} | {target} | {met} |")
    ok = [r for r in runs if "error" not in r]
    by_n = {}
    for r in ok:
        by_n.setdefault(r["workers"], {})[r["documents"]] = r
    growth = []
    for w, rs in sorted(by_n.items()):
        if len(rs) >= 2:
            small, big = min(rs), max(rs)
            a, b = rs[small], rs[big]
            per_k = (b["main_mb"] - a["main_mb"]) / (big - small) * 1000
            asm = (b["phase_peak_mb"].get("assemble") or 0) - (a["phase_peak_mb"].get("assemble") or 0)
            wk = (max(b["workers_mb"]) - max(a["workers_mb"])) if a["workers_mb"] and b["workers_mb"] else None
            growth.append(f"{w} worker{'s' if w > 1 else ''}: main process {mb(a['main_mb'])} MB for {small:,} "
                          f"documents, {mb(b['main_mb'])} MB for {big:,} ({per_k:+.0f} MB per 1,000 documents; "
                          f"its assemble phase {asm:+.0f} MB)"
                          + (f", largest worker {wk:+.0f} MB" if wk is not None else ""))
    if growth:
        out += ["", "Does the peak grow with the number of documents? " + "; ".join(growth) + "."]
    split = []
    for r in ok:
        ph = r["phase_peak_mb"]
        if ph.get("assemble.render") or ph.get("assemble.rest"):
            split.append(f"{r['documents']:,} documents, {r['workers']} worker{'s' if r['workers'] > 1 else ''}: "
                         f"cover and inventory render {r['assemble_render_s']:.1f} s (peak "
                         f"{mb(ph.get('assemble.render', 0))} MB), the rest — copies, pypdf merge, manifest, ZIP — "
                         f"{r['assemble_s'] - r['assemble_render_s']:.1f} s (peak {mb(ph.get('assemble.rest', 0))} MB)")
    if split:
        out += ["", "Assemble, in the main process: " + "; ".join(split) + "."]
    for r in ok:
        if r["workers"] > 1:
            out += ["", f"Cross-check ({r['documents']:,} documents, {r['workers']} workers): "
                        f"`getrusage(RUSAGE_CHILDREN).ru_maxrss` {mb(r['children_maxrss_mb'])} MB (the largest "
                        f"worker); main process RSS after `create_app()` {mb(r['baseline_mb'])} MB."]
            break
    lines = []
    for r in ok:
        s = r["sizes"]
        merged = ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in s["merged"].items())
        zips = ", ".join(f"{v / 1e6:.1f} MB" for v in s["zip"].values())
        c = r["checks"]
        pages = "; ".join(f"{k[6:]}: {v['merged']} pages in {v['volumes']} volume(s) for {v['documents']} pages "
                          "of documents" for k, v in c.items() if k.startswith("pages_"))
        lines.append(f"- {r['documents']:,} documents, {r['workers']} worker{'s' if r['workers'] > 1 else ''}: "
                     f"issued {c['progress']['issued']}, failed {c['progress']['failed']}, numbers unique "
                     f"{'yes' if c['numbers_unique'] else '**no**'} and consecutive "
                     f"{'yes' if c['numbers_consecutive'] else '**no**'}; manifest: {c['manifest_files']} files, "
                     f"every SHA-256 matches {'yes' if c['manifest_ok'] else '**NO**'}; ZIP "
                     f"{'intact' if c['zip_ok'] else '**BAD**'} ({zips}); {pages}; merged {merged}, originals "
                     f"{s['originals'] / 1e6:.1f} MB"
                     + (f"; **problems: {c['problems']}**" if c["problems"] else "") + ".")
    out += ["", "Checks:", "", *lines]
    if builds:
        out += ["", "Test data: " + "; ".join(
            f"{n:,} journals — {b['groups']} groups, {b['students']:,} students, {b['marks']:,} marks, imported in "
            f"{b['import']:.0f} s, closed in {b['close']:.0f} s" for n, b in sorted(builds.items())) + "."]
    if prof:
        parts = prof["parts"]
        per = 1000 / prof["documents"]
        rows = "\n".join(f"| {label} | {v * per:,.0f} | {v / prof['wall_s'] * 100:.0f} % |"
                         for label, v in parts.items())
        out += ["", f"Where the time goes (cProfile, issue phase, one worker in process, {prof['documents']} "
                    f"documents after one warm-up; {prof['wall_s'] / prof['documents'] * 1000:,.0f} ms per "
                    f"document in wall time under the profiler, which slows Python code ≈ 2× "
                    f"(compare the issue phase above): the shares are what count; cumulative times, ms per "
                    f"document):", "",
                "| part | ms / document | share |", "|---|---|---|", rows,
                f"| across the parts: own time in SQLAlchemy + sqlite3 | {prof['db_self_s'] * per:,.0f} | "
                f"{prof['db_self_s'] / prof['wall_s'] * 100:.0f} % |",
                f"| across the parts: `Session.commit` (cumulative) | {prof['commit_s'] * per:,.0f} | "
                f"{prof['commit_s'] / prof['wall_s'] * 100:.0f} % |",
                f"| across the parts: own time in WeasyPrint, pydyf, fontTools, tinycss2, cssselect2, tinyhtml5 | "
                f"{prof['weasy_self_s'] * per:,.0f} | {prof['weasy_self_s'] / prof['wall_s'] * 100:.0f} % |"]
    out += ["", f"Run took {took:.0f} s."]
    return "\n".join(out) + "\n"


def run_child(spec: dict) -> dict:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.archive", "--child", json.dumps(spec)], cwd=ROOT,
                          capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"documents": spec["documents"], "workers": spec["workers"], "error": tail[:200]}
    return json.loads(lines[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000, help="vedomosts in the job (default 1000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--no-quarter", action="store_true", help="skip the runs with N/4 documents")
    parser.add_argument("--profile", type=int, default=30, help="documents to profile in process (0: skip)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return 0
    logging.disable(logging.WARNING)
    env = environment()
    started = time.perf_counter()
    print(f"archive benchmark — {env['cpu']}, {env['cores']} cores, load {env['load'][0]:.2f}", flush=True)
    sizes_n = [args.documents] + ([] if args.no_quarter or args.documents < 8 else [args.documents // 4])
    runs, builds, prof = [], {}, None
    tmp_ctx = tempfile.TemporaryDirectory(prefix="docservice-archive-") if args.keep is None else None
    tmp = Path(tmp_ctx.name) if tmp_ctx else args.keep
    try:
        for n in sizes_n:
            print(f"  building {n:,} closed journals …", flush=True)
            template, builds[n] = build_template(tmp / f"n{n}", n)
            print(f"    imported in {builds[n]['import']:.0f} s, closed in {builds[n]['close']:.0f} s", flush=True)
            for w in args.workers:
                folder = tmp / f"n{n}-w{w}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                shutil.copy(template, folder / "bench.db")
                print(f"  {n:,} documents, {w} worker{'s' if w > 1 else ''} …", flush=True)
                r = run_child({"db": str(folder / "bench.db"), "folder": str(folder), "workers": w, "documents": n})
                runs.append(r)
                if "error" in r:
                    print(f"    failed: {r['error']}", flush=True)
                else:
                    print(f"    {r['total_s']:.1f} s (plan {r['plan_s']:.1f}, issue {r['issue_s']:.1f}, assemble "
                          f"{r['assemble_s']:.1f}); main {r['main_mb']:.0f} MB, workers {r['workers_mb']}; "
                          f"problems {r['checks']['problems']}", flush=True)
                if args.keep is None:
                    shutil.rmtree(folder, ignore_errors=True)
        if args.profile:
            print(f"  profiling {args.profile} documents in process …", flush=True)
            prof = profile(tmp / "profile", args.profile + 1)
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    env["load_end"] = os.getloadavg()
    text = report(env, runs, builds, prof, args, time.perf_counter() - started)
    print()
    print(text)
    if prof:
        print(prof["top"])
    args.output.write_text(text, encoding="utf-8")
    print(f"(written to {args.output})")
    return 0 if all("error" not in r and not r["checks"]["problems"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
