"""The oversight pages as their users see them: the head of department, the dean's office,
the registrar's office, the IT department and the student (issue 4)."""
import copy
import io
import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from store import journal, mark, user
from web_client import csrf, flashes, page, post, signed_in

from docservice import reopen
from docservice.journals import close_journal, set_mark
from docservice.models import AccessGrant, LoginRequestHandled, Period, ReopenRequest, Student, db
from docservice.results import period_results, results_json, student_period_gpa
from docservice.users import create_user, issue_token

pytestmark = pytest.mark.usefixtures("sample")


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def closed_with_request(clock):
    """J0001 (ANAT, group ОМ-24-01к of school GM) closed by t.anat2, then a grade-changing
    request filed by its teacher."""
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    return reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "РК1 бағасы қате: 45 орнына 54",
                               wrong_entry_on=date(2026, 9, 2), students=["24010001"], columns=["RK1"])


# --- who may open what ----------------------------------------------------------------------

@pytest.mark.parametrize("login, path", [
    ("t.anat2", "/department"), ("dean.gm", "/department"), ("t.anat2", "/requests"),
    ("head.anat", "/registrar/deadlines"), ("dean.gm", "/registrar/monitoring"), ("head.anat", "/registrar/import"),
    ("or.inspector", "/it/logins"), ("t.anat2", "/summary"), ("or.head", "/my-grades"),
])
def test_another_role_gets_403_in_its_language(app, login, path):
    client = signed_in(app, login, lang="ru")
    r = client.get(path)
    assert r.status_code == 403
    assert "У вас нет прав на это действие" in r.get_data(as_text=True)


def test_pages_need_a_sign_in(app):
    r = app.test_client().get("/department")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_menu_shows_each_role_its_pages(app):
    head = page(signed_in(app, "head.anat"), "/")
    assert 'href="/department"' in head and 'href="/requests"' in head and 'href="/registrar/deadlines"' not in head
    registrar = page(signed_in(app, "or.inspector"), "/")
    for href in ("/registrar/deadlines", "/registrar/monitoring", "/registrar/import", "/summary", "/requests"):
        assert f'href="{href}"' in registrar
    assert 'href="/department"' not in registrar and 'href="/it/logins"' not in registrar
    assert 'href="/it/logins"' in page(signed_in(app, "it.admin"), "/")


# --- head of department ---------------------------------------------------------------------

def test_head_sees_the_departments_journals_with_state_and_deadline(app):
    html = page(signed_in(app, "head.anat", lang="ru"), "/department")
    # ANAT teaches J0001, J0006 (ANA2101), J0003, J0008 (PHS2102 block 2), J0012, J0014 (LAT2105).
    for code in ("J0001", "J0003", "J0006", "J0008", "J0012", "J0014"):
        assert f'id="j-{code}"' in html
    for code in ("J0002", "J0004", "J0011", "J0013"):  # PHYS and CHEM journals
        assert f'id="j-{code}"' not in html
    assert "Өтебаев Нұрсұлтан Еркебұланұлы" in html          # t.anat2, teacher of J0001
    assert "14.11.2026" in html and "открыт" in html         # J0001: final control 11.11 + 3 days
    assert 'href="/documents/login_request"' in html and 'href="/documents/ktp"' in html


def test_head_records_a_substitution_of_the_same_department_only(app):
    client = signed_in(app, "head.anat", lang="ru")
    r = post(client, "/department/journals/J0001/substitute",
             {"substitute": "t.anat1", "protocol": "№ 4, 03.11.2026", "valid_from": "2026-11-05",
              "valid_until": "2026-11-14"}, "/department")
    assert r.status_code == 302
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert any("Мұхамедиярова Құралай Аңсағанқызы" in f for f in flashes(html))
    assert "замещающий" in html and "№ 4, 03.11.2026" in html
    row = next(t for t in journal("J0001").staff if t.role == "substitute")
    assert (row.user.login, row.valid_from, row.valid_until) == ("t.anat1", date(2026, 11, 5), date(2026, 11, 14))

    r = post(client, "/department/journals/J0001/substitute",
             {"substitute": "t.phys1", "protocol": "№ 5"}, "/department")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Замещающим может быть только преподаватель кафедры журнала (Кафедра анатомии)" in html
    kk = signed_in(app, "head.anat", lang="kk")
    r = post(kk, "/department/journals/J0001/substitute", {"substitute": "t.anat3", "protocol": ""}, "/department")
    assert "міндетті өріс толтырылмаған" in kk.get(r.headers["Location"]).get_data(as_text=True)
    # The head of another department may not touch ANAT's journal.
    other = signed_in(app, "head.phys")
    assert post(other, "/department/journals/J0001/substitute",
                {"substitute": "t.anat1", "protocol": "№ 6"}, "/department").status_code == 403


