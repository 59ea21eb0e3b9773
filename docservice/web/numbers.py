"""Numbers on the pages as the documents print them (``docservice.numbers.fixed``): a decimal
comma in Kazakh and Russian («52,55»), a point in English; a dash for nothing yet."""
from __future__ import annotations

from flask import g

from ..numbers import fixed


def decimal_text(value, decimals: int = 2, lang: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return fixed(value, decimals, lang or g.get("lang") or "ru") if isinstance(value, float) else str(value)
