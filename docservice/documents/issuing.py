"""Preview and issue: validate the input, build the context once, render, and — when
issuing — number, hash, keep and register the file. One transaction per issue."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import now as clock_now
from ..errors import Forbidden, Invalid, NotFound
from ..models import DocumentCounter, IssuedDocument, User, db
from ..plugins import plugin_manager
from .base import FORMATS, LANGUAGES
from .context import document_block, university
from .storage import storage
from ..nomenclature import Filing
from .validation import InputInvalid, validate  # noqa: F401  (InputInvalid: for callers)


def registry():
    return current_app.extensions["docservice.documents"]


def checked_type(type_id: str, lang: str, fmt: str, actor: User | None):
    doc_type = registry().get(type_id)
    doc_type.actor = actor
    if lang not in LANGUAGES or lang not in doc_type.languages:
        raise Invalid("field_invalid", field="lang", detail=f"{lang!r}: kk, ru")
    if fmt not in FORMATS or fmt not in doc_type.formats:
        raise Invalid("field_invalid", field="format", detail=f"{fmt!r}: docx, pdf")
    return doc_type


def build_context(doc_type, data: dict, lang: str, number: str | None, at: datetime) -> dict:
    """The plugin's context plus the parts every document shares."""
    verify = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{number}" if number else None
    context = doc_type.build_context(data, lang)
    context.update(lang=lang, university=university(lang),
                   doc=document_block(doc_type, lang, number, at.date(), verify))
    return context


def render(doc_type, context: dict, lang: str, fmt: str) -> bytes:
    return plugin_manager().hook.docservice_render_document(doc_type=doc_type, context=context,
                                                            lang=lang, fmt=fmt)


def preview(actor: User | None, type_id: str, data: dict, lang: str, fmt: str) -> bytes:
    """A draft: rendered with the draft mark and no number; nothing is registered."""
    doc_type = checked_type(type_id, lang, fmt, actor)
    clean = validate(doc_type.schema, data, lang)
    if actor is not None and not doc_type.may_issue(actor, clean):
        raise Forbidden("forbidden", action=f"preview {type_id}")  # a draft shows the same data
    return render(doc_type, build_context(doc_type, clean, lang, None, clock_now()), lang, fmt)


def issue(actor: User | None, type_id: str, data: dict, lang: str, fmt: str) -> IssuedDocument:
    """Number, render, hash, keep and register a document; all of it or nothing."""
    doc_type = checked_type(type_id, lang, fmt, actor)
    clean = validate(doc_type.schema, data, lang)
    if actor is not None and not doc_type.may_issue(actor, clean):
        raise Forbidden("forbidden", action=f"issue {type_id}")
    at = clock_now()
    try:
        doc_type.check_issue(clean)
        index, _ = Filing(registry()).file_for(doc_type.id, doc_type.kind(clean))
        document, _ = register(doc_type, clean, data, lang, fmt, index, next_number(index, at.year), at, actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    plugin_manager().hook.docservice_document_issued(document=document)
    return document


def register(doc_type, clean: dict, data: dict, lang: str, fmt: str, index: str, seq: int, at: datetime,
             actor: User | None) -> tuple[IssuedDocument, bytes]:
    """Render a document under the number ``seq`` of nomenclature file ``index`` in the year,
    keep the file and add its row to the register; the caller commits (or rolls back: the file
    is then an orphan under a key the same number will overwrite)."""
    number = f"{index}/{at.year}/{seq:04d}"
    content = render(doc_type, build_context(doc_type, clean, lang, number, at), lang, fmt)
    key = f"{at.year}/{index}/{seq:04d}-{doc_type.id}-{lang}.{fmt}"
    storage().put(key, content)
    document = IssuedDocument(
        number=number, nomenclature=index, year=at.year, seq=seq, doc_type=doc_type.id,
        title=doc_type.title(lang), lang=lang, fmt=fmt, sha256=hashlib.sha256(content).hexdigest(),
        size=len(content), storage_key=key, input=data, issued_by_id=actor.id if actor else None, issued_at=at)
    db.session.add(document)
    return document, content


def next_number(nomenclature: str, year: int) -> int:
    """The next number in a nomenclature file's yearly sequence, taken under a row lock
    (UPDATE … RETURNING), so concurrent issues never share a number."""
    step = (update(DocumentCounter).where(DocumentCounter.nomenclature == nomenclature,
                                          DocumentCounter.year == year)
            .values(last=DocumentCounter.last + 1).returning(DocumentCounter.last))
    seq = db.session.execute(step).scalar()
    if seq is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(DocumentCounter).values(nomenclature=nomenclature, year=year, last=1))
            seq = 1
        except IntegrityError:  # someone created the counter meanwhile
            seq = db.session.execute(step).scalar()
    return seq


def find(number: str) -> IssuedDocument:
    document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.number == number))
    if document is None:
        raise NotFound("not_found", what="document", key=number)
    return document


SEE_ALL = ("registrar", "registrar_head", "vice_rector")


def may_see(user: User | None, document: IssuedDocument) -> bool:
    """The registrar's office and the vice-rector read every issued document, an issuer their
    own, and a type may name its addressees (``DocumentType.may_see``)."""
    if user is None or user.has_role(*SEE_ALL) or document.issued_by_id == user.id:
        return True
    return document.doc_type in registry() and registry().get(document.doc_type).may_see(user, document.input)


def find_visible(user: User | None, number: str) -> IssuedDocument:
    document = find(number)
    if not may_see(user, document):
        raise Forbidden("forbidden", action="read document")
    return document


def content_of(document: IssuedDocument) -> bytes:
    return storage().get(document.storage_key)


def original_for(content: bytes) -> IssuedDocument | None:
    """The issued original whose file is byte-for-byte this one, if any."""
    digest = hashlib.sha256(content).hexdigest()
    return db.session.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == digest))