def test_the_page_speaks_kazakh(app):
    html = page(signed_in(app, "head.anat", lang="kk"), "/department")
    assert "Кафедраның журналдары" in html and "Қорытынды бақылау" in html and "ашық" in html


# --- the reopen chain through the pages ---------------------------------------------------------

def test_visa_decision_grant_through_the_pages(app, closed_with_request):
    req_id = closed_with_request.id
    head = signed_in(app, "head.anat", lang="ru")
    html = page(head, "/requests")
    assert f'id="r-{req_id}"' in html and "РК1 бағасы қате: 45 орнына 54" in html and "24010001" in html
    assert "Өтебаев Нұрсұлтан Еркебұланұлы" in html
    # What the approver weighs: the student by name with the mark the journal holds now.
    now_rk1 = mark("J0001", "24010001", "RK1")
    shown = "—" if now_rk1 is None or now_rk1.score is None else str(now_rk1.score)
    student_name = db.session.scalar(db.select(Student).where(Student.record_book == "24010001")).full_name
    assert f"{student_name} (24010001): РК1 — {shown}" in html
    # The menu counts what waits; the visa asks before it is given.
    assert re.search(r'href="/requests"[^>]*>Заявки на повторное открытие <span class="waiting"[^>]*>1</span>', html)
    assert 'data-confirm="Завизировать объяснительную записку: Өтебаев Нұрсұлтан Еркебұланұлы (журнал J0001)?"' in html
    # Not the dean's turn yet: the dean sees nothing; the head of another department neither.
    assert f'id="r-{req_id}"' not in page(signed_in(app, "dean.gm"), "/requests")
    assert f'id="r-{req_id}"' not in page(signed_in(app, "head.phys"), "/requests")

    r = post(head, f"/requests/{req_id}/visa", {}, "/requests")
    assert r.status_code == 302
    assert "визирована" in head.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.get(ReopenRequest, req_id).status == "visaed"

    assert f'id="r-{req_id}"' not in page(signed_in(app, "dean.ph"), "/requests")  # another school
    dean = signed_in(app, "dean.gm", lang="ru")
    html = page(dean, "/requests")
    assert f'id="r-{req_id}"' in html and "Совета деканата" in html
    assert re.search(r'href="/requests"[^>]*>Заявки на повторное открытие <span class="waiting"[^>]*>1</span>', html)
    assert not re.search(r'href="/requests"[^>]*>[^<]*<span class="waiting"', page(head, "/requests"))  # done
    r = post(dean, f"/requests/{req_id}/decide", {"protocol_no": "", "protocol_date": "2026-11-06"}, "/requests")
    assert "Укажите номер и дату протокола Совета деканата" in dean.get(r.headers["Location"]).get_data(as_text=True)
    r = post(dean, f"/requests/{req_id}/decide", {"protocol_no": "№ 7", "protocol_date": "2026-11-06"}, "/requests")
    assert "№ 7" in dean.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.get(ReopenRequest, req_id).protocol_no == "№ 7"

    # The inspector sees it waiting but may not open access; the head of the registrar's office may.
    inspector = signed_in(app, "or.inspector", lang="ru")
    html = page(inspector, "/requests")
    assert f'id="r-{req_id}"' in html and f'/requests/{req_id}/grant' not in html
    assert post(inspector, f"/requests/{req_id}/grant", {"days": "2"}, "/requests").status_code == 403
    registrar = signed_in(app, "or.head", lang="ru")
    html = page(registrar, "/requests")
    assert f'/requests/{req_id}/grant' in html and "протокол № 7 от 06.11.2026" in html
    r = post(registrar, f"/requests/{req_id}/grant", {"days": "3"}, "/requests")
    html = registrar.get(r.headers["Location"]).get_data(as_text=True)
    assert "Доступ открыт: Өтебаев Нұрсұлтан Еркебұланұлы до 09.11.2026 10:00" in html
    grant = db.session.scalar(db.select(AccessGrant).where(AccessGrant.request_id == req_id))
    assert (grant.students, grant.columns, grant.grantee.login) == (["24010001"], ["RK1"], "t.anat2")
    assert "Открытый доступ" in html and "активен" in html   # the grant and its window

    html = page(registrar, "/registrar/monitoring")
    assert "Өтебаев Нұрсұлтан Еркебұланұлы" in html and "устное замечание" in html
    teacher_row = re.search(r"<tr><td>Өтебаев Нұрсұлтан Еркебұланұлы</td><td>([^<]*)</td>", html).group(1)
    assert teacher_row == "Кафедра анатомии"  # the department by its name, not its code


