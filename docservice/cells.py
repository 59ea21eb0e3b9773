"""Journal cell values as people type them: ``85``, ``н/б``, ``н/б`` + ``перезачет`` (SPEC §3).

Typed text is normalised to NFC first; a mark is written with the ASCII digits 0–9 only —
``"٨٥"``, ``"８５"`` or ``"𝟖𝟓"`` look like 85 but are refused, never stored as 85 (issue 11).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .errors import Invalid
from .grading import ABSENT, TRANSFER_NOTES, Cell

# Spellings people type for "absent"; all stored as н/б.
ABSENT_SPELLINGS = {"н/б", "н", "нб", "н/Б", "Н/Б", "Н", "НБ"}
ASCII_WHOLE = re.compile(r"[0-9]{1,10}")


def parse_cell(raw, note: str | None = None, field: str = "value") -> Cell | None:
    """Validate a typed value; ``None`` or an empty string clears the cell."""
    if isinstance(raw, dict):  # the dataset's {"value": "н/б", "note": "перезачет"}
        raw, note = raw.get("value"), raw.get("note", note)
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFC", raw)
    if note is not None and not isinstance(note, str):
        raise Invalid("mark_note_invalid", field="note", note=str(note)[:40])
    note = unicodedata.normalize("NFC", note or "").strip() or None
    if note and note.lower() in TRANSFER_NOTES:
        note = note.lower()  # "Перезачет" typed with a capital is the same note
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if note:
            raise Invalid("mark_note_invalid", field="note", note=note)
        return None
    if isinstance(raw, str) and raw.strip() in ABSENT_SPELLINGS:
        if note and note not in TRANSFER_NOTES:
            raise Invalid("mark_note_invalid", field="note", note=note)
        return Cell(absent=True, note=note)
    if note:
        raise Invalid("mark_note_invalid", field="note", note=note)
    score = _whole_number(raw)
    if score is None or not 0 <= score <= 100:
        raise Invalid("mark_invalid", field=field, value=raw)
    return Cell(score=score)


def _whole_number(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    if isinstance(raw, Decimal):
        return int(raw) if raw.is_finite() and raw == raw.to_integral_value() else None
    if not isinstance(raw, str):
        return None
    # Only 0-9: str.isdecimal() and int() take any script's digits ("٨٥", "８５", "𝟖𝟓" → 85);
    # at most 10 of them (a huge digit string exceeds int()'s limit).
    text = raw.strip()
    return int(text) if ASCII_WHOLE.fullmatch(text) else None


def cell_text(cell: Cell | None) -> str | None:
    """How a cell is written in the history and shown: ``85``, ``н/б``, ``н/б (перезачет)``."""
    return None if cell is None else str(cell)


__all__ = ["ABSENT", "parse_cell", "cell_text"]


# The kk pages name midterms РК1, РК2 as the grid and the documents do (АБ would read as
# ағымдағы бақылау, the current control).
CONTROL_LABELS = {"RK1": {"kk": "РК1", "ru": "РК1", "en": "Midterm 1"},
                  "RK2": {"kk": "РК2", "ru": "РК2", "en": "Midterm 2"},
                  "EXAM": {"kk": "Емтихан", "ru": "Экзамен", "en": "Exam"}}


def column_label(column: str, lang: str) -> str:
    """How a person names a journal column: a lesson by its date, a control by its name."""
    return column_names(column).get(lang) or column_names(column)["ru"]


def column_names(column: str) -> dict[str, str]:
    """A column's name in each language (a refusal's parameter is said in the user's)."""
    if column in CONTROL_LABELS:
        return CONTROL_LABELS[column]
    year, month, day = (column.split("-") + ["", "", ""])[:3]
    shown = f"{day}.{month}.{year}" if day else column
    return {"kk": shown, "ru": shown, "en": shown}
