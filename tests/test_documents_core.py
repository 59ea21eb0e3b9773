"""The document door and core: registry, preview, issue, fetch, verify, validation, safety."""
import hashlib

import pytest
from docs_reading import docx_text, pdf_font_coverage, pdf_text
from sqlalchemy import func, select
from store import user

from docservice.documents import issuing
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden, NotFound
from docservice.models import IssuedDocument, db

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

KAZAKH = "әғқңөұүһі"
INPUT = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
         "email": "s.abilkasymova@kaznmu.example"}
HOSTILE = "& < > \" ' {{ 7*7 }} {% for x in y %} </w:t> <img src=\"file:///etc/passwd\">"


def issued_count():
    return db.session.scalar(select(func.count(IssuedDocument.id)))


def test_registry_lists_the_builtin_types(app):
    ids = issuing.registry().ids()
    assert "login_request" in ids
    with pytest.raises(NotFound) as info:
        issuing.registry().get("no_such_type")
    assert "no_such_type" in info.value.message("ru")


@pytest.mark.parametrize("lang, words", [
    ("ru", ["СЛУЖЕБНАЯ ЗАПИСКА", "Руководитель Департамента", "Заведующий кафедрой анатомии", "ПРОЕКТ"]),
    ("kk", ["ҚЫЗМЕТТІК ХАТ", "Ақпараттық технологиялар", "Анатомия кафедрасының", "ЖОБА"]),
])
def test_preview_in_both_formats_and_languages(sample, lang, words):
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = read(issuing.preview(user("head.anat"), "login_request", INPUT, lang, fmt))
        for word in words + ["Әбілқасымова Сәуле Нұрланқызы", "s.abilkasymova@kaznmu.example",
                             "Сәрсенбаева М. Ә.", "Каленова Б. С." if lang == "ru" else "Қаленова Б. С."]:
            assert word in text, (fmt, word)
    assert issued_count() == 0  # a preview registers nothing


def test_issue_registers_keeps_and_verifies(sample):
    doc = issuing.issue(user("head.anat"), "login_request", INPUT, "ru", "pdf").document
    assert doc.number == "01-15/2026/0001" and doc.issued_by.login == "head.anat"
    content = issuing.content_of(issuing.find(doc.number))
    assert hashlib.sha256(content).hexdigest() == doc.sha256
    text = pdf_text(content)
    assert doc.number in text and "ПРОЕКТ" not in text and "/verify/01-15/2026/0001" in text
    assert issuing.original_for(content).number == doc.number
    assert issuing.original_for(content[:-10] + b"tampered!!") is None
    # The same person and department again, in the other language and format: the same
    # document, as a rendition under the same number — not a second number.
    again = issuing.issue(user("head.anat"), "login_request", INPUT, "kk", "docx")
    assert again.already and again.document.number == "01-15/2026/0001"
    assert (again.rendition.lang, again.rendition.fmt, again.rendition.original) == ("kk", "docx", False)
    assert "01-15/2026/0001" in docx_text(issuing.content_of(again.document, again.rendition))
    assert issuing.original_for(issuing.content_of(again.document, again.rendition)).number == doc.number
    other = issuing.issue(user("head.anat"), "login_request", dict(INPUT, full_name="Нұрланов Ерлан"), "kk", "docx")
    assert not other.already and other.document.number == "01-15/2026/0002"


def test_bad_input_is_refused_per_field_in_the_users_language(sample):
    bad = dict(INPUT, email="not-an-email", department="NOPE")
    del bad["full_name"]
    for lang, required, email, unknown in (("ru", "Обязательное поле", "почты", "NOPE"),
                                           ("kk", "Міндетті өріс", "пошта", "NOPE")):
        with pytest.raises(InputInvalid) as info:
            issuing.issue(user("head.anat"), "login_request", bad, lang, "pdf").document
        errors = info.value.errors
        assert errors["full_name"] == [required]
        assert email in errors["email"][0] and unknown in errors["department"][0]
    assert issued_count() == 0


def test_only_the_departments_head_may_issue(sample):
    with pytest.raises(Forbidden):
        issuing.issue(user("t.anat2"), "login_request", INPUT, "ru", "pdf").document
    with pytest.raises(Forbidden):
        issuing.issue(user("head.phys"), "login_request", INPUT, "ru", "pdf").document
    assert issued_count() == 0


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_user_text_comes_out_literally(sample, fmt):
    data = dict(INPUT, full_name=HOSTILE, position=HOSTILE)
    content = issuing.preview(user("head.anat"), "login_request", data, "ru", fmt)
    text = (docx_text if fmt == "docx" else pdf_text)(content)
    assert "{{ 7*7 }}" in text and "49" not in text.replace("2026", "")
    assert "</w:t>" in text and "{% for x in y %}" in text
    assert '<img src="file:///etc/passwd">' in " ".join(text.split())


def test_pdf_fonts_cover_every_kazakh_letter(sample):
    data = dict(INPUT, position="аға оқытушы " + KAZAKH + KAZAKH.upper())
    content = issuing.preview(user("head.anat"), "login_request", data, "kk", "pdf")
    covered = pdf_font_coverage(content)
    assert set(KAZAKH + KAZAKH.upper()) <= covered
    assert set(pdf_text(content)) - {"\n", " "} <= covered | {"\xa0"}