def test_a_request_is_returned_with_the_reason_and_late_steps_show(app, clock, closed_with_request):
    clock.advance(days=3)  # the head's visa is now later than 2 days after the detection
    head = signed_in(app, "head.anat", lang="ru")
    html = page(head, "/requests")
    assert "Просроченные шаги" in html and "виза заведующего кафедрой" in html
    r = post(head, f"/requests/{closed_with_request.id}/return", {"reason": ""}, "/requests")
    assert "Укажите причину" in head.get(r.headers["Location"]).get_data(as_text=True)
    post(head, f"/requests/{closed_with_request.id}/return", {"reason": "Не указан обучающийся"}, "/requests")
    req = db.session.get(ReopenRequest, closed_with_request.id)
    assert (req.status, req.rejection_reason) == ("rejected", "Не указан обучающийся")
    assert f'id="r-{req.id}"' not in page(head, "/requests")


# --- the registrar ------------------------------------------------------------------------------

def test_registrar_sets_the_period_rule_and_a_journal_deadline(app):
    client = signed_in(app, "or.inspector", lang="ru")
    html = page(client, "/registrar/deadlines?period=2026-2027/1")
    assert 'id="j-J0001"' in html and 'value="2026-11-14"' in html
    row = re.search(r'id="j-J0001".*?</tr>', html, re.S).group(0)
    assert "Кафедра анатомии" in row and ">ANAT<" not in row  # the department by its name, not its code
    kk_row = re.search(r'id="j-J0001".*?</tr>', page(signed_in(app, "or.head", lang="kk"), "/registrar/deadlines"),
                       re.S).group(0)
    assert "Анатомия кафедрасы" in kk_row
    period = db.session.scalar(db.select(Period).where(Period.code == "2026-2027/1"))
    r = post(client, f"/registrar/periods/{period.id}/rule", {"close_within_days": "5"}, "/registrar/deadlines")
    assert r.status_code == 302 and period.close_within_days == 5
    assert journal("J0001").deadline == date(2026, 11, 16)
    post(client, "/registrar/journals/J0001/deadline", {"deadline": "2026-11-20"}, "/registrar/deadlines")
    assert journal("J0001").deadline == date(2026, 11, 20)
    html = page(client, "/registrar/deadlines")
    assert "установлен регистратором" in html
    r = post(client, "/registrar/journals/J0001/deadline", {"deadline": "2026-11-01"}, "/registrar/deadlines")
    assert "Срок не может быть раньше даты итогового контроля (2026-11-11)" in \
        client.get(r.headers["Location"]).get_data(as_text=True)
    post(client, "/registrar/journals/J0001/deadline", {"reset": "1"}, "/registrar/deadlines")
    assert journal("J0001").deadline == date(2026, 11, 16)


def test_monitoring_counts_journals_per_department(app, clock):
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=11)  # 16 Nov: every other sample journal is past its deadline
    html = page(signed_in(app, "or.head", lang="ru"), "/registrar/monitoring")
    row = re.search(r'<tr data-department="ANAT"><td>Кафедра анатомии</td>(.*?)</tr>', html, re.S)
    cells = re.findall(r"<a [^>]*>(\d+)</a>", row.group(1))
    assert cells == ["6", "0", "0", "1", "5", "5"]  # total, open, due soon, closed, locked, late
    assert 'href="/documents/semester_report?period=2026-2027%2F1"' in html
    assert "Нет повторных открытий" in html


