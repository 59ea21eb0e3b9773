"""The register of issued documents as the registrar's office reads it (журнал регистрации):
one search — number, type, group, discipline, person, state, dates — with its order, pages
and counts by state, shared by the page, the JSON route and the XLSX export.

Text is matched as a substring, case-insensitively, in Kazakh and Russian alike, on SQLite
and PostgreSQL: group, discipline and person are compared in their folded copies
(``IssuedDocument.*_folded``, written with the entry) with the needle folded the same way in
Python — neither database's lower() is trusted with Cyrillic. Numbers are ASCII.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import policy
from ..errors import Invalid
from ..models import IssuedDocument, db
from ..models.documents import ISSUING, SUPERSEDED, VALID, VOID, search_folded
from .issuing import registry

ACTION = "register.view"
PAGE_SIZE = 50
STATES = (VALID, SUPERSEDED, VOID, ISSUING)
NEWEST, BY_NUMBER = "newest", "number"
SORTS = (NEWEST, BY_NUMBER)
# The query parameters of a search, as the page's form, the JSON route and the export name them.
PARAMS = ("number", "type", "group", "discipline", "person", "state", "from", "to", "sort")


@dataclass(frozen=True)
class Search:
    number: str = ""
    doc_type: str = ""
    group: str = ""
    discipline: str = ""
    person: str = ""
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = NEWEST

    @classmethod
    def from_args(cls, args) -> Search:
        """A search from query parameters (``PARAMS``); a wrong value is ``Invalid`` naming it."""
        def text(name: str, limit: int = 300) -> str:
            return " ".join(str(args.get(name) or "").split())[:limit]

        doc_type, state, sort = text("type"), text("state"), text("sort") or NEWEST
        if doc_type and doc_type not in registry():
            raise Invalid("field_invalid", field="type", detail=doc_type)
        if state and state not in STATES:
            raise Invalid("field_invalid", field="state", detail=f"{state}: {', '.join(STATES)}")
        if sort not in SORTS:
            raise Invalid("field_invalid", field="sort", detail=f"{sort}: {', '.join(SORTS)}")
        date_from, date_to = _day(args.get("from"), "from"), _day(args.get("to"), "to")
        if date_from and date_to and date_from > date_to:
            raise Invalid("field_invalid", field="to", detail=f"{date_to.isoformat()} < {date_from.isoformat()}")
        return cls(text("number", 64), doc_type, text("group", 64), text("discipline"), text("person"), state,
                   date_from, date_to, sort)

    def as_args(self) -> dict:
        """The parameters that say this search (what is set only): for links to its other pages
        and to its export."""
        values = {"number": self.number, "type": self.doc_type, "group": self.group,
                  "discipline": self.discipline, "person": self.person, "state": self.state,
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else "",
                  "sort": self.sort if self.sort != NEWEST else ""}
        return {k: v for k, v in values.items() if v}


def _day(value, name: str) -> date | None:
    value = str(value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("field_invalid", field=name, detail=value) from None


def _filters(search: Search) -> list:
    entry, found = IssuedDocument, []
    if search.number:
        found.append(func.lower(entry.number).contains(search.number.lower(), autoescape=True))
    if search.doc_type:
        found.append(entry.doc_type == search.doc_type)
    for needle, column in ((search.group, entry.group_folded), (search.discipline, entry.discipline_folded),
                           (search.person, entry.person_folded)):
        if needle:
            found.append(column.contains(search_folded(needle), autoescape=True))
    if search.state:
        found.append(entry.state == search.state)
    if search.date_from:
        found.append(entry.issued_at >= datetime.combine(search.date_from, time.min))
    if search.date_to:  # the whole last day
        found.append(entry.issued_at < datetime.combine(search.date_to + timedelta(days=1), time.min))
    return found


def _ordered(query, search: Search):
    entry = IssuedDocument
    if search.sort == BY_NUMBER:
        return query.order_by(entry.nomenclature, entry.year, entry.seq)
    return query.order_by(entry.issued_at.desc(), entry.id.desc())


def _entries(search: Search):
    """The search's entries, ordered, with what a row shows loaded alongside."""
    query = select(IssuedDocument).where(*_filters(search)).options(
        selectinload(IssuedDocument.issued_by), selectinload(IssuedDocument.renditions),
        selectinload(IssuedDocument.successor))
    return _ordered(query, search)


@dataclass
class Page:
    """One page of a search: its entries, the page number and count, how many entries the
    search found in all and in each state."""

    entries: list
    page: int
    pages: int
    per_page: int
    total: int
    counts: dict = field(default_factory=dict)

    @property
    def first(self) -> int:
        """The position of the page's first entry in the whole search (1-based; 0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.entries else 0

    @property
    def last(self) -> int:
        return self.first + len(self.entries) - 1 if self.entries else 0


def find_page(user, search: Search, page: int = 1) -> Page:
    """A page of the register (``PAGE_SIZE`` entries); a page past the last gives the last."""
    policy.require(user, ACTION)
    counts = dict(db.session.execute(select(IssuedDocument.state, func.count(IssuedDocument.id))
                                     .where(*_filters(search)).group_by(IssuedDocument.state)).all())
    total, per_page = sum(counts.values()), PAGE_SIZE
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    entries = db.session.scalars(_entries(search).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(entries), page, pages, per_page, total, {state: counts.get(state, 0) for state in STATES})


def find_all(user, search: Search):
    """Every entry of the search, in its order (the export): read in batches."""
    policy.require(user, ACTION)
    return db.session.scalars(_entries(search).execution_options(yield_per=500))


def search_json(search: Search) -> dict:
    """The search as the JSON route echoes it."""
    return {"number": search.number, "type": search.doc_type, "group": search.group,
            "discipline": search.discipline, "person": search.person, "state": search.state,
            "from": search.date_from.isoformat() if search.date_from else None,
            "to": search.date_to.isoformat() if search.date_to else None, "sort": search.sort}
