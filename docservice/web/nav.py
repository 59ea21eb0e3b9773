"""The menu: each area of the pages adds its entries; the base page shows the signed-in
user the entries of their roles."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object          # a lazy_gettext string
    roles: tuple           # who sees it; () = everyone signed in
    order: int = 50
    waiting: Callable | None = None  # user → how many things wait there for them (shown beside)


ENTRIES: list[Entry] = []


def add(endpoint: str, label, roles: tuple = (), order: int = 50, waiting: Callable | None = None) -> None:
    if all(e.endpoint != endpoint for e in ENTRIES):
        ENTRIES.append(Entry(endpoint, label, roles, order, waiting))


def items_for(user, path: str = "") -> list[tuple[str, object, bool, int]]:
    """The user's entries as (address, label, current, waiting): the current one is the entry
    whose address is the longest that the page's path starts with (a journal's page marks "My
    journals"); waiting, how many things wait there for this user to act (0: none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    shown = [e for e in sorted(ENTRIES, key=lambda e: e.order) if not e.roles or user.has_role(*e.roles)]
    addresses = [url_for(e.endpoint) for e in shown]
    within = [a for a in addresses if a != "/" and (path == a or path.startswith(a.rstrip("/") + "/"))]
    current = max(within, key=len) if within else ("/" if path == "/" else None)
    return [(address, e.label, address == current, e.waiting(user) if e.waiting else 0)
            for address, e in zip(addresses, shown)]
