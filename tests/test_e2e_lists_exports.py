"""Lists that scale and what gradebook users expect, in Chromium (issue 13, "What must be
shown", points 7 and 8), at 1366 × 768 in Kazakh and on a 390 × 844 phone in Russian:

- the registrar's Deadlines list: searched by group and by discipline (Cyrillic, any case),
  filtered by state, nearest deadline first, 50 a page; a deadline set from a searched page
  comes back to the same search;
- the register of issued documents: searched by group and by discipline, with its columns;
- Excel downloaded by a click — a journal's (every mark, the absences, ТК, РД, final, letter,
  result as its grid shows them), a group's summary vedomost (the finals its journal's print
  view shows) and monitoring's (the figures of its page);
- the grid's absences column «N / M · P %», the print view opened from the journal's page, and
  a student found in a long group by surname or record book (the arrow keys pass over the others);
- the student's My grades: current ТК, midterms, РД, exam and absences, as the journal has them.

Neither page scrolls sideways: wide tables scroll inside their own box."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import timedelta

import openpyxl
import pytest
from browser import SCREENS, chromium, fits_sideways, live_server, screen, sign_in  # noqa: F401  (fixtures)
from test_e2e_stories import in_app

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

LANG = {1366: "kk", 390: "ru"}  # a Kazakh desktop, a Russian phone
ATTENDANCE = re.compile(r"(\d+) / (\d+) · (\d+) %")
# Set DOCSERVICE_SHOTS=/some/folder to keep the key pages' screenshots for a person to look at.
SHOTS = os.environ.get("DOCSERVICE_SHOTS")


def shoot(page, name: str, width: int) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"))


@contextmanager
def signed_in(chromium, live_server, size: tuple, login: str, **password):
    """A page of the screen ``size`` with ``login`` signed in, in that screen's language."""
    width, height, phone = size
    with screen(chromium, width, height, phone=phone) as page:
        sign_in(page, live_server[0], login, lang=LANG[width], **password)
        yield page


def visit(page, path: str) -> None:
    """Open ``path`` of the site the page is signed in to; it must not scroll sideways."""
    page.goto(re.match(r"https?://[^/]+", page.url).group(0) + path)
    fits_sideways(page)


def on_screen(locator, width: int) -> None:
    """A control the user must reach is within the window's width (scrolled to, if need be)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def show(page, width: int) -> None:
    """Send the page's search form with its own button (reachable on the phone too)."""
    button = page.locator("form.ov-filters button").first
    on_screen(button, width)
    with page.expect_navigation():
        button.click()


def downloaded(page, link, tmp_path) -> openpyxl.Workbook:
    """The workbook a click on ``link`` downloads."""
    link.scroll_into_view_if_needed()
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return openpyxl.load_workbook(path)


def number(text: str):
    """A figure as the page writes it (a decimal comma; «—» for none)."""
    return None if text in ("", "—") else float(text.replace(",", "."))


# --- Deadlines ------------------------------------------------------------------------------------

FOUND = {"kk": "Табылған журналдар: {}", "ru": "Найдено журналов: {}"}
CLOSED = {"kk": "жабық", "ru": "закрыт"}
SET = {"kk": "{code} журналы: мерзімі {date}.", "ru": "Журнал {code}: срок {date}."}
DISCIPLINE = {"kk": "ҚАЗАҚСТАН тарихы", "ru": "история КАЗАХСТАНА"}


def deadline_facts(lang: str) -> dict:
    from docservice.models import Journal, db

    journals = db.session.scalars(db.select(Journal)).all()
    group = "ОМ-26-02р"
    wanted = DISCIPLINE[lang].lower()
    return {"total": len(journals), "group": group,
            "of_group": sorted(j.code for j in journals if j.group.code == group),
            "of_discipline": sorted(j.code for j in journals if wanted in j.title(lang).lower()),
            "closed": sorted(j.code for j in journals if j.state == "closed"),
            "final_control": {j.code: j.final_control for j in journals}}


