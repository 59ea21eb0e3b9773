"""Document rendering benchmarks: ``make bench`` (or ``.venv/bin/python -m benchmarks.run``).

A scratch SQLite database in a temporary folder is migrated and given a synthetic faculty
(``benchmarks/dataset.py``: groups of 30, 150 and 300 students with one discipline, a group
of 25 students with 12 disciplines; lessons, RK1, RK2 and exam marks), a second one the demo
faculty (for every type's own example). Then the real pipeline is timed:
``issuing.preview(None, type, input, "ru", fmt)`` — validation, the type's context from the
store, and the render through the plugin hook (the engine the type chose). Beside it, in the
same run:

- NAIVE: for PDF a plain WeasyPrint render of an equivalent HTML ``<table>`` (default
  automatic table layout, system fonts, a fresh ``FontConfiguration`` each time, no shared
  stylesheet); for DOCX a plain docxtpl render of the same Word template and context
  (``DocxTemplate`` loaded, rendered and saved each time);
- WEASYPRINT: the core's own WeasyPrint render of the type's HTML layout (what every type
  used before the Typst engine; for DOCX, docxtpl's own render of the template);
- RENDER: the render through the hook (``issuing.render``): Typst for the built-in types.

Every run renders fresh data (each student's name changes from run to run): Typst memoizes
what it laid out before, and a benchmark of one repeated document would flatter it. The
variants of a case are timed in turn, round after round (the machine's load drifts and so
falls on all of them alike); every figure is the median (and p90) of N runs after W warm-up
runs, in wall time, with the process's CPU time in a second table. It also times app start
and the first PDF of a new process, the cost per student, the RSS over many renders. The
report is printed and written to ``benchmarks/results.md``.
"""
from __future__ import annotations

import argparse
import gc
import html
import io
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import dataset  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.md"
HEAVY = ("weasyprint", "docx", "docxtpl", "lxml", "PIL", "segno", "openpyxl", "fontTools", "pydyf", "cairocffi")


# --- measuring -------------------------------------------------------------------------

class Timing:
    def __init__(self, walls: list[float], cpus: list[float]):
        self.walls, self.cpus = walls, cpus

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def p90(self) -> float:
        ordered = sorted(self.walls)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def measure(fn, reps: int, warmup: int) -> Timing:
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return Timing(walls, cpus)


def measure_together(fns: dict, reps: int, warmup: int) -> dict:
    """Several functions timed in turn, round after round: the load of the machine, which
    drifts, falls on all of them alike."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    walls = {name: [] for name in fns}
    cpus = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls[name].append((time.perf_counter() - w) * 1000)
            cpus[name].append((time.process_time() - c) * 1000)
    return {name: Timing(walls[name], cpus[name]) for name in fns}


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# --- the naive baselines ---------------------------------------------------------------

def naive_table_html(title: str, header: list[str], rows: list[list], landscape: bool = True) -> str:
    """An equivalent plain HTML table: default (automatic) table layout, system fonts."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc('' if v is None else str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    page = "A4 landscape" if landscape else "A4"
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>@page {{ size: {page}; margin: 20mm }}"
            f" body {{ font-family: 'Times New Roman', serif; font-size: 10pt }}"
            f" table {{ border-collapse: collapse; width: 100% }} td, th {{ border: 0.6pt solid black }}</style>"
            f"</head><body><h1>{esc(title)}</h1><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            f"</table></body></html>")


def naive_pdf(document_html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=document_html).write_pdf(font_config=FontConfiguration())


def naive_docx(template_path: Path, context: dict) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from docservice.documents.rendering import FILTERS

    env = Environment(autoescape=True)
    env.filters.update(FILTERS)  # the templates' own filters (``num``)
    tpl = DocxTemplate(str(template_path))
    tpl.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def vedomost_table(context: dict) -> tuple[str, list[str], list[list]]:
    header = ["№", "Ф.И.О.", "№ зачётной книжки", *context.get("comp_headers", []), "Итоговая оценка, %",
              "Буквенная оценка", "Цифровой эквивалент", "Оценка по традиционной системе", "Подпись"]
    rows = [[r["n"], r["full_name"], r["record_book"], *r.get("comp", []), r["final"], r["letter"], r["gpa"],
             r["traditional"], ""] for r in context["rows"]]
    return context["doc"]["title"], header, rows


