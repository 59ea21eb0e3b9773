"""The IT department's accounts (issue 13, item 9): student accounts from the contingent, one or
a whole group, handed out on a printable list; login requests returned with a reason; passwords
reset from the web; every action in the accounts' audit trail. And the explanatory note's form
offers teachers only."""
import re

import pytest
from store import user
from web_client import csrf, flashes, page, post, signed_in

from docservice.models import AccountEvent, LoginRequestHandled, Student, User, db
from docservice.users import create_user

# What the IT pages show and ask; accounts, passwords and their audit run on both databases in
# test_users_policy.py and tests/security.
pytestmark = [pytest.mark.one_database, pytest.mark.usefixtures("sample")]

GROUP = "ОМ-24-01к"


def student(record_book) -> Student:
    return db.session.scalar(db.select(Student).where(Student.record_book == record_book))


def events(action) -> list[AccountEvent]:
    return db.session.scalars(db.select(AccountEvent).where(AccountEvent.action == action)
                              .order_by(AccountEvent.id)).all()


def handout(html) -> list[tuple[str, str, str, str]]:
    """The printed list's lines: name, record book, login, password."""
    rows = re.findall(r"<tr><td>\d+</td><td>([^<]+)</td><td>([^<]+)</td>\s*<td><code>([^<]+)</code></td>"
                      r"<td><code class=\"ov-secret\">([^<]+)</code></td>", html)
    return rows


def fresh_sign_in(app, login, password):
    client = app.test_client()
    token = csrf(client.get("/login").data)
    r = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    return client, r


def test_it_issues_one_students_account_who_signs_in_changes_the_password_and_sees_own_marks(app):
    it = signed_in(app, "it.admin", lang="ru")
    html = page(it, f"/it/students?group={GROUP}")
    assert "Нұрғалиева Дана Аңсағанқызы" in html and "24010001" in html and "нет учётной записи" in html
    assert 'data-confirm="Создать учётные записи' in html

    r = post(it, "/it/students/24010001/account", {}, "/it/students")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert f"Учётные записи обучающихся группы {GROUP}" in html and "Подпись" in html
    [(name, record_book, login, secret)] = handout(html)
    assert (name, record_book, login) == ("Нұрғалиева Дана Аңсағанқызы", "24010001", "st24010001")
    account = user("st24010001")
    assert student("24010001").user_id == account.id and account.roles == {"student"}
    assert account.must_change_password and secret not in account.password_hash
    assert account.full_name == "Нұрғалиева Дана Аңсағанқызы" and account.language == "kk"
    [event] = events("student_account_issued")
    assert event.actor.login == "it.admin" and event.user_id == account.id and event.subject == "24010001"
    assert secret not in str(event.detail)
    # Shown once: the group's page names the login, never the password; a second issue is refused.
    html = page(it, f"/it/students?group={GROUP}")
    assert "st24010001" in html and secret not in html and "ещё не входил(а)" in html
    r = post(it, "/it/students/24010001/account", {}, "/it/students")
    assert "У обучающегося с зачётной книжкой 24010001 уже есть учётная запись (st24010001)" in \
        flashes(it.get(r.headers["Location"]).get_data(as_text=True))[0]
    assert len(events("student_account_issued")) == 1

    # The student signs in, must choose a password first, then sees their own marks only.
    client, r = fresh_sign_in(app, "st24010001", secret)
    assert r.status_code == 302 and client.get("/my-grades").headers["Location"].endswith("/password")
    r = client.post("/password", data={"old": secret, "new": "Менің-құпиясөзім-7", "again": "Менің-құпиясөзім-7",
                                       "csrf_token": csrf(client.get("/password").data)})
    assert r.status_code == 302 and not user("st24010001").must_change_password
    html = page(client, "/my-grades")
    assert "Нұрғалиева Дана Аңсағанқызы" in html and "Ағымдағы бағалар" in html
    assert "Шәкәрімова Үміт Дәулетқызы" not in html and "24010002" not in html
    assert '<tr data-journal="J0001">' in html


def test_it_issues_the_accounts_of_a_whole_group_skipping_who_has_one(app):
    it = signed_in(app, "it.admin", lang="kk")
    post(it, "/it/students/24010002/account", {}, "/it/students")
    group = student("24010002").group
    others = [s for s in group.students if s.record_book != "24010002"]
    html = page(it, f"/it/students?group={GROUP}")
    assert f"Есептік жазбасы жоқтардың бәріне ашу ({len(others)})" in html

    r = post(it, f"/it/groups/{GROUP}/accounts", {}, "/it/students")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert f"{GROUP} тобы білім алушыларының есептік жазбалары" in html and "Қолы" in html
    lines = handout(html)
    assert sorted(rb for _, rb, _, _ in lines) == sorted(s.record_book for s in others)
    assert "24010002" not in html
    assert all(login == "st" + rb for _, rb, login, _ in lines)
    assert len({secret for *_, secret in lines}) == len(lines)
    for name, rb, login, _ in lines:
        assert student(rb).user.login == login and student(rb).full_name == name
    assert len(events("student_account_issued")) == len(others) + 1
    # Everyone has one now: nothing is issued, and the page says so.
    r = post(it, f"/it/groups/{GROUP}/accounts", {}, "/it/students")
    assert f"{GROUP} тобының барлық білім алушысының есептік жазбасы бар: ештеңе ашылмады." in \
        flashes(it.get(r.headers["Location"]).get_data(as_text=True))
    assert len(events("student_account_issued")) == len(others) + 1


