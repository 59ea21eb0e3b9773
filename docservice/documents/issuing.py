"""The register's operations: preview, issue once, renditions, supersede, find, verify.

Issuing never holds a write transaction while a document renders. It has three steps:

1. **reserve** (one short transaction): the subject's current original, if it has one, is
   given back. Otherwise the number is taken, the entry registered as ``issuing`` with the
   document's data frozen — one context per language, built from the store now — and the
   original's file claimed.
2. **render** (no transaction): from the frozen data only.
3. **finish** (one short transaction): the file is kept, its rendition gets the SHA-256, the
   entry becomes ``valid``.

Numbers stay gap-free in meaning: a render that fails voids its entry with the reason, so
every gap in a file's sequence is a ``void`` entry that says why. A process that dies between
steps leaves a claim that the next request for the subject (or the archive job owning it)
takes over after ``CLAIM_STALE``: the same frozen data gives the same file.

The same document in another language or format is a *rendition* under the same number,
rendered from the same frozen data whenever it is asked for.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import now as clock_now
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..models import DocumentCounter, DocumentRendition, IssuedDocument, User, db
from ..models.documents import CURRENT, ISSUING, SUPERSEDED, VALID, VOID
from ..nomenclature import Filing
from ..plugins import plugin_manager
from .base import FORMATS, LANGUAGES
from .context import document_block, university
from .storage import storage
from .validation import InputInvalid, validate  # noqa: F401  (InputInvalid: for callers)

# A claim to render a file that has not finished in this long is taken over.
CLAIM_STALE = timedelta(seconds=120)
# How long a request waits for a file another request is rendering right now.
CLAIM_WAIT_SECONDS = 60
SUPERSEDERS = ("registrar", "registrar_head")


@dataclass
class Issued:
    """What an issue gives: the register entry, the file asked for, and whether the subject
    had its original already (then nothing was numbered now)."""

    document: IssuedDocument
    rendition: DocumentRendition
    already: bool


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


def checked_input(actor: User | None, doc_type, data: dict, lang: str, action: str) -> dict:
    clean = validate(doc_type.schema, data, lang)
    if actor is not None and not doc_type.may_issue(actor, clean):
        raise Forbidden("forbidden", action=f"{action} {doc_type.id}")
    return clean


# --- contexts ---------------------------------------------------------------------------

def freeze(doc_type, clean: dict, lang: str) -> dict:
    """The context of one language as the register keeps it: plain JSON, built once from the
    store. Drafts go through the same form, so a preview shows what an issue would."""
    context = {**doc_type.build_context(clean, lang), "university": university(lang)}
    return json.loads(json.dumps(context, ensure_ascii=False, default=str))


def with_document_block(doc_type, context: dict, lang: str, number: str | None, on: datetime) -> dict:
    verify = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{number}" if number else None
    return {**context, "lang": lang, "doc": document_block(doc_type, lang, number, on.date(), verify)}


def build_context(doc_type, data: dict, lang: str, number: str | None, at: datetime) -> dict:
    """A context straight from the store (a draft, a bulk re-render)."""
    return with_document_block(doc_type, freeze(doc_type, data, lang), lang, number, at)


def render(doc_type, context: dict, lang: str, fmt: str) -> bytes:
    return plugin_manager().hook.docservice_render_document(doc_type=doc_type, context=context,
                                                            lang=lang, fmt=fmt)


def preview(actor: User | None, type_id: str, data: dict, lang: str, fmt: str) -> bytes:
    """A draft: rendered with the draft mark and no number; nothing is registered."""
    doc_type = checked_type(type_id, lang, fmt, actor)
    clean = checked_input(actor, doc_type, data, lang, "preview")  # a draft shows the same data
    return render(doc_type, build_context(doc_type, clean, lang, None, clock_now()), lang, fmt)


# --- issuing ----------------------------------------------------------------------------

def issue(actor: User | None, type_id: str, data: dict, lang: str, fmt: str) -> Issued:
    """The subject's original in ``lang`` and ``fmt``: issued now under a new number when the
    subject has none, otherwise the one it has (as a rendition in this language and format
    when the original is in another)."""
    doc_type = checked_type(type_id, lang, fmt, actor)
    clean = checked_input(actor, doc_type, data, lang, "issue")
    current = current_original(doc_type.id, doc_type.subject(clean))
    if current is None:
        doc_type.check_issue(clean)
        current, claim = reserve(actor, prepare(doc_type, clean, data, lang), lang, fmt)
        if claim is not None:
            return Issued(current, finish(current, claim), already=False)
    return Issued(current, rendition_of(actor, current, lang, fmt), already=True)


def current_original(type_id: str, subject: str) -> IssuedDocument | None:
    return db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.doc_type == type_id, IssuedDocument.subject == subject, IssuedDocument.state.in_(CURRENT)))


@dataclass
class Prepared:
    """What an entry is made of, read from the store before any write: the subject, the frozen
    contexts of every language, what the register shows, the nomenclature file."""

    doc_type: object
    input: dict
    subject: str
    contexts: dict
    entry: dict
    index: str


def prepare(doc_type, clean: dict, data: dict, lang: str) -> Prepared:
    index, _ = Filing(registry()).file_for(doc_type.id, doc_type.kind(clean))
    return Prepared(doc_type, data, doc_type.subject(clean),
                    {code: freeze(doc_type, clean, code) for code in doc_type.languages},
                    doc_type.register_entry(clean, lang), index)


def reserve(actor: User | None, prepared: Prepared, lang: str, fmt: str, supersedes: IssuedDocument | None = None,
            reason: str | None = None, at: datetime | None = None,
            commit: bool = True) -> tuple[IssuedDocument, DocumentRendition | None]:
    """Step 1: number, register as ``issuing`` with the frozen data, claim the original's file.
    Returns the entry and our claim — or, when another request reserved the subject first, that
    one's entry and None. ``commit=False``: inside the caller's transaction (an archive job's
    plan), on a savepoint."""
    doc_type, entry, at = prepared.doc_type, prepared.entry, at or clock_now()
    try:
        with db.session.begin_nested():
            seq = next_number(prepared.index, at.year)
            document = IssuedDocument(
                number=f"{prepared.index}/{at.year}/{seq:04d}", nomenclature=prepared.index, year=at.year, seq=seq,
                doc_type=doc_type.id, subject=prepared.subject, state=ISSUING, title=doc_type.title(lang),
                group_code=_text(entry.get("group"), 64), discipline=_text(entry.get("discipline"), 500),
                person=_text(entry.get("person"), 300), lang=lang, fmt=fmt, input=prepared.input,
                contexts=prepared.contexts, issued_by_id=actor.id if actor else None, issued_at=at)
            if supersedes is not None:
                _mark_superseded(actor, supersedes, reason, at)
            db.session.add(document)
            db.session.flush()
            if supersedes is not None:
                supersedes.superseded_by_id = document.id
            claim = _new_claim(actor, document, lang, fmt, original=True)
            db.session.flush()
        if commit:
            db.session.commit()
    except IntegrityError:
        if commit:
            db.session.rollback()
        winner = current_original(doc_type.id, prepared.subject)
        if winner is None or supersedes is not None:
            raise Conflict("document_busy", number=supersedes.number if supersedes else doc_type.id) from None
        return winner, None
    return document, claim


def _text(value, limit: int) -> str | None:
    return None if value in (None, "") else str(value)[:limit]


def storage_key(document: IssuedDocument, lang: str, fmt: str) -> str:
    return f"{document.year}/{document.nomenclature}/{document.seq:04d}-{document.doc_type}-{lang}.{fmt}"


def _new_claim(actor, document: IssuedDocument, lang: str, fmt: str, original: bool) -> DocumentRendition:
    claim = DocumentRendition(document=document, lang=lang, fmt=fmt, original=original,
                              storage_key=storage_key(document, lang, fmt), claimed_at=wall_now(),
                              created_by_id=actor.id if actor else None)
    db.session.add(claim)
    return claim


def wall_now() -> datetime:
    """Claims age on the machines' time, not the service's clock (which a demo may freeze)."""
    return datetime.now()


def finish(document: IssuedDocument, claim: DocumentRendition) -> DocumentRendition:
    """Steps 2 and 3 for a claim of ours: render from the frozen data (no transaction open),
    keep the file, register its hash — and make the entry valid when it is the original. A
    failure voids the entry (an original) or drops the claim (a rendition), then is raised."""
    doc_type = registry().get(document.doc_type)
    lang, fmt, key, original = claim.lang, claim.fmt, claim.storage_key, claim.original
    context = with_document_block(doc_type, document.contexts[lang], lang, document.number, document.issued_at)
    claim_id, document_id = claim.id, document.id
    db.session.commit()  # end the read transaction: nothing is held while the document renders
    try:
        content = sealed(render(doc_type, context, lang, fmt), fmt)
        storage().put(key, content)
    except Exception as exc:
        db.session.rollback()
        _failed(document_id, claim_id, exc)
        raise
    digest = hashlib.sha256(content).hexdigest()
    db.session.execute(update(DocumentRendition).where(DocumentRendition.id == claim_id).values(
        sha256=digest, size=len(content), created_at=clock_now(), signed=_signed(fmt)))
    became_valid = False
    if original:
        became_valid = bool(db.session.execute(update(IssuedDocument).where(
            IssuedDocument.id == document_id, IssuedDocument.state == ISSUING).values(
            state=VALID, sha256=digest, size=len(content), storage_key=key)).rowcount)
    db.session.commit()
    document = db.session.get(IssuedDocument, document_id)
    if became_valid:
        plugin_manager().hook.docservice_document_issued(document=document)
    return db.session.get(DocumentRendition, claim_id)


def sealed(content: bytes, fmt: str) -> bytes:
    """An issued PDF, signed when the university has configured a signing key."""
    if fmt == "pdf" and current_app.config.get("SIGNING_PKCS12"):
        from .signing import sign_pdf

        return sign_pdf(content, current_app.config)
    return content


def _signed(fmt: str) -> bool:
    return fmt == "pdf" and bool(current_app.config.get("SIGNING_PKCS12"))


def _failed(document_id: int, claim_id: int, exc: Exception) -> None:
    """A render that failed: an original's number is void with the reason (and a superseded
    predecessor is current again); a rendition's claim is dropped."""
    claim = db.session.get(DocumentRendition, claim_id)
    if claim is None:
        return
    document = claim.document
    if claim.original and document.state == ISSUING:
        document.state, document.void_reason = VOID, f"{type(exc).__name__}: {exc}"[:2000]
        predecessor = db.session.scalar(select(IssuedDocument).where(IssuedDocument.superseded_by_id == document.id))
        if predecessor is not None:
            predecessor.state, predecessor.superseded_by_id, predecessor.superseded_at = VALID, None, None
            predecessor.superseded_by_user_id, predecessor.supersede_reason = None, None
    db.session.delete(claim)
    db.session.commit()


