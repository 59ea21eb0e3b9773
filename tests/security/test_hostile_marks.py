"""Marks that are not marks (issue 11a): "٨٥", "８５", "𝟖𝟓" were stored as 85 — the digits of other
scripts that ``int()`` reads. A mark is typed with 0–9 only (after NFC); "н/б" forms stay.
Refused through the journal API, the import (API JSON and XLSX, page, command line); other
numbers typed as text (a KTP's hours, a document's course, a period's rule) are refused the
same way. Nothing is stored."""
from __future__ import annotations

import copy
import io
import json

import pytest
from hostile_support import (  # noqa: F401
    assert_refused,
    bearer,
    changed,
    fingerprint,
    folders_of,
    store,
    upload,
)
from web_client import csrf, flashes, signed_in

from docservice.cells import parse_cell
from docservice.dataset_xlsx import dataset_to_xlsx_bytes
from docservice.errors import Invalid
from docservice.models import Journal, Mark, db
from docservice.safe_input import ascii_digits_only

NOT_MARKS = {"arabic_indic": "٨٥", "fullwidth": "８５", "math_bold": "𝟖𝟓", "persian": "۸۵", "devanagari": "८५",
             "mixed": "8５", "superscript": "⁸⁵", "combining": "8\u03015", "bengali": "৮৫", "thai": "๘๕"}


@pytest.mark.parametrize("name", list(NOT_MARKS))
def test_parse_cell_refuses_other_scripts_digits(name):
    with pytest.raises(Invalid) as info:
        parse_cell(NOT_MARKS[name])
    assert info.value.code == "mark_invalid" and NOT_MARKS[name] in info.value.message("kk")
    assert not ascii_digits_only(NOT_MARKS[name]) or name in ("superscript", "combining")


@pytest.mark.parametrize("typed, stored", [("85", "85"), (" 85 ", "85"), ("0", "0"), ("100", "100"), (85, "85"),
                                           ("н/б", "н/б"), ("Н/Б", "н/б"), ("нб", "н/б")])
def test_marks_and_absences_still_read(typed, stored):
    assert str(parse_cell(typed)) == stored


def test_an_absence_with_its_transfer_note_still_reads():
    assert str(parse_cell("н/б", "Перезачет")) == "н/б (перезачет)"


def _journal_cell():
    """A marked cell of J0001 (its student, column and version)."""
    from docservice.models import Student

    journal = db.session.scalar(db.select(Journal).where(Journal.code == "J0001"))
    mark = db.session.scalar(db.select(Mark).where(Mark.journal_id == journal.id).order_by(Mark.id).limit(1))
    return db.session.get(Student, mark.student_id).record_book, mark.column, mark.version


@pytest.mark.parametrize("name", list(NOT_MARKS))
def test_the_journal_api_refuses_them(store, name):
    headers = {**bearer("t.anat2"), "Accept-Language": "kk"}
    student, column, version = _journal_cell()
    before = fingerprint(*folders_of(store))
    r = store.test_client().put("/api/v1/journals/J0001/cells", headers=headers,
                                json={"student": student, "column": column, "version": version,
                                      "value": NOT_MARKS[name]})
    said = assert_refused(r, "kk", statuses=(422,))
    assert r.get_json()["code"] == "mark_invalid" and "0-ден 100-ге дейінгі" in said
    assert not changed(before, fingerprint(*folders_of(store)))


def _dataset_with(sample_data, value) -> dict:
    data = copy.deepcopy(sample_data)
    data["marks"][7]["value"] = value
    return data


