"""The register of issued documents as the registrar's office relies on it: one subject, one
number — from the API, the pages and the command line alike; renditions under that number
from the data frozen at issue; superseding with a reason; voids that explain a gap; the
archive filing originals instead of numbering them again; signed originals."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from io import BytesIO
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from docs_reading import docx_text, pdf_text
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select
from store import journal, user
from test_doc_vedomost import LESSON, STUDENT, reopened_after_closing
from test_signing import PASSWORD, SIGNER_CN, _asn1, _pkcs12, pki  # noqa: F401  (pki: a fixture)
from web_client import csrf, post, signed_in

from docservice import reopen
from docservice.batch import jobs
from docservice.documents import issuing
from docservice.documents.signing import off_the_event_loop
from docservice.errors import Conflict, Forbidden, Invalid
from docservice.journals import close_journal, set_mark
from docservice.models import BatchItem, DocumentRendition, IssuedDocument, db
from docservice.models.archive import FILED, ISSUED
from docservice.results import results_json

VEDOMOST = {"journal": "J0001"}
LOGIN_REQUEST = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент",
                 "department": "ANAT", "email": "s.abilkasymova@kaznmu.example"}


def entries() -> list[IssuedDocument]:
    db.session.expire_all()
    return db.session.scalars(select(IssuedDocument).order_by(IssuedDocument.id)).all()


def closed_vedomost_journal():
    close_journal(user("t.anat2"), journal("J0001"))


# --- one subject, one number ------------------------------------------------------------

def test_the_same_subject_issued_from_the_api_the_page_and_the_cli_has_one_number(app, sample, tmp_path):
    closed_vedomost_journal()
    inspector = signed_in(app, "or.inspector", lang="ru")
    first = inspector.post("/api/v1/documents/vedomost/issue?lang=ru&format=pdf", json=VEDOMOST,
                           headers=_csrf(inspector))
    assert first.status_code == 201 and first.json["already_issued"] is False
    number = first.json["number"]
    again = inspector.post("/api/v1/documents/vedomost/issue?lang=ru&format=pdf", json=VEDOMOST,
                           headers=_csrf(inspector))
    assert again.status_code == 200 and again.json["already_issued"] is True and again.json["number"] == number
    # The page: "already issued as № … on …", the same entry offered.
    teacher = signed_in(app, "t.anat2", lang="ru")
    r = post(teacher, "/documents/vedomost/issue", {"journal": "J0001", "_lang": "ru", "_format": "pdf"},
             form_page="/documents/vedomost")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/documents/issued/{number}")
    assert f"Уже выдан под № {number}" in teacher.get(r.headers["Location"]).get_data(as_text=True)
    # The command line, in another language and format: the rendition under the same number.
    data = tmp_path / "in.json"
    data.write_text(json.dumps(VEDOMOST), encoding="utf-8")
    out = tmp_path / "out.docx"
    done = app.test_cli_runner().invoke(args=[
        "docs", "render", "vedomost", "--lang", "kk", "--format", "docx", "--data", str(data), "-o", str(out),
        "--issue"], env={"DOCSERVICE_LANG": "ru"})
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith(number) and "уже выдан" in done.stderr
    assert number in docx_text(out.read_bytes())
    assert [(e.number, e.state) for e in entries()] == [(number, "valid")]
    assert {(r.lang, r.fmt) for r in entries()[0].renditions} == {("ru", "pdf"), ("kk", "docx")}


def _csrf(client) -> dict:
    return {"X-CSRFToken": csrf(client.get("/documents/vedomost").data)}


def test_concurrent_requests_for_one_subject_race_to_one_number(app, sample):
    """Two requests that both found no original: the database's one-current-per-subject index
    lets one reserve; the other gets the winner's entry."""
    closed_vedomost_journal()
    doc_type = issuing.checked_type("vedomost", "ru", "pdf", None)
    clean = issuing.validate(doc_type.schema, VEDOMOST, "ru")
    first, claim = issuing.reserve(None, issuing.prepare(doc_type, clean, VEDOMOST, "ru"), "ru", "pdf")
    second, none = issuing.reserve(None, issuing.prepare(doc_type, clean, VEDOMOST, "ru"), "ru", "pdf")
    assert claim is not None and none is None and second.id == first.id
    issuing.finish(first, claim)
    assert [(e.seq, e.state) for e in entries()] == [(1, "valid")]