def listed(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('tbody tr[id^="j-"]')).map(tr => ({
        code: tr.id.slice(2), title: tr.cells[1].textContent.trim(), group: tr.cells[2].textContent.trim(),
        state: tr.querySelector('.ov-state').textContent.trim(),
        deadline: tr.querySelector('input[type=date]').value}))""")


@pytest.mark.parametrize("size", SCREENS)
def test_deadlines_are_searched_filtered_sorted_and_paged(chromium, live_server, size):
    width, lang = size[0], LANG[size[0]]
    app = live_server[1]
    facts = in_app(app, lambda: deadline_facts(lang))
    with signed_in(chromium, live_server, size, "or.inspector") as page:
        visit(page, "/registrar/deadlines")
        shoot(page, "deadlines", width)
        assert page.locator("[data-found]").inner_text() == FOUND[lang].format(facts["total"])
        first = listed(page)
        dates = [r["deadline"] for r in first]
        assert len(first) == 50 and dates == sorted(dates)          # 50 a page, the nearest deadline first
        on_screen(page.locator('a[rel="next"]'), width)
        with page.expect_navigation():
            page.locator('a[rel="next"]').click()
        second = listed(page)
        assert len(second) == 50 and not {r["code"] for r in first} & {r["code"] for r in second}
        assert min(r["deadline"] for r in second) >= max(dates)

        page.fill("input[name=q]", facts["group"].lower())            # a Cyrillic group code, any case
        show(page, width)
        rows = listed(page)
        assert sorted(r["code"] for r in rows) == facts["of_group"]
        assert {r["group"] for r in rows} == {facts["group"]}
        assert page.locator("[data-found]").inner_text() == FOUND[lang].format(len(facts["of_group"]))

        page.fill("input[name=q]", DISCIPLINE[lang])                  # a discipline in the page's language
        show(page, width)
        rows = listed(page)
        assert len(rows) > 1 and sorted(r["code"] for r in rows) == facts["of_discipline"]
        assert all(DISCIPLINE[lang].lower() in r["title"].lower() for r in rows)

        page.fill("input[name=q]", "")
        page.select_option("select[name=state]", "closed")
        show(page, width)
        rows = listed(page)
        assert sorted(r["code"] for r in rows) == facts["closed"]
        assert {r["state"] for r in rows} == {CLOSED[lang]}
        fits_sideways(page)

        # A deadline set from a searched page comes back to that search.
        page.fill("input[name=q]", facts["group"].lower())
        page.select_option("select[name=state]", "")
        show(page, width)
        row = page.locator(f'tr[id="j-{facts["of_group"][0]}"]')
        later = facts["final_control"][facts["of_group"][0]] + timedelta(days=9)
        row.locator("input[type=date]").fill(later.isoformat())
        set_button = row.locator("button").first
        on_screen(set_button, width)
        with page.expect_navigation():
            set_button.click()
        assert page.locator(".flash.ok").inner_text().strip() == SET[lang].format(
            code=facts["of_group"][0], date=later.strftime("%d.%m.%Y"))
        assert page.input_value("input[name=q]") == facts["group"].lower()
        assert sorted(r["code"] for r in listed(page)) == facts["of_group"]
        assert page.locator(f'tr[id="j-{facts["of_group"][0]}"] input[type=date]').input_value() == later.isoformat()
        fits_sideways(page)
        shoot(page, "deadlines-set", width)


# --- the register of issued documents -----------------------------------------------------------

COLUMNS = {"kk": ["Нөмірі", "Құжат түрі", "Топ", "Пән", "Тұлға", "Берілген уақыты", "Құжатты берген", "Күйі",
                  "Ауыстырған нөмір немесе жарамсыздық себебі", "Файлдар"],
           "ru": ["Номер", "Вид документа", "Группа", "Дисциплина", "Лицо", "Дата выдачи", "Кем выдан", "Состояние",
                  "Чем заменён или причина аннулирования", "Файлы"]}
REGISTER_FOUND = {"kk": "Табылды: {}", "ru": "Найдено: {}"}
NOTHING = {"kk": "Іздеу шарттарына сай құжат жоқ.", "ru": "Нет документов, отвечающих условиям поиска."}


def two_vedomosts() -> dict:
    """The demo issues nothing: the vedomosts of two closed journals, one in Kazakh, one in Russian."""
    from store import journal, user

    from docservice.documents import issuing

    issued = {}
    for code, lang in (("D0060", "kk"), ("D0084", "ru")):
        number = issuing.issue(user("or.inspector"), "vedomost", {"journal": code}, lang, "docx").document.number
        issued[lang] = {"number": number, "group": journal(code).group.code, "discipline": journal(code).title(lang)}
    return issued


def registered(page) -> list[list[str]]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('table.rg-table tbody tr[id^="doc-"]'))
        .map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))""")


