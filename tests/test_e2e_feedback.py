"""Issue 13, "What must be shown", items 5, 9 and 10 in Chromium, at 1366 × 768 and on a
390 × 844 phone — each step one that failed before:
5. every role's home page, as the browser renders it in kk and in ru, has no English word or
   code and names the role in the page's language; so do a grant's scope on the journal and the
   explanatory note's hints (they read "25010055, EXAM" and "RK1, RK2, EXAM");
9. the IT department returns a login request with a reason and resets a password (asked to
   confirm; the new one-time password shown once); the note's teacher list holds teachers only;
10. the summary vedomost warns of the group's journals not closed; what a step did stays in view
   when the page is scrolled; the archive's bar moves while a job starts; an unknown number on
   the verify page is said so in the page's language; no request of a page answers 404 (the
   icon did); the skip link is the first Tab stop; the menu marks the current page; numbers
   carry a decimal comma.
No page scrolls sideways."""
from __future__ import annotations

import re
from datetime import date

import pytest
from browser import SCREENS, chromium, fits_sideways, live_server, screen, sign_in  # noqa: F401  (fixtures)
from playwright.sync_api import expect
from test_web_no_english import ROLES, foreign_words

from docservice.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

DESKTOP, PHONE = (1366, 768), (390, 844)

# Each role as its home page names it.
ROLE_NAMES = {
    "kk": {"teacher": "Оқытушы", "head_of_department": "Кафедра меңгерушісі", "dean": "Декан",
           "registrar": "Тіркеуші офисі", "registrar_head": "Тіркеуші офисінің басшысы",
           "it": "Цифрландыру департаменті", "methodist": "Әдіскер",
           "vice_rector": "Академиялық қызмет жөніндегі проректор", "student": "Білім алушы"},
    "ru": {"teacher": "Преподаватель", "head_of_department": "Заведующий кафедрой", "dean": "Декан",
           "registrar": "Офис регистратора", "registrar_head": "Руководитель Офиса регистратора",
           "it": "Департамент цифровизации", "methodist": "Методист",
           "vice_rector": "Проректор по академической деятельности", "student": "Обучающийся"},
}
EXAM = {"kk": "Емтихан", "ru": "Экзамен"}
# What the browser shows and says besides the text: the page's title, and these attributes.
READ_SHOWN = """lang => {
  const own = e => { const marked = e.closest('[lang]'); return !marked || marked.lang.split('-')[0] === lang; };
  let text = document.body.innerText;
  const said = [document.title];
  for (const e of document.body.querySelectorAll('*')) {
    if (!own(e)) { text = text.replace(e.innerText, ''); continue; }  // "English" on the language switch
    for (const name of ['title', 'placeholder', 'aria-label', 'alt', 'data-confirm']) {
      if (e.hasAttribute(name)) { said.push(e.getAttribute(name)); }
    }
    if (e.matches('input[type=submit], input[type=button]')) { said.push(e.value); }
  }
  return [text, ...said];
}"""


def shown(page, lang: str) -> list[str]:
    """What a user of ``page`` sees or hears, once the page says it is in ``lang``."""
    assert page.get_attribute("html", "lang") == lang, page.url
    return page.evaluate(READ_SHOWN, lang)


def not_in_language(app, pages: dict[str, list[str]], lang: str) -> dict[str, list[str]]:
    with app.app_context():
        return foreign_words(pages, lang)


def failed_requests(*pages) -> list[tuple[int, str]]:
    """Every answer of 400 or more the pages' requests get, from now on (the icon was a 404)."""
    failed = []
    for page in pages:
        page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    return failed


def switch_language(page, lang: str) -> None:
    with page.expect_navigation():
        page.locator(f"form.lang button[value={lang}]").click()


def a_students_account(app) -> str:
    """A demo student given an account by the IT department, the password set by the student."""
    with app.app_context():
        from docservice.models import Student, User, db
        from docservice.student_accounts import issue_for_student
        from docservice.users import set_password

        it = db.session.scalar(db.select(User).where(User.login == ROLES["it"]))
        login = issue_for_student(it, db.session.scalars(db.select(Student).order_by(Student.id)).first()).login
        set_password(db.session.scalar(db.select(User).where(User.login == login)), DEMO_PASSWORD, must_change=False)
        db.session.commit()
        return login


