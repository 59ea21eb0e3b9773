"""Issuing one planned item: the work every executor does, in whatever process it runs."""
from __future__ import annotations

import io
import logging

from ..documents import issuing
from ..documents.storage import storage
from ..documents.validation import InputInvalid
from ..errors import DomainError
from ..models import BatchItem, BatchJob, db
from ..models.archive import CANCELLED, CANCELLING, FAILED, ISSUED, PENDING
from ..plugins import plugin_manager

log = logging.getLogger(__name__)


def issue_items(item_ids) -> None:
    for item_id in item_ids:
        issue_item(item_id)


def issue_item(item_id: int) -> str | None:
    """Issue a pending item under its planned number; the document, its file and the item's
    new state are committed together. A refusal or a failure marks only this item failed,
    with the reason in the job's language. Returns the item's state (None: not found)."""
    try:
        item = db.session.get(BatchItem, item_id)
        if item is None:
            return None
        job = db.session.get(BatchJob, item.job_id)
        if item.status != PENDING or job.status in (CANCELLING, CANCELLED):
            return item.status
        lang, drafts = job.lang, job.params.get("drafts")
        document = None
        try:
            doc_type = issuing.checked_type(item.doc_type, lang, drafts or "pdf", job.created_by)
            clean = issuing.validate(doc_type.schema, item.input, lang)
            if drafts:
                context = issuing.build_context(doc_type, clean, lang, None, job.issued_at)
                content = issuing.render(doc_type, context, lang, drafts)
                storage().put(draft_key(item, drafts), content)
                item.pages = page_count(content) if drafts == "pdf" else None
            else:
                doc_type.check_issue(clean)
                document, content = issuing.register(doc_type, clean, item.input, lang, "pdf", item.nomenclature,
                                                     item.seq, job.issued_at, job.created_by)
                item.document, item.pages = document, page_count(content)
            item.status = ISSUED
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
        if document is not None:
            plugin_manager().hook.docservice_document_issued(document=document)
        return ISSUED
    finally:
        db.session.close()  # a worker issues thousands: keep its session small


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
