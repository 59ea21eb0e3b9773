"""Journal cell values as people type them: ``85``, ``н/б``, ``н/б`` + ``перезачет`` (SPEC §3)."""
from __future__ import annotations

from .errors import Invalid
from .grading import ABSENT, TRANSFER_NOTES, Cell

# Spellings people type for "absent"; all stored as н/б.
ABSENT_SPELLINGS = {"н/б", "н", "нб", "н/Б", "Н/Б", "Н", "НБ"}


def parse_cell(raw, note: str | None = None, field: str = "value") -> Cell | None:
    """Validate a typed value; ``None`` or an empty string clears the cell."""
    if isinstance(raw, dict):  # the dataset's {"value": "н/б", "note": "перезачет"}
        raw, note = raw.get("value"), raw.get("note", note)
    note = (note or "").strip() or None
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
    text = str(raw).strip()
    # isdecimal, not isdigit: "²" is a digit int() refuses; a huge digit string exceeds int()'s limit.
    if not text.isdecimal() or len(text) > 10:
        return None
    return int(text)


def cell_text(cell: Cell | None) -> str | None:
    """How a cell is written in the history and shown: ``85``, ``н/б``, ``н/б (перезачет)``."""
    return None if cell is None else str(cell)


__all__ = ["ABSENT", "parse_cell", "cell_text"]