def test_every_roles_home_page_is_in_the_users_language_and_names_the_role(chromium, live_server):
    """At both sizes, one sign-in per role: the phone's browser gets the desktop's session."""
    base, app, _ = live_server
    logins = {role: login or a_students_account(app) for role, login in ROLES.items()}
    pages = {"kk": {}, "ru": {}}
    with screen(chromium, *DESKTOP) as desktop, screen(chromium, *PHONE, phone=True) as phone:
        failed = failed_requests(desktop, phone)
        for role, login in logins.items():
            sign_in(desktop, base, login, lang="kk")
            for lang in ("kk", "ru"):
                if lang == "ru":
                    switch_language(desktop, "ru")
                phone.context.add_cookies(desktop.context.cookies())  # the session, the language in it
                phone.goto(f"{base}/")
                for page, (width, _) in ((desktop, DESKTOP), (phone, PHONE)):
                    pages[lang][f"{login} / {width}"] = shown(page, lang)
                    assert ROLE_NAMES[lang][role] in page.locator("li.role").all_inner_texts(), (login, lang)
                    fits_sideways(page, width)
            if role == "student":  # the current marks as the documents write them: 75,22, never 75.22
                phone.goto(f"{base}/my-grades")
                marks = phone.locator("main table").first.inner_text()
                assert re.search(r"\b\d+,\d\d\b", marks) and not re.search(r"\b\d+\.\d\d\b", marks), marks
                fits_sideways(phone, PHONE[0])
            with desktop.expect_navigation():
                desktop.locator("form.who button").click()  # signed out: the next role signs in
        assert not failed, failed  # the icon, the styles, the scripts: each found
    for lang in ("kk", "ru"):
        assert not not_in_language(app, pages[lang], lang), lang


def a_grant_on(app, login: str, code: str) -> tuple[str, str]:
    """A reopening of the teacher's closed ``code`` granted for one student's last control
    column; the student's name and record book."""
    with app.app_context():
        from docservice import reopen
        from docservice.models import WITH_CHANGE, Journal, User, db

        def user(login):
            return db.session.scalar(db.select(User).where(User.login == login))

        journal = db.session.scalar(db.select(Journal).where(Journal.code == code))
        student = journal.group.students[0]
        request = reopen.file_request(user(login), journal, WITH_CHANGE, "Опечатка при вводе оценки",
                                      students=[student.record_book], columns=[journal.control_columns[-1]])
        reopen.visa(journal.department.head, request)
        reopen.decide(journal.school.dean, request, "7", date(2026, 11, 20))
        reopen.grant(user("or.head"), request)
        db.session.commit()
        return student.full_name, student.record_book


def teachers_and_others(app) -> tuple[set[str], set[str]]:
    """The logins of the staff who teach, and of those who do not (the vice-rector among them)."""
    with app.app_context():
        from docservice.models import User, db

        users = db.session.scalars(db.select(User)).all()
        return ({u.login for u in users if "teacher" in u.roles},
                {u.login for u in users if "teacher" not in u.roles and "student" not in u.roles})


@pytest.mark.parametrize("size", SCREENS)
def test_a_teacher_reads_the_grant_and_the_note_in_the_page_language(chromium, live_server, size):
    """The grant's scope on the journal, the grid's numbers, the note's hints and its list of
    teachers; the skip link and the menu's current page on the way."""
    width, height, phone = size
    base, app, _ = live_server
    name, record_book = a_grant_on(app, ROLES["teacher"], "D0046")
    teachers, others = teachers_and_others(app)
    assert ROLES["vice_rector"] in others
    pages = {"kk": {}, "ru": {}}
    with screen(chromium, width, height, phone=phone) as page:
        failed = failed_requests(page)
        sign_in(page, base, ROLES["teacher"], lang="kk")
        for lang in ("kk", "ru"):
            if lang == "ru":
                switch_language(page, "ru")
            page.goto(f"{base}/journals/D0046")
            grant = page.locator(".grant").inner_text()
            assert name in grant and record_book not in grant and EXAM[lang] in grant, grant
            # ТК and РД as the documents write them: 75,22, never 75.22.
            results = page.locator("table.grid tbody tr").first.inner_text()
            assert re.search(r"\b\d+,\d\d\b", results) and not re.search(r"\b\d+\.\d\d\b", results), results
            current = page.locator('header.top nav a[aria-current="page"]')
            assert current.get_attribute("href") == "/journals"  # a journal's page marks My journals
            pages[lang]["/journals/D0046"] = shown(page, lang)
            fits_sideways(page, width)

            page.goto(f"{base}/documents/explanatory_note")
            hint = page.locator("[id$=columns-hint]").inner_text()
            assert EXAM[lang] in hint and "EXAM" not in hint and "RK1" not in hint, hint
            offered = set(page.eval_on_selector_all("select[name=teacher] option[value]:not([value=''])",
                                                    "os => os.map(o => o.value)"))
            assert offered == teachers, offered ^ teachers  # never the vice-rector, a dean, the IT
            pages[lang]["/documents/explanatory_note"] = shown(page, lang)
            fits_sideways(page, width)

        page.keyboard.press("Tab")  # the first Tab stop: the skip link, in the page's language
        skip = page.locator(":focus")
        assert skip.get_attribute("class") == "skip" and skip.inner_text() == "Перейти к содержанию"
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        assert not failed, failed
    for lang in ("kk", "ru"):
        assert not not_in_language(app, pages[lang], lang), lang