# --- renditions from the frozen data ----------------------------------------------------------

def test_a_rendition_carries_the_data_of_the_original_after_the_marks_changed(app, sample, clock):
    before = next(r for r in results_json(journal("J0001")) if r["student_id"] == STUDENT)
    closed_vedomost_journal()
    original = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf")
    assert not original.already
    # A grade-changing reopening changes the student's lesson mark, and so their РД.
    request = reopened_after_closing(clock)
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "54")
    reopen.complete(user("t.anat2"), request)
    after = next(r for r in results_json(journal("J0001")) if r["student_id"] == STUDENT)
    assert after["rd"] != before["rd"]
    kk = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "kk", "docx")
    assert kk.already and kk.document.number == original.document.number
    text = " ".join(docx_text(issuing.content_of(kk.document, kk.rendition)).split())
    assert _num(before["rd"]) in text and _num(after["rd"]) not in text
    assert original.document.number in text
    # Every rendition is registered with its own hash and verifies.
    for rendition in kk.document.renditions:
        content = issuing.content_of(kk.document, rendition)
        assert hashlib.sha256(content).hexdigest() == rendition.sha256
        assert issuing.rendition_for(content).id == rendition.id


def _num(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- superseding ------------------------------------------------------------------------------

def test_supersede_gives_a_new_number_and_the_old_one_says_by_which_and_why(app, sample):
    closed_vedomost_journal()
    old = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf").document
    old_number = old.number
    new = issuing.supersede(user("or.head"), old_number, "Опечатка в дате экзамена", "ru", "pdf")
    assert not new.already and new.document.number != old_number and new.document.state == "valid"
    old = issuing.find(old_number)
    assert old.state == "superseded" and old.successor.number == new.document.number
    assert old.superseded_by_user.login == "or.head" and old.supersede_reason == "Опечатка в дате экзамена"
    assert old.superseded_at is not None
    # The issue now gives the new original; the old file is still kept and still verifies as itself.
    assert issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf").document.number == new.document.number
    with pytest.raises(Conflict) as info:
        issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "kk", "pdf") and issuing.rendition_of(
            None, old, "kk", "pdf")
    assert info.value.code == "document_superseded" and new.document.number in info.value.message("ru")
    # The public verify page says so and names the successor.
    page = app.test_client().get(f"/verify/{old_number}").get_data(as_text=True)
    assert "Бұл құжат ауыстырылған және күшін жойған" in page  # the public page speaks Kazakh first
    assert new.document.number in page and "Опечатка в дате экзамена" in page
    api = app.test_client().get(f"/api/v1/verify/{old_number}").json
    assert api["state"] == "superseded" and api["superseded"]["by"] == new.document.number


@pytest.mark.parametrize("login, reason, code, kk_word, ru_word", [
    ("or.head", "   ", "supersede_reason_required", "себепті", "причину замены"),
    ("t.phys1", "Опечатка", "forbidden", "рұқсатыңыз жоқ", "нет прав"),
])
def test_supersede_is_refused_without_a_reason_or_a_right_and_nothing_changes(app, sample, login, reason, code,
                                                                                 kk_word, ru_word):
    closed_vedomost_journal()
    old = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf").document
    with pytest.raises((Invalid, Forbidden)) as info:
        issuing.supersede(user(login), old.number, reason)
    assert info.value.code == code
    assert kk_word in info.value.message("kk") and ru_word in info.value.message("ru")
    assert [(e.number, e.state) for e in entries()] == [(old.number, "valid")]