def test_the_login_rule_keeps_logins_unique(app):
    create_user(None, "st24010003", "Басқа адам", ["teacher"], password="Басқа-құпия-2026")
    it = signed_in(app, "it.admin")
    [(_, _, login, _)] = handout(post(it, "/it/students/24010003/account", {}, "/it/students").get_data(as_text=True))
    assert login == "st24010003-2" and student("24010003").user.login == "st24010003-2"


@pytest.mark.parametrize("login", ["head.anat", "or.head", "t.anat1"])
def test_only_it_may_touch_accounts(app, login):
    client = signed_in(app, login)
    assert client.get(f"/it/students?group={GROUP}").status_code == 403
    token = csrf(client.get("/").data)
    for path, data in ((f"/it/students/24010001/account", {}), (f"/it/groups/{GROUP}/accounts", {}),
                       ("/it/password-reset", {"login": "t.anat2"}), ("/it/logins/1/reject", {"reason": "x"})):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    assert student("24010001").user_id is None and db.session.scalar(db.select(AccountEvent)) is None


def _login_request(lang="ru"):
    from docservice.documents import issuing

    return issuing.issue(user("head.anat"), "login_request", {
        "full_name": "Жаңа Оқытушы", "position": "оқытушы", "department": "ANAT",
        "email": "new.teacher@kaznmu.example"}, lang, "docx").document


@pytest.mark.parametrize("lang,blank,done,shown", [
    ("ru", "Укажите причину возврата заявки", "Заявка {n} возвращена заведующему кафедрой", "возвращена"),
    ("kk", "Өтінімді қайтару себебін жазыңыз", "{n} өтінімі себебімен бірге кафедра меңгерушісіне қайтарылды",
     "қайтарылды")])
def test_it_returns_a_login_request_with_a_reason_the_head_sees(app, lang, blank, done, shown):
    document = _login_request(lang)
    it = signed_in(app, "it.admin", lang=lang)
    html = page(it, "/it/logins")
    assert f'action="/it/logins/{document.id}/reject"' in html and "data-confirm" in html
    r = post(it, f"/it/logins/{document.id}/reject", {"reason": "  "}, "/it/logins")
    assert blank in flashes(it.get(r.headers["Location"]).get_data(as_text=True))[0]
    assert db.session.scalar(db.select(LoginRequestHandled)) is None

    reason = "Лауазымы штат кестесінде жоқ / должности нет в штатном расписании"
    r = post(it, f"/it/logins/{document.id}/reject", {"reason": reason}, "/it/logins")
    html = it.get(r.headers["Location"]).get_data(as_text=True)
    assert done.format(n=document.number) in flashes(html)[0] and reason in html
    [event] = events("login_request_rejected")
    assert event.actor.login == "it.admin" and event.subject == document.number and event.detail["reason"] == reason
    # The head of department reads it on the department page; no account can be issued from it.
    assert reason in page(signed_in(app, "head.anat", lang=lang), "/department")
    r = post(it, f"/it/logins/{document.id}/account", {"login": "new.teacher"}, "/it/logins")
    assert reason in flashes(it.get(r.headers["Location"]).get_data(as_text=True))[0]
    answered = page(it, "/it/logins").split('id="reset"')[0]
    assert user("new.teacher") is None and shown in answered and "Жаңа Оқытушы" in answered


def test_issuing_from_a_login_request_is_audited(app):
    document = _login_request()
    it = signed_in(app, "it.admin")
    post(it, f"/it/logins/{document.id}/account", {"login": "new.teacher"}, "/it/logins")
    [event] = events("account_issued")
    assert event.user.login == "new.teacher" and event.subject == document.number


@pytest.mark.parametrize("lang,words,missing", [("ru", "Новый одноразовый пароль", "Не найдено"),
                                                ("kk", "Жаңа бір реттік құпиясөз", "Табылмады")])