NEW_TEACHER, NEW_TEACHERS_EMAIL = "Новикова Анна Сергеевна", "new.teacher@kaznmu.example"


def a_login_request(app) -> str:
    """A head of department's request for a new teacher's login; its number."""
    with app.app_context():
        from docservice.documents import issuing
        from docservice.models import User, db

        head = db.session.scalar(db.select(User).where(User.login == ROLES["head_of_department"]))
        return issuing.issue(head, "login_request", {
            "full_name": NEW_TEACHER, "position": "преподаватель", "department": "ANAT",
            "email": NEW_TEACHERS_EMAIL}, "ru", "docx").document.number


def confirmed(page, said: list[str]) -> None:
    """The next confirmation dialog: its question kept in ``said``, and accepted."""
    page.once("dialog", lambda dialog: (said.append(dialog.message), dialog.accept()))


@pytest.mark.parametrize("size", SCREENS)
def test_it_returns_a_login_request_with_a_reason_and_resets_a_password(chromium, live_server, size):
    width, height, phone = size
    base, app, _ = live_server
    number = a_login_request(app)
    reason = "Должности нет в штатном расписании"
    with screen(chromium, width, height, phone=phone) as page:
        failed = failed_requests(page)
        sign_in(page, base, ROLES["it"], lang="ru")
        page.goto(f"{base}/it/logins")
        fits_sideways(page, width)
        asked = []
        row = page.locator("tr", has_text=number)
        assert "Кафедра анатомии" in row.inner_text() and NEW_TEACHERS_EMAIL in row.inner_text()  # not ANAT
        pages = {"/it/logins": shown(page, "ru")}
        row.locator("input[name=reason]").fill(reason)
        confirmed(page, asked)
        with page.expect_navigation():
            row.get_by_role("button", name="Вернуть заявку").click()
        assert asked == [f"Вернуть заявку {number} заведующему кафедрой?"]
        expect(page.locator(".flash.ok")).to_contain_text(f"Заявка {number} возвращена")
        answered = page.locator("h2:has-text('Рассмотренные заявки') + .table-scroll").inner_text()
        assert f"возвращена: {reason}" in answered and NEW_TEACHER in answered
        fits_sideways(page, width)

        page.fill("#reset ~ form input[name=login]", "t.anat3")
        confirmed(page, asked)
        with page.expect_navigation():
            page.get_by_role("button", name="Сбросить пароль").click()
        assert asked[1] == "Сбросить пароль? Старый пароль сразу перестанет действовать."
        expect(page.locator("h1")).to_have_text("Новый одноразовый пароль")
        secret = page.locator("code.ov-secret").inner_text()
        assert len(secret) >= 12
        pages["/it/password-reset"] = shown(page, "ru")
        fits_sideways(page, width)
        page.goto(f"{base}/it/logins")  # shown once: never again
        assert secret not in page.content() and "t.anat3" in page.locator("main").inner_text()
        assert not failed, failed
        # Latin letters only where people typed or were given them: the e-mail (allowed), the password.
        assert not_in_language(app, pages, "ru") == {"/it/password-reset": [secret]}
    with screen(chromium, width, height, phone=phone) as page:  # the teacher, with the new password
        page.goto(f"{base}/login")
        page.fill("input[name=login]", "t.anat3")
        page.fill("input[name=password]", secret)
        with page.expect_navigation():
            page.click("button.primary")
        assert page.url.endswith("/password")  # to be changed first


def unclosed_journals(app, group: str) -> tuple[int, list[str]]:
    """How many journals the group has in the demo's period, and the codes of those not closed."""
    with app.app_context():
        from docservice.models import CLOSED, Group, Journal, db

        journals = db.session.scalars(db.select(Journal).join(Group).where(Group.code == group)).all()
        return len(journals), sorted(j.code for j in journals if j.state != CLOSED)


