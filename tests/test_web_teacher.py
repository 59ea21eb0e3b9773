"""The teacher's pages and their JSON routes, as a teacher uses them: my journals, the grid,
entering marks (bad values, conflicts), closing, the explanatory note that files a reopen
request, and a reopening's grant and completion."""
import re
from datetime import date

import pytest
from store import journal, mark, user
from web_client import csrf, signed_in

from docservice import reopen
from docservice.collation import name_key
from docservice.journals import close_journal, history, set_mark
from docservice.models import CLOSED, IssuedDocument, ReopenRequest, db
from docservice.results import results_json
from docservice.users import issue_token

# What the teacher's pages and routes show and refuse; the store's writes, conflicts, closing and
# reopenings run on both databases in test_journal_lifecycle.py and test_reopen.py.
pytestmark = pytest.mark.one_database

STUDENT, LESSON = "24010001", "2026-09-02"  # J0001 (t.anat2, ОМ-24-01к): 45 on 02.09
CELLS = "/api/v1/journals/J0001/cells"


@pytest.fixture(autouse=True)
def _storage_and_clients(app, tmp_path):
    app.config["STORAGE_DIR"] = str(tmp_path / "documents")


def meta_token(page) -> str:
    text = page.get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', text).group(1)


def teacher(app, lang="ru"):
    client = signed_in(app, "t.anat2", lang=lang)
    return client, meta_token(client.get("/journals/J0001"))


def put(client, token, lang="ru", **body):
    return client.put(f"{CELLS}?lang={lang}", json=body, headers={"X-CSRFToken": token})


def inputs(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<input class="cell"[^>]*data-student="(\d+)" data-column="([^"]+)"', page)


def row_of(code, student):
    return next(r for r in results_json(journal(code)) if r["student_id"] == student)


def test_my_journals_are_those_i_teach(app, sample):
    page = signed_in(app, "t.anat2").get("/journals").get_data(as_text=True)
    for code in ("J0001", "J0003", "J0006"):
        assert f'href="/journals/{code}"' in page
    assert "J0002" not in page and "Анатомия человека" in page and "открыт" in page
    assert "14.11.2026" in page  # J0001's deadline: final control 11.11 + 3 days
    api = signed_in(app, "t.anat2").get("/api/v1/journals?lang=kk").get_json()
    assert {j["code"] for j in api["journals"]} == {"J0001", "J0003", "J0006"}
    assert next(j for j in api["journals"] if j["code"] == "J0001")["title"] == "Адам анатомиясы"


def test_the_grid_shows_names_marks_and_results(app, sample):
    client, _ = teacher(app)
    page = client.get("/journals/J0001").get_data(as_text=True)
    for s in journal("J0001").group.students:
        assert s.full_name in page
    names = re.findall(r'<th scope="row" class="name"[^>]*><span class="full">([^<]+)</span>', page)
    assert names == sorted(names, key=name_key) and names[-1].startswith("Іргебаева")  # Kazakh alphabet: І after Ы
    assert re.search(rf'value="45" data-student="{STUDENT}" data-column="{LESSON}"\s+data-version="1"', page)
    assert 'title="Тема 1 (практическое занятие)">02.09<' in page
    first = row_of("J0001", STUDENT)
    row = page[page.index(f'<tr data-student="{STUDENT}"'):]
    row = row[:row.index("</tr>")]
    tk = f'{first["tk"]:.2f}'.replace(".", ",")  # a decimal comma, as the documents print it
    assert f'data-out="tk">{tk}<' in row and f'data-out="letter">{first["letter"]}<' in row
    assert "РК1" in page and "Экзамен" in page and "ТК" in page and "РД" in page
    data = client.get("/api/v1/journals/J0001").get_json()
    assert [c["key"] for c in data["columns"]][-3:] == ["RK1", "RK2", "EXAM"]
    cell = next(r for r in data["rows"] if r["student"] == STUDENT)["cells"][LESSON]
    assert cell == cell | {"value": 45, "note": None, "version": 1, "editable": True}
    assert data["journal"]["state"] == "open" and data["journal"]["deadline"] == "2026-11-14"