def test_summary_vedomosts_of_the_deans_groups(app):
    html = page(signed_in(app, "dean.gm", lang="ru"), "/summary")
    assert "ОМ-24-01к" in html and "ОМ-24-02р" in html and "ФР-24-03к" not in html
    assert 'href="/documents/summary_vedomost?group=%D0%9E%D0%9C-24-01%D0%BA&amp;period=2026-2027%2F1"' in html
    assert "всего периода" not in html
    html = page(signed_in(app, "or.inspector", lang="ru"), "/summary")
    assert "ФР-24-03к" in html and 'href="/documents/summary_vedomost?period=2026-2027%2F1"' in html


def _upload(client, payload: bytes, name: str):
    token = csrf(client.get("/registrar/import").data)
    return client.post("/registrar/import", data={"csrf_token": token, "file": (io.BytesIO(payload), name)},
                       content_type="multipart/form-data")


def test_import_preview_changes_nothing_and_confirm_imports(app, sample_data, uploads):
    data = copy.deepcopy(sample_data)
    data["students"].append({"id": "24019999", "full_name": "Жаңа Студент Серікұлы", "group": "ОМ-24-01к"})
    data["students"][0]["full_name"] = "Нұрғалиева Дана Аңсағанқызы (ауыстырылған)"
    client = signed_in(app, "or.inspector", lang="ru")
    r = _upload(client, json.dumps(data, ensure_ascii=False).encode(), "faculty.json")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Что изменит импорт" in html
    assert len(list(uploads.glob("*.json"))) == 1
    row = re.search(r"<tr><td>обучающиеся</td><td>(\d+)</td><td>(\d+)</td>", html)
    assert row.groups() == ("1", "48")
    db.session.expire_all()
    assert db.session.scalar(db.select(Student).where(Student.record_book == "24019999")) is None
    assert db.session.scalar(db.select(Student).where(Student.record_book == "24010001")).full_name == \
        "Нұрғалиева Дана Аңсағанқызы"
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # Another user cannot confirm this upload with the token.
    other = signed_in(app, "or.head")
    r = other.post("/registrar/import/confirm", data={"csrf_token": csrf(other.get("/registrar/import").data),
                                                      "token": token})
    assert r.status_code == 422
    r = client.post("/registrar/import/confirm", data={"csrf_token": csrf(html), "token": token})
    assert r.status_code == 200 and "Импортировано" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(Student).where(Student.record_book == "24019999")).full_name == \
        "Жаңа Студент Серікұлы"
    assert not list(uploads.glob(f"{token}*"))  # the kept file is gone once imported
    # The same token does not import twice.
    r = client.post("/registrar/import/confirm", data={"csrf_token": csrf(html), "token": token})
    assert r.status_code == 422 and "загрузите его заново" in r.get_data(as_text=True)


def test_import_preview_shows_each_journal_and_says_which_are_past_the_deadline(app, sample_data, clock):
    from datetime import datetime

    data = copy.deepcopy(sample_data)
    for row in data["journals"] + data["marks"]:       # journals the store does not have yet
        key = "id" if "id" in row else "journal"
        row[key] = row[key].replace("J", "K")
    clock.set(datetime(2027, 5, 3, 9, 0))
    payload = json.dumps(data, ensure_ascii=False).encode()
    html = _upload(signed_in(app, "or.inspector", lang="ru"), payload, "sample.json").get_data(as_text=True)
    assert "Журналы в файле" in html and "Срок закрытия прошёл у 14 из 14 журналов" in html
    row = re.search(r"<tr class=\"ov-past\"><td>Анатомия человека.*?</tr>", html, re.S).group(0)
    marks = sum(1 for m in data["marks"] if m["journal"] == "K0001")
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert "новый журнал" in cells[0] and cells[1:5] == ["ОМ-24-01к", "12", str(marks), str(marks)]
    assert cells[5] == "11.11.2026" and cells[6] == "14.11.2026 — срок прошёл"
    html = _upload(signed_in(app, "or.inspector", lang="kk"), payload, "sample.json").get_data(as_text=True)
    assert "Файлдағы журналдар" in html and "<td>Адам анатомиясы" in html and "Латын тілі" in html


