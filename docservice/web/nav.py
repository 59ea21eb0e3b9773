"""The menu: each area of the pages adds its entries; the base page shows the signed-in
user the entries of their roles."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object          # a lazy_gettext string
    roles: tuple           # who sees it; () = everyone signed in
    order: int = 50


ENTRIES: list[Entry] = []


def add(endpoint: str, label, roles: tuple = (), order: int = 50) -> None:
    if all(e.endpoint != endpoint for e in ENTRIES):
        ENTRIES.append(Entry(endpoint, label, roles, order))


def items_for(user) -> list[tuple[str, object]]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    shown = [e for e in sorted(ENTRIES, key=lambda e: e.order) if not e.roles or user.has_role(*e.roles)]
    return [(url_for(e.endpoint), e.label) for e in shown]
