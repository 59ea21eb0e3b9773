"""Escape from folders, the issue's own examples (issue 11a): an index ``../../../../../x/trav``
put through the API, a drafts job printed after it (its files stayed in the job's folder? its
ZIP's entries?), and a numbered issue under such an index left in the store from before (a 500
before: now a clear refusal, nothing numbered). These change the store, so each has its own."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hostile_support import assert_refused, bearer, changed, fingerprint

from docservice import nomenclature
from docservice.batch import archive, jobs
from docservice.errors import Invalid
from docservice.models import (
    BatchJob,
    DocumentCounter,
    IssuedDocument,
    NomenclatureFile,
    db,
)

PERIOD = "2026-2027/1"
TRAVERSAL = "../../../../../x/trav"
FILE = {"title_kk": "Іс", "title_ru": "Дело", "retention_kk": "5 жыл", "retention_ru": "5 лет"}
LOGIN_REQUEST = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
                 "email": "s.abilkasymova@kaznmu.example"}


def files_under(folder: Path) -> set[Path]:
    """Files a job may have written under ``folder``: not the test's database or document store."""
    return {p.resolve() for p in folder.rglob("*") if p.is_file() and not p.name.startswith("test.db")
            and "documents" not in p.relative_to(folder).parts[:1]}


def test_the_issues_traversal_a_drafts_job_and_its_zip(app, sample, tmp_path):
    app.config.update(BATCH_WORKERS=1, CELERY_BROKER_URL=None)
    r = app.test_client().put("/api/v1/archive/nomenclature", headers=bearer("or.head"),
                              json={"files": [{"index": TRAVERSAL, **FILE, "selectors": ["summary_vedomost"]}]})
    said = assert_refused(r, statuses=(422,))
    assert "Недопустимый индекс" in said and nomenclature.as_data() == {"files": []}
    # The job's folder five levels down: an escape would land in tmp_path, where we look.
    out = tmp_path / "a" / "b" / "c" / "d" / "e" / "job"
    job = jobs.run(jobs.start(None, PERIOD, "ru", types=["summary_vedomost"], output=str(out), drafts="docx").id,
                   workers=1)
    written = files_under(tmp_path)
    assert written and all(out.resolve() in p.parents for p in written), sorted(map(str, written))[:5]
    names = zipfile.ZipFile(out / job.report["zip"]).namelist()
    assert names and not [n for n in names if n.startswith(("/", "\\")) or ".." in n.split("/")]
    assert any(n.startswith("drafts/02-10/") for n in names)


@pytest.fixture
def legacy_index(app, sample):
    """A nomenclature row stored before indexes were checked."""
    db.session.add(NomenclatureFile(index=TRAVERSAL, selectors=["login_request", "summary_vedomost"], **FILE))
    db.session.commit()


def test_a_numbered_issue_under_such_an_index_is_refused(app, legacy_index, tmp_path):
    headers = bearer("head.anat")
    before = fingerprint(tmp_path / "documents", tmp_path.parent / "x")
    r = app.test_client().post("/api/v1/documents/login_request/issue?lang=ru&format=pdf", json=LOGIN_REQUEST,
                               headers=headers)
    said = assert_refused(r, statuses=(422,))
    assert TRAVERSAL in said
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id))) == 0
    assert db.session.scalar(db.select(db.func.count(DocumentCounter.nomenclature))) == 0
    assert not changed(before, fingerprint(tmp_path / "documents", tmp_path.parent / "x"))


def test_an_archive_job_under_such_an_index_is_refused_whole(app, legacy_index, tmp_path):
    headers = bearer("or.head")
    r = app.test_client().post("/api/v1/archive/jobs", headers=headers,
                               json={"period": PERIOD, "lang": "kk", "types": ["summary_vedomost"], "drafts": "pdf"})
    said = assert_refused(r, "kk", statuses=(422,))
    assert TRAVERSAL in said
    assert db.session.scalar(db.select(db.func.count(BatchJob.id))) == 0
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()


@pytest.mark.parametrize("copy", ["draft", "document"])
def test_an_item_planned_before_the_fix_writes_nothing_outside(app, tmp_path, copy):
    """A job planned with such an index before the fix: assembling it refuses the path before
    writing (the item's file is never copied out of the job's folder)."""
    folder = tmp_path / "jobs" / "00001"
    item = SimpleNamespace(file_index=TRAVERSAL, position=1, doc_type="vedomost", job_id=1,
                           document=SimpleNamespace(number=f"{TRAVERSAL}/2026/0001"))
    with pytest.raises(Invalid):
        if copy == "draft":
            archive._copy_draft(item, folder, "pdf")
        else:
            archive._copy_document(item, folder)
    assert not files_under(tmp_path)


def test_zip_entries_of_a_finished_job_are_plain(app, sample, tmp_path):
    """Every entry of a job's ZIP is a relative path inside it (checked as it is written)."""
    app.config.update(BATCH_WORKERS=1, CELERY_BROKER_URL=None)
    out = tmp_path / "job"
    job = jobs.run(jobs.start(None, PERIOD, "kk", types=["login_request"], output=str(out)).id, workers=1)
    data = (out / job.report["zip"]).read_bytes()
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        assert not info.filename.startswith("/") and ".." not in info.filename.split("/")