def test_import_errors_name_the_row_in_the_users_language(app, sample_data):
    data = copy.deepcopy(sample_data)
    data["students"][5]["group"] = "НЕТ-ГРУППЫ"
    r = _upload(signed_in(app, "or.inspector", lang="kk"), json.dumps(data, ensure_ascii=False).encode(), "x.json")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "students[5] [group]" in html and "«НЕТ-ГРУППЫ» табылмады" in html
    r = _upload(signed_in(app, "or.inspector", lang="ru"), b"not a workbook", "faculty.xlsx")
    assert r.status_code == 422 and "faculty.xlsx" in r.get_data(as_text=True)
    assert "Не удалось прочитать файл" in r.get_data(as_text=True)


# --- the IT department --------------------------------------------------------------------------

def test_it_issues_the_requested_account_and_the_password_is_shown_once(app):
    from docservice.documents import issuing

    document = issuing.issue(user("head.anat"), "login_request", {
        "full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
        "email": "s.abilkasymova@kaznmu.example"}, "ru", "docx").document
    it = signed_in(app, "it.admin", lang="ru")
    html = page(it, "/it/logins")
    assert "Әбілқасымова Сәуле Нұрланқызы" in html and 'value="s.abilkasymova"' in html and document.number in html
    r = post(it, f"/it/logins/{document.id}/account", {"login": "s.abilkasymova"}, "/it/logins")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="ov-secret">([^<]+)</code>', html).group(1)
    created = user("s.abilkasymova")
    assert created.roles == {"teacher"} and created.department.code == "ANAT" and created.must_change_password
    assert created.position_ru == "ассистент" and created.email == "s.abilkasymova@kaznmu.example"
    assert secret not in (created.password_hash or "")
    assert db.session.scalar(db.select(LoginRequestHandled)).user_id == created.id

    html = page(it, "/it/logins")
    assert secret not in html and "s.abilkasymova" in html and "Нет ожидающих заявок" in html
    r = post(it, f"/it/logins/{document.id}/account", {"login": "other"}, "/it/logins")
    assert "По этой заявке учётная запись уже создана (s.abilkasymova)" in \
        it.get(r.headers["Location"]).get_data(as_text=True)
    assert "s.abilkasymova" in page(signed_in(app, "head.anat"), "/department")
    # The new teacher signs in with it and must choose a password first.
    fresh = app.test_client()
    token = csrf(fresh.get("/login").data)
    r = fresh.post("/login", data={"login": "s.abilkasymova", "password": secret, "csrf_token": token})
    assert r.status_code == 302 and fresh.get("/").headers["Location"].endswith("/password")


def test_it_refuses_a_login_that_exists(app):
    from docservice.documents import issuing

    document = issuing.issue(user("head.anat"), "login_request", {
        "full_name": "Жаңа Оқытушы", "position": "оқытушы", "department": "ANAT",
        "email": "t.anat1@kaznmu.example"}, "kk", "docx").document
    it = signed_in(app, "it.admin", lang="kk")
    r = post(it, f"/it/logins/{document.id}/account", {"login": "t.anat1"}, "/it/logins")
    assert "«t.anat1» логині бар" in it.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(db.select(LoginRequestHandled)) is None


# --- the student ----------------------------------------------------------------------------------

def _student_account(record_book: str, login: str):
    account, _ = create_user(None, login, "Студент", ["student"], password="student-pass-1")
    account.must_change_password = False
    student = db.session.scalar(db.select(Student).where(Student.record_book == record_book))
    student.user_id = account.id
    db.session.commit()
    return student