def test_a_superseded_document_cannot_be_superseded_again(app, sample):
    closed_vedomost_journal()
    old = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf").document.number
    new = issuing.supersede(user("or.head"), old, "Опечатка").document.number
    with pytest.raises(Conflict) as info:
        issuing.supersede(user("or.head"), old, "Ещё раз")
    assert info.value.code == "document_superseded"
    assert new in info.value.message("kk") and new in info.value.message("ru")
    assert [e.state for e in entries()] == ["superseded", "valid"]


def test_supersede_from_the_api_and_its_refusal_in_the_users_language(app, sample):
    closed_vedomost_journal()
    number = issuing.issue(user("or.inspector"), "vedomost", VEDOMOST, "ru", "pdf").document.number
    head = signed_in(app, "or.head", lang="kk")
    refused = head.post(f"/api/v1/documents/{number}/supersede?lang=kk", json={"reason": ""}, headers=_csrf(head))
    assert refused.status_code == 422 and "себепті" in refused.json["message"]
    done = head.post(f"/api/v1/documents/{number}/supersede", json={"reason": "Қате күн"}, headers=_csrf(head))
    assert done.status_code == 201 and done.json["number"] != number and done.json["state"] == "valid"
    assert head.get(f"/api/v1/documents/{number}").json["superseded"]["reason"] == "Қате күн"


# --- voids ------------------------------------------------------------------------------------

def test_a_render_that_fails_voids_its_number_with_the_reason(app, sample, monkeypatch):
    real = issuing.render

    def failing(doc_type, context, lang, fmt):
        raise RuntimeError("the printer of PDFs is out of paper")

    monkeypatch.setattr(issuing, "render", failing)
    with pytest.raises(RuntimeError):
        issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "pdf")
    monkeypatch.setattr(issuing, "render", real)
    again = issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "pdf")
    void, valid = entries()
    assert (void.seq, void.state) == (1, "void") and "out of paper" in void.void_reason
    assert (valid.seq, valid.state) == (2, "valid") and again.document.id == valid.id
    assert db.session.scalar(select(func.count(DocumentRendition.id))) == 1  # the void left no file
    with pytest.raises(Conflict) as info:
        issuing.content_of(void)
    assert info.value.code == "document_void" and "аннулирован" in info.value.message("ru")


def test_an_interrupted_issue_is_finished_by_the_next_request_under_its_number(app, sample, monkeypatch):
    """A process that died after taking the number: the next request for the subject takes
    over its stale claim and renders the same frozen data under that number."""
    doc_type = issuing.checked_type("login_request", "ru", "pdf", None)
    clean = issuing.validate(doc_type.schema, LOGIN_REQUEST, "ru")
    reserved, claim = issuing.reserve(user("head.anat"), issuing.prepare(doc_type, clean, LOGIN_REQUEST, "ru"),
                                      "ru", "pdf")
    # … and the process is gone. Later, once its claim is stale:
    monkeypatch.setattr(issuing, "CLAIM_STALE", issuing.CLAIM_STALE * 0)
    issued = issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "pdf")
    assert issued.already and issued.document.number == reserved.number and issued.document.state == "valid"
    assert reserved.number in pdf_text(issuing.content_of(issued.document))


# --- the archive files originals ------------------------------------------------------------------

PERIOD = "2026-2027/1"


def items_of(job_id: int) -> list[SimpleNamespace]:
    """A job's items as plain values (the next job's workers close the session)."""
    db.session.expire_all()
    return [SimpleNamespace(label=i.label, doc_type=i.doc_type, status=i.status, document_id=i.document_id,
                            rendition_id=i.rendition_id, fmt=i.rendition.fmt if i.rendition else None,
                            lang=i.rendition.lang if i.rendition else None)
            for i in db.session.scalars(select(BatchItem).where(BatchItem.job_id == job_id))]