def summary_table(context: dict) -> tuple[str, list[str], list[list]]:
    header = ["№", "Ф.И.О.", "№ зачётной книжки", *[f"{i['name']} {i['code']}, {i['credits']} кр." for i in
                                                   context["items"]], "Набрано кредитов", "GPA"]
    rows = [[r["n"], r["full_name"], r["record_book"], *[c["text"] for c in r["cells"]], r["credits"], r["gpa"]]
            for r in context["rows"]]
    return context["doc"]["title"], header, rows


# --- the run ---------------------------------------------------------------------------

def engine_of(doc_type, fmt: str) -> str:
    return "docxtpl" if fmt == "docx" else getattr(doc_type, "pdf_engine", "weasyprint")


FIRST_PDF = """
import json, sys, time
from docservice import create_app
from docservice.documents import issuing
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench", "STORAGE_DIR": sys.argv[2]})
with app.app_context():
    started = time.perf_counter()
    issuing.preview(None, "vedomost", issuing.registry().get("vedomost").example, "ru", "pdf")
    print((time.perf_counter() - started) * 1000)
"""


def first_pdf(url: str, tmp: str, runs: int = 3) -> float | str:
    """The first PDF preview of a new worker process, after ``create_app()`` (median of runs)."""
    walls = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", FIRST_PDF, url, f"{tmp}/documents"], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            return (done.stderr.strip().splitlines() or ["?"])[-1]
        walls.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(walls)


def app_start(runs: int = 5) -> dict:
    """``create_app()`` in a new interpreter: as this machine runs it, and with a bytecode
    cache (as a deployment has; kept in a temporary folder, not in the project)."""
    code = "from docservice import create_app; create_app()"
    out = {}
    with tempfile.TemporaryDirectory(prefix="docservice-pyc-") as pyc:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = pyc
        for key, env in (("as_is", dict(os.environ)), ("bytecode", cached)):
            first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
            if first.returncode:  # the first run also warms the disk (and the bytecode) cache
                return {"error": (first.stderr.strip().splitlines() or ["?"])[-1]}
            walls = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
                walls.append((time.perf_counter() - started) * 1000)
            out[key] = statistics.median(walls)
        out["dont_write_bytecode"] = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        probe = ("import sys; from docservice import create_app; create_app(); "
                 f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
        out["heavy"] = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=cached, check=True,
                                      capture_output=True, text=True).stdout.strip() or "none"
        imports = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=cached,
                                 check=True, capture_output=True, text=True).stderr
    out["imports"] = top_imports(imports)
    return out


def top_imports(importtime: str, top: int = 8) -> list[tuple[str, float]]:
    """The packages that cost most to import (``-X importtime``: a package's top module,
    with what it pulled in first), the project's own left out."""
    costs: dict[str, float] = {}
    for line in importtime.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if "." not in name and name not in ("docservice", "plugins", "app"):
            costs[name] = max(costs.get(name, 0), int(parts[1]) / 1000)
    return sorted(costs.items(), key=lambda kv: -kv[1])[:top]


def environment() -> dict:
    import weasyprint

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass  # no /proc here: the report just leaves the CPU model out
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
        hb_subset = bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    except Exception:  # noqa: BLE001 — only reported
        hb_subset = False
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "weasyprint": weasyprint.__version__, "hb_subset": hb_subset, "typst": _version("typst"),
            "load": os.getloadavg()}


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def fresh(context: dict, run: int) -> dict:
    """The context with every text in its tables changed for this run (see the docstring: Typst
    memoizes; real documents differ from one another)."""
    import copy

    out = copy.deepcopy(context)

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and len(value) > 3 and not value.startswith("data:"):
            return f"{value} {run}"
        return value

    for key, value in out.items():
        if key not in ("doc", "university", "lang") and isinstance(value, (list, dict)):
            out[key] = walk(value)
    return out