def test_the_student_sees_own_grades_and_gpa_only(app):
    student = _student_account("24010001", "st.dana")
    client = signed_in(app, "st.dana", password="student-pass-1", lang="ru")
    html = page(client, "/my-grades")
    assert "Нұрғалиева Дана Аңсағанқызы" in html and "24010001" in html
    assert "Шәкәрімова Үміт Дәулетқызы" not in html and "24010002" not in html  # a classmate
    period = db.session.scalar(db.select(Period).where(Period.code == "2026-2027/1"))
    results = period_results(student.group_id, period.id)
    for item, by_student in results:
        shown = by_student[student.id].as_dict()
        assert item.name("ru") in html
        if shown["letter"]:
            row = re.search(re.escape(item.name("ru")) + r".*?</tr>", html, re.S).group(0)
            # an exam under 50: FX, no final; a decimal comma as the documents print it
            final = "—" if shown["final"] is None else str(shown["final"]) if isinstance(shown["final"], int) \
                else f'{shown["final"]:.2f}'.replace(".", ",")
            assert f"<td>{final}</td>" in row and f"<td>{shown['letter']}</td>" in row
            assert shown["traditional_ru"] in row
    gpa = student_period_gpa(student.id, results)
    assert f"{float(gpa):.2f}".replace(".", ",") in html
    kk = page(signed_in(app, "st.dana", password="student-pass-1", lang="kk"), "/my-grades")
    assert "Кезеңнің GPA" in kk


def test_a_student_without_a_record_is_told_so(app):
    create_user(None, "st.none", "Студент", ["student"], password="student-pass-1")
    html = page(signed_in(app, "st.none", password="student-pass-1"), "/my-grades")
    assert "не привязана" in html


# --- the JSON routes ----------------------------------------------------------------------------

def test_the_chain_through_the_api(app, closed_with_request):
    api = app.test_client()
    bearer = {login: {"Authorization": f"Bearer {issue_token(None, user(login))}"}
              for login in ("head.anat", "dean.gm", "or.head", "t.anat2")}
    req_id = closed_with_request.id
    listed = api.get("/api/v1/reopen-requests", headers=bearer["head.anat"]).get_json()
    assert [r["id"] for r in listed] == [req_id] and listed[0]["waiting_for"] == "visa" and listed[0]["may_act"]
    assert api.get("/api/v1/reopen-requests", headers=bearer["t.anat2"]).status_code == 403
    assert api.post(f"/api/v1/reopen-requests/{req_id}/visa", headers=bearer["dean.gm"]).status_code == 403
    assert api.post(f"/api/v1/reopen-requests/{req_id}/visa", headers=bearer["head.anat"]).get_json()["status"] \
        == "visaed"
    r = api.post(f"/api/v1/reopen-requests/{req_id}/decision?lang=kk", headers=bearer["dean.gm"], json={})
    assert r.status_code == 422 and "хаттамасының" in r.get_json()["message"]
    r = api.post(f"/api/v1/reopen-requests/{req_id}/decision", headers=bearer["dean.gm"],
                 json={"protocol_no": "№ 7", "protocol_date": "2026-11-06"})
    assert r.get_json()["decision"]["protocol_no"] == "№ 7"
    r = api.post(f"/api/v1/reopen-requests/{req_id}/grant", headers=bearer["or.head"], json={"days": 2})
    assert r.status_code == 201 and r.get_json()["until"] == "2026-11-08T10:00:00" and r.get_json()["active"]
    grants = api.get("/api/v1/reopen-grants", headers=bearer["or.head"]).get_json()
    assert [g["journal"] for g in grants] == ["J0001"]
    report = api.get("/api/v1/monitoring", headers=bearer["or.head"]).get_json()
    assert report["teachers"][0]["login"] == "t.anat2" and report["teachers"][0]["level"] == "verbal_remark"