def test_another_teacher_is_refused_and_a_head_only_reads(app, sample):
    other = signed_in(app, "t.anat1")
    r = other.get("/journals/J0001")
    assert r.status_code == 403 and "У вас нет прав" in r.get_data(as_text=True)
    assert other.get("/api/v1/journals/J0001?lang=kk").status_code == 403
    head = signed_in(app, "head.anat").get("/journals/J0001").get_data(as_text=True)
    assert "Нұрғалиева Дана" in head and not inputs(head) and 'value="45"' not in head
    assert ">45<" in head
    # The registrar reads it too, with no "My journals" link that would answer 403.
    registrar = signed_in(app, "or.inspector").get("/journals/J0001").get_data(as_text=True)
    assert "Нұрғалиева Дана" in registrar and 'href="/journals"' not in registrar


def test_entering_a_mark_updates_the_results(app, sample):
    client, token = teacher(app)
    r = put(client, token, student=STUDENT, column=LESSON, value="95", version=1)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["cell"] == body["cell"] | {"value": 95, "text": "95", "version": 2, "editable": True}
    expected = row_of("J0001", STUDENT)
    assert {k: body["result"][k] for k in expected} == expected
    assert body["result"]["shown"]["tk"] == f'{expected["tk"]:.2f}'.replace(".", ",")
    assert mark("J0001", STUDENT, LESSON).score == 95
    assert history(journal("J0001"))[-1].via == "web"
    # н → н/б; п → н/б with the credit-transfer note; an empty cell clears
    assert put(client, token, student=STUDENT, column=LESSON, value="н", version=2).get_json()["cell"]["text"] == "н/б"
    r = put(client, token, student=STUDENT, column=LESSON, value="н/б", note="перезачет", version=3)
    assert r.get_json()["cell"]["text"] == "н/б (п)" and mark("J0001", STUDENT, LESSON).note == "перезачет"
    r = put(client, token, student=STUDENT, column=LESSON, value="", version=4)
    assert r.get_json()["cell"]["version"] == 0 and mark("J0001", STUDENT, LESSON) is None


def test_bad_values_are_refused_in_kk_and_ru(app, sample):
    client, token = teacher(app)
    r = put(client, token, "ru", student=STUDENT, column=LESSON, value="101", version=1)
    assert r.status_code == 422 and r.get_json()["message"].startswith("Недопустимая оценка «101»")
    r = put(client, token, "kk", student=STUDENT, column=LESSON, value="abc", version=1)
    assert r.status_code == 422 and r.get_json()["message"].startswith("«abc» бағасы жарамсыз")
    r = put(client, token, "kk", student=STUDENT, column="EXAM", value="н", note="перезачет", version=1)
    assert r.status_code == 422 and "Емтихан бағанына" in r.get_json()["message"]
    r = put(client, token, "ru", student=STUDENT, column=LESSON, value="90")
    assert r.status_code == 422 and r.get_json()["field"] == "version"
    assert mark("J0001", STUDENT, LESSON).score == 45


def test_a_stale_version_is_a_conflict_with_the_current_value(app, sample):
    client, token = teacher(app)
    set_mark(None, journal("J0001"), STUDENT, LESSON, "50")  # someone else
    r = put(client, token, student=STUDENT, column=LESSON, value="60", version=1)
    body = r.get_json()
    assert r.status_code == 409 and "изменил другой пользователь" in body["message"] and "«50»" in body["message"]
    assert body["current"] == body["current"] | {"value": 50, "text": "50", "version": 2}
    assert mark("J0001", STUDENT, LESSON).score == 50
    assert put(client, token, student=STUDENT, column=LESSON, value="60", version=2).status_code == 200


