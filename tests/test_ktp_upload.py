"""The head of department loads a journal's KTP from a workbook (SPEC §4.3)."""
import io

import openpyxl
import pytest
from store import journal, user
from web_client import csrf, signed_in

from docservice.errors import DatasetError, Forbidden, Invalid
from docservice.journals import set_mark
from docservice.ktp_upload import load_ktp, read_ktp_workbook


def workbook(rows, header=("date", "time", "topic_kk", "topic_ru", "type", "hours", "room")) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


KEPT = [(f"2026-09-{d:02d}", "09:00-10:40", f"Тақырып {i}", f"Тема {i}", "practical", 2, "527")
        for i, d in enumerate((2, 9, 16, 23, 30), start=1)]
NEW = [("2026-11-04", "09:00-10:40", "Қорытынды сабақ", "Итоговое занятие", "seminar", 2, "101")]


def test_the_head_loads_lessons_and_marks_stay(sample):
    # J0001's lessons 2026-10-07…21 have marks: keep every marked lesson, add one.
    marked = [(l.column, "09:00-10:40", l.topic_kk, l.topic_ru, "practical", 2, l.room) for l in journal("J0001").lessons]
    count = load_ktp(user("head.anat"), journal("J0001"), read_ktp_workbook(workbook(marked + NEW)))
    assert count == 9
    lesson = journal("J0001").lessons[-1]
    assert (lesson.column, lesson.topic_kk, lesson.type) == ("2026-11-04", "Қорытынды сабақ", "seminar")
    set_mark(user("t.anat2"), journal("J0001"), "24010001", "2026-11-04", "88")  # a new column to mark


def test_a_marked_lesson_cannot_be_dropped(sample):
    with pytest.raises(Invalid) as info:
        load_ktp(user("head.anat"), journal("J0001"), read_ktp_workbook(workbook(KEPT)))
    assert "2026-10-07" in info.value.message("ru") and "бағалар бар" in info.value.message("kk")
    assert len(journal("J0001").lessons) == 8  # nothing changed


def test_only_the_departments_head_or_the_methodist(sample):
    with pytest.raises(Forbidden):
        load_ktp(user("head.phys"), journal("J0001"), read_ktp_workbook(workbook(KEPT)))
    with pytest.raises(Forbidden):
        load_ktp(user("t.anat2"), journal("J0001"), read_ktp_workbook(workbook(KEPT)))


def test_a_bad_row_names_the_row(app):
    with pytest.raises(DatasetError) as info:
        read_ktp_workbook(workbook([KEPT[0], ("2026-02-30", "x", "a", "b", "practical", 2, "1")]))
    assert info.value.where == "row 3" and info.value.field == "date"
    with pytest.raises(DatasetError) as info:
        read_ktp_workbook(io.BytesIO(b"not a workbook"))
    assert info.value.code == "dataset_unreadable"


def test_through_the_department_page(app, sample):
    client = signed_in(app, "head.anat", lang="kk")
    page = client.get("/department").data
    marked = [(l.column, "09:00-10:40", l.topic_kk, l.topic_ru, "practical", 2, l.room) for l in journal("J0001").lessons]
    r = client.post("/department/journals/J0001/ktp", data={"csrf_token": csrf(page),
                    "file": (workbook(marked + NEW), "ktp.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == 302
    assert "КТЖ жүктелді" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert len(journal("J0001").lessons) == 9
