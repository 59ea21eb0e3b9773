"""The demo is alive on any day: laid out on the day it is loaded, it is mid-semester — open
journals, some due within days, some locked and closed, reopen requests at every step — and
its data are files under docservice/samples/demo/, not Python literals (issue 13)."""
import fnmatch
import json
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from docservice.demo import build_demo_dataset, load_demo
from docservice.demo_calendar import REFERENCE_DAY, DemoCalendar
from docservice.models import CLOSED, LOCKED, OPEN, Journal, ReopenRequest, db
from docservice.web.oversight.data import effective_state

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docservice" / "samples" / "demo"
# Days of every kind: the reference week, a week later, the turn of the year, spring, the
# summer break, the next autumn (another academic year).
DAYS = [date(2026, 11, 26), date(2026, 12, 7), date(2027, 1, 4), date(2027, 3, 17), date(2027, 7, 20),
        date(2027, 10, 5)]


@pytest.fixture(scope="module")
def reference():
    return build_demo_dataset()


def _lesson_days(data):
    return [lesson["date"] for j in data["journals"] for lesson in j["lessons"]]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_laid_out_on_any_day_is_mid_semester(today, reference):
    data = build_demo_dataset(today=today)
    moved = DemoCalendar(today).shift
    assert moved.days % 7 == 0 and 0 <= (today - moved - REFERENCE_DAY).days < 7
    # Every date moved by the same whole weeks: weekdays kept, nothing on a weekend.
    for before, after in zip(_lesson_days(reference), _lesson_days(data)):
        assert date.fromisoformat(after) - date.fromisoformat(before) == moved
        assert date.fromisoformat(after).weekday() == date.fromisoformat(before).weekday() < 5
    deadlines = [date.fromisoformat(j["final_control"]) + timedelta(days=3) for j in data["journals"]]
    past = [d for d in deadlines if d < today]
    due_soon = [d for d in deadlines if today <= d <= today + timedelta(days=7)]
    assert 0.35 <= len(past) / len(deadlines) <= 0.65 and len(due_soon) >= 5
    assert max(deadlines) >= today + timedelta(days=21)       # the semester goes on for weeks
    # The labels are those of the day: its academic year and term, entry years, record books.
    start = today.year if today.month >= 8 else today.year - 1
    assert data["academic_year"] == f"{start}-{start + 1}"
    assert {j["period"] for j in data["journals"]} == {f"{start}-{start + 1}/{1 if today.month in (8, 9, 10, 11, 12, 1) else 2}"}
    groups = {g["code"]: g for g in data["groups"]}
    for student in data["students"]:
        entry = int(re.match(r"^.+-(\d\d)-", student["group"]).group(1))
        assert entry == (start + 1 - groups[student["group"]]["course"]) % 100
        assert student["id"].startswith(f"{entry:02d}")
    students = {s["id"] for s in data["students"]}
    assert all(m["student"] in students for m in data["marks"])
    lesson_columns = {(j["id"], lesson["date"]) for j in data["journals"] for lesson in j["lessons"]}
    assert all((m["journal"], m["column"]) in lesson_columns for m in data["marks"]
               if m["column"] not in ("RK1", "RK2", "EXAM"))


def test_on_the_reference_week_nothing_moves(reference):
    again = build_demo_dataset(today=REFERENCE_DAY + timedelta(days=6))
    assert json.dumps(again, ensure_ascii=False) == json.dumps(reference, ensure_ascii=False)
    assert "ОМ-26-01к" in {g["code"] for g in reference["groups"]} and reference["academic_year"] == "2026-2027"


# Two days on SQLite (a Monday and a Wednesday of another term); PostgreSQL loads the demo once.
@pytest.mark.parametrize("backend,today", [
    ("sqlite", date(2026, 12, 7)), ("sqlite", date(2027, 3, 17)),
    pytest.param("postgresql", date(2026, 12, 7), marks=pytest.mark.postgres)], indirect=["backend"],
    ids=lambda value: str(value))
def test_the_loaded_demo_has_every_state_and_every_step_of_the_reopen_chain(app, clock, today):
    clock.set(datetime.combine(today, datetime.min.time()).replace(hour=9))
    load_demo()
    journals = db.session.scalars(select(Journal)).all()
    assert len(journals) == 115
    states = [effective_state(j, today) for j in journals]
    assert states.count(OPEN) >= 40 and states.count(LOCKED) >= 30 and states.count(CLOSED) >= 5
    due_soon = [j for j in journals if effective_state(j, today) == OPEN and j.deadline <= today + timedelta(days=7)]
    assert len(due_soon) >= 5
    # Closed by their teachers in time, on the day of the final control; locked ones were not.
    closed_in_time = [j for j in journals if j.state == CLOSED and not j.closed_late]
    assert len(closed_in_time) >= 4
    assert all(j.closed_at.date() == j.final_control < today for j in closed_in_time)
    steps = {r.status for r in db.session.scalars(select(ReopenRequest))}
    assert steps == {"filed", "visaed", "approved", "granted", "completed"}
    # The requests are on the journals past their deadline, filed the day before.
    for request in db.session.scalars(select(ReopenRequest)):
        assert request.journal.deadline < today and request.detected_on == today - timedelta(days=1)


def test_the_demos_data_are_files_shipped_in_the_wheel():
    files = sorted(p.name for p in DATA.glob("*.json"))
    assert files == ["curriculum.json", "faculty.json", "names.json", "reopenings.json", "topics.json"]
    for name in files:
        json.loads((DATA / name).read_text(encoding="utf-8"))
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["docservice"]
    for path in DATA.glob("*.json"):
        relative = str(path.relative_to(ROOT / "docservice"))
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in shipped), relative
    # demo.py lays the data out: no name list, topic or curriculum item is written in it.
    source = (ROOT / "docservice" / "demo.py").read_text(encoding="utf-8")
    assert "Ғабдуллин" not in source and "Общая остеология" not in source and "HIS1101" not in source
    assert len(source.splitlines()) < 750
