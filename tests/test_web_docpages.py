"""The document pages as people use them: a form for every type (generated from its schema,
a new plugin's too), preview in the page, issue, the register, the public verify page."""
import io
import re
from html import unescape

import pytest
from docs_reading import docx_text, pdf_text
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from web_client import csrf, signed_in

from docservice.documents import DocumentType
from docservice.documents.fields import GroupRef
from docservice.models import IssuedDocument, db

# What the document pages show and ask; issuing and the register run on both databases in test_register.py
# and test_documents_core.py.
pytestmark = pytest.mark.one_database

LOGIN_REQUEST = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
                 "email": "s.abilkasymova@kaznmu.example"}


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, white space collapsed."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def errors_for(response, name: str) -> list[str]:
    """The messages shown next to the input ``name``."""
    html = response.get_data(as_text=True)
    found = re.search(r'<ul class="field-errors" data-errors-for="%s"[^>]*>(.*?)</ul>' % re.escape(name), html, re.S)
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def post(client, url, data, page="/documents"):
    return client.post(url, data={**data, "csrf_token": csrf(client.get(page).data)})


def issued_count() -> int:
    return db.session.scalar(select(func.count()).select_from(IssuedDocument))


# --- every type's form ------------------------------------------------------------------------

# Who opens each built-in type's form on the demo faculty, and what its example prefills.
FORM_USERS = {"ktp": "head.anat", "login_request": "head.anat", "explanatory_note": "t.anat1",
              "vedomost": "or.head", "summary_vedomost": "or.head", "semester_report": "or.head"}


@pytest.mark.demo
@pytest.mark.rendering
def test_every_type_has_its_form_prefilled_from_the_query(app):
    from docservice.documents import issuing

    clients = {}
    for doc_type in issuing.registry():
        login = FORM_USERS.get(doc_type.id, "or.head")
        client = clients.get(login) or clients.setdefault(login, signed_in(app, login, lang="ru"))
        query = {k: v for k, v in doc_type.example.items() if not isinstance(v, (list, dict))}
        r = client.get(f"/documents/{doc_type.id}", query_string=query)
        assert r.status_code == 200, (doc_type.id, r.status_code)
        page = r.get_data(as_text=True)
        assert doc_type.title("ru") in text_of(r)
        for name, value in query.items():
            if isinstance(value, bool):
                prefilled = rf'name="{name}"[^>]*checked'
            else:
                value = re.escape(str(value))
                prefilled = (rf'<select id="f-{name}" name="{name}".*?<option value="{value}" selected>'
                             rf'|name="{name}"[^>]* value="{value}"|name="{name}"[^>]*>{value}</textarea>')
            assert re.search(prefilled, page, re.S), (doc_type.id, name)
        assert 'name="_lang"' in page and 'name="_format"' in page and "data-preview" in page


@pytest.mark.demo
@pytest.mark.rendering
def test_the_generated_inputs_follow_the_schemas(app):
    head = signed_in(app, "head.anat", lang="kk")
    ktp = head.get("/documents/ktp?journal=D0004")
    page = ktp.get_data(as_text=True)
    # Store references are selects filled from the store: journals the user may view, with their group.
    assert re.search(r'<option value="D0004" selected>D0004 — [^<]+ — [^<]+</option>', page)
    assert '<option value="D0001">' not in page                      # another department's journal
    assert '<select id="f-department" name="department"' in page and '<option value="ANAT">Анатомия кафедрасы</option>' in page  # by name, not code
    # A list of nested rows is a table with add/remove buttons; labels are translated.
    assert 'name="rows.0.date"' in page and 'type="date"' in page and 'name="rows.0.hours"' in page
    assert "data-add-row" in page and "data-row-template" in page and 'name="rows.__index__.topic"' in page
    assert "Хаттама күні" in text_of(ktp) and "Сағат" in text_of(ktp)      # protocol date, hours
    assert re.search(r'<input type="number" id="f-course" name="course"[^>]* step="1" min="1" max="7"', page)
    note = signed_in(app, "t.anat1", lang="ru").get("/documents/explanatory_note").get_data(as_text=True)
    assert re.search(r'<textarea id="f-reason" name="reason" aria-required="true"', note)   # Length max 2000
    assert 'type="checkbox" value="1" id="f-with_grade_change"' in note
    assert 'name="students"' in note and "через запятую" in note                             # List(String)
    # A teacher's journal select holds only the journals they may view.
    assert '<option value="D0046">' in note and '<option value="D0001">' not in note
    vedomost = signed_in(app, "or.head", lang="ru").get("/documents/vedomost?request=5").get_data(as_text=True)
    assert '<option value="individual">' in vedomost                                         # OneOf → select
    assert re.search(r'<input type="number" id="f-request" name="request"[^>]*value="5"', vedomost)