@pytest.mark.demo
def test_the_archive_files_hand_issued_originals_and_never_numbers_a_subject_twice(app, clock):
    from datetime import datetime

    clock.set(datetime(2026, 12, 2, 10, 0))
    by_hand = issuing.issue(user("or.inspector"), "summary_vedomost", {"group": "ОЗ-25-06к", "period": PERIOD},
                            "kk", "docx").document
    by_hand = SimpleNamespace(id=by_hand.id)
    school = items_of(jobs.run(jobs.start(None, PERIOD, "ru", school_code="PB").id, workers=1).id)
    whole = items_of(jobs.run(jobs.start(None, PERIOD, "ru", types=["summary_vedomost"]).id, workers=1).id)
    for items in (school, whole):
        item = next(i for i in items if i.label == "ОЗ-25-06к" and i.doc_type == "summary_vedomost")
        assert item.status == FILED and item.document_id == by_hand.id
        assert (item.fmt, item.lang) == ("pdf", "ru")  # its rendition for the archive
    assert {i.status for i in whole} == {ISSUED, FILED}
    subjects = Counter((e.doc_type, e.subject) for e in entries() if e.state in ("valid", "issuing"))
    assert subjects and max(subjects.values()) == 1
    assert all(e.state == "valid" for e in entries())
    # The second job files the school's summary the first issued: byte for byte the same file.
    first = next(i for i in school if i.doc_type == "summary_vedomost")
    second = next(i for i in whole if i.document_id == first.document_id)
    assert second.rendition_id == first.rendition_id


@pytest.mark.demo
def test_drafts_are_reported_as_rendered_not_issued(app, clock, runner):
    from datetime import datetime

    clock.set(datetime(2026, 12, 2, 10, 0))
    done = runner.invoke(args=["archive", "print", "--period", PERIOD, "--school", "PB", "--type",
                               "summary_vedomost", "--drafts", "docx"], env={"DOCSERVICE_LANG": "ru"})
    assert done.exit_code == 0, done.output
    assert "Выпущено впервые: 0" in done.output and "подготовлено черновиков: 1" in done.output
    assert entries() == []


# --- signed originals ---------------------------------------------------------------------------

@pytest.fixture
def signing(app, pki, tmp_path):  # noqa: F811  (pki: the fixture of test_signing)
    key_file = tmp_path / "signer.p12"
    key_file.write_bytes(_pkcs12(pki["signer_key"], pki["signer"], pki["ca"]))
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(pki["ca"].public_bytes(serialization.Encoding.PEM))
    app.config.update(SIGNING_PKCS12=str(key_file), SIGNING_PASSWORD=PASSWORD, SIGNING_TRUST_ROOTS=[str(ca_file)])
    return pki


def test_an_issued_pdf_is_signed_and_verify_reports_the_signature(app, sample, signing):
    issued = issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "pdf")
    content = issuing.content_of(issued.document)
    assert issued.rendition.signed and hashlib.sha256(content).hexdigest() == issued.document.sha256
    signature, = PdfFileReader(BytesIO(content)).embedded_signatures
    status = off_the_event_loop(validate_pdf_signature, signature, ValidationContext(trust_roots=[_asn1(signing["ca"])],
                                                                 allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert "Әбілқасымова Сәуле Нұрланқызы" in pdf_text(content)
    answer = app.test_client().post("/api/v1/verify?lang=ru", data=content).json
    assert answer["original"] and answer["document"]["number"] == issued.document.number
    sig, = answer["signatures"]
    assert sig["valid"] and sig["trusted"] and sig["signer"] == SIGNER_CN and sig["signed_at"]
    # A DOCX rendition is registered unsigned (a signature is a PDF's).
    docx = issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "kk", "docx")
    assert not docx.rendition.signed


def test_a_tampered_signed_pdf_is_refused(app, sample, signing):
    content = issuing.content_of(issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru",
                                               "pdf").document)
    at = content.index(b"stream") + 40
    tampered = content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]
    answer = app.test_client().post("/api/v1/verify?lang=ru", data=tampered).json
    assert answer["original"] is False
    sig, = answer["signatures"]
    assert sig["valid"] is False and sig["problem"]
    client = app.test_client()
    token = csrf(client.get("/verify").data)
    page = client.post("/verify", data={"file": (BytesIO(tampered), "x.pdf"), "csrf_token": token},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Электрондық қолтаңба жарамсыз" in page and "Бұл файл берілген түпнұсқа ЕМЕС" in page