class Fresh:
    """A new context at each call (the run counter goes up)."""

    def __init__(self, context: dict):
        self.context, self.run = context, 0

    def __call__(self) -> dict:
        self.run += 1
        return fresh(self.context, self.run)


def docx_parts(content: bytes) -> list:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=7, help="timed runs per case (default 7; 5 for 300 rows)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up runs per case (default 2)")
    parser.add_argument("--memory", type=int, default=200, help="renders for the RSS measurement (0: skip)")
    parser.add_argument("--quick", action="store_true", help="3 timed runs, 1 warm-up, 50 renders for RSS")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.warmup, args.memory = 3, 1, min(args.memory, 50)
    logging.disable(logging.WARNING)

    env = environment()
    started = time.perf_counter()
    print(f"docservice benchmarks — {env['cpu']}, {env['cores']} cores, load {env['load'][0]:.2f}", flush=True)
    rows, notes, per_row, memory, checks = [], [], {}, None, []
    with tempfile.TemporaryDirectory(prefix="docservice-bench-") as tmp:
        from flask_migrate import upgrade

        from docservice import create_app
        from docservice.documents import issuing, rendering
        from docservice.importer import import_dataset

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
                          "STORAGE_DIR": f"{tmp}/documents"})
        with app.app_context():
            upgrade()
            t0 = time.perf_counter()
            import_dataset(None, dataset.build())
            print(f"dataset imported in {time.perf_counter() - t0:.1f} s", flush=True)
            registered = {t.id for t in issuing.registry()}

            def context_of(type_id, data):
                doc_type = issuing.registry().get(type_id)
                clean = issuing.validate(doc_type.schema, data, "ru")
                return doc_type, issuing.build_context(doc_type, clean, "ru", None, issuing.clock_now())

            def measure_case(type_id, data, label, table_of, targets):
                if type_id not in registered:
                    notes.append(f"{type_id} is not registered: {label} not measured")
                    return
                try:
                    doc_type, context = context_of(type_id, data)
                    issuing.render(doc_type, context, "ru", "pdf")
                except Exception as exc:  # noqa: BLE001 — reported, the rest still runs
                    notes.append(f"{label}: failed ({type(exc).__name__}: {exc})")
                    return
                students = len(context.get("rows") or [])
                reps = args.reps if students < 200 else max(3, min(args.reps, 5))
                new = Fresh(context)
                if targets is None:  # only the render, for the cost per student
                    print(f"  {label} PDF …", flush=True)
                    per_row[students] = measure(lambda: issuing.render(doc_type, new(), "ru", "pdf"), reps,
                                                args.warmup)
                    return
                ctx_t = measure(lambda: context_of(type_id, data), reps, 1)
                for fmt in ("pdf", "docx"):
                    print(f"  {label} {fmt.upper()} …", flush=True)
                    if fmt == "pdf":
                        fns = {"weasyprint": lambda: rendering.render_pdf(doc_type, new(), "ru")}
                        if table_of is not None:
                            naive_html = naive_table_html(*table_of(context))
                            fns["naive"] = lambda: naive_pdf(naive_html)
                    else:
                        template = rendering.find_template(doc_type, "ru", "docx")
                        fns = {"naive": lambda: naive_docx(template, new()),
                               "weasyprint": lambda: rendering.render_docx_docxtpl(template, new())}
                        same = docx_parts(rendering.render_docx_docxtpl(template, context)) == \
                            docx_parts(rendering.render_docx(doc_type, context, "ru"))
                        checks.append(f"{label}: every part of the DOCX is byte for byte docxtpl's: "
                                      f"{'yes' if same else '**NO**'}")
                    fns["render"] = lambda: issuing.render(doc_type, new(), "ru", fmt)
                    fns["preview"] = lambda: issuing.preview(None, type_id, data, "ru", fmt)
                    timed = measure_together(fns, reps, args.warmup)
                    rows.append({"case": label, "fmt": fmt.upper(), **timed, "context": ctx_t,
                                 "target": targets.get(fmt), "engine": engine_of(doc_type, fmt)})
                    if type_id == "vedomost" and fmt == "pdf":
                        per_row[students] = timed["render"]

            cases = [
                ("vedomost", {"journal": dataset.VEDOMOST_30}, "vedomost, 30 students", vedomost_table,
                 {"pdf": 60, "docx": 10}),
                ("vedomost", {"journal": dataset.VEDOMOST_150}, "vedomost, 150 students", vedomost_table, None),
                ("vedomost", {"journal": dataset.VEDOMOST_300}, "vedomost, 300 students", vedomost_table,
                 {"pdf": 600}),
                ("summary_vedomost", {"group": dataset.SUMMARY_GROUP, "period": dataset.PERIOD},
                 "summary vedomost, 25 × 12", summary_table, {"pdf": 150}),
            ]
            for type_id, data, label, table_of, targets in cases:
                measure_case(type_id, data, label, table_of, targets)
            if args.memory and "vedomost" in registered:
                print(f"  RSS over {args.memory} renders …", flush=True)
                doc_type, context = context_of("vedomost", {"journal": dataset.VEDOMOST_30})
                issuing.render(doc_type, context, "ru", "pdf")
                gc.collect()
                memory = {0: rss_mb()}
                for i in range(1, args.memory + 1):
                    issuing.render(doc_type, fresh(context, i), "ru", "pdf")
                    if i % 50 == 0 or i == args.memory:
                        gc.collect()
                        memory[i] = rss_mb()
        # Every type's own example, on the demo faculty (a second store).
        demo_url = f"sqlite:///{tmp}/demo.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": demo_url, "SECRET_KEY": "bench",
                          "STORAGE_DIR": f"{tmp}/documents"})
        with app.app_context():
            from docservice.demo import load_demo

            upgrade()
            load_demo()
            registered = {t.id for t in issuing.registry()}
            for doc_type in issuing.registry():
                measure_case(doc_type.id, doc_type.example, f"{doc_type.id}: its example", None,
                             {"pdf": 150 if doc_type.id == "summary_vedomost" else 60})
            first = registered and first_pdf(demo_url, tmp)
    print("  app start …", flush=True)
    start = app_start()
    start["first_pdf"] = first
    env["load_end"] = os.getloadavg()
    text = report(env, rows, per_row, start, memory, checks, notes, args, time.perf_counter() - started)
    print()
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"(written to {args.output})")
    return 0