@pytest.mark.parametrize("route", ["api_json", "api_xlsx", "import_page_xlsx", "cli_json"])
@pytest.mark.parametrize("name", ["arabic_indic", "fullwidth", "math_bold"])
def test_the_import_refuses_them(store, sample_data, tmp_path, route, name):
    """The issue's three examples through every way in of the import; the error names the row."""
    data = _dataset_with(sample_data, NOT_MARKS[name])
    headers = bearer("or.inspector")
    client = signed_in(store, "or.inspector") if route == "import_page_xlsx" else store.test_client()
    before = fingerprint(*folders_of(store))
    if route == "api_json":
        r = client.post("/api/v1/import?format=json", headers=headers, data=json.dumps(data),
                        content_type="application/octet-stream")
        said = assert_refused(r, statuses=(422,))
        assert said.startswith("marks[7] [value]: ") and NOT_MARKS[name] in said
    elif route == "api_xlsx":
        r = client.post("/api/v1/import?format=xlsx&lang=kk", headers=headers, data=dataset_to_xlsx_bytes(data),
                        content_type="application/octet-stream")
        said = assert_refused(r, "kk", statuses=(422,))
        assert said.startswith("marks, row 9 [value]: "), said
    elif route == "import_page_xlsx":
        token = csrf(client.get("/registrar/import").data)
        r = upload(client, "/registrar/import", {"csrf_token": token,
                                                 "file": (io.BytesIO(dataset_to_xlsx_bytes(data)), "faculty.xlsx")})
        assert r.status_code == 422
        assert any("marks, row 9" in line and NOT_MARKS[name] in line for line in flashes(r.get_data(as_text=True)))
    else:
        path = tmp_path / "faculty.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = store.test_cli_runner().invoke(args=["journal", "import", str(path), "--as", "or.inspector"])
        assert out.exit_code == 1 and "marks[7]" in out.output and NOT_MARKS[name] in out.output, out.output
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("collection, index, field, value", [
    ("curriculum", 0, "credits", "٥"), ("curriculum", 1, "credits", "５"),
])
def test_other_numbers_of_the_import_are_refused_too(store, sample_data, collection, index, field, value):
    data = copy.deepcopy(sample_data)
    data[collection][index][field] = value
    headers = bearer("or.inspector")
    before = fingerprint(*folders_of(store))
    r = store.test_client().post("/api/v1/import?format=json", headers=headers, data=json.dumps(data),
                                 content_type="application/octet-stream")
    said = assert_refused(r, statuses=(422,))
    assert r.get_json()["code"] == "number_not_ascii" and f"{collection}[{index}]" in said and "0–9" in said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("value", ["٢", "２", "𝟐"])
def test_a_ktp_with_hours_in_other_digits_is_refused(store, value):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["date", "topic_kk", "topic_ru", "hours"])
    book.active.append(["2026-09-02", "Кіріспе", "Введение", value])
    content = io.BytesIO()
    book.save(content)
    client = signed_in(store, "head.anat")
    token = csrf(client.get("/department").data)
    before = fingerprint(*folders_of(store))
    r = upload(client, "/department/journals/J0001/ktp", {"csrf_token": token,
                                                           "file": (io.BytesIO(content.getvalue()), "ktp.xlsx")})
    assert r.status_code == 302
    said = flashes(client.get(r.headers["Location"]).get_data(as_text=True))
    assert any("row 2" in line and "0–9" in line for line in said), said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("value", ["٣", "３"])
def test_a_documents_number_in_other_digits_is_refused(store, value):
    headers = bearer("head.anat")
    before = fingerprint(*folders_of(store))
    r = store.test_client().post("/api/v1/documents/ktp/preview?lang=ru&format=pdf", headers=headers,
                                 json={"journal": "J0001", "course": value})
    said = assert_refused(r, statuses=(422,))
    assert "0–9" in json.dumps(r.get_json()["errors"]["course"], ensure_ascii=False), said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("value", ["٣", "３", "3٠"])
def test_a_forms_number_in_other_digits_is_refused(store, value):
    """The period's closing rule typed on the deadlines page (``form_int``)."""
    from docservice.models import Period

    client = signed_in(store, "or.inspector")
    token = csrf(client.get("/registrar/deadlines").data)
    period = db.session.scalar(db.select(Period))
    before = fingerprint(*folders_of(store))
    r = client.post(f"/registrar/periods/{period.id}/rule", data={"csrf_token": token, "close_within_days": value})
    assert r.status_code == 302
    said = flashes(client.get(r.headers["Location"]).get_data(as_text=True))
    assert any(value in line for line in said), said
    assert not changed(before, fingerprint(*folders_of(store)))