@pytest.mark.parametrize("size", SCREENS)
def test_the_register_is_searched_by_group_and_discipline(chromium, live_server, size, tmp_path):
    width, lang = size[0], LANG[size[0]]
    app = live_server[1]
    issued = in_app(app, two_vedomosts)
    with signed_in(chromium, live_server, size, "or.head") as page:
        visit(page, "/registrar/register")
        assert page.locator("table.rg-table thead th").all_inner_texts() == COLUMNS[lang]
        assert len(registered(page)) == 2

        wanted, other = issued[lang], issued["ru" if lang == "kk" else "kk"]
        page.fill("input[name=group]", wanted["group"].lower())       # a Cyrillic group, any case
        show(page, width)
        rows = registered(page)
        assert [(r[0], r[2], r[3]) for r in rows] == [(wanted["number"], wanted["group"], wanted["discipline"])]
        assert page.locator(".rg-summary strong").inner_text() == REGISTER_FOUND[lang].format(1)

        page.fill("input[name=group]", "")
        page.fill("input[name=discipline]", wanted["discipline"].split()[-1].upper())  # a word of it, upper case
        show(page, width)
        assert [r[0] for r in registered(page)] == [wanted["number"]]
        page.locator(".rg-summary").scroll_into_view_if_needed()
        shoot(page, "register", width)
        fits_sideways(page)

        book = downloaded(page, page.locator(".rg-summary a.ov-button"), tmp_path)
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == COLUMNS[lang]
        assert [(r[0], r[2], r[3]) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
            (wanted["number"], wanted["group"], wanted["discipline"])]

        page.fill("input[name=discipline]", "")
        page.fill("input[name=group]", other["group"])
        page.fill("input[name=discipline]", wanted["discipline"])       # this group issued no such vedomost
        show(page, width)
        assert registered(page) == [] and NOTHING[lang] in page.inner_text("table.rg-table")


# --- a journal: its grid, its Excel and its print view ---------------------------------------------

GRID = """() => Array.from(document.querySelectorAll('TABLE tbody tr[data-student]')).map(tr => ({
    student: tr.dataset.student,
    name: (tr.querySelector('th.name .full') || tr.querySelector('th.name')).textContent.trim(),
    cells: Array.from(tr.querySelectorAll('td.lesson, td.control, td.exam'))
        .map(td => (td.querySelector('input') ? td.querySelector('input').value : td.textContent).trim()),
    out: Array.from(tr.querySelectorAll('td.out')).map(td => td.textContent.trim())}))"""
HEADERS = "() => Array.from(document.querySelectorAll('TABLE thead th')).map(th => th.textContent.trim())"
JOURNAL = "D0084"   # closed, with an exam: every result of the grid is there
RECORD_BOOK = {"kk": "Сынақ кітапшасы", "ru": "Зачётная книжка"}
SHARE = {"kk": "Қатыспаған, %", "ru": "Пропуски, %"}
PRINT_VIEW = {"kk": "Басып шығаруға", "ru": "Для печати"}


def grid_of(page, table: str) -> tuple[list[str], list[dict]]:
    return (page.evaluate(HEADERS.replace("TABLE", table)), page.evaluate(GRID.replace("TABLE", table)))


