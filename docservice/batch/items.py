"""Issuing one planned item: the work every executor does, in whatever process it runs."""
from __future__ import annotations

import io
import logging

from ..documents import issuing
from ..documents.storage import storage
from ..documents.validation import InputInvalid
from ..errors import DomainError
from ..models import BatchItem, BatchJob, db
from ..models.archive import CANCELLED, CANCELLING, FAILED, FILED, ISSUED, PENDING, RENDERED

log = logging.getLogger(__name__)


def issue_items(item_ids) -> None:
    for item_id in item_ids:
        issue_item(item_id)


def issue_item(item_id: int) -> str | None:
    """Do a pending item: render a draft; or put the subject's original into the files — the
    one this job reserved (rendered now from its frozen data: *issued*) or one the register
    had (as it is: *filed*), as a PDF in the job's language unless the original is a PDF. A
    refusal or a failure marks only this item failed, with the reason in the job's language.
    Returns the item's state (None: not found)."""
    try:
        item = db.session.get(BatchItem, item_id)
        if item is None:
            return None
        job = db.session.get(BatchJob, item.job_id)
        if item.status != PENDING or job.status in (CANCELLING, CANCELLED):
            return item.status
        lang, drafts = job.lang, job.params.get("drafts")
        try:
            if drafts:
                doc_type = issuing.checked_type(item.doc_type, lang, drafts, job.created_by)
                clean = issuing.validate(doc_type.schema, item.input, lang)
                content = issuing.render(doc_type, issuing.build_context(doc_type, clean, lang, None, job.issued_at),
                                         lang, drafts)
                storage().put(draft_key(item, drafts), content)
                item.pages, item.status = (page_count(content) if drafts == "pdf" else None), RENDERED
            else:
                ours = item.seq is not None
                rendition = archive_rendition(job.created_by, item.document, lang, owner=ours)
                item = db.session.get(BatchItem, item_id)
                item.rendition_id = rendition.id
                item.pages = page_count(storage().get(rendition.storage_key))
                item.status = ISSUED if ours else FILED
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 — one failing document does not stop the others
            db.session.rollback()
            reason = _reason(exc, lang)
            if not isinstance(exc, (DomainError, InputInvalid)):
                log.exception("batch item %s (%s %s) failed", item_id, item.doc_type, item.input)
            item = db.session.get(BatchItem, item_id)
            item.status, item.error = FAILED, reason
            db.session.commit()
            return FAILED
        return item.status
    finally:
        db.session.close()  # a worker issues thousands: keep its session small


def archive_rendition(actor, document, lang: str, owner: bool):
    """The PDF that goes into the archive: the original when it is a PDF, byte for byte as
    issued; otherwise its PDF rendition in the job's language (made from the frozen data)."""
    if document.fmt == "pdf":
        return issuing.rendition_of(actor, document, document.lang, "pdf", owner=owner)
    return issuing.rendition_of(actor, document, lang, "pdf")


def draft_key(item: BatchItem, fmt: str) -> str:
    """Where a draft of a job is kept until the job's folder is made (drafts are not registered)."""
    return f"drafts/job-{item.job_id}/{item.position:05d}-{item.doc_type}.{fmt}"


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _reason(exc: Exception, lang: str) -> str:
    if isinstance(exc, DomainError):
        return exc.message(lang)
    if isinstance(exc, InputInvalid):
        return "; ".join(f"{field}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                         for field, msgs in exc.errors.items())
    return f"{type(exc).__name__}: {exc}"[:1000]