def rendition_of(actor: User | None, document: IssuedDocument, lang: str, fmt: str,
                 owner: bool = False) -> DocumentRendition:
    """The file of ``document`` in ``lang`` and ``fmt``: the one registered, or made now from
    the frozen data. Waits for one another request is rendering; takes over a stale claim
    (``owner``: at once — an archive job finishing what it planned)."""
    if document.state not in CURRENT:
        raise _not_current(document)
    if lang not in (document.contexts or {}):
        raise Invalid("field_invalid", field="lang", detail=f"{lang!r}: {', '.join(document.contexts or {})}")
    checked_type(document.doc_type, lang, fmt, actor)
    if document.state == ISSUING and (lang, fmt) != (document.lang, document.fmt):
        rendition_of(actor, document, document.lang, document.fmt)  # the original first
    deadline = time.monotonic() + CLAIM_WAIT_SECONDS
    while True:
        rendition = db.session.scalar(select(DocumentRendition).where(
            DocumentRendition.document_id == document.id, DocumentRendition.lang == lang,
            DocumentRendition.fmt == fmt))
        if rendition is not None and rendition.sha256:
            return rendition
        claim = _claim(actor, document, rendition, lang, fmt, owner)
        if claim is not None:
            return finish(document, claim)
        if time.monotonic() > deadline:
            raise Conflict("document_busy", number=document.number)
        time.sleep(0.2)
        db.session.rollback()  # see the other request's commit
        db.session.refresh(document)
        if document.state not in CURRENT:
            raise _not_current(document)


