"""The XLSX form of docservice-dataset/1: round trip, origins, human edits, errors."""
from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docservice.dataset_xlsx import dataset_to_xlsx_bytes, read_workbook, write_workbook
from docservice.errors import DatasetError

SAMPLE = Path(__file__).resolve().parents[1] / "docservice" / "samples" / "sample-dataset.json"


def _name(kk, ru):
    return {"kk": kk, "ru": ru}


# A small faculty with every shape the format has: null and absent keys, blocks and parts,
# lessons, "н/б" and a "перезачет" note, and an extra key the project may add.
MINI = {
    "format": "docservice-dataset/1",
    "university": {"name": _name("Университет", "Университет"), "short": _name("У", "У")},
    "academic_year": "2026-2027",
    "settings": {"vice_rector": {"full_name": _name("Әлиев А.", "Алиев А."),
                                 "position": _name("Проректор", "Проректор")}},
    "schools": [{"code": "GM", "name": _name("Мектеп", "Школа"), "dean": "dean.gm"}],
    "departments": [{"code": "ANAT", "school": "GM", "name": _name("Кафедра", "Кафедра"),
                     "head": "head.anat"}],
    "programs": [{"code": "6B10101", "name": _name("Медицина", "Медицина"), "school": "GM"}],
    "staff": [
        {"login": "dean.gm", "full_name": "Декан", "position": _name("Декан", "Декан"),
         "department": None, "email": "d@example", "roles": ["dean"], "school": "GM"},
        {"login": "head.anat", "full_name": "Меңгеруші", "position": _name("Меңгеруші", "Зав."),
         "department": "ANAT", "email": "h@example", "roles": ["teacher", "head_of_department"],
         "phone": "+7 701 000 00 00"},
    ],
    "groups": [{"code": "ОМ-24-01к", "program": "6B10101", "course": 2, "language": "kk"}],
    "students": [{"id": "24010001", "full_name": "Дана", "group": "ОМ-24-01к"},
                 {"id": "24010002", "full_name": "Арман", "group": "ОМ-24-01к"}],
    "curriculum": [
        {"code": "ANA2101", "name": _name("Анатомия", "Анатомия"), "kind": "discipline",
         "credits": 5, "department": "ANAT", "program": "6B10101", "course": 2, "semester": 1,
         "control": "exam"},
        {"code": "PHS2102", "name": _name("Физиология", "Физиология"), "kind": "integrated",
         "credits": 6, "department": "ANAT", "program": "6B10101", "course": 2, "semester": 1,
         "control": "exam", "blocks": [
             {"code": "PHS2102-1", "name": _name("Блок 1", "Блок 1"), "department": "ANAT"},
             {"code": "PHS2102-2", "name": _name("Блок 2", "Блок 2"), "department": "ANAT"}]},
        {"code": "MOD2103", "name": _name("Модуль", "Модуль"), "kind": "module", "credits": 6,
         "department": "ANAT", "program": "6B10101", "course": 2, "semester": 1,
         "control": "exam", "parts": [
             {"code": "MOD2103-1", "name": _name("Бөлім", "Часть"), "credits": 4,
              "department": "ANAT"}]},
    ],
    "journals": [
        {"id": "J0001", "curriculum_item": "ANA2101", "part": None, "group": "ОМ-24-01к",
         "period": "2026-2027/1", "teachers": ["head.anat"], "final_control": "2026-11-11",
         "lessons": [
             {"date": "2026-09-02", "time": "09:00-10:40", "topic": _name("Тақырып 1", "Тема 1"),
              "type": "practical", "hours": 2, "room": "527"},
             {"date": "2026-09-09", "time": "09:00-10:40", "topic": _name("Тақырып 2", "Тема 2"),
              "type": "practical", "hours": 2, "room": "=A1"}]},
        {"id": "J0002", "curriculum_item": "PHS2102", "part": "PHS2102-2", "group": "ОМ-24-01к",
         "period": "2026-2027/1", "teachers": ["head.anat", "dean.gm"],
         "final_control": "2026-11-12", "lessons": []},
    ],
    "marks": [
        {"journal": "J0001", "student": "24010001", "column": "2026-09-02", "value": 85},
        {"journal": "J0001", "student": "24010002", "column": "2026-09-02", "value": "н/б"},
        {"journal": "J0001", "student": "24010002", "column": "2026-09-09",
         "value": {"value": "н/б", "note": "перезачет"}},
        {"journal": "J0001", "student": "24010001", "column": "EXAM", "value": 0},
    ],
}