def report(env, rows, per_row, start, memory, checks, notes, args, took) -> str:
    def ms(x):
        return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"

    def cell(t):
        return "—" if t is None else f"{ms(t.median)} ({ms(t.p90)})"

    out = ["# docservice rendering benchmarks", "",
           f"`make bench`, {time.strftime('%Y-%m-%d %H:%M')}: {env['cpu']}, {env['cores']} cores, Python "
           f"{env['python']}, WeasyPrint {env['weasyprint']}, Typst (PyPI typst) {env['typst']}; load average "
           f"{env['load'][0]:.2f} at the start, {env['load_end'][0]:.2f} at the end. Milliseconds, wall clock: "
           f"median (p90) of {args.reps} runs (5 for 300 students) after {args.warmup} warm-up, fresh data in "
           "every run.", "",
           "- **naive**: plain WeasyPrint on an equivalent HTML table (automatic table layout, system fonts, a "
           "fresh FontConfiguration each time) / plain docxtpl (template loaded, rendered, saved);",
           "- **WeasyPrint**: the core's own WeasyPrint render of the type's HTML layout (every type's PDF "
           "before the Typst engine) / docxtpl's own render of the Word template;",
           "- **render**: through the render hook, by the engine the type chose (engine column); the targets "
           "are for it; **preview**: `issuing.preview(...)` — validation, the type's context from the store "
           "(its median beside it) and the render, of the same store each run — so Typst's memo of the last "
           "compile makes a repeated PDF preview cheaper than a fresh render; a changed journal's preview costs "
           "about context + render.", "",
           "| document | format | engine | naive | WeasyPrint / docxtpl | render | preview (context) | target | met |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        target = r["target"]
        met = "" if target is None else ("yes" if r["render"].median <= target else "**no**")
        out.append(f"| {r['case']} | {r['fmt']} | {r['engine']} | {cell(r.get('naive'))} | "
                   f"{cell(r['weasyprint'])} | {cell(r['render'])} | {cell(r['preview'])} "
                   f"({ms(r['context'].median)}) | {'≤ ' + str(target) if target else '—'} | {met} |")
    if "error" in start:
        out.append(f"| app start | — | — | — | — | failed: {start['error']} | — | ≤ 1500 | ? |")
    else:
        met = "yes" if start["bytecode"] <= 1500 else "**no**"
        out.append(f"| app start: `create_app()` in a new interpreter (median of 5) | — | — | — | — | "
                   f"{ms(start['bytecode'])} | — | ≤ 1500 | {met} |")
    first = start.get("first_pdf")
    if isinstance(first, float):
        out.append(f"| first PDF of a new worker process (vedomost preview after `create_app()`, median of 3) "
                   f"| PDF | — | — | — | {ms(first)} | — | ≤ 1000 | {'yes' if first <= 1000 else '**no**'} |")
    elif first:
        notes.append(f"first PDF of a new process: failed ({first})")
    out += ["", "CPU time of the process, median (other work on the machine inflates wall times):", "",
            "| document | format | naive | WeasyPrint / docxtpl | render | preview |", "|---|---|---|---|---|---|"]
    for r in rows:
        naive = r.get("naive")
        out.append(f"| {r['case']} | {r['fmt']} | {'—' if naive is None else ms(naive.cpu)} | "
                   f"{ms(r['weasyprint'].cpu)} | {ms(r['render'].cpu)} | {ms(r['preview'].cpu)} |")
    if len(per_row) >= 2:
        ns = sorted(per_row)
        out += ["", "Cost per student (vedomost PDF render, median): " + ", ".join(
            f"{n} students {ms(per_row[n].median)}" for n in ns) + " — " + ", ".join(
            f"{a}→{b}: {(per_row[b].median - per_row[a].median) / (b - a):.2f} ms per student"
            for a, b in zip(ns, ns[1:])) + "."]
    if "error" not in start:
        out += ["", f"App start: {ms(start['bytecode'])} ms with a bytecode cache (as deployed), "
                    f"{ms(start['as_is'])} ms as this shell runs it"
                    f"{' (PYTHONDONTWRITEBYTECODE=1: every project module compiled at each start)' if start['dont_write_bytecode'] else ''}. "
                    f"Heavy libraries imported by `create_app()`: {start['heavy']} (the engines, docxtpl, lxml, "
                    "Pillow and segno load at the first render). Costliest imports (ms, with what each pulled in "
                    "first): " + ", ".join(f"{name} {cost:.0f}" for name, cost in start["imports"]) + "."]
    if memory:
        first_k, last_k = min(memory), max(memory)
        slope = (memory[last_k] - memory[first_k]) / max(1, last_k - first_k)
        out += ["", "Memory (vedomost 30 PDF through the hook, fresh data, one process, after `gc.collect()`): "
                "RSS " + ", ".join(f"{memory[k]:.1f} MB after {k}" for k in sorted(memory)) +
                f" renders: {slope * 1024:+.0f} kB per render."]
    if checks:
        out += ["", "Output checks: " + "; ".join(checks) + "."]
    for note in notes:
        out += ["", f"Note: {note}"]
    out += ["", f"Run took {took:.0f} s."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
