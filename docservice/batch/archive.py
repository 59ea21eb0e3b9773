"""A finished job's folder, as a registrar hands it to the archive:

    02-07.pdf, 02-10.pdf …    one per nomenclature file: cover sheet, inventory (опись:
                              №, document, number, date, sheets), then its documents — PDF/A;
                              a file of more than 250 sheets in volumes: 02-07-vol1.pdf …
    documents/02-07/…pdf      every issued original, byte for byte as registered
    (drafts/02-07/…           a drafts job instead: every document as a draft, DOCX or PDF)
    not-printed.csv           what the period calls for but could not be issued, and why
    open-journals.csv         the period's journals not yet closed
    manifest.json, SHA256SUMS every file above with its SHA-256
    archive-<period>.zip      all of it in one file

Files are written one at a time and documents copied one by one from storage, so memory
stays flat whatever the number of documents. Every path is made by ``safe_paths.inside`` (a
nomenclature index or a number never leads out of the folder) and every ZIP entry is a checked
relative name; every CSV cell a spreadsheet would run as a formula is made inert
(``spreadsheets.inert``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from itertools import groupby
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..documents import rendering
from ..documents.context import short_date, university
from ..documents.issuing import content_of, registry
from ..documents.storage import storage
from ..models import BatchItem, School, db
from ..models.archive import DONE_ITEMS
from ..nomenclature import Filing
from ..safe_paths import inside, zip_entry
from ..spreadsheets import inert
from .items import draft_key

WORDS = {
    "kk": {"office": "Тіркеу офисі", "file": "Іс", "period": "Академиялық кезең", "started": "Басталды",
           "ended": "Аяқталды", "sheets": "Парақ саны", "retention": "Сақтау мерзімі",
           "inventory": "Іс құжаттарының ішкі тізімдемесі", "document": "Құжат", "number": "Нөмірі",
           "date": "Күні", "pages": "Парақтар", "compiled": "Құрастырған", "volume": "{}-том",
           "total": "Барлығы: {documents} құжат, {sheets} парақ.",
           "csv_not_printed": ["Құжат түрі", "Құжат", "Себебі"],
           "csv_open": ["Журнал", "Топ", "Пән", "Кафедра", "Оқытушы", "Қорытынды бақылау"]},
    "ru": {"office": "Офис регистратора", "file": "Дело", "period": "Академический период", "started": "Начато",
           "ended": "Окончено", "sheets": "Листов", "retention": "Срок хранения",
           "inventory": "Внутренняя опись документов дела", "document": "Документ", "number": "Номер",
           "date": "Дата", "pages": "Листы", "compiled": "Составил(а)", "volume": "Том {}",
           "total": "Итого: {documents} документов, {sheets} листов.",
           "csv_not_printed": ["Вид документа", "Документ", "Причина"],
           "csv_open": ["Журнал", "Группа", "Дисциплина", "Кафедра", "Преподаватель", "Итоговый контроль"]},
}


def assemble(job, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lang, w = job.lang, WORDS[job.lang]
    files = Filing(registry())
    items = db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id, BatchItem.status.in_(DONE_ITEMS))
                               .order_by(BatchItem.file_index, BatchItem.position)).all()
    written: list[Path] = []
    drafts = job.params.get("drafts")
    for index, group in groupby(items, key=lambda i: i.file_index):
        group = list(group)
        if drafts:  # checking copies: no cover, no inventory — they go to no archive
            written += [_copy_draft(item, folder, drafts) for item in group]
            continue
        copies = [_copy_document(item, folder) for item in group]
        written += copies
        volumes = _volumes(group, copies, current_app.config.get("ARCHIVE_VOLUME_SHEETS") or 250)
        for number, (volume, volume_copies) in enumerate(volumes, start=1):
            written.append(_file_pdf(job, folder, index, volume, volume_copies, files, w,
                                     number if len(volumes) > 1 else None))
    written.append(_csv(folder / "not-printed.csv", w["csv_not_printed"],
                        [[r["title"], r["label"], r["reason"]] for r in job.report.get("not_printed", [])]))
    failed = db.session.scalars(select(BatchItem).where(BatchItem.job_id == job.id, BatchItem.status.not_in(DONE_ITEMS))
                                .order_by(BatchItem.position)).all()
    if failed:  # issued under no number: listed with the documents not printed
        with (folder / "not-printed.csv").open("a", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerows([[inert(v) for v in (registry().get(i.doc_type).title(lang), i.label,
                                                           i.error or i.status)] for i in failed])
    written.append(_csv(folder / "open-journals.csv", w["csv_open"],
                        [[j["journal"], j["group"], j["discipline"], j["department"], j["teachers"],
                          j["final_control"]] for j in job.report.get("open_journals", [])]))
    name, digest = _manifest(job, folder, items, written)
    job.report = {**job.report, "zip": name, "zip_sha256": digest}
    return folder


def _copy_draft(item, folder: Path, fmt: str) -> Path:
    path = inside(folder, f"drafts/{item.file_index}/{item.position:04d}-{item.doc_type}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(storage().get(draft_key(item, fmt)))
    return path


def _copy_document(item, folder: Path) -> Path:
    document = item.document
    path = inside(folder, f"documents/{item.file_index}/{document.number.replace('/', '-')}.pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content_of(document, item.rendition))
    return path


def _volumes(items, copies, limit: int) -> list[tuple[list, list]]:
    """A file's documents in volumes (тома) of at most ``limit`` sheets of documents — an
    archival file is bound in volumes of no more than 250 sheets; a longer document gets a
    volume of its own. It also keeps each merge, and so the memory it takes, that small."""
    volumes, sheets = [], limit
    for item, path in zip(items, copies):
        if sheets + item.pages > limit:
            volumes.append(([], []))
            sheets = 0
        volumes[-1][0].append(item)
        volumes[-1][1].append(path)
        sheets += item.pages
    return volumes


def _file_pdf(job, folder: Path, index: str, items, copies, files: Filing, w, volume: int | None) -> Path:
    """Cover and inventory (laid out until the inventory's own length is known, since the
    sheet numbers it gives depend on it), then every document's pages, with a bookmark each.
    Sheets are numbered within the volume."""
    from pypdf import PdfReader, PdfWriter

    lang = job.lang
    _, titles = files.file_for(items[0].doc_type, items[0].kind)
    described = {"index": index, **titles[lang], "volume": w["volume"].format(volume) if volume else ""}
    head_pages, front = 2 + len(items) // 24, b""  # cover + inventory pages, a first guess
    for _ in range(3):
        rows, sheet = [], head_pages + 1
        for item in items:
            rows.append({"title": item.document.title, "label": item.label, "number": item.document.number,
                         "date": short_date(item.document.issued_at.date()),
                         "pages": f"{sheet}–{sheet + item.pages - 1}" if item.pages > 1 else str(sheet)})
            sheet += item.pages
        sheets = sheet - 1
        front = rendering.html_to_pdf(rendering.render_page("archive_file.html", {
            "lang": lang, "w": w, "file": described, "university": university(lang), "rows": rows,
            "period": job.params["period"], "school": school_name(job.params.get("school"), lang),
            "started": rows[0]["date"], "ended": rows[-1]["date"], "sheets": sheets,
            "total": w["total"].format(documents=len(rows), sheets=sheets)}), pdf_variant=rendering.ARCHIVAL)
        laid_out = len(PdfReader(io.BytesIO(front)).pages)
        if laid_out == head_pages:
            break
        head_pages = laid_out
    writer = PdfWriter(clone_from=io.BytesIO(front))  # the cover's PDF/A catalogue: XMP, output intent
    for item, path in zip(items, copies):
        start = len(writer.pages)
        writer.append(str(path), import_outline=False)
        writer.add_outline_item(title=f"{item.document.number} · {item.label}", page_number=start)
    path = inside(folder, f"{index}-vol{volume}.pdf" if volume else f"{index}.pdf")
    with path.open("wb") as out:
        writer.write(out)
    writer.close()
    return path


def school_name(code: str | None, lang: str) -> str:
    """A school as people name it (the archive's cover, the jobs list); its code if it is gone."""
    if not code:
        return ""
    school = db.session.scalar(select(School).where(School.code == code))
    return school.name(lang) if school else code


def _csv(path: Path, header: list[str], rows: list[list]) -> Path:
    # UTF-8 with a BOM: Excel opens Cyrillic and Kazakh letters right.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([inert(v) for v in header])
        writer.writerows([inert(v) for v in row] for row in rows)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(job, folder: Path, items, written: list[Path]) -> tuple[str, str]:
    entries = [{"path": zip_entry(folder, p), "sha256": sha256_of(p), "bytes": p.stat().st_size}
               for p in sorted(set(written))]
    manifest = {
        "job": job.id, "period": job.params["period"], "school": job.params.get("school"), "lang": job.lang,
        "types": job.params.get("types"), "issued_at": job.issued_at.isoformat(),
        "drafts": job.params.get("drafts"),
        "documents": [{"number": i.document.number if i.document else None, "type": i.doc_type, "kind": i.kind,
                       "label": i.label, "file": i.file_index, "pages": i.pages,
                       "sha256": i.rendition.sha256 if i.rendition else None} for i in items],
        "files": entries,
        "not_printed": len(job.report.get("not_printed", [])),
        "open_journals": len(job.report.get("open_journals", [])),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "SHA256SUMS").write_text("".join(f"{e['sha256']}  {e['path']}\n" for e in entries), encoding="utf-8")
    name = f"archive-{job.params['period'].replace('/', '-')}.zip"
    partial = folder / (name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in [folder / "manifest.json", folder / "SHA256SUMS", *sorted(set(written))]:
            # PDFs are compressed already: stored as they are, and quickly.
            kind = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
            archive.write(path, zip_entry(folder, path), compress_type=kind)
    shutil.move(partial, folder / name)
    return name, sha256_of(folder / name)