@pytest.mark.parametrize("size", SCREENS)
def test_the_registrar_is_warned_kept_informed_and_told_an_unknown_number(chromium, live_server, size):
    width, height, phone = size
    base, app, _ = live_server
    app.config["BATCH_WORKERS"] = 1  # the archive's job in the server's own thread (two cores are shared)
    group = "ОМ-26-02р"
    total, unclosed = unclosed_journals(app, group)
    assert 0 < len(unclosed) < total  # the demo's day: some closed, some not
    with screen(chromium, width, height, phone=phone) as page:
        failed = failed_requests(page)
        sign_in(page, base, "or.head", lang="ru")

        # What a step did stays in view once the page is scrolled.
        page.goto(f"{base}/registrar/deadlines")
        assert page.locator('header.top nav a[aria-current="page"]').inner_text() == "Сроки"
        with page.expect_navigation():
            page.locator("form.ov-inline button").first.click()  # the period's rule, saved as it is
        message = page.locator(".flash.ok")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert page.evaluate("window.scrollY") > height  # a long page, scrolled
        expect(message).to_be_in_viewport()
        fits_sideways(page, width)

        # The summary vedomost of a group with open journals: a warning naming them, before any number.
        page.goto(f"{base}/documents/summary_vedomost")
        page.select_option("select[name=group]", group)
        page.select_option("select[name=period]", "2026-2027/1")
        with page.expect_navigation():
            page.get_by_role("button", name="Выдать", exact=True).click()
        warning = page.locator("[data-warnings]")
        expect(warning).to_be_in_viewport()
        said = warning.inner_text()
        assert f"Из {total} журналов группы не закрыто {len(unclosed)}" in said, said
        assert all(code in said for code in unclosed[:5]), said
        expect(page.get_by_role("button", name="Всё равно выпустить")).to_be_visible()
        pages = {"/documents/summary_vedomost/issue": shown(page, "ru")}
        fits_sideways(page, width)

        # The archive: a job's bar moves while it starts, then stands full when it is done.
        page.goto(f"{base}/registrar/archive")
        page.select_option("select[name=school]", "PB")  # one group: one document
        page.check("input[name=types][value=summary_vedomost]")
        page.select_option("select[name=drafts]", "docx")
        with page.expect_navigation():
            page.get_by_role("button", name="Напечатать период").click()
        job = page.locator("[data-job]").first
        bar = job.locator("progress")
        assert "Школа общественного здравоохранения" in page.locator("main").inner_text()  # not its code
        # Read at once: the script may bring the next state any moment.
        first = job.evaluate("""j => ({live: j.dataset.live, status: j.querySelector('.ar-status').textContent,
                                      moving: j.querySelector('progress').matches(':indeterminate'),
                                      value: j.querySelector('progress').value})""")
        if first["live"] == "true":  # still starting: a moving bar, not a still 0
            assert first["status"] == "выполняется" and (first["moving"] or first["value"] > 0), first
        expect(page.locator("[data-job][data-shown=done]")).to_have_count(1, timeout=30000)
        expect(job.locator(".ar-status")).to_have_text("готово")
        assert bar.evaluate("b => [b.value, b.max]") == [1, 1]
        assert "Подготовлено черновиков 1 / 1" in " ".join(job.locator(".ar-counts").inner_text().split())
        pages["/registrar/archive"] = shown(page, "ru")
        fits_sideways(page, width)

        # An unknown number: the verify page says so in the page's language (404).
        unknown = f"{base}/verify/01-15%2F2026%2F9999"
        for lang, words, picker in (("ru", "Документ под номером 01-15/2026/9999 не зарегистрирован.",
                                     ("Выбрать файл", "Файл не выбран")),
                                    ("kk", "01-15/2026/9999 нөмірімен тіркелген құжат жоқ.",
                                     ("Файлды таңдау", "Файл таңдалмаған"))):
            answer = page.goto(unknown)
            if lang == "kk":
                switch_language(page, "kk")
                answer = page.goto(unknown)
            assert answer.status == 404 and page.get_attribute("html", "lang") == lang
            assert words in page.locator("main").inner_text()
            # The file to check is chosen in the page's words, not the browser's ("Choose File").
            field = page.locator(".file-pick")
            assert [field.locator(".file-button").inner_text(), field.locator(".file-name").inner_text()] == list(picker)
            assert field.locator("input[type=file]").bounding_box()["width"] <= 1  # the browser's own: unseen
            fits_sideways(page, width)
            assert not not_in_language(app, {**pages, "/verify": shown(page, lang)}, lang)
            pages = {}
            # A file's own name is data: once chosen, it is what the field shows.
            field.locator("input[type=file]").set_input_files(
                {"name": "ведомость.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"})
            expect(field.locator(".file-name")).to_have_text("ведомость.pdf")
        failed = [f for f in failed if "/verify/" not in f[1]]  # the verify page's own 404, said in words
        assert not failed, failed