# --- preview, issue, validation ---------------------------------------------------------------

def test_preview_is_a_draft_pdf_shown_in_the_page(app, sample):
    head = signed_in(app, "head.anat", lang="ru")
    page = head.get("/documents/login_request")
    r = head.post("/documents/login_request/preview",
                  data={**LOGIN_REQUEST, "_lang": "kk", "_format": "docx", "csrf_token": csrf(page.data)})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN" and r.headers["Content-Disposition"].startswith("inline")
    text = pdf_text(r.data)
    assert "ЖОБА" in text and "Әбілқасымова Сәуле Нұрланқызы" in text
    assert issued_count() == 0
    # The script's check before the preview: nothing rendered, the verdict as JSON.
    ok = head.post("/documents/login_request/check", data={**LOGIN_REQUEST, "csrf_token": csrf(page.data)})
    assert ok.get_json() == {"ok": True, "errors": {}, "general": [], "warnings": []}
    bad = head.post("/documents/login_request/check", data={"csrf_token": csrf(page.data)})
    assert bad.status_code == 422 and bad.get_json()["errors"]["email"] == ["Обязательное поле"]
    # Should the input go wrong between the check and the preview, the frame says why.
    framed = head.post("/documents/login_request/preview", data={"_frame": "1", "csrf_token": csrf(page.data)})
    assert framed.status_code == 422 and framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Обязательное поле" in text_of(framed)


