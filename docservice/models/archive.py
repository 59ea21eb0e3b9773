"""The nomenclature of files, and batch jobs with one row per document they make.

A batch job (archive printing, every summary vedomost of a period …) is *planned* first:
one ``BatchItem`` per document, in one transaction — a subject with an original in the
register is filed as it is; one without is reserved in the register there and then (number
taken, data frozen). Workers then render the reserved ones one by one; running a job again
after a crash does only the items still pending, under the same numbers — nothing is
numbered or filed twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

# BatchJob.status
PLANNED, RUNNING, CANCELLING, CANCELLED, DONE = "planned", "running", "cancelling", "cancelled", "done"
# BatchItem.status: issued under a number taken by this job; filed — the subject's original,
# issued before, put into the files as it is; rendered — a draft; failed.
PENDING, ISSUED, FILED, RENDERED, FAILED = "pending", "issued", "filed", "rendered", "failed"
DONE_ITEMS = (ISSUED, FILED, RENDERED)  # what a job's folder holds


class NomenclatureFile(db.Model):
    """One file (дело / іс) of the registrar's nomenclature of files: its index, title,
    retention period and which documents go into it (``selectors``: a document type id, or
    ``type:kind`` for one kind of it, e.g. ``vedomost:individual``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    index: Mapped[str] = mapped_column(String(32), unique=True)  # "02-07"
    title_kk: Mapped[str] = mapped_column(String(300))
    title_ru: Mapped[str] = mapped_column(String(300))
    retention_kk: Mapped[str] = mapped_column(String(100))     # "5 жыл, СТК"
    retention_ru: Mapped[str] = mapped_column(String(100))     # "5 лет, ЭПК"
    selectors: Mapped[list] = mapped_column(JSON, default=list)

    def title(self, lang: str) -> str:
        return self.title_kk if lang == "kk" else self.title_ru

    def retention(self, lang: str) -> str:
        return self.retention_kk if lang == "kk" else self.retention_ru


class BatchJob(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))        # "archive" | "issue" | "drafts"
    # What was asked (period, school, type, lang …): a job run again with the same
    # parameters is resumed, not started anew.
    params: Mapped[dict] = mapped_column(JSON)
    params_key: Mapped[str] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PLANNED)
    lang: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime]                          # the date every document of the job bears
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # Who is running it and when it last said so: a run finding a fresh heartbeat refuses
    # to run the job a second time; a stale one (a killed run) is taken over.
    runner: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None]
    # What the job left: its folder (relative to the jobs root) and the job's own report.
    output: Mapped[str | None] = mapped_column(String(300))
    report: Mapped[dict] = mapped_column(JSON, default=dict)

    created_by = relationship("User")
    items = relationship("BatchItem", back_populates="job", order_by="BatchItem.position",
                         cascade="all, delete-orphan")


class BatchItem(db.Model):
    __table_args__ = (UniqueConstraint("job_id", "position"), Index("ix_batch_item_job_status", "job_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("batch_job.id", ondelete="CASCADE"))
    position: Mapped[int]
    doc_type: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(32))
    input: Mapped[dict] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(500))     # what the inventory says of it
    file_index: Mapped[str] = mapped_column(String(32))  # the nomenclature file it goes into
    # The number taken for it when the job was planned (none for a draft).
    nomenclature: Mapped[str | None] = mapped_column(String(32))
    year: Mapped[int | None]
    seq: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_document.id"))
    # The file that goes into the archive: the original, or its rendition in the job's language.
    rendition_id: Mapped[int | None] = mapped_column(ForeignKey("document_rendition.id"))
    pages: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)

    job = relationship("BatchJob", back_populates="items")
    document = relationship("IssuedDocument")
    rendition = relationship("DocumentRendition")
