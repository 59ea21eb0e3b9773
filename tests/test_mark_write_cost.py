"""What a mark write, the journal grid and a journal's results cost in SQL statements, whatever
the size of the journal (issue 12, item 3) — and that the write's answer, graded for the one
student, is what the whole journal's results say of that student.

Statements are counted with SQLAlchemy's ``before_cursor_execute`` event, each request on a
fresh session as in the server (the test's app context would otherwise keep what the last
request loaded).
"""
from __future__ import annotations

import copy
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from store import journal, user
from web_client import signed_in

from docservice import reopen
from docservice.importer import import_dataset
from docservice.journals import appoint_substitute, close_journal, find_journal, set_mark
from docservice.models import db
from docservice.results import results_json

WRITE_MAX, GRID_MAX, RESULTS_MAX = 8, 10, 10
SIZES = {"JB030": 30, "JB300": 300}


def book(code: str, i: int) -> str:
    """The record book of the ``i``-th student of one of the ``SIZES`` journals."""
    return f"9{list(SIZES).index(code)}{i:05d}"


@contextmanager
def counted():
    """The SQL statements run inside the block, on a fresh session."""
    db.session.remove()
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def csrf_of(client, code) -> str:
    page = client.get(f"/journals/{code}").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def put(client, token, code, **body):
    r = client.put(f"/api/v1/journals/{code}/cells?lang=ru", json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def grid_row(client, code, student) -> dict:
    """The student's row of the grid, whose results are computed for the whole journal."""
    data = client.get(f"/api/v1/journals/{code}?lang=ru").get_json()
    return next(r for r in data["rows"] if r["student"] == student)


# --- journals of 30 and 300 students ------------------------------------------------------

def sized_dataset(sample: dict) -> dict:
    """The sample faculty and two more groups of J0001's discipline, of 30 and 300 students,
    each with a journal (J0001's lessons) and every cell marked."""
    data = copy.deepcopy(sample)
    lessons = next(j for j in sample["journals"] if j["id"] == "J0001")["lessons"]
    for code, size in SIZES.items():
        group = f"БН-{size}"
        data["groups"].append({"code": group, "program": "6B10101", "course": 2, "language": "ru"})
        books = [book(code, i) for i in range(size)]
        data["students"] += [{"id": b, "full_name": f"Студент {i:03d} Тестович", "group": group}
                             for i, b in enumerate(books)]
        data["journals"].append({"id": code, "curriculum_item": "ANA2101", "part": None, "group": group,
                                 "period": "2026-2027/1", "teachers": ["t.anat2"], "final_control": "2026-11-11",
                                 "lessons": lessons})
        for i, record_book in enumerate(books):
            cells = [(lesson["date"], 50 + (i * 7 + k) % 50) for k, lesson in enumerate(lessons)]
            cells[1] = (cells[1][0], "н/б") if i % 5 == 0 else cells[1]
            cells[2] = (cells[2][0], {"value": "н/б", "note": "перезачет"}) if i % 9 == 0 else cells[2]
            cells += [("RK1", 55 + i % 45), ("RK2", 60 + i % 40), ("EXAM", 40 + i % 60)]
            data["marks"] += [{"journal": code, "student": record_book, "column": c, "value": v} for c, v in cells]
    return data


@pytest.fixture
def sized(app, sample_data):
    """The two journals, a few of their cells written since by their teacher and by a
    substitute (the grid names who wrote each cell)."""
    import_dataset(None, sized_dataset(sample_data))
    for code in SIZES:
        appoint_substitute(user("head.anat"), journal(code), user("t.anat3"), "Протокол №3")
        set_mark(user("t.anat2"), journal(code), book(code, 0), "RK1", "91")
        set_mark(user("t.anat3"), journal(code), book(code, 1), "RK2", "92")
    return signed_in(app, "t.anat2")


def test_a_write_the_grid_and_the_results_cost_the_same_for_30_and_300_students(sized):
    client = sized
    costs = {}
    for code in SIZES:
        token = csrf_of(client, code)
        student = book(code, 3)
        version = grid_row(client, code, student)["cells"]["RK1"]["version"]
        with counted() as write:
            body = put(client, token, code, student=student, column="RK1", value="77", version=version)
        assert body["cell"]["value"] == 77 and body["result"]["rk1"] == 77.0
        with counted() as page:
            assert client.get(f"/journals/{code}").status_code == 200
        with counted() as grid:
            assert len(client.get(f"/api/v1/journals/{code}").get_json()["rows"]) == SIZES[code]
        with counted() as results:
            assert len(results_json(find_journal(code))) == SIZES[code]
        costs[code] = {"write": len(write), "page": len(page), "grid": len(grid), "results": len(results)}
    small, large = costs["JB030"], costs["JB300"]
    assert small == large, costs  # the size of the journal changes nothing
    assert small["write"] <= WRITE_MAX, costs
    assert small["page"] <= GRID_MAX and small["grid"] <= GRID_MAX, costs
    assert small["results"] <= RESULTS_MAX, costs


def test_a_closed_journal_under_a_reopen_grant_costs_no_more(app, sample, clock):
    """The grid of a closed journal reads its grant and requests; a write through the grant
    checks it and, without grade change, grades the student before and after."""
    teacher = user("t.anat2")
    close_journal(teacher, journal("J0001"))
    req = reopen.file_request(teacher, journal("J0001"), "without_change", "Неверно отмечено отсутствие",
                              students=["24010003"])
    reopen.grant(user("or.head"), req)
    client = signed_in(app, "t.anat2")
    token = csrf_of(client, "J0001")
    with counted() as page:
        html = client.get("/journals/J0001").get_data(as_text=True)
    assert "Неверно отмечено отсутствие" in html
    with counted() as write:  # н/б → 0: both count 0, the grades stay (a correction of the record)
        body = put(client, token, "J0001", student="24010003", column="2026-09-16", value="0", version=1)
    assert body["cell"]["text"] == "0" and body["cell"]["editable"]
    assert len(page) <= GRID_MAX, page
    assert len(write) <= WRITE_MAX, write


# --- the answer is the whole journal's row ---------------------------------------------------

# (journal, its teacher, students, [(column, value, note)]): a discipline, an integrated
# discipline's exam block (its РД is over both blocks) and its other block, a module's part.
CASES = [
    ("J0001", "t.anat2", ["24010001", "24010007", "24010012"],
     [("2026-09-02", "95", None), ("2026-09-09", "н/б", None), ("2026-09-16", "н/б", "перезачет"),
      ("RK1", "30", None), ("EXAM", "49", None), ("EXAM", "н/б", None), ("EXAM", "88", None), ("RK2", "", None)]),
    ("J0003", "t.anat2", ["24010002", "24010005"],
     [("RK1", "100", None), ("EXAM", "71", None), ("RK2", "н/б", None), ("EXAM", "", None)]),
    ("J0002", "t.phys3", ["24010004"], [("RK1", "12", None), ("RK2", "н/б", "перезачет")]),
    ("J0004", "t.chem3", ["24010006"], [("RK1", "64", None), ("EXAM", "50", None)]),
]


@pytest.mark.parametrize("code, login, students, writes", CASES, ids=[c[0] for c in CASES])
def test_the_answer_is_the_row_the_whole_journal_gives(app, sample, code, login, students, writes):
    client = signed_in(app, login)
    token = csrf_of(client, code)
    for student in students:
        for column, value, note in writes:
            if column not in grid_row(client, code, student)["cells"]:
                continue  # the exam of an integrated discipline is in its last block only
            version = grid_row(client, code, student)["cells"][column]["version"]
            body = put(client, token, code, student=student, column=column, value=value, note=note, version=version)
            whole = grid_row(client, code, student)
            assert body["result"] == whole["result"], (code, student, column, value)
            assert body["cell"] == whole["cells"][column], (code, student, column, value)
            assert body["result"] == body["result"] | next(
                r for r in results_json(journal(code)) if r["student_id"] == student)
