"""Archive printing and batch jobs (issue 5): a whole demo period printed to a folder a
registrar could hand to the archive, resumed after a cancellation or a kill, with one
failing document reported and the others issued."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from docs_reading import embedded, fonts_of, pdfa_claim
from pypdf import PdfReader
from sqlalchemy import func, select, update

from docservice.batch import jobs
from docservice.documents import issuing
from docservice.errors import Forbidden, Invalid
from docservice.models import BatchItem, BatchJob, IssuedDocument, Journal, db
from docservice.models.archive import CANCELLED, DONE, FAILED, FILED, ISSUED, PENDING, PLANNED
from docservice.models.journal import OPEN

PERIOD = "2026-2027/1"
AFTER_SESSION = datetime(2026, 12, 2, 10, 0)  # most demo journals are past their deadline by then


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_of(reader: PdfReader, page: int) -> str:
    return reader.pages[page].extract_text() or ""


def is_pdfa(reader: PdfReader) -> bool:
    return pdfa_claim(reader) == ("3", "B")


@pytest.mark.demo
@pytest.mark.rendering
def test_a_demo_period_prints_to_a_folder_for_the_archive(app, tmp_path, clock):
    """Two worker processes issue every document of the period; the folder holds a PDF/A per
    nomenclature file with cover and inventory, every original, the reports, a manifest whose
    SHA-256 match, and a ZIP of the lot."""
    clock.set(AFTER_SESSION)
    out = tmp_path / "archive"
    job = jobs.start(None, PERIOD, "ru", output=str(out))
    job = jobs.run(job.id, workers=2)
    assert job.status == DONE
    progress = jobs.progress(job)
    items = db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id)).all()
    assert progress["issued"] == len(items) > 40 and progress["failed"] == progress["pending"] == 0

    # Filed by the sample nomenclature (the demo, loaded at the tests' start date, has no
    # reopening granted yet: individual vedomosts are filed in test_nomenclature.py).
    by_file = Counter(i.file_index for i in items)
    assert set(by_file) == {"02-07", "02-10"}
    assert {i.kind for i in items if i.file_index == "02-07"} == {"regular", "integrated"}
    # Numbers: each file's own sequence, no number twice.
    numbers = [i.document.number for i in items]
    assert len(set(numbers)) == len(numbers)
    for index, count in by_file.items():
        seqs = sorted(i.seq for i in items if i.file_index == index)
        assert seqs == list(range(seqs[0], seqs[0] + count))
        assert all(i.document.number.startswith(f"{index}/") for i in items if i.file_index == index)

    # Open journals: listed, not printed, with the reason in the job's language.
    open_codes = set(db.session.scalars(select(Journal.code).where(Journal.state == OPEN)))
    with (out / "open-journals.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["Журнал", "Группа", "Дисциплина"]
    assert {r[0] for r in rows[1:]} == open_codes
    with (out / "not-printed.csv").open(encoding="utf-8-sig") as f:
        not_printed = list(csv.reader(f))[1:]
    assert not_printed and all(r[2] == "Журнал ещё открыт: сначала закройте его" for r in not_printed)

    # One merged PDF/A per file: cover, inventory, then its documents in order.
    for index, count in by_file.items():
        reader = PdfReader(out / f"{index}.pdf")
        assert is_pdfa(reader)
        assert all(embedded(f) for f in fonts_of(reader))
        assert "ДЕЛО № " + index in text_of(reader, 0)
        filed = sorted((i for i in items if i.file_index == index), key=lambda i: i.position)
        pages = sum(i.pages for i in filed)
        front = len(reader.pages) - pages
        inventory = "".join(text_of(reader, p) for p in range(1, front))
        assert "Внутренняя опись" in inventory or "ВНУТРЕННЯЯ ОПИСЬ" in inventory
        assert all(i.document.number in inventory for i in filed)
        assert f"Итого: {count} документов, {len(reader.pages)} листов." in inventory
        first, last = filed[0], filed[-1]
        assert first.document.number in text_of(reader, front + first.pages - 1)  # its registration block
        assert last.document.number in text_of(reader, len(reader.pages) - 1)
        # The inventory's sheets of the first document are where it starts.
        assert re.search(rf"{re.escape(first.document.number)}\s*\S+\s*{front + 1}(?!\d)", inventory)

    # Every original as registered, byte for byte; each a PDF/A with its fonts embedded.
    for item in items:
        copy = out / "documents" / item.file_index / f"{item.document.number.replace('/', '-')}.pdf"
        assert sha(copy) == item.document.sha256 == hashlib.sha256(issuing.content_of(item.document)).hexdigest()
    sample = PdfReader(out / "documents" / items[0].file_index / f"{items[0].document.number.replace('/', '-')}.pdf")
    assert is_pdfa(sample) and all(embedded(f) for f in fonts_of(sample))

    # Manifest, SHA256SUMS and the ZIP agree with the files.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["documents"]) == len(items) and manifest["open_journals"] == len(open_codes)
    for entry in manifest["files"]:
        assert sha(out / entry["path"]) == entry["sha256"]
    sums = (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(manifest["files"])
    with zipfile.ZipFile(out / job.report["zip"]) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"manifest.json", "SHA256SUMS", "02-07.pdf", "open-journals.csv"} <= names
        assert hashlib.sha256(archive.read("02-10.pdf")).hexdigest() == sha(out / "02-10.pdf")
    assert sha(out / job.report["zip"]) == job.report["zip_sha256"]

    # The same command again does not print the period twice.
    assert jobs.start(None, PERIOD, "ru").id == job.id
    assert db.session.scalar(select(func.count(IssuedDocument.id))) == len(items)


@pytest.mark.demo
def test_a_cancelled_job_run_again_finishes_the_rest_under_its_numbers(app):
    job = jobs.start(None, PERIOD, "kk", types=["summary_vedomost"])
    planned = {i.id: i.seq for i in db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id))}
    job_id = job.id

    def cancel_after_three(p):
        if p["issued"] >= 3 and p["status"] == "running":
            jobs.cancel(None, job_id)

    job = jobs.run(job_id, workers=1, on_progress=cancel_after_three)
    assert job.status == CANCELLED
    stopped = jobs.progress(job)
    assert 3 <= stopped["issued"] < len(planned) and stopped["pending"] == len(planned) - stopped["issued"]

    again = jobs.start(None, PERIOD, "kk", types=["summary_vedomost"])
    assert again.id == job_id  # resumed, not planned anew
    job = jobs.run(job_id, workers=1)
    assert job.status == DONE
    items = db.session.scalars(select(BatchItem).where(BatchItem.job_id == job_id)).all()
    assert {i.id: i.seq for i in items} == planned and all(i.status == ISSUED for i in items)
    documents = db.session.scalars(select(IssuedDocument)).all()
    assert len(documents) == len(planned)
    assert sorted(d.seq for d in documents) == sorted(planned.values())
    assert all(d.lang == "kk" and d.doc_type == "summary_vedomost" for d in documents)
    # Finished: starting it again returns it; --again plans a new job, which files the same
    # originals from the register — no subject gets a second number.
    assert jobs.start(None, PERIOD, "kk", types=["summary_vedomost"]).id == job_id
    fresh = jobs.start(None, PERIOD, "kk", types=["summary_vedomost"], again=True)
    assert fresh.id != job_id and all(i.seq is None for i in fresh.items)
    assert {i.document_id for i in fresh.items} == {d.id for d in documents}
    fresh = jobs.run(fresh.id, workers=1)
    assert {i.status for i in fresh.items} == {FILED}
    assert db.session.scalar(select(func.count(IssuedDocument.id))) == len(planned)


@pytest.mark.demo
def test_one_failing_document_is_reported_and_the_others_are_issued(app, monkeypatch):
    real = issuing.render

    def broken_for_one_group(doc_type, context, lang, fmt):
        if context.get("group") == "ОМ-24-01к":
            raise RuntimeError("the template met something it cannot lay out")
        return real(doc_type, context, lang, fmt)

    monkeypatch.setattr(issuing, "render", broken_for_one_group)
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    job = jobs.run(job.id, workers=1)
    assert job.status == DONE
    items = db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id)).all()
    failed = [i for i in items if i.status == FAILED]
    assert [i.label for i in failed] == ["ОМ-24-01к"]
    assert "cannot lay out" in failed[0].error
    # Its number was taken when the job was planned: it stays in the register as void, with
    # the reason, so the gap in the file's sequence is explained.
    void = failed[0].document
    assert void.state == "void" and "cannot lay out" in void.void_reason and void.seq == failed[0].seq
    assert all(i.status == ISSUED for i in items if i is not failed[0])
    with (Path(job.output) / "not-printed.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert any(r[1] == "ОМ-24-01к" and "cannot lay out" in r[2] for r in rows)
    manifest = json.loads((Path(job.output) / "manifest.json").read_text(encoding="utf-8"))
    assert "ОМ-24-01к" not in {d["label"] for d in manifest["documents"]}


@pytest.mark.demo
def test_a_document_whose_data_cannot_be_read_is_not_printed_and_numbers_nothing(app, monkeypatch):
    summary = issuing.registry().get("summary_vedomost")
    real = type(summary).build_context

    def broken_for_one_group(self, data, lang):
        if data["group"].code == "ОМ-24-01к":
            raise RuntimeError("the store holds something the type cannot read")
        return real(self, data, lang)

    monkeypatch.setattr(type(summary), "build_context", broken_for_one_group)
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    assert "ОМ-24-01к" not in {i.label for i in job.items}
    assert any(r["label"] == "ОМ-24-01к" and "cannot read" in r["reason"] for r in job.report["not_printed"])
    assert db.session.scalar(select(func.count(IssuedDocument.id))) == len(job.items)


@pytest.mark.demo
def test_only_the_registrars_office_prints_the_archive(app):
    from docservice.journals import find_user

    with pytest.raises(Forbidden) as refused:
        jobs.start(find_user("t.anat2"), PERIOD, "ru")
    assert refused.value.message("kk") == "Бұл әрекетке рұқсатыңыз жоқ"
    assert refused.value.params["action"] == "archive.manage"
    assert db.session.scalar(select(func.count(BatchJob.id))) == 0
    job = jobs.start(find_user("or.inspector"), PERIOD, "ru", types=["summary_vedomost"])
    assert job.created_by.login == "or.inspector" and job.items


@pytest.mark.demo
def test_a_job_a_live_runner_holds_is_not_run_twice(app):
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"])
    job.status, job.runner, job.heartbeat_at = "running", "elsewhere:1", jobs.wall_now()
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        jobs.run(job.id, workers=1)
    assert refused.value.message("ru") == f"Задание №{job.id} уже выполняется (elsewhere:1); дождитесь его " \
                                          "окончания или отмените его"
    assert jobs.cancel(None, job.id).status == "cancelling"  # the live runner is asked to stop
    assert db.session.scalar(select(func.count(BatchItem.id)).where(BatchItem.status != PENDING)) == 0


@pytest.mark.demo
def test_unknown_period_and_type_are_refused_in_the_users_language(app):
    with pytest.raises(Exception) as refused:
        jobs.start(None, "2030-2031/1", "kk")
    assert refused.value.message("kk") == "Табылмады (академиялық кезең): 2030-2031/1"
    with pytest.raises(Exception):
        jobs.start(None, PERIOD, "ru", types=["no_such_type"])
    assert db.session.scalar(select(func.count(BatchJob.id))) == 0


class MemoryStore:
    """An object store as far as the service can tell: keys and bytes, no folders."""

    def __init__(self, config):
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        self.objects[key] = bytes(data)

    def get(self, key: str) -> bytes:
        return self.objects[key]


@pytest.mark.demo
def test_issued_files_go_to_the_configured_storage_backend(app, tmp_path):
    app.config["STORAGE_BACKEND"] = MemoryStore
    app.extensions.pop("docservice.storage", None)
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"], output=str(tmp_path / "out"))
    job = jobs.run(job.id, workers=1)
    store = app.extensions["docservice.storage"]
    assert isinstance(store, MemoryStore) and len(store.objects) == jobs.progress(job)["issued"] > 0
    assert not (tmp_path / "documents").exists()  # nothing in the local folder
    for key, data in store.objects.items():
        document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.storage_key == key))
        copy = tmp_path / "out" / "documents" / "02-10" / f"{document.number.replace('/', '-')}.pdf"
        assert copy.read_bytes() == data and hashlib.sha256(data).hexdigest() == document.sha256


@pytest.mark.demo
def test_drafts_of_a_whole_period_are_rendered_without_numbers(app, tmp_path, runner):
    """Bulk re-render: every summary vedomost of the period as a DOCX draft, from the CLI;
    nothing numbered or registered."""
    from docx import Document

    out = tmp_path / "drafts"
    result = runner.invoke(args=["archive", "print", "--period", PERIOD, "--type", "summary_vedomost",
                                 "--drafts", "docx", "--lang", "kk", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "№1" in result.output and str(out) in result.output
    assert "№1 тапсырма: іске қосылуды күтуде" in result.output and "planned" not in result.output  # its state in words
    files = sorted((out / "drafts" / "02-10").glob("*.docx"))
    job = db.session.scalar(select(BatchJob))
    assert job.kind == "drafts" and len(files) == len(job.items) > 5
    assert all(i.seq is None and i.document_id is None for i in job.items)
    assert db.session.scalar(select(func.count(IssuedDocument.id))) == 0
    text = "\n".join(p.text for p in Document(files[0]).paragraphs)
    assert Document(files[0]).sections[0].header.paragraphs[0].text == "ЖОБА"  # the draft mark, in Kazakh
    tables = "\n".join(c.text for t in Document(files[0]).tables for r in t.rows for c in r.cells)
    assert job.items[0].label in text + tables
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["drafts"] == "docx" and all(d["number"] is None for d in manifest["documents"])
    assert not (out / "02-10.pdf").exists()


@pytest.mark.demo
@pytest.mark.rendering
def test_a_long_file_is_bound_in_volumes_with_their_own_cover_and_inventory(app, tmp_path):
    app.config["ARCHIVE_VOLUME_SHEETS"] = 6
    out = tmp_path / "volumes"
    job = jobs.run(jobs.start(None, PERIOD, "kk", types=["summary_vedomost"], output=str(out)).id, workers=1)
    items = sorted(db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id)), key=lambda i: i.position)
    volumes = sorted(out.glob("02-10-vol*.pdf"), key=lambda p: int(p.stem.rsplit("vol", 1)[1]))
    assert len(volumes) >= 2 and not (out / "02-10.pdf").exists()
    seen = []
    for number, path in enumerate(volumes, start=1):
        reader = PdfReader(path)
        assert f"{number}-том" in text_of(reader, 0) and is_pdfa(reader)
        inventory = text_of(reader, 1)
        filed = [i for i in items if i.document.number in inventory]
        assert sum(i.pages for i in filed) <= 6
        front = len(reader.pages) - sum(i.pages for i in filed)
        assert re.search(rf"{re.escape(filed[0].document.number)}\s*\S+\s*{front + 1}(?!\d)", inventory)
        seen += filed
    assert [i.id for i in seen] == [i.id for i in items]  # every document once, in order
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in manifest["files"]} >= {p.name for p in volumes}


@pytest.mark.demo
def test_a_job_whose_folder_cannot_be_written_is_not_left_running(app):
    """An item filed under an index from before indexes were checked (planted here): the
    folder is refused before anything is written, and the job stays resumable."""
    job = jobs.start(None, PERIOD, "ru", types=["summary_vedomost"], drafts="pdf")
    job_id = job.id
    db.session.execute(update(BatchItem).where(BatchItem.job_id == job_id).values(file_index="../../escape"))
    db.session.commit()
    with pytest.raises(Invalid):
        jobs.run(job_id, workers=1)
    db.session.expire_all()
    job = db.session.get(BatchJob, job_id)
    assert job.status == PLANNED and job.runner is None
