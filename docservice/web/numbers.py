"""Numbers on the pages as the documents print them: a decimal comma in Kazakh and Russian
(«52,55»), a point in English; fixed decimals; a dash for nothing yet."""
from __future__ import annotations

from flask import g


def decimal_text(value, decimals: int = 2, lang: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = f"{value:.{decimals}f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if (lang or g.get("lang")) in ("kk", "ru") else text
