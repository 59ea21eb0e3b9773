"""A journal's print view in Chromium (issue 13, item 8): the registrar's office prints a journal
of a full semester — 36 lessons, the midterms, the exam and the results — and every column is on
the A4 landscape sheet; a long group runs on to a second sheet with the header row again."""
from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

import pytest
from browser import DEMO_NOW, chromium, live_server, screen, sign_in  # noqa: F401  (fixtures)
from test_e2e_stories import in_app

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

LESSONS = 36


def a_full_semester():
    """The demo journal with an exam and the most students, given 36 lessons (a KTP of two a week)."""
    from docservice.models import Journal, Lesson, db

    journal = max((j for j in db.session.scalars(db.select(Journal)) if j.holds_exam),
                  key=lambda j: (len(j.group.students), len(j.lessons), j.code))
    taken, day, n = {lesson.column for lesson in journal.lessons}, date(2026, 9, 1), len(journal.lessons)
    last = max(taken) if taken else ""
    while n < LESSONS:
        day += timedelta(days=1)
        if day.isoformat() in taken or day.weekday() > 4:
            continue
        db.session.add(Lesson(journal_id=journal.id, position=1000 + n, column=day.isoformat(), date=day,
                              topic_ru="Тема", topic_kk="Тақырып"))
        last, n = max(last, day.isoformat()), n + 1
    db.session.commit()
    return journal.code, date.fromisoformat(last).strftime("%d.%m"), len(journal.group.students)


def pdf_text(pdf, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_a_full_semester_prints_on_a4_landscape_with_every_column(chromium, live_server, tmp_path):
    base, app, _ = live_server
    code, last_lesson, students = in_app(app, a_full_semester)
    with screen(chromium, 1366, 768) as page:
        sign_in(page, base, "or.inspector", lang="ru")
        page.goto(f"{base}/journals/{code}/print")
        pdf = tmp_path / "journal.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert round(width) == 842 and round(height) == 595, info    # A4 landscape
    first = pdf_text(pdf, 1)
    header = next(line for line in first.splitlines() if "РК1" in line)
    for word in ("РК2", "Экзамен", "Пропуски", "ТК", "РД", "Итог", "Буква", "Результат"):
        assert word in header, (word, header)                    # every column on the sheet
    assert "Электронный журнал" not in first                      # the menu is not printed
    assert last_lesson in first                                   # the 36th lesson's column too
    pages = int(info.split("Pages:")[1].split()[0])
    for n in range(2, pages + 1):                                  # a long group: the header again
        assert "РК1" in pdf_text(pdf, n) and "Результат" in pdf_text(pdf, n)
    every = "".join(pdf_text(pdf, n) for n in range(1, pages + 1))
    assert re.search(rf"^{students}\s+\d", every, re.M)              # the group's last student is printed