def _claim(actor, document, rendition, lang: str, fmt: str, owner: bool) -> DocumentRendition | None:
    """Our claim to render this file, or None while another request renders it."""
    if rendition is None:
        try:
            with db.session.begin_nested():
                claim = _new_claim(actor, document, lang, fmt, original=False)
            db.session.commit()
            return claim
        except IntegrityError:
            db.session.rollback()
            return None
    stale = rendition.claimed_at
    if not owner and stale > wall_now() - CLAIM_STALE:
        return None
    taken = db.session.execute(update(DocumentRendition).where(
        DocumentRendition.id == rendition.id, DocumentRendition.claimed_at == stale,
        DocumentRendition.sha256.is_(None)).values(claimed_at=wall_now())).rowcount
    db.session.commit()
    return db.session.get(DocumentRendition, rendition.id) if taken else None


def _not_current(document: IssuedDocument) -> Conflict:
    if document.state == SUPERSEDED:
        successor = document.successor
        return Conflict("document_superseded", number=document.number,
                        successor=successor.number if successor else "—")
    return Conflict("document_void", number=document.number, reason=document.void_reason or "—")


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


# --- superseding ------------------------------------------------------------------------

def supersede(actor: User | None, number: str, reason: str, lang: str | None = None,
              fmt: str | None = None, data: dict | None = None) -> Issued:
    """A new original for the subject of ``number``, with the store's data as it is now: a new
    number; the old entry superseded — by whom, when, why, by which number. Only the registrar's
    office and those who may issue the type; only a valid entry; only with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("supersede_reason_required", field="reason")
    old = find(number)
    if old.state != VALID:
        raise _not_current(old) if old.state != ISSUING else Conflict("document_busy", number=number)
    lang, fmt = lang or old.lang, fmt or old.fmt
    doc_type = checked_type(old.doc_type, lang, fmt, actor)
    clean = validate(doc_type.schema, old.input if data is None else data, lang)
    if actor is not None and not (actor.has_role(*SUPERSEDERS) or doc_type.may_issue(actor, clean)):
        raise Forbidden("forbidden", action=f"supersede {old.number}")
    if doc_type.subject(clean) != old.subject:
        raise Invalid("document_other_subject", field="input", number=old.number)
    doc_type.check_issue(clean)
    prepared = prepare(doc_type, clean, old.input if data is None else data, lang)
    document, claim = reserve(actor, prepared, lang, fmt, supersedes=old, reason=reason[:2000])
    return Issued(document, finish(document, claim), already=False)


def _mark_superseded(actor, old: IssuedDocument, reason: str, at: datetime) -> None:
    done = db.session.execute(update(IssuedDocument).where(IssuedDocument.id == old.id,
                                                           IssuedDocument.state == VALID).values(
        state=SUPERSEDED, superseded_at=at, superseded_by_user_id=actor.id if actor else None,
        supersede_reason=reason)).rowcount
    if not done:  # superseded by someone else meanwhile
        raise IntegrityError("supersede", None, Exception("not valid any more"))
    db.session.flush()


# --- reading the register ---------------------------------------------------------------

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


def original_rendition(document: IssuedDocument) -> DocumentRendition | None:
    return next((r for r in document.renditions if r.original and r.sha256), None)


def content_of(document: IssuedDocument, rendition: DocumentRendition | None = None) -> bytes:
    """A file under the number, byte for byte as registered (default: the original)."""
    rendition = rendition or original_rendition(document)
    if rendition is None:
        raise _not_current(document) if document.state not in CURRENT else Conflict("document_busy",
                                                                                     number=document.number)
    return storage().get(rendition.storage_key)


def rendition_for(content: bytes) -> DocumentRendition | None:
    """The registered file that is byte for byte this one (any rendition of any entry)."""
    digest = hashlib.sha256(content).hexdigest()
    return db.session.scalar(select(DocumentRendition).where(DocumentRendition.sha256 == digest).limit(1))


def signatures(content: bytes, lang: str) -> list[dict]:
    """The electronic signatures a file carries, checked offline against the configured roots
    (``SIGNING_TRUST_ROOTS``); [] for a file without any (or not a PDF)."""
    if not content.startswith(b"%PDF"):
        return []
    from .signing import signature_report, trust_roots_from_config

    return signature_report(content, trust_roots_from_config(current_app.config), lang=lang)


def original_for(content: bytes) -> IssuedDocument | None:
    """The register entry one of whose files is byte for byte this one, if any."""
    rendition = rendition_for(content)
    return rendition.document if rendition else None