def test_the_monitoring_api_counts_and_documents_the_journals_due_soon(app, clock):
    """/api/v1/monitoring returns, per department, the open journals due within REMIND_DAYS days
    (the ones whose teachers are reminded), and /api/v1/openapi.json says so: every field the
    route returns is described."""
    api = app.test_client()
    head = {"Authorization": f"Bearer {issue_token(None, user('or.head'))}"}

    def anat():
        report = api.get("/api/v1/monitoring", headers=head).get_json()
        return report, next(c for c in report["journals"] if c["department"] == "ANAT")

    clock.set(datetime(2026, 11, 12, 10, 0))  # ANAT's journals are due 13–15.11; reminders go 2 days ahead
    _, before = anat()
    assert before["due_soon"] >= 1
    registrar = {"Authorization": f"Bearer {issue_token(None, user('or.inspector'))}"}
    assert journal("J0006").deadline > date(2026, 11, 14)  # due 15.11: not yet reminded
    moved = api.post("/api/v1/journals/J0006/deadline", headers=registrar, json={"deadline": "2026-11-13"})
    assert moved.get_json()["due_soon"]
    report, after = anat()
    assert after["due_soon"] == before["due_soon"] + 1 and after["open"] == before["open"]

    spec = api.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/monitoring"]["get"]
    assert "due soon" in spec["summary"]
    schema = spec["responses"]["200"]["content"]["application/json"]["schema"]
    figures = schema["properties"]["journals"]["items"]["properties"]
    assert "REMIND_DAYS" in figures["due_soon"]["description"] and figures["due_soon"]["type"] == "integer"
    assert set(report) == set(schema["properties"]) and set(after) == set(figures)
    teacher = schema["properties"]["teachers"]["items"]["properties"]
    assert all(set(line) == set(teacher) for line in report["teachers"])


