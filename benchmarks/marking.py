"""What the mark-write benchmarks share (``benchmarks/mark_write.py`` in-process,
``benchmarks/web.py`` through the production server): the code before the write was made to
do only its own work, the scratch store they write in, and the cells a writer goes through.

The code before is the revision ``BEFORE`` itself, unpacked with ``git archive`` into a
temporary folder (nothing in the checkout changes) and run in a process of its own with that
folder first on ``PYTHONPATH``: the installed editable ``docservice`` is found after it.
"""
from __future__ import annotations

import platform
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The last revision before the mark write did only its own work (issue 12, item 3): a write
# recomputed the whole journal's results to answer one student's row.
BEFORE = "72b20b413e32d4d625bea303b1e09ecd68970cfc"
# Inside the synthetic faculty's period, before any journal's deadline (final controls 10–13 Nov).
FROZEN_AT = "2026-11-05T10:00:00"
PASSWORD = "Bench-2026-marks"
# benchmarks/dataset.py: the journals of 30 and 300 students, and the teachers of each journal.
SMALL, LARGE = "B30", "B300"


@contextmanager
def source_tree(revision: str | None):
    """A folder with the code of ``revision`` (None: this checkout), compiled catalogues
    included (they are built, not committed), removed afterwards."""
    if revision is None:
        yield ROOT
        return
    folder = Path(tempfile.mkdtemp(prefix="docservice-before-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        for compiled in (ROOT / "docservice" / "translations").glob("*/*/LC_MESSAGES/*.mo"):
            target = folder / compiled.relative_to(ROOT)
            if target.parent.is_dir():
                shutil.copyfile(compiled, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def prepare_store(url: str) -> dict[str, list[str]]:
    """Migrate the empty database at ``url``, import the synthetic faculty (``dataset.build``)
    and give every teacher ``PASSWORD``; returns each open journal's teachers by code."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from benchmarks import dataset
    from docservice import create_app
    from docservice.importer import import_dataset
    from docservice.journals import is_writable
    from docservice.models import Journal, User, db
    from docservice.users import set_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "FROZEN_AT": FROZEN_AT})
    with app.app_context():
        upgrade()
        import_dataset(None, dataset.build())
        for user in db.session.scalars(select(User)):
            if user.has_role("teacher"):
                set_password(user, PASSWORD, must_change=False)
        db.session.commit()
        at = datetime.fromisoformat(FROZEN_AT)
        teachers = {j.code: sorted(t.user.login for t in j.staff if t.role == "teacher")
                    for j in db.session.scalars(select(Journal).order_by(Journal.code)) if is_writable(j, at)}
        db.session.remove()
        db.engine.dispose()
    return teachers


class Writer:
    """A teacher writing marks into some cells of one journal, in turn, each with the version
    it last read: every write changes the cell and none is a conflict."""

    def __init__(self, journal: str, grid: dict, students: list[str] | None = None):
        self.journal = journal
        self.known = {}
        for row in grid["rows"]:
            if students is None or row["student"] in students:
                for column, cell in row["cells"].items():
                    self.known[(row["student"], column)] = (cell["value"], cell["version"])
        self.order = sorted(self.known)
        self.turn = 0

    def body(self) -> dict:
        """The next write: the next cell, a value other than the one it holds."""
        student, column = cell = self.order[self.turn % len(self.order)]
        self.turn += 1
        value, version = self.known[cell]
        new = 60 + (value + 7) % 40 if isinstance(value, int) else 75
        return {"student": student, "column": column, "value": str(new), "version": version}

    def answered(self, body: dict, answer: dict) -> None:
        """What the server said of the cell (200: the cell; 409: the current one)."""
        cell = answer.get("cell") or answer.get("current")
        if cell is not None:
            self.known[(body["student"], body["column"])] = (cell["value"], cell["version"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def cpu_model() -> str:
    try:
        return re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        return platform.machine()
