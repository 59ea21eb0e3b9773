"""Loading a journal's KTP (calendar-thematic plan) from a workbook: its rows become the
journal's lesson columns (SPEC §4.3). Done by the head of the journal's department (or the
methodist), all or nothing; a lesson that already has marks cannot be dropped."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import ValidationError
from sqlalchemy import func, select

from . import policy
from .clock import now as clock_now
from .dataset_schema import LessonSchema
from .errors import DatasetError, DomainError, Invalid
from .journals import record_event
from .models import Journal, Lesson, Mark, db
from .safe_input import ascii_number_errors, check_tree
from .spreadsheets import XlsxLimits, check_xlsx
from .transactions import atomic

COLUMNS = ("date", "time", "topic_kk", "topic_ru", "type", "hours", "room")
# A plan has a row a lesson: a few hundred at most. The workbook is checked against these
# before openpyxl opens it (spreadsheets.check_xlsx); the other limits are the datasets'.
KTP_ROWS = 5_000
KTP_CELLS = 100_000


def read_ktp_workbook(source) -> list[dict]:
    """Rows of the first sheet: a header row with (some of) ``COLUMNS``, then one lesson a row."""
    import openpyxl

    source = check_xlsx(source, "xlsx", XlsxLimits.from_config(rows=KTP_ROWS, cells=KTP_CELLS))
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # not an xlsx at all
        raise DatasetError("dataset_unreadable", where="xlsx", detail=type(exc).__name__) from None
    try:
        return _lessons(sheet)
    finally:
        book.close()


def _lessons(sheet) -> list[dict]:
    sheet.reset_dimensions()  # a stored used range (A1:XFD1048576) would pad every row to it
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip().lower() for c in next(rows, ())]
    if "date" not in header:
        raise DatasetError("column_missing", where="row 1", field="date", column="date")
    lessons = []
    for number, values in enumerate(rows, start=2):
        cells = dict(zip(header, values))
        if all(v in (None, "") for v in cells.values()):
            continue
        raw = _topic({k: _plain(cells.get(k)) for k in COLUMNS if cells.get(k) not in (None, "")})
        try:
            check_tree(raw)
        except DomainError as err:  # a character no lesson column can hold
            raise DatasetError(err.code, where=f"row {number}", **err.params) from None
        not_ascii = ascii_number_errors(LessonSchema(), raw)
        if not_ascii:
            field, messages = next(iter(not_ascii.items()))
            raise DatasetError(messages[0].code, where=f"row {number}", field=field, **messages[0].params)
        try:
            lessons.append(LessonSchema().load(raw))
        except ValidationError as exc:
            field, message = _first(exc.messages)
            raise DatasetError("field_invalid", where=f"row {number}", field=field, detail=message) from None
    return lessons


def _first(messages, path: str = "") -> tuple[str, str]:
    """The first field and message of marshmallow's (possibly nested: topic.kk) errors."""
    key, value = next(iter(messages.items()))
    path = f"{path}.{key}" if path else str(key)
    if isinstance(value, dict):
        return _first(value, path)
    return path, str(value[0] if isinstance(value, list) else value)


def _topic(raw: dict) -> dict:
    kk, ru = raw.pop("topic_kk", None), raw.pop("topic_ru", None)
    raw.pop("topic", None)
    if kk or ru:
        raw["topic"] = {"kk": kk or ru, "ru": ru or kk}
    return raw


def _plain(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return str(value).strip() if isinstance(value, str) else value


@atomic
def load_ktp(actor, journal: Journal, lessons: list[dict]) -> int:
    """Make ``lessons`` the journal's lesson columns; returns how many there are now."""
    at = clock_now()
    policy.require(actor, "journal.ktp", journal, at.date())
    if not lessons:
        raise Invalid("field_required", field="rows")
    new_columns = {row["date"].isoformat() for row in lessons}
    for lesson in list(journal.lessons):
        if lesson.column not in new_columns:
            marks = db.session.scalar(select(func.count(Mark.id)).where(
                Mark.journal_id == journal.id, Mark.column == lesson.column))
            if marks:
                raise Invalid("ktp_lesson_has_marks", field="rows", column=lesson.column, count=marks)
            journal.lessons.remove(lesson)
    by_column = {lesson.column: lesson for lesson in journal.lessons}
    for position, row in enumerate(sorted(lessons, key=lambda r: (r["date"], r.get("time") or ""))):
        column = row["date"].isoformat()
        lesson = by_column.get(column) or Lesson(column=column)
        if column not in by_column:
            journal.lessons.append(lesson)
        topic = row.get("topic") or {}
        lesson.position, lesson.date, lesson.time = position, row["date"], row.get("time")
        lesson.topic_kk, lesson.topic_ru = topic.get("kk"), topic.get("ru")
        lesson.type, lesson.hours, lesson.room = row.get("type"), row.get("hours"), row.get("room")
    record_event(journal, actor, "ktp_loaded", at, lessons=len(lessons))
    return len(lessons)