def as_shown(value) -> str:
    """An XLSX cell as the grid writes it: a whole mark as is, a fraction with a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").replace(".", ",")
    return str(int(value)) if isinstance(value, (int, float)) else value


@pytest.mark.parametrize("size", SCREENS)
def test_a_journal_exports_and_prints_what_its_grid_shows(chromium, live_server, size, tmp_path):
    width, lang = size[0], LANG[size[0]]
    with signed_in(chromium, live_server, size, "or.inspector") as page:
        visit(page, f"/journals/{JOURNAL}")
        shoot(page, "journal", width)
        headers, rows = grid_of(page, "#grid")
        assert rows and all(ATTENDANCE.fullmatch(r["out"][0]) for r in rows)   # «N / M · P %» for every student
        assert any(ATTENDANCE.fullmatch(r["out"][0]).group(1) != "0" for r in rows)
        lessons = ATTENDANCE.fullmatch(rows[0]["out"][0]).group(2)
        assert all(ATTENDANCE.fullmatch(r["out"][0]).group(2) == lessons for r in rows)

        export = page.locator(".actions a[download]")
        on_screen(export, width)
        sheet = downloaded(page, export, tmp_path).worksheets[0]
        table = list(sheet.iter_rows(values_only=True))
        marks = len(rows[0]["cells"])
        # The grid's columns, with the record book after the name and the absences' share after their count.
        assert list(table[0]) == [*headers[:2], RECORD_BOOK[lang], *headers[2:3 + marks], SHARE[lang],
                                  *headers[3 + marks:]]
        assert len(table) - 1 == len(rows)
        for row, line in zip(rows, table[1:]):
            absent, held, share = ATTENDANCE.fullmatch(row["out"][0]).groups()
            assert (line[1], line[2]) == (row["name"], row["student"])
            assert [as_shown(v) for v in line[3:3 + marks]] == row["cells"]      # every mark and н/б
            assert (line[3 + marks], line[4 + marks]) == (int(absent), int(share))
            tk, rd, final, letter, result = line[5 + marks:]
            assert [number(t) for t in row["out"][1:4]] == [tk, rd, final]       # ТК, РД, final as numbers
            assert (letter or "—", result or "") == (row["out"][4], row["out"][5])

        printed = page.locator(f".actions a[href='/journals/{JOURNAL}/print']")
        on_screen(printed, width)
        assert printed.inner_text() == PRINT_VIEW[lang]
        with page.expect_navigation():
            printed.click()                                   # the print view: the same grid, read-only
        fits_sideways(page)
        shoot(page, "print-view", width)
        printed_headers, printed = grid_of(page, "table.pr-grid")
        assert printed_headers == headers and printed == rows


# --- the summary's and monitoring's Excel ------------------------------------------------------------

TABLE = """sel => Array.from(document.querySelectorAll(sel)).map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))"""


@pytest.mark.parametrize("size", SCREENS)
def test_the_summary_and_monitoring_export_what_their_pages_show(chromium, live_server, size, tmp_path):
    width, lang = size[0], LANG[size[0]]
    with signed_in(chromium, live_server, size, "or.inspector") as page:
        visit(page, "/registrar/monitoring")
        shown = page.evaluate(TABLE, "tr[data-department]")
        headers = page.evaluate(TABLE, "table.ov-numbers thead tr")[0]
        sheet = downloaded(page, page.locator("a.ov-button[download]"), tmp_path).worksheets[0]
        table = list(sheet.iter_rows(values_only=True))
        assert list(table[0]) == headers
        assert [[r[0], *map(int, r[1:])] for r in shown] == [list(r) for r in table[1:]]
        assert sum(r[1] for r in table[1:]) == 115                      # every journal of the demo counted

        visit(page, "/summary")
        group = page.locator('tr[data-group="ОМ-24-01к"]')
        excel = group.locator("td").nth(3).locator("a[download]")
        on_screen(excel, width)
        sheet = downloaded(page, excel, tmp_path).worksheets[0]
        assert sheet.title == "ОМ-24-01к"
        group.locator("details summary").click()                          # the group's journals …
        printed = group.locator(f"li:has(a[href='/journals/{JOURNAL}']) a[href$='/print']")
        on_screen(printed, width)
        shoot(page, "summary", width)
        with page.expect_navigation():
            printed.click()                                               # … one of them printed
        discipline = page.locator("h1").inner_text()
        _, rows = grid_of(page, "table.pr-grid")
        table = list(sheet.iter_rows(values_only=True))
        final = next(i for i, title in enumerate(table[0]) if title and discipline in title and title.endswith("%"))
        students = {line[1]: (line[final], line[final + 1]) for line in table[1:] if line[2]}
        assert sorted(students) == sorted(r["name"] for r in rows)        # the group's students, by name
        for row in rows:                                                  # each one's final % and letter
            pct, letter = students[row["name"]]
            if row["out"][3] == "—":   # no final: the letter (FX, F) or the word (not admitted, absent)
                assert pct is None and letter in (row["out"][4], row["out"][5]), (row, letter)
            else:
                assert (str(pct), letter) == (row["out"][3], row["out"][4])


# --- the student's My grades ----------------------------------------------------------------------

STUDENT_PASSWORD = "student-pass-1"
MINE = """code => { const tr = document.querySelector(`tr[data-journal="${code}"]`);
    return Array.from(tr.cells).map(td => td.textContent.trim()); }"""
PRINTED = """rb => { const tr = document.querySelector(`table.pr-grid tr[data-student="${rb}"]`);
    const labels = Array.from(document.querySelectorAll('table.pr-grid thead th.control')).map(th => th.textContent.trim());
    const marks = Array.from(tr.querySelectorAll('td.control')).map(td => td.textContent.trim());
    return {controls: labels.map((label, i) => `${label}: ${marks[i]}`).join('; '),
            exam: tr.querySelector('td.exam').textContent.trim(),
            out: Array.from(tr.querySelectorAll('td.out')).map(td => td.textContent.trim())}; }"""
CURRENT = {"kk": "Ағымдағы бағалар", "ru": "Текущие оценки"}


def a_student_account() -> str:
    """An account for a student of the journal who missed a lesson and sat the exam (the demo
    has no student accounts: IT issues them)."""
    from store import journal

    from docservice.models import Mark, Student, db
    from docservice.users import create_user

    marks = db.session.scalars(db.select(Mark).where(Mark.journal_id == journal(JOURNAL).id)).all()
    missed = {m.student_id for m in marks if m.absent}
    sat = {m.student_id for m in marks if m.column == "EXAM" and m.score is not None}
    student = db.session.get(Student, min(missed & sat))
    account, _ = create_user(None, "st.lists", "Студент", ["student"], password=STUDENT_PASSWORD)
    account.must_change_password = False
    student.user_id = account.id
    db.session.commit()
    return student.record_book


@pytest.mark.parametrize("size", SCREENS)
def test_a_student_sees_current_marks_midterms_and_absences_as_the_journal_has_them(chromium, live_server, size):
    width, lang = size[0], LANG[size[0]]
    app = live_server[1]
    record_book = in_app(app, a_student_account)
    with signed_in(chromium, live_server, size, "or.inspector") as registrar:
        visit(registrar, f"/journals/{JOURNAL}/print")
        journal = registrar.evaluate(PRINTED, record_book)
        discipline = registrar.locator("h1").inner_text()
    absences, tk, rd, final, letter, _ = journal["out"]
    assert ATTENDANCE.fullmatch(absences).group(1) != "0"
    with signed_in(chromium, live_server, size, "st.lists", password=STUDENT_PASSWORD) as page:
        visit(page, "/my-grades")
        assert record_book in page.locator("main .hint").first.inner_text()
        assert page.locator("h3").first.inner_text() == CURRENT[lang]
        current = page.locator(f'tr[data-journal="{JOURNAL}"]')
        on_screen(current.locator("td").last, width)
        if size[2]:  # the phone: scrolled to the absences, the row still says whose discipline it is
            assert current.evaluate("tr => tr.closest('.table-scroll').scrollLeft") > 0
            assert current.locator("td").first.evaluate("""td => { const box = td.getBoundingClientRect();
                return box.left >= 0 && td.contains(document.elementFromPoint(box.left + 5, box.top + 5)); }""")
        shoot(page, "my-grades", width)
        assert page.evaluate(MINE, JOURNAL) == [discipline, tk, journal["controls"], rd, journal["exam"], absences]
        finals = page.locator("tbody tr", has_text=discipline).first.locator("td").all_inner_texts()
        assert (finals[2], finals[3]) == (final, letter)


# --- a student found in the grid ------------------------------------------------------------------

FIND = {"kk": "Білім алушыны іздеу", "ru": "Найти обучающегося"}
SHOWN = {"kk": "Көрсетілген білім алушылар: {} / {}", "ru": "Показано обучающихся: {} / {}"}
VISIBLE = """() => Array.from(document.querySelectorAll('#grid tbody tr[data-student]'))
    .filter(tr => !tr.hidden && tr.offsetParent !== null).map(tr => tr.dataset.student)"""


def an_open_journal() -> dict:
    """An open journal (its deadline to come) of the demo, its teacher, and its students."""
    from browser import DEMO_NOW

    from docservice.models import Journal, JournalTeacher, User, db

    journal = next(j for j in db.session.scalars(db.select(Journal).order_by(Journal.code))
                   if j.state == "open" and j.deadline >= DEMO_NOW.date() and len(j.group.students) > 15)
    teacher = db.session.scalar(db.select(User).join(JournalTeacher, JournalTeacher.user_id == User.id)
                                .where(JournalTeacher.journal_id == journal.id))
    return {"code": journal.code, "teacher": teacher.login,
            "students": {s.record_book: s.full_name for s in journal.group.students}}


@pytest.mark.parametrize("size", SCREENS)
def test_a_teacher_finds_a_student_in_the_grid(chromium, live_server, size):
    width, lang = size[0], LANG[size[0]]
    app = live_server[1]
    facts = in_app(app, an_open_journal)
    students = facts["students"]
    # A common ending of surnames: several students, not next to each other in the list.
    ending = "ова"
    wanted = sorted(rb for rb, name in students.items() if ending in name.split()[0].lower())
    assert 1 < len(wanted) < len(students)
    with signed_in(chromium, live_server, size, facts["teacher"]) as page:
        visit(page, f"/journals/{facts['code']}")
        search = page.get_by_label(FIND[lang])
        on_screen(search, width)
        search.fill(ending.upper())                                     # any case
        assert sorted(page.evaluate(VISIBLE)) == wanted
        assert page.locator("#grid-found").inner_text() == SHOWN[lang].format(len(wanted), len(students))
        fits_sideways(page)
        shoot(page, "grid-find", width)
        # The keys move between the students found: ↓ passes over the hidden rows.
        everyone = page.evaluate("() => Array.from(document.querySelectorAll('#grid tbody tr')).map(tr => tr.dataset.student)")
        found = page.evaluate(VISIBLE)
        first, second = next((a, b) for a, b in zip(found, found[1:])
                             if everyone.index(b) - everyone.index(a) > 1)   # someone hidden between them
        page.locator(f'#grid input.cell[data-student="{first}"]').first.focus()
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.student") == second

        record_book = wanted[-1]
        search.fill(record_book)                                        # a record book finds its one student
        assert page.evaluate(VISIBLE) == [record_book]
        assert students[record_book] in page.locator(f'tr[data-student="{record_book}"] th.name').get_attribute("title")
        search.fill("")
        assert len(page.evaluate(VISIBLE)) == len(students) and page.locator("#grid-found").inner_text() == ""