def test_it_resets_a_password_shown_once(app, lang, words, missing):
    create_user(None, "t.forgot", "Ұмытшақ Оқытушы", ["teacher"], password="Ескі-құпиясөз-2026")
    it = signed_in(app, "it.admin", lang=lang)
    html = page(it, "/it/logins")
    assert 'action="/it/password-reset"' in html and re.search(r'data-confirm="[^"]+"[^>]*>\s*<input[^>]+csrf', html)
    r = post(it, "/it/password-reset", {"login": "t.forgot"}, "/it/logins")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store" and words in html
    secret = re.search(r'<code class="ov-secret">([^<]+)</code>', html).group(1)
    assert fresh_sign_in(app, "t.forgot", "Ескі-құпиясөз-2026")[1].status_code == 401
    client, r = fresh_sign_in(app, "t.forgot", secret)
    assert r.status_code == 302 and client.get("/").headers["Location"].endswith("/password")
    [event] = events("password_reset")
    assert event.actor.login == "it.admin" and event.user.login == "t.forgot" and secret not in str(event.detail)
    audit = page(it, "/it/logins").split('id="reset"')[0]
    assert {"ru": "пароль сброшен", "kk": "құпиясөз қалпына келтірілді"}[lang] in audit and "t.forgot" in audit
    assert secret not in audit
    r = post(it, "/it/password-reset", {"login": "nobody.here"}, "/it/logins")
    assert missing in flashes(it.get(r.headers["Location"]).get_data(as_text=True))[0]
    assert len(events("password_reset")) == 1


def test_a_students_password_is_reset_from_the_groups_page(app):
    it = signed_in(app, "it.admin")
    post(it, "/it/students/24010001/account", {}, "/it/students")
    html = page(it, f"/it/students?group={GROUP}")
    assert 'name="login" value="st24010001"' in html and "Сбросить пароль: Нұрғалиева Дана Аңсағанқызы?" in html
    html = post(it, "/it/password-reset", {"login": "st24010001"}, "/it/students").get_data(as_text=True)
    assert "К учётным записям обучающихся" in html and user("st24010001").must_change_password
    assert re.search(r'<code class="ov-secret">[^<]+</code>', html)


def test_the_json_routes_issue_return_and_reset(app):
    from docservice.users import issue_token

    api = app.test_client()
    it = {"Authorization": f"Bearer {issue_token(None, user('it.admin'))}"}
    r = api.post(f"/api/v1/groups/{GROUP}/student-accounts", headers=it)
    accounts = r.get_json()["accounts"]
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    assert {a["record_book"] for a in accounts} == {s.record_book for s in student(accounts[0]["record_book"]).group.students}
    assert all(a["login"] == "st" + a["record_book"] for a in accounts)
    assert api.post(f"/api/v1/groups/{GROUP}/student-accounts", headers=it).get_json()["accounts"] == []
    r = api.post("/api/v1/students/24010001/account", headers={**it, "Accept-Language": "kk"})
    assert r.status_code == 422 and "есептік жазбасы бар (st24010001)" in r.get_json()["message"]

    r = api.post("/api/v1/users/t.anat1/password-reset", headers=it)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store" and user("t.anat1").must_change_password
    assert fresh_sign_in(app, "t.anat1", r.get_json()["one_time_password"])[1].status_code == 302

    document = _login_request()
    r = api.post(f"/api/v1/login-requests/{document.number}/reject", headers=it, json={"reason": "Дубликат"})
    assert r.status_code == 200 and r.get_json()["returned"]["reason"] == "Дубликат"
    assert [e.action for e in db.session.scalars(db.select(AccountEvent).order_by(AccountEvent.id))][-2:] == \
        ["password_reset", "login_request_rejected"]
    head = {"Authorization": f"Bearer {issue_token(None, user('head.anat'))}"}
    assert api.post("/api/v1/users/t.anat2/password-reset", headers=head).status_code == 403
    assert api.post("/api/v1/students/24010002/account", headers=head).status_code == 403
    assert len(events("student_account_issued")) == len(accounts)  # the refused ones issued nothing


# --- the explanatory note names a teacher, not any staff member ---------------------------------

def _teacher_options(html) -> set[str]:
    select = re.search(r'<select[^>]*name="teacher".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_the_explanatory_notes_form_offers_teachers_only(app):
    create_user(None, "vice.rector", "Проректор", ["vice_rector"], password="Проректор-2026-x")
    client = signed_in(app, "t.anat2")
    everyone = _teacher_options(page(client, "/documents/explanatory_note"))
    teachers = {u.login for u in db.session.scalars(db.select(User)) if "teacher" in u.roles}
    assert everyone == teachers and "t.phys1" in everyone
    assert not everyone & {"vice.rector", "dean.gm", "or.head", "it.admin", "methodist"}
    # The journal chosen (as a link from the journal prefills it): its department's teachers.
    of_j0001 = _teacher_options(page(client, "/documents/explanatory_note?journal=J0001"))
    assert of_j0001 == {u.login for u in db.session.scalars(db.select(User))
                        if "teacher" in u.roles and u.department and u.department.code == "ANAT"}
