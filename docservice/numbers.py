"""Numbers as the service writes them, on sheets and pages alike: fixed decimals, rounded half
up (as the procedures round), and a decimal comma in Kazakh and Russian («52,55»)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def fixed(value, decimals: int = 2, lang: str = "ru") -> str:
    """``value`` (int, float, Decimal) with ``decimals`` places; the comma unless ``lang`` is en."""
    shown = str(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return shown if lang == "en" else shown.replace(".", ",")