def test_the_import_api_answers_what_its_openapi_describes(app, sample_data):
    """A dry run of the project's sample through /api/v1/import names its nine exam marks of
    students not admitted as warnings, in kk/ru/en; /api/v1/openapi.json describes every field
    of the answer, the warnings' and the journals' too."""
    api = app.test_client()
    registrar = {"Authorization": f"Bearer {issue_token(None, user('or.inspector'))}"}
    r = api.post("/api/v1/import?dry_run=true&format=json", headers=registrar, data=json.dumps(sample_data),
                 content_type="application/json")
    answer = r.get_json()
    assert r.status_code == 200 and answer["dry_run"] and len(answer["warnings"]) == 9
    assert "не допущен" in answer["warnings"][0]["message"]["ru"].lower()

    spec = api.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/import"]["post"]
    schema = spec["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert set(answer) == set(schema)
    warning, journal = (schema[k]["items"]["properties"] for k in ("warnings", "journals"))
    assert all(set(w) == set(warning) and set(w["message"]) == set(warning["message"]["properties"])
               for w in answer["warnings"])
    assert all(set(j) == set(journal) for j in answer["journals"]) and answer["journals"]
    assert "not admitted" in schema["warnings"]["description"]


def test_session_writes_to_the_api_need_the_csrf_header(app, closed_with_request):
    head = signed_in(app, "head.anat")
    r = head.post(f"/api/v1/reopen-requests/{closed_with_request.id}/visa")
    assert r.status_code == 400 and r.get_json()["code"] == "csrf"
    token = csrf(head.get("/requests").data)
    r = head.post(f"/api/v1/reopen-requests/{closed_with_request.id}/visa", headers={"X-CSRFToken": token})
    assert r.status_code == 200 and r.get_json()["status"] == "visaed"


def test_api_registrar_it_and_student_routes(app, sample_data):
    api = app.test_client()
    registrar = {"Authorization": f"Bearer {issue_token(None, user('or.inspector'))}"}
    r = api.post("/api/v1/periods/2026-2027/1/rule", headers=registrar, json={"close_within_days": 4})
    assert r.get_json()["close_within_days"] == 4
    r = api.post("/api/v1/journals/J0001/deadline", headers=registrar, json={"deadline": "2026-11-21"})
    assert r.get_json()["deadline"] == "2026-11-21" and r.get_json()["deadline_set"]
    rows = api.get("/api/v1/deadlines?period=2026-2027/1&department=ANAT", headers=registrar).get_json()
    assert sorted(j["code"] for j in rows) == ["J0001", "J0003", "J0006", "J0008", "J0012", "J0014"]
    data = copy.deepcopy(sample_data)
    data["students"].append({"id": "24019998", "full_name": "Тағы Бір Студент", "group": "ОМ-24-01к"})
    r = api.post("/api/v1/import?dry_run=true", headers=registrar,
                 data={"file": (io.BytesIO(json.dumps(data).encode()), "d.json")}, content_type="multipart/form-data")
    assert r.get_json()["dry_run"] and r.get_json()["created"] == {"students": 1}
    assert db.session.scalar(db.select(Student).where(Student.record_book == "24019998")) is None
    summary = api.get("/api/v1/summary-vedomosts?period=2026-2027/1", headers=registrar).get_json()
    assert {s["group"] for s in summary} == {"ОМ-24-01к", "ОМ-24-02р", "ФР-24-03к", "ФР-24-04р"}

    from docservice.documents import issuing

    document = issuing.issue(user("head.anat"), "login_request", {
        "full_name": "Жаңа Оқытушы", "position": "оқытушы", "department": "ANAT",
        "email": "new.t@kaznmu.example"}, "kk", "docx").document
    it = {"Authorization": f"Bearer {issue_token(None, user('it.admin'))}"}
    assert [d["number"] for d in api.get("/api/v1/login-requests", headers=it).get_json()] == [document.number]
    r = api.post(f"/api/v1/login-requests/{document.number}/account", headers=it, json={"login": "new.t"})
    assert r.status_code == 201 and len(r.get_json()["one_time_password"]) >= 8
    assert user("new.t").position_kk == "оқытушы"
    assert api.get("/api/v1/login-requests", headers=it).get_json() == []

    _student_account("24010001", "st.dana")
    student = {"Authorization": f"Bearer {issue_token(None, user('st.dana'))}"}
    mine = api.get("/api/v1/my-grades", headers=student).get_json()
    assert mine["student"]["record_book"] == "24010001"
    assert {i["code"] for i in mine["periods"][0]["items"]} == {"ANA2101", "PHS2102", "MOD2103"}
    assert api.get("/api/v1/monitoring", headers=student).status_code == 403


def test_a_requests_columns_are_named_as_people_name_them(app, sample):
    from docservice.cells import column_label

    assert [column_label(c, "ru") for c in ("EXAM", "RK1", "2026-09-02")] == ["Экзамен", "РК1", "02.09.2026"]
    assert column_label("EXAM", "kk") == "Емтихан"


def test_the_student_sees_current_marks_midterms_and_absences(app, clock):
    """During the semester, before any final (issue 13, item 8): each journal's ТК, midterms,
    РД and the absences among the lessons held, as the journal has them now — the same
    «n / m · %» the teacher's grid shows: a н/б written ahead on a lesson still to come is
    not counted on either page (issue 13, consistency)."""
    _student_account("24010001", "st.dana")
    lessons = journal("J0001").lessons
    for lesson in (lessons[1], lessons[-1]):
        set_mark(user("t.anat2"), journal("J0001"), "24010001", lesson.column, "н")
    clock.set(datetime.combine(lessons[-1].date - timedelta(days=1), time(10)))  # the last lesson is still to come
    past = [lesson.column for lesson in lessons if lesson.date <= clock.now().date()]
    future = [lesson.column for lesson in lessons if lesson.date > clock.now().date()]
    assert lessons[1].column in past and future == [lessons[-1].column]
    row = row_of_results("J0001", "24010001")
    grid = signed_in(app, "t.anat2").get("/api/v1/journals/J0001").get_json()
    cells = next(r for r in grid["rows"] if r["student"] == "24010001")["cells"]
    absent = sum(1 for column in past if cells[column]["value"] == "н/б")
    assert absent >= 1 and cells[future[0]]["value"] == "н/б"
    figure = f"{absent} / {len(past)} · {int(100 * absent / len(past) + 0.5)} %"
    for lang, heading in (("ru", "Текущие оценки"), ("kk", "Ағымдағы бағалар")):
        teacher = signed_in(app, "t.anat2", lang=lang).get("/journals/J0001").get_data(as_text=True)
        in_grid = teacher[teacher.index('<tr data-student="24010001"'):]
        assert f'data-out="attendance">{figure}<' in in_grid[:in_grid.index("</tr>")]
        html = page(signed_in(app, "st.dana", password="student-pass-1", lang=lang), "/my-grades")
        mine = re.search(r'<tr data-journal="J0001">.*?</tr>', html, re.S).group(0)
        assert heading in html and f'data-out="attendance">{figure}<' in mine
        assert f"{row['tk']:.2f}".replace(".", ",") in mine  # ТК as the grid shows it


def row_of_results(code, record_book):
    return next(r for r in results_json(journal(code)) if r["student_id"] == record_book)


def _student_id(record_book):
    return db.session.scalar(db.select(Student.id).where(Student.record_book == record_book))