def test_session_writes_need_the_csrf_token_and_tokens_do_not(app, sample):
    client, _ = teacher(app)
    r = client.put(f"{CELLS}?lang=ru", json={"student": STUDENT, "column": LESSON, "value": "70", "version": 1})
    assert r.status_code == 400 and r.get_json()["code"] == "csrf"
    secret = issue_token(None, user("t.anat2"))
    api = app.test_client()
    r = api.put(CELLS, json={"student": STUDENT, "column": LESSON, "value": "70", "version": 1},
                headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and history(journal("J0001"))[-1].via == "api"
    assert app.test_client().get("/api/v1/journals/J0001").status_code == 401


def test_closing_makes_the_journal_read_only(app, sample):
    client, token = teacher(app)
    confirm = client.get("/journals/J0001/close").get_data(as_text=True)
    assert "Закрыть журнал и сформировать ведомость" in confirm
    r = client.post("/journals/J0001/close", data={"csrf_token": csrf(confirm)})
    assert r.status_code == 302 and journal("J0001").state == CLOSED
    page = client.get("/journals/J0001").get_data(as_text=True)
    assert not inputs(page) and "закрыт" in page and "14.11.2026" in page
    assert 'href="/documents/vedomost?journal=J0001"' in page
    assert "/journals/J0001/note" in page and "/journals/J0001/close" not in page
    r = put(client, token, student=STUDENT, column=LESSON, value="90", version=1)
    assert r.status_code == 400 and r.get_json()["message"].startswith("Журнал закрыт")
    r = put(client, token, "kk", student=STUDENT, column=LESSON, value="90", version=1)
    assert r.get_json()["message"].startswith("Журнал жабық")
    assert mark("J0001", STUDENT, LESSON).score == 45


def test_a_journal_past_its_deadline_is_shown_locked(app, sample, clock):
    clock.set(clock.now().replace(day=15))
    client = signed_in(app, "t.anat2")
    page = client.get("/journals/J0001").get_data(as_text=True)
    assert not inputs(page) and "заблокирован по сроку" in page and "/journals/J0001/close" in page


def test_the_note_issues_the_document_and_files_the_request(app, sample, clock):
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    client = signed_in(app, "t.anat2")
    form = client.get("/journals/J0001/note").get_data(as_text=True)
    assert "ANA2101 Адам анатомиясы" in form  # the group studies in Kazakh: the note defaults to kk
    assert "ОМ-24-01к" in form and "6B10101" in form and "практикалық сабақтар" in form
    assert f'<option value="{STUDENT}">Нұрғалиева Дана Аңсағанқызы ({STUDENT})</option>' in form
    bad = client.post("/journals/J0001/note", data={"csrf_token": csrf(form), "wrong_entry_date": "2026-10-28",
                                                    "reason": "", "with_grade_change": "1", "doc_lang": "ru"})
    assert bad.status_code == 422 and "Длина от 5 до 2000 символов" in bad.get_data(as_text=True)
    assert db.session.query(ReopenRequest).count() == 0
    r = client.post("/journals/J0001/note", data={
        "csrf_token": csrf(form), "wrong_entry_date": "2026-09-02", "doc_lang": "ru", "with_grade_change": "1",
        "reason": "При вводе оценок перепутаны строки двух обучающихся", "students": [STUDENT],
        "columns": [LESSON]})
    assert r.status_code == 302, r.get_data(as_text=True)
    req = db.session.query(ReopenRequest).one()
    assert (req.kind, req.status, req.students, req.columns) == ("with_change", "filed", [STUDENT], [LESSON])
    page = client.get("/journals/J0001").get_data(as_text=True)
    assert req.document_number in page and f'/api/v1/documents/{req.document_number}/file' in page
    assert "ждёт визы заведующего кафедрой" in page
    file = client.get(f"/api/v1/documents/{req.document_number}/file")
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    assert "/journals/J0001/note" not in page  # one unfinished request per journal


def granted(clock, students=(STUDENT,), columns=(LESSON,)):
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "45 вместо 54",
                              wrong_entry_on=date(2026, 9, 2), students=list(students), columns=list(columns))
    reopen.visa(user("head.anat"), req)
    reopen.decide(user("dean.gm"), req, "№7", date(2026, 11, 6))
    reopen.grant(user("or.head"), req)
    return req


