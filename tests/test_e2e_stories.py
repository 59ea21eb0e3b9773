"""In the browser, the four stories of the web pages, as their users live them:

1. a teacher enters marks with the keyboard, sees a refused value, and closes the journal;
2. a late correction: the locked journal's note button → the request's step in the banner →
   visa → dean's council → access (My journals, the home page, the banner say so) → the
   corrected cell → one button finishes and issues the individual vedomost (file 02-08), which
   the request then shows by number;
3. the registrar prints a group's summary vedomost from the Summary page;
4. the IT department issues a login from a head of department's request, and the new
   teacher must change the one-time password first.

With ``DOCSERVICE_SCREENSHOTS=1`` the main pages are also saved in kk and ru to
``docs/screenshots/<name>_<lang>.png`` (the README's tour); with ``DOCSERVICE_STEP_SHOTS=<dir>``
the reopening's steps are saved there at 1366×768 and 390×844, to look at; by default nothing
is written.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser import DEMO_NOW, chromium, live_server, page, sign_in  # noqa: F401  (fixtures)
from docs_reading import pdf_text
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

SHOTS = os.environ.get("DOCSERVICE_SCREENSHOTS") == "1"
SHOT_DIR = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
STEP_DIR = os.environ.get("DOCSERVICE_STEP_SHOTS")


# --- helpers --------------------------------------------------------------------------------

@pytest.fixture
def new_page(chromium):
    """Pages in fresh browser contexts (one per user: their own session cookies)."""
    contexts = []

    def make(base: str | None = None, login: str | None = None, lang: str = "ru"):
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
        contexts.append(context)
        fresh = context.new_page()
        fresh.set_default_timeout(15000)
        if login:
            sign_in(fresh, base, login, lang=lang)
        return fresh

    yield make
    for context in contexts:
        context.close()


def switch_lang(page, lang: str) -> None:
    url = page.url
    with page.expect_navigation():
        page.locator(f"form.lang button[value={lang}]").click()
    if page.url != url:        # the switch returns to the path; the query string is not kept
        page.goto(url)


def shoot(page, name: str, back: str = "ru") -> None:
    """The page in kk and ru as ``docs/screenshots/<name>_<lang>.png`` (only when asked)."""
    if not SHOTS:
        return
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    for lang in ("kk", "ru"):
        switch_lang(page, lang)
        page.screenshot(path=str(SHOT_DIR / f"{name}_{lang}.png"))
    switch_lang(page, back)


def step(page, name: str) -> None:
    """The page as a desktop and a phone show it, ``<dir>/<name>_1366.png`` and ``_390.png``
    (only with ``DOCSERVICE_STEP_SHOTS``); the page is left at its desktop size."""
    if not STEP_DIR:
        return
    Path(STEP_DIR).mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(STEP_DIR) / f"{name}_{width}.png"))
    page.set_viewport_size({"width": 1366, "height": 768})


def in_app(app, work):
    """``work()`` in the app's context, on the live server's store (the session is let go after)."""
    from docservice.models import db

    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def download(page, href: str) -> bytes:
    response = page.request.get(urljoin(page.url, href))     # the page's context: its session cookie
    assert response.ok, response.status
    return response.body()


# --- 1. marks with the keyboard, a refused value, closing -------------------------------------

def open_journal_and_teacher():
    from docservice.models import OPEN, Journal, db

    for journal in db.session.scalars(db.select(Journal).order_by(Journal.code)):
        teachers = [s.user.login for s in journal.staff if s.role == "teacher"]
        if journal.state == OPEN and journal.deadline >= DEMO_NOW.date() and journal.holds_exam and teachers:
            return journal.code, teachers[0]
    raise AssertionError("the demo faculty has no open journal on its day")


def test_a_teacher_enters_marks_and_closes_the_journal(page, live_server):
    base, app, _ = live_server
    code, login = in_app(app, open_journal_and_teacher)
    sign_in(page, base, login)
    page.goto(f"{base}/journals")
    page.locator("table.journals a", has_text=code).first.click()
    page.wait_for_url(f"{base}/journals/{code}")
    expect(page.locator("section.banner .state")).to_have_text("открыт")
    shoot(page, "journal_grid")

    cell = page.locator("td.lesson input.cell").first
    student = cell.get_attribute("data-student")
    row = page.locator(f'table.grid tr[data-student="{student}"]')
    tk, rd = row.locator('[data-out="tk"]'), row.locator('[data-out="rd"]')
    before = (tk.inner_text(), rd.inner_text())
    typed = "95" if cell.input_value() != "95" else "60"
    cell.click()                       # focus selects the cell's text: typing replaces it
    page.keyboard.type(typed)
    page.keyboard.press("Enter")       # saves and moves down
    expect(page.locator("#grid-status")).to_have_text("Сохранено")
    expect(cell).to_have_value(typed)
    expect(cell).to_have_attribute("data-saved", typed)
    assert (tk.inner_text(), rd.inner_text()) != before
    assert re.fullmatch(r"\d+,\d\d", tk.inner_text())  # a decimal comma, as the documents print it

    cell.click()
    page.keyboard.type("150")
    page.keyboard.press("Enter")
    message = page.locator(".cell-msg.bad")  # the grid's one message box, beside the cell
    expect(message).to_contain_text("Недопустимая оценка «150»")
    expect(cell).to_have_attribute("aria-invalid", "true")
    cell.focus()
    page.keyboard.press("Escape")       # back to what is saved: nothing left unsaved on the page
    expect(cell).to_have_value(typed)
    expect(message).to_be_hidden()

    page.get_by_role("link", name="Закрыть журнал").click()
    page.wait_for_url(f"{base}/journals/{code}/close")
    expect(page.locator("h1")).to_have_text("Закрыть журнал")
    page.get_by_role("button", name="Закрыть журнал и сформировать ведомость").click()
    page.wait_for_url(f"{base}/journals/{code}")
    expect(page.locator(".flash.ok")).to_contain_text("Журнал закрыт")
    expect(page.locator("section.banner .state")).to_have_text("закрыт")
    expect(page.locator("input.cell")).to_have_count(0)
    expect(page.locator("td.lesson span.ro", has_text=typed).first).to_be_visible()
    expect(page.get_by_role("link", name="Сформировать ведомость")).to_be_visible()
    page.goto(f"{base}/journals")
    expect(page.locator("tr", has_text=code).locator(".state")).to_have_text("закрыт")


# --- 2. a late correction, through the whole reopening, to the individual vedomost -------------

def locked_journal_for_correction():
    """A demo journal locked at its deadline with no unfinished request (its teacher missed
    the deadline); a student with an exam mark, whose exam the correction changes."""
    from docservice.models import LOCKED, Journal, db
    from docservice.results import results_json
    from docservice.web.teacher.grid import effective_state, unfinished_request

    for journal in db.session.scalars(db.select(Journal).order_by(Journal.code)):
        teachers = [s.user for s in journal.staff if s.role == "teacher"]
        if effective_state(journal, DEMO_NOW) != LOCKED or not journal.holds_exam or len(teachers) != 1 \
                or unfinished_request(journal) is not None:
            continue
        rows = [r for r in results_json(journal) if r.get("exam") is not None and r["status"] != "pending"]
        if not rows:
            continue
        student = next(s for s in journal.group.students if s.record_book == rows[0]["student_id"])
        school = journal.group.program.school
        return {"code": journal.code, "teacher": teachers[0].login, "head": journal.department.head.login,
                "dean": school.dean.login, "student": student.record_book, "name": student.full_name,
                "exam": rows[0]["exam"], "final_control": journal.final_control.isoformat()}
    raise AssertionError("no locked demo journal to correct")


def test_a_late_correction_goes_through_the_reopening_to_the_individual_vedomost(new_page, live_server):
    base, app, _ = live_server
    case = in_app(app, locked_journal_for_correction)
    code, student = case["code"], case["student"]
    new_exam = "88" if int(float(case["exam"])) != 88 else "77"

    # the teacher missed the deadline: the locked journal's banner offers the note as a button
    teacher = new_page(base, case["teacher"])
    teacher.set_viewport_size({"width": 1366, "height": 768})
    teacher.goto(f"{base}/journals/{code}")
    banner = teacher.locator("section.banner")
    expect(banner.locator(".state")).to_have_text("заблокирован по сроку")
    step(teacher, "reopen_1_locked")
    banner.get_by_role("link", name="Написать объяснительную (заявка на повторное открытие)").click()
    teacher.wait_for_url(f"{base}/journals/{code}/note")
    teacher.fill("input[name=wrong_entry_date]", case["final_control"])
    teacher.fill("textarea[name=reason]", "Экзаменационная оценка внесена с ошибкой при переносе из протокола")
    teacher.check("input[name=with_grade_change][value='1']")
    teacher.select_option("select[name=students]", student)
    teacher.select_option("select[name=columns]", "EXAM")
    teacher.select_option("select[name=doc_lang]", "ru")
    teacher.locator("form.note button.primary").click()
    teacher.wait_for_url(re.compile(rf"/journals/{code}#requests$"))
    expect(teacher.locator(".flash.ok")).to_contain_text("заявка на повторное открытие подана")
    request_row = teacher.locator("#requests tbody tr").first
    expect(request_row).to_contain_text("ждёт визы заведующего кафедрой")
    request_id = int(request_row.locator("td").first.inner_text())
    # the banner now says where the request stands, with no second note to write
    expect(banner.locator(".pending")).to_contain_text(
        f"Заявка №{request_id} на повторное открытие (с изменением оценок) в работе: подана, ждёт визы "
        "заведующего кафедрой.")
    expect(banner.get_by_role("link", name=re.compile("объяснительную"))).to_have_count(0)
    teacher.goto(f"{base}/journals/{code}")
    step(teacher, "reopen_2_pending")

    # the head of department visas the note
    head = new_page(base, case["head"])
    head.goto(f"{base}/requests")
    card = head.locator(f"#r-{request_id}")
    expect(card).to_contain_text(student)
    shoot(head, "requests_inbox")
    asked = []  # the visa, the decision and the grant are asked for before they are given
    head.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card.get_by_role("button", name="Визировать объяснительную").click()
    head.wait_for_url(re.compile(r"/requests"))
    expect(head.locator(".flash.ok")).to_contain_text(f"{request_id}")

    # the dean decides with the council's protocol number and date
    dean = new_page(base, case["dean"])
    dean.goto(f"{base}/requests")
    card = dean.locator(f"#r-{request_id}")
    card.locator("input[name=protocol_no]").fill("12")
    card.locator("input[name=protocol_date]").fill("2026-11-23")
    dean.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card.locator("button.primary").click()
    expect(dean.locator(".flash.ok")).to_contain_text("12")

    # the head of the registrar's office opens the access
    registrar = new_page(base, "or.head")
    registrar.goto(f"{base}/requests")
    card = registrar.locator(f"#r-{request_id}")
    expect(card).to_contain_text("протокол 12")
    registrar.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card.locator("button.primary").click()
    expect(registrar.locator(".flash.ok")).to_contain_text("Доступ открыт")
    assert [question.split()[0] for question in asked] == ["Завизировать", "Одобрить", "Открыть"], asked

    # the teacher learns it: the home page, My journals, the journal's banner
    teacher.goto(f"{base}/")
    waiting = teacher.locator("li.waiting-granted")
    expect(waiting).to_contain_text(f"Журнал открыт для ваших исправлений по заявке №{request_id} до ")
    step(teacher, "reopen_3_home")
    teacher.get_by_role("link", name="Мои журналы").first.click()
    row = teacher.locator("table.journals tbody tr").first
    expect(row).to_contain_text(code)
    expect(row).to_contain_text(re.compile(r"доступ открыт до \d\d\.\d\d\.\d{4} \d\d:\d\d"))
    step(teacher, "reopen_4_my_journals")
    row.get_by_role("link", name=code).click()
    expect(banner.locator(".state")).to_contain_text("доступ открыт до")
    expect(banner.locator(".grant")).to_contain_text(case["name"])
    finish = banner.get_by_role("button", name="Завершить и сформировать индивидуальную ведомость")
    box = finish.bounding_box()
    assert box["y"] + box["height"] <= 768, box                 # in sight without scrolling
    step(teacher, "reopen_5_granted")

    # the teacher changes the one covered cell, and finishes: one button, the vedomost issued
    cells = teacher.locator("input.cell")
    expect(cells).to_have_count(1)
    expect(cells).to_have_attribute("data-student", student)
    expect(cells).to_have_attribute("data-column", "EXAM")
    row = teacher.locator(f'tr[data-student="{student}"]')
    final_before = row.locator('[data-out="final"]').inner_text()
    cells.click()
    teacher.keyboard.type(new_exam)
    teacher.keyboard.press("Enter")
    expect(teacher.locator("#grid-status")).to_have_text("Сохранено")
    expect(row.locator('[data-out="final"]')).not_to_have_text(final_before)
    final_after = row.locator('[data-out="final"]').inner_text()
    banner.locator("select[name=doc_lang]").select_option("ru")
    finish.click()
    teacher.wait_for_url(re.compile(r"/documents/issued/02-08/"))
    number = teacher.locator("h1").inner_text().split()[-1]
    assert number.startswith("02-08/")
    expect(teacher.locator(".flash.ok")).to_have_text(
        f"Повторное открытие завершено: журнал снова закрыт, индивидуальная ведомость {number} выдана.")
    step(teacher, "reopen_6_issued")
    text = pdf_text(download(teacher, teacher.get_by_role("link", name=re.compile("Скачать")).get_attribute("href")))
    assert number in text and "индивидуальная" in text and "протокол Совета деканата № 12" in text
    # The sheet prints every figure with two decimals and a comma («88,00»).
    assert re.search(rf"^1 {re.escape(case['name'])} {student} \S+ {new_exam},00 {final_after},00 ", text, re.M), text

    # the journal is closed again; its request shows the vedomost's number, no form to fill
    teacher.goto(f"{base}/journals/{code}")
    expect(teacher.locator("input.cell")).to_have_count(0)
    expect(banner.locator(".state")).to_have_text("закрыт")
    request_row = teacher.locator(f"#requests tbody tr.req-completed")
    expect(request_row.get_by_role("link", name=number)).to_have_attribute("href", f"/documents/issued/{number}")
    expect(teacher.get_by_role("link", name="Сформировать индивидуальную ведомость")).to_have_count(0)
    step(teacher, "reopen_7_closed_again")

    # the vedomost's form opened from the request: its journal and kind, the file it is numbered in
    teacher.goto(f"{base}/documents/vedomost?request={request_id}")
    expect(teacher.locator("select[name=journal] option:checked")).to_have_attribute("value", code)
    expect(teacher.locator("select[name=kind] option:checked")).to_have_attribute("value", "individual")
    expect(teacher.locator("p.hint").first).to_contain_text("02-08")
    step(teacher, "reopen_8_form")


# --- 3. the registrar prints a group's summary vedomost ----------------------------------------

def test_the_registrar_prints_a_groups_summary_vedomost(page, live_server):
    base, app, _ = live_server
    sign_in(page, base, "or.inspector")
    page.get_by_role("navigation").get_by_role("link", name="Сводные").click()
    page.wait_for_url(re.compile(r"/summary"))
    shoot(page, "summary")
    row = page.locator("table.ov-table tbody tr").first
    group = row.locator("td").first.inner_text()
    row.get_by_role("link", name="Документ", exact=True).click()  # in the column «Сводная ведомость»
    page.wait_for_url(re.compile(r"/documents/summary_vedomost\?"))
    expect(page.locator("#f-group")).to_have_value(group)
    shoot(page, "document_form")
    page.select_option("#f-_lang", "ru")
    page.select_option("#f-_format", "pdf")
    page.locator("form.docform button.primary").click()
    # Some of the group's journals are still open on the demo's day: the page says which
    # before a number is taken, and issues only when confirmed.
    expect(page.locator("[data-warnings]")).to_contain_text("не закрыто")
    # (not shot: switching the language reloads the form and the warning with it)
    page.get_by_role("button", name="Всё равно выпустить").click()
    page.wait_for_url(re.compile(r"/documents/issued/"))
    number = page.locator("h1").inner_text().split()[-1]
    expect(page.locator(".flash.ok")).to_contain_text(number)
    content = download(page, page.get_by_role("link", name="Скачать PDF").get_attribute("href"))
    assert content.startswith(b"%PDF")

    def names():
        from docservice.models import Group, db

        return [s.full_name for s in db.session.scalar(db.select(Group).where(Group.code == group)).students]
    text = pdf_text(content)
    assert number in text and group in text
    assert any(name in text for name in in_app(app, names))


# --- 4. the IT department issues a login from a request ------------------------------------------

def test_it_issues_a_login_from_a_request_and_the_password_is_changed_first(new_page, live_server):
    base, _, _ = live_server
    head = new_page(base, "head.anat")
    head.goto(f"{base}/documents/login_request")
    head.fill("#f-full_name", "Әбілқасымова Сәуле Нұрланқызы")
    head.fill("#f-position", "ассистент")
    head.select_option("#f-department", "ANAT")
    head.fill("#f-email", "s.abilkasymova@kaznmu.example")
    head.locator("form.docform button.primary").click()
    head.wait_for_url(re.compile(r"/documents/issued/"))
    number = head.locator("h1").inner_text().split()[-1]

    it = new_page(base, "it.admin")
    it.goto(f"{base}/it/logins")
    row = it.locator("tr", has_text=number)
    expect(row).to_contain_text("Әбілқасымова Сәуле Нұрланқызы")
    shoot(it, "it_logins")
    login = row.locator("input[name=login]").input_value()
    assert login
    row.get_by_role("button", name="Создать учётную запись").click()
    secret = it.locator("code.ov-secret").inner_text()
    assert len(secret) >= 8
    expect(it.locator("main")).to_contain_text(login)
    it.goto(f"{base}/it/logins")
    expect(it.locator("tr", has_text=number).first).to_contain_text(login)
    assert secret not in it.content()   # shown once

    teacher = new_page()
    teacher.goto(f"{base}/login")
    with teacher.expect_navigation():
        teacher.locator("form.lang button[value=ru]").click()
    teacher.fill("input[name=login]", login)
    teacher.fill("input[name=password]", secret)
    teacher.locator("button.primary").click()
    teacher.wait_for_url(re.compile(r"/password"))
    expect(teacher.locator("h1")).to_have_text("Смена пароля")
    teacher.goto(f"{base}/journals")
    assert "/password" in teacher.url      # nothing else before the password is changed
    teacher.fill("input[name=old]", secret)
    teacher.fill("input[name=new]", "my-own-pass-2026")
    teacher.fill("input[name=again]", "my-own-pass-2026")
    teacher.locator("form button.primary").click()
    expect(teacher.locator(".flash.ok")).to_contain_text("Пароль изменён")
    teacher.goto(f"{base}/journals")
    assert "/password" not in teacher.url
    expect(teacher.locator("h1")).to_have_text("Мои журналы")