@pytest.fixture
def sample() -> dict:
    if not SAMPLE.exists():
        pytest.skip(f"shared sample dataset not found at {SAMPLE}")
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _json(value):
    return json.loads(json.dumps(value, ensure_ascii=False))


def _edit(data: bytes, change) -> bytes:
    """Open the workbook as Excel would, let ``change`` edit it, save it again."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _column(ws, name: str) -> int:
    return [cell.value for cell in ws[1]].index(name) + 1


def _read_error(data) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        read_workbook(data)
    return info.value


# --- round trip ------------------------------------------------------------------------------

def test_sample_round_trip(sample):
    dataset, _ = read_workbook(dataset_to_xlsx_bytes(sample))
    assert _json(dataset) == sample


def test_mini_round_trip_keeps_nulls_absent_keys_and_extras():
    dataset, _ = read_workbook(dataset_to_xlsx_bytes(MINI))
    assert _json(dataset) == MINI
    assert dataset["staff"][0]["department"] is None
    assert "school" not in dataset["staff"][1]
    assert dataset["staff"][1]["phone"] == "+7 701 000 00 00"
    assert dataset["journals"][0]["lessons"][1]["room"] == "=A1"  # text, not a formula


def test_path_round_trip(tmp_path):
    path = tmp_path / "faculty.xlsx"
    write_workbook(MINI, path)
    assert read_workbook(path)[0] == MINI
    with path.open("rb") as stream:
        assert read_workbook(stream)[0] == MINI


def test_sheets_and_header_as_a_person_sees_them():
    wb = load_workbook(io.BytesIO(dataset_to_xlsx_bytes(MINI)))
    assert wb.sheetnames == ["info", "settings", "schools", "departments", "programs", "staff",
                             "groups", "students", "curriculum", "curriculum_parts", "journals",
                             "lessons", "marks"]
    assert [c.value for c in wb["staff"][1]] == [
        "login", "full_name", "position_kk", "position_ru", "position_from_kk", "position_from_ru",
        "department", "school", "email", "roles", "phone"]
    assert [c.value for c in wb["staff"][3]][9] == "teacher, head_of_department"
    assert [c.value for c in wb["marks"][4]] == ["J0001", "24010002", "2026-09-09", "н/б",
                                                 "перезачет"]
    student_id = wb["students"]["A2"]
    assert (student_id.value, student_id.data_type, student_id.number_format) == \
        ("24010001", "s", "@")
    wb.close()


# --- origins ---------------------------------------------------------------------------------

def test_origins_name_sheet_and_row(sample):
    dataset, origins = read_workbook(dataset_to_xlsx_bytes(sample))
    assert origins["students[5]"] == "students, row 7"
    assert origins["marks[100]"] == "marks, row 102"
    assert origins["curriculum[1].blocks[0]"] == "curriculum_parts, row 2"
    assert origins["curriculum[2].parts[1]"] == "curriculum_parts, row 5"
    before = sum(len(journal["lessons"]) for journal in sample["journals"][:2])
    assert origins["journals[2].lessons[3]"] == f"lessons, row {2 + before + 3}"
    assert origins["settings.vice_rector"] == "settings, row 4"
    assert origins["format"] == "info, row 2"
    assert origins["university.name.ru"] == "info, row 4"


def test_origins_count_blank_rows():
    def blank_line(wb):
        wb["students"].insert_rows(3)

    dataset, origins = read_workbook(_edit(dataset_to_xlsx_bytes(MINI), blank_line))
    assert dataset["students"] == MINI["students"]
    assert origins["students[0]"] == "students, row 2"
    assert origins["students[1]"] == "students, row 4"


# --- a workbook a person edited --------------------------------------------------------------

def test_human_edits_read_back_normalised(sample):
    def as_a_person(wb):
        students = wb["students"]
        students.cell(2, _column(students, "id")).value = 24010001  # typed as a number
        students.cell(2, _column(students, "full_name")).value += "  "
        students.cell(1, _column(students, "full_name")).value = " Full_Name"
        journals = wb["journals"]
        journals.cell(2, _column(journals, "final_control")).value = date(2026, 11, 11)
        lessons = wb["lessons"]
        lessons.cell(2, _column(lessons, "date")).value = datetime(2026, 9, 2)
        lessons.cell(2, _column(lessons, "room")).value = 527
        marks = wb["marks"]
        marks.cell(2, _column(marks, "value")).value = 45.0
        marks.cell(2, _column(marks, "column")).value = date(2026, 9, 2)
        groups = wb["groups"]
        groups.cell(2, _column(groups, "course")).value = "2"
        curriculum = wb["curriculum"]
        curriculum.cell(2, _column(curriculum, "credits")).value = 5.0
        wb["staff"].title = "renamed"  # openpyxl refuses a case-only rename in one step
        wb["renamed"].title = "Staff"

    edited = _edit(dataset_to_xlsx_bytes(sample), as_a_person)
    assert load_workbook(io.BytesIO(edited))["marks"]["C2"].is_date  # really typed as a date
    dataset, origins = read_workbook(edited)
    assert dataset["students"][0] == sample["students"][0] == {
        "id": "24010001", "full_name": "Нұрғалиева Дана Аңсағанқызы", "group": "ОМ-24-01к"}
    assert dataset["journals"][0]["final_control"] == "2026-11-11"
    assert dataset["journals"][0]["lessons"][0]["date"] == "2026-09-02"
    assert dataset["journals"][0]["lessons"][0]["room"] == "527"
    assert dataset["marks"][0] == {"journal": "J0001", "student": "24010001",
                                   "column": "2026-09-02", "value": 45}
    assert type(dataset["marks"][0]["value"]) is int
    assert type(dataset["groups"][0]["course"]) is int
    assert type(dataset["curriculum"][0]["credits"]) is int
    assert origins["staff[0]"] == "Staff, row 2"
    assert _json(dataset) == sample


def test_optional_sheets_may_be_absent():
    def drop(wb):
        for title in ("settings", "curriculum_parts", "lessons", "marks"):
            del wb[title]

    dataset, _ = read_workbook(_edit(dataset_to_xlsx_bytes(MINI), drop))
    assert dataset["settings"] == {}
    assert dataset["marks"] == []
    assert [journal["lessons"] for journal in dataset["journals"]] == [[], []]
    assert dataset["curriculum"][1]["blocks"] == []
    assert dataset["curriculum"][2]["parts"] == []
    assert "parts" not in dataset["curriculum"][0]


# --- errors ----------------------------------------------------------------------------------

def test_missing_sheet_is_named():
    def drop(wb):
        del wb["students"]

    err = _read_error(_edit(dataset_to_xlsx_bytes(MINI), drop))
    assert err.code == "sheet_missing"
    assert err.params["sheet"] == "students"
    assert "Нет листа «students»" in err.message("ru")
    assert "«students» парағы жоқ" in err.message("kk")


def test_missing_column_is_named():
    def drop(wb):
        wb["students"].delete_cols(_column(wb["students"], "group"))

    err = _read_error(_edit(dataset_to_xlsx_bytes(MINI), drop))
    assert (err.code, err.where, err.field) == ("column_missing", "students, row 1", "group")
    assert "Нет столбца «group»" in err.message("ru")
    assert "«group» бағаны жоқ" in err.message("kk")
    assert err.message("ru").startswith("students, row 1")


def test_lesson_of_unknown_journal_names_the_row():
    def misspell(wb):
        wb["lessons"]["A3"].value = "J9999"

    err = _read_error(_edit(dataset_to_xlsx_bytes(MINI), misspell))
    assert (err.code, err.where, err.field) == ("reference_unknown", "lessons, row 3", "journal")
    assert "J9999" in err.message("ru")


@pytest.mark.parametrize("data", [b"journal;student;value\nJ0001;24010001;85\n",
                                  io.BytesIO(b"\x00not a workbook"), b""])
def test_not_a_workbook(data):
    err = _read_error(data)
    assert err.code == "dataset_unreadable"
    assert "Не удалось прочитать файл" in err.message("ru")


def test_an_items_own_scheme_round_trips_as_json_text(sample):
    data = _json(sample)
    data["curriculum"][0]["scheme"] = {"rd_weight": 0.5, "exam_weight": 0.5}
    back, _ = read_workbook(dataset_to_xlsx_bytes(data))
    assert back["curriculum"][0]["scheme"] == {"rd_weight": 0.5, "exam_weight": 0.5}