def test_a_grant_opens_only_its_cells_and_the_teacher_completes_it(app, sample, clock):
    req = granted(clock)
    client, token = teacher(app)
    page = client.get("/journals/J0001").get_data(as_text=True)
    assert inputs(page) == [(STUDENT, LESSON)]
    assert "с изменением оценок" in page and "Нұрғалиева Дана Аңсағанқызы" in page and "02.09" in page
    assert "Завершить и сформировать индивидуальную ведомость" in page
    r = put(client, token, student="24010002", column=LESSON, value="90", version=1)
    assert r.status_code == 403 and "не распространяется" in r.get_json()["message"]
    r = put(client, token, student=STUDENT, column=LESSON, value="54", version=1)
    assert r.status_code == 200 and r.get_json()["result"] == r.get_json()["result"] | row_of("J0001", STUDENT)
    r = client.post(f"/journals/J0001/requests/{req.id}/complete", data={"csrf_token": csrf(page)})
    assert r.status_code == 302
    db.session.refresh(req)
    assert req.status == "completed" and journal("J0001").state == CLOSED
    page = client.get("/journals/J0001").get_data(as_text=True)
    # Finishing issued the individual vedomost: the request shows its number, not its form.
    number = db.session.scalar(db.select(IssuedDocument.number).where(IssuedDocument.doc_type == "vedomost"))
    assert not inputs(page) and f'href="/documents/issued/{number}"' in page


def test_late_steps_are_shown_and_only_the_requester_completes(app, sample, clock):
    req = granted(clock)
    clock.advance(days=3)
    page = signed_in(app, "t.anat2").get("/journals/J0001").get_data(as_text=True)
    assert "изменения внесены с опозданием" in page
    head = signed_in(app, "head.anat").get("/journals/J0001").get_data(as_text=True)
    assert f"/requests/{req.id}/complete" not in head
    api = signed_in(app, "t.anat2")
    token = meta_token(api.get("/journals/J0001"))
    r = api.post(f"/api/v1/journals/J0001/requests/{req.id}/complete?lang=ru", headers={"X-CSRFToken": token})
    assert r.status_code == 200 and r.get_json()["request"]["vedomost"]["number"]
    assert r.get_json()["request"]["late_steps"] == ["completed"]


def test_closing_through_the_api(app, sample):
    secret = issue_token(None, user("t.anat2"))
    api = app.test_client()
    r = api.post("/api/v1/journals/J0001/close?lang=kk", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200 and r.get_json()["journal"]["state"] == "closed"
    assert r.get_json()["vedomost_url"] == "/documents/vedomost?journal=J0001"
    r = api.post("/api/v1/journals/J0001/close?lang=kk", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 422 and r.get_json()["message"] == "Журнал әлдеқашан жабылған"


def test_the_journal_exports_to_excel_as_the_grid_shows_it(app, sample):
    """Marks and results as numbers, н/б and names as text that never becomes a formula, the
    headers in the user's language; only for those who may read the journal."""
    import io

    from openpyxl import load_workbook

    from docservice.models import Student

    student = db.session.scalar(db.select(Student).where(Student.record_book == STUDENT))
    student.full_name = '=HYPERLINK("http://evil.example","Нұрғалиева")'
    db.session.commit()
    client, _ = teacher(app, lang="kk")
    assert 'href="/journals/J0001.xlsx"' in client.get("/journals/J0001").get_data(as_text=True)
    r = client.get("/journals/J0001.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["№", "Білім алушы", "Сынақ кітапшасы"]
    assert "02.09" in header and "РК1" in header and "Емтихан" in header  # as the grid's headers
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == len(journal("J0001").group.students)
    mine = rows[STUDENT]
    assert mine[1].value == student.full_name and mine[1].data_type == "s"  # text, not a formula
    assert mine[header.index("02.09")].value == 45
    expected = row_of("J0001", STUDENT)
    tk = mine[len(header) - 5].value
    assert isinstance(tk, float) and round(tk, 2) == round(expected["tk"], 2)
    assert mine[len(header) - 2].value == expected["letter"]

    stranger = signed_in(app, "t.phys1", lang="ru").get("/journals/J0001.xlsx")  # another department
    assert stranger.status_code == 403