def test_issue_registers_and_the_result_page_gives_number_digest_and_file(app, sample):
    head = signed_in(app, "head.anat", lang="ru")
    r = post(head, "/documents/login_request/issue", {**LOGIN_REQUEST, "_lang": "ru", "_format": "pdf"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/documents/issued/01-15/2026/0001")
    document = db.session.scalar(select(IssuedDocument))
    assert document.input == LOGIN_REQUEST and document.lang == "ru" and document.fmt == "pdf"
    result = head.get(r.headers["Location"])
    shown = text_of(result)
    assert "01-15/2026/0001" in shown and document.sha256 in shown and "Заявка на логин и пароль" in shown
    assert "Выдан и зарегистрирован под номером 01-15/2026/0001" in shown
    link = re.search(r'href="([^"]+/file[^"]*)"', result.get_data(as_text=True)).group(1)
    content = head.get(link)
    assert content.status_code == 200 and "01-15/2026/0001" in pdf_text(content.data)
    # The same request again, as DOCX in Kazakh: "already issued", the same number, and the
    # DOCX is its rendition from the data frozen at issue — no second number.
    r = post(head, "/documents/login_request/issue", {**LOGIN_REQUEST, "_lang": "kk", "_format": "docx"})
    assert r.headers["Location"].endswith("/documents/issued/01-15/2026/0001")
    shown = text_of(head.get(r.headers["Location"]))
    assert "Уже выдан под № 01-15/2026/0001" in shown and "DOCX" in shown and "Действителен" in shown
    docx = head.get("/api/v1/documents/01-15/2026/0001/file?lang=kk&format=docx")
    assert docx.status_code == 200 and "01-15/2026/0001" in docx_text(docx.data)
    assert db.session.scalar(select(func.count(IssuedDocument.id))) == 1


@pytest.mark.parametrize("lang, required, email", [
    ("kk", "Міндетті өріс", "Электрондық пошта мекенжайы жарамсыз"),
    ("ru", "Обязательное поле", "Неверный адрес электронной почты"),
])
def test_bad_input_is_shown_next_to_each_field_in_the_users_language(app, sample, lang, required, email):
    head = signed_in(app, "head.anat", lang=lang)
    typed = {"full_name": "  ", "position": "ассистент", "department": "ANAT", "email": "nope"}
    r = post(head, "/documents/login_request/issue", {**typed, "_lang": "ru", "_format": "pdf"})
    assert r.status_code == 422
    assert errors_for(r, "full_name") == [required] and errors_for(r, "email") == [email]
    assert errors_for(r, "position") == [] and errors_for(r, "department") == []
    page = r.get_data(as_text=True)
    assert 'value="ассистент"' in page and 'value="nope"' in page           # what was typed stays
    assert '<option value="ANAT" selected>' in page
    assert issued_count() == 0


def test_row_messages_land_on_the_row_the_user_typed(app, sample):
    """Blank rows are left out of the input; the schema's messages still find their row."""
    head = signed_in(app, "head.anat", lang="ru")
    rows = {"rows.0.topic": "", "rows.2.date": "2026-09-01", "rows.2.topic": "Сүйек", "rows.2.hours": "два",
            "rows.2.teacher": "Сәрсенбаева М. Ә.", "rows.5.date": "2026-09-08", "rows.5.topic": "Буындар",
            "rows.5.hours": "2", "rows.5.teacher": "Сәрсенбаева М. Ә."}
    r = post(head, "/documents/ktp/issue", {"journal": "J0001", "protocol_no": "1", "protocol_date": "2026-08-28",
                                             **rows})
    assert r.status_code == 422
    assert errors_for(r, "rows.2.hours") == ["Должно быть числом"] and errors_for(r, "rows.5.hours") == []
    page = r.get_data(as_text=True)
    assert re.search(r'name="rows.5.topic"[^>]*>Буындар</textarea>', page)
    assert re.search(r'name="rows.2.hours"[^>]* value="два"', page)
    assert issued_count() == 0


def test_a_teacher_cannot_issue_a_summary_vedomost(app, sample):
    teacher = signed_in(app, "t.anat2", lang="kk")
    offered = teacher.get("/documents").get_data(as_text=True)
    assert 'href="/documents/vedomost"' in offered and 'href="/documents/summary_vedomost"' not in offered
    r = teacher.get("/documents/summary_vedomost")
    assert r.status_code == 403 and "Бұл әрекетке рұқсатыңыз жоқ" in text_of(r)
    r = post(teacher, "/documents/summary_vedomost/issue", {"group": "ОМ-24-01к", "period": "2026-2027/1"})
    assert r.status_code == 403 and "Бұл әрекетке рұқсатыңыз жоқ" in text_of(r)
    # A dean prints the summary vedomost of their own school's groups only.
    dean = signed_in(app, "dean.ph", lang="ru")
    r = post(dean, "/documents/summary_vedomost/preview", {"group": "ОМ-24-01к", "period": "2026-2027/1"})
    assert r.status_code == 403 and "У вас нет прав на это действие" in text_of(r)
    assert 'value="ОМ-24-01к" selected' in r.get_data(as_text=True)
    assert issued_count() == 0


def test_a_domain_refusal_is_told_on_the_form(app, sample):
    """A vedomost is issued once its journal is closed: the refusal in the interface language."""
    teacher = signed_in(app, "t.anat2", lang="ru")
    r = post(teacher, "/documents/vedomost/issue", {"journal": "J0001", "_lang": "kk"})
    assert r.status_code == 422 and "Журнал" in text_of(r) and issued_count() == 0
    # Another teacher's journal is not offered, and its vedomost cannot be previewed either.
    other = signed_in(app, "t.chem3", lang="ru")
    assert '<option value="J0001">' not in other.get("/documents/vedomost").get_data(as_text=True)
    r = post(other, "/documents/vedomost/preview", {"journal": "J0001"})
    assert r.status_code == 403


# --- the register -----------------------------------------------------------------------------

def test_the_list_shows_issued_documents_to_their_issuer_and_the_registrar(app, sample):
    head = signed_in(app, "head.anat", lang="ru")
    post(head, "/documents/login_request/issue", {**LOGIN_REQUEST, "_lang": "ru", "_format": "pdf"})
    for login, sees in (("head.anat", True), ("or.inspector", True), ("t.anat2", False)):
        r = signed_in(app, login, lang="ru").get("/documents")
        assert r.status_code == 200
        shown = text_of(r)
        assert ("01-15/2026/0001" in shown) is sees, login
        if sees:
            assert "Сәрсенбаева Мөлдір Әлиханқызы" in shown and "Заявка на логин и пароль" in shown
            page = r.get_data(as_text=True)
            assert 'href="/api/v1/documents/01-15/2026/0001/file"' in page
            assert 'href="/verify/01-15/2026/0001"' in page
    assert signed_in(app, "t.anat2").get("/documents/issued/01-15/2026/0001").status_code == 403
    # The same list as JSON.
    body = head.get("/api/v1/documents").get_json()
    assert body["total"] == 1 and body["documents"][0]["number"] == "01-15/2026/0001"
    assert signed_in(app, "t.anat2").get("/api/v1/documents").get_json()["total"] == 0


def test_the_form_as_json(app, sample):
    head = signed_in(app, "head.anat")
    form = head.get("/api/v1/document-types/login_request/form?lang=kk").get_json()
    by_name = {f["name"]: f for f in form["fields"]}
    assert form["title"] == "Логин мен құпиясөзге өтінім" and by_name["email"]["kind"] == "email"
    assert by_name["department"]["kind"] == "ref" and by_name["department"]["required"]
    assert {"value": "ANAT", "label": "Анатомия кафедрасы"} in by_name["department"]["choices"]
    assert by_name["full_name"]["label"] == "Аты-жөні" and by_name["full_name"]["hint"] == "Жаңа оқытушының аты-жөні"
    assert signed_in(app, "or.head").get("/api/v1/document-types/summary_vedomost/form").status_code == 200
    assert signed_in(app, "t.anat2").get("/api/v1/document-types/summary_vedomost/form").status_code == 403
    paths = head.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/documents" in paths and "/api/v1/document-types/{type_id}/form" in paths


# --- verification -----------------------------------------------------------------------------

def test_the_verify_page_tells_original_from_not(app, sample):
    head = signed_in(app, "head.anat", lang="ru")
    location = post(head, "/documents/login_request/issue",
                    {**LOGIN_REQUEST, "_lang": "ru", "_format": "pdf"}).headers["Location"]
    number = location.split("/documents/issued/")[1]
    original = head.get(f"/api/v1/documents/{number}/file").data
    document = db.session.scalar(select(IssuedDocument))

    app.config["WTF_CSRF_ENABLED"] = True
    public = app.test_client()            # the QR code's reader: nobody signed in
    page = public.get(f"/verify/{number}")
    assert page.status_code == 200
    public.post("/language", data={"lang": "ru", "csrf_token": csrf(page.data), "next": "/"})
    shown = text_of(public.get(f"/verify/{number}"))
    assert number in shown and document.sha256 in shown and "Сәрсенбаева Мөлдір Әлиханқызы" in shown

    def upload(url, content):
        token = csrf(public.get(url).data)
        return public.post(url, data={"csrf_token": token, "file": (io.BytesIO(content), "doc.pdf")},
                           content_type="multipart/form-data")

    assert "Этот файл — выданный подлинник" in text_of(upload(f"/verify/{number}", original))
    assert "Этот файл НЕ является выданным подлинником" in text_of(upload(f"/verify/{number}", original + b"\n"))
    any_file = upload("/verify", original)
    assert "Этот файл — выданный подлинник" in text_of(any_file) and number in text_of(any_file)
    assert "НЕ является" in text_of(upload("/verify", b"%PDF-1.7 something else"))
    public.post("/language", data={"lang": "kk", "csrf_token": csrf(page.data), "next": "/"})
    assert "Бұл файл — берілген түпнұсқа" in text_of(upload(f"/verify/{number}", original))
    assert "Құжатты тексеру" in text_of(public.get("/verify"))
    r = public.get("/verify/99-99/2026/0001")
    assert r.status_code == 404 and "99-99/2026/0001" in text_of(r)


# --- a new plugin gets its form with no template work -----------------------------------------

class Address(Schema):
    city = fields.String(required=True)
    street = fields.String()


class Course(Schema):
    day = fields.Date(required=True)
    title = fields.String(required=True, validate=validate.Length(max=100))
    hours = fields.Float(required=True)


class CertificateInput(Schema):
    student_name = fields.String(required=True, validate=validate.Length(min=3, max=200),
                                 metadata={"label": {"kk": "Білім алушы", "ru": "Обучающийся", "en": "Student"}})
    group = GroupRef(required=True)
    copies = fields.Integer(load_default=1, validate=validate.Range(min=1, max=5))
    issued_for = fields.String(validate=validate.OneOf(["bank", "army"]))
    urgent = fields.Boolean(load_default=False)
    contact = fields.Email()
    until = fields.Date()
    tags = fields.List(fields.String())
    courses = fields.List(fields.Nested(Course), load_default=list)
    address = fields.Nested(Address)
    remarks = fields.String(validate=validate.Length(max=1000))


def _throwaway_type(folder):
    for lang in ("kk", "ru"):
        (folder / f"templates_{lang}").mkdir(parents=True)
        (folder / f"templates_{lang}" / "web_test_certificate.html").write_text(
            '{% extends "base.html" %}{% block content %}<h1>{{ doc.title }}</h1>'
            "<p>{{ who }} · {{ group }} · {{ courses }} · {{ city }}</p>{% endblock %}", encoding="utf-8")

    class WebTestCertificate(DocumentType):
        id = "web_test_certificate"
        titles = {"kk": "Сынақ анықтамасы", "ru": "Пробная справка"}
        schema = CertificateInput
        nomenclature = "99-01"
        example = {"student_name": "Нұрғалиева Дана", "group": "ОМ-24-01к"}
        formats = ("pdf",)
        template_dirs = (folder,)

        def build_context(self, data, lang):
            return {"who": data["student_name"], "group": data["group"].code,
                    "courses": ", ".join(c["title"] for c in data["courses"]),
                    "city": (data.get("address") or {}).get("city", "")}

    return WebTestCertificate


def test_a_new_plugins_type_gets_its_form_with_no_template_work(app, sample, tmp_path):
    registry = app.extensions["docservice.documents"]
    registry.add(_throwaway_type(tmp_path))
    try:
        client = signed_in(app, "it.admin", lang="ru")
        assert "Пробная справка" in text_of(client.get("/documents"))
        r = client.get("/documents/web_test_certificate?group=ОМ-24-01к")
        assert r.status_code == 200
        page = r.get_data(as_text=True)
        assert "Обучающийся" in text_of(r) and "Issued for" in text_of(r)   # own label; humanised name
        assert '<option value="ОМ-24-01к" selected>' in page
        assert '<select id="f-issued_for" name="issued_for">' in page and '<option value="army">' in page
        assert 'type="checkbox" value="1" id="f-urgent"' in page and 'type="email" id="f-contact"' in page
        assert 'type="date" id="f-until"' in page and '<textarea id="f-remarks"' in page
        assert 'name="courses.0.day"' in page and 'name="address.city"' in page and 'name="tags"' in page
        assert '<option value="pdf" selected>PDF</option>' in page and "DOCX" not in page

        typed = {"student_name": " Нұрғалиева Дана ", "group": "ОМ-24-01к", "copies": "2", "urgent": "1",
                 "issued_for": "", "contact": "", "tags": "a, b ,, c", "courses.0.day": "",
                 "courses.1.day": "2026-09-01", "courses.1.title": "Анатомия", "courses.1.hours": "1,5",
                 "address.city": "Алматы", "address.street": "", "_lang": "kk", "_format": "pdf"}
        bad = post(client, "/documents/web_test_certificate/issue", {**typed, "courses.1.hours": "x"})
        assert errors_for(bad, "courses.1.hours") == ["Должно быть числом"] and issued_count() == 0
        preview = post(client, "/documents/web_test_certificate/preview", typed)
        assert preview.mimetype == "application/pdf" and "ЖОБА" in pdf_text(preview.data)
        r = post(client, "/documents/web_test_certificate/issue", typed)
        assert r.status_code == 302
        document = db.session.scalar(select(IssuedDocument))
        assert document.input == {"student_name": "Нұрғалиева Дана", "group": "ОМ-24-01к", "copies": 2,
                                  "urgent": True, "tags": ["a", "b", "c"],
                                  "courses": [{"day": "2026-09-01", "title": "Анатомия", "hours": 1.5}],
                                  "address": {"city": "Алматы"}}
        assert "99-01/2026/0001" in text_of(client.get(r.headers["Location"]))
        text = pdf_text(client.get(f"/api/v1/documents/{document.number}/file").data)
        assert "Нұрғалиева Дана" in text and "Анатомия" in text and "Алматы" in text
    finally:
        registry._types.pop("web_test_certificate", None)


@pytest.mark.parametrize("course", ["٣", "３", "𝟑"])
def test_digits_of_other_scripts_are_not_numbers_on_the_form(app, sample, course):
    head = signed_in(app, "head.anat", lang="ru")
    typed = {"journal": "J0001", "protocol_no": "1", "protocol_date": "2026-08-28", "course": course}
    refused = post(head, "/documents/ktp/check", typed, page="/documents/ktp")
    assert refused.status_code == 422 and "course" in refused.get_json()["errors"]
    accepted = post(head, "/documents/ktp/check", {**typed, "course": "3"}, page="/documents/ktp")
    assert accepted.status_code == 200, accepted.get_json()


def test_a_summary_vedomost_of_a_group_with_unclosed_journals_is_issued_only_when_confirmed(app, sample):
    """Its results may still change: the registrar is told which journals are open before a
    number is taken, and issues it only by confirming (issue 13, item 10)."""
    from docservice.models import CLOSED, Group, Journal

    registrar = signed_in(app, "or.head", lang="ru")
    form = {"group": "ОМ-24-01к", "period": "2026-2027/1"}
    journals = db.session.scalars(select(Journal).join(Group).where(Group.code == "ОМ-24-01к")).all()
    r = post(registrar, "/documents/summary_vedomost/issue", form)
    said = text_of(r)
    assert r.status_code == 200 and issued_count() == 0
    assert f"Из {len(journals)} журналов группы не закрыто {len(journals)}" in said and "J0001" in said
    assert "Всё равно выпустить" in said and 'value="ОМ-24-01к" selected' in r.get_data(as_text=True)

    r = post(registrar, "/documents/summary_vedomost/issue", {**form, "_confirm": "1"})
    assert r.status_code == 302 and issued_count() == 1

    for journal in journals:  # another group's summary, every journal closed: issued at once
        journal.state = CLOSED
    db.session.commit()
    kk = signed_in(app, "or.inspector", lang="kk")
    r = kk.post("/documents/summary_vedomost/check", data={**form, "csrf_token": csrf(kk.get("/documents").data)})
    assert r.get_json() == {"ok": True, "errors": {}, "general": [], "warnings": []}


def test_the_warning_is_in_kazakh_for_a_kazakh_page(app, sample):
    registrar = signed_in(app, "or.inspector", lang="kk")
    r = post(registrar, "/documents/summary_vedomost/issue", {"group": "ОМ-24-01к", "period": "2026-2027/1"})
    said = text_of(r)
    assert "журналының" in said and "әлі жабылмаған" in said and "Бәрібір шығару" in said
    assert issued_count() == 0
