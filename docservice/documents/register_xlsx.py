"""The register's search as an XLSX workbook (openpyxl): a bold header row, set widths, dates
as dates, and every text as inert text.

Inert text: what people typed (a discipline, a name, a reason) must never become a formula;
every text cell goes through ``docservice.spreadsheets.inert_cell``, the one guard of every
CSV and XLSX the app writes.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..spreadsheets import inert_cell

DATE_TIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(NamedTuple):
    header: str
    width: float   # in characters, as Excel measures a column


def text_cell(ws, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A text cell that is never a formula (``spreadsheets.inert_cell``)."""
    cell = inert_cell(WriteOnlyCell(ws, value))
    if font is not None:
        cell.font = font
    return cell


def _cell(ws, value):
    if isinstance(value, str):
        return text_cell(ws, value)
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, datetime):
        cell.number_format = DATE_TIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


class Sheet(NamedTuple):
    title: str
    columns: list[Column]
    rows: Iterable[Iterable]   # str, date, datetime, numbers or None


# Excel refuses these in a sheet's name (a period's "2026-2027/1", say).
SHEET_NAME_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


def workbook(title: str, columns: list[Column], rows: Iterable[Iterable]) -> bytes:
    """One sheet: ``columns``' headers, then ``rows`` (str, date, datetime, numbers or None)."""
    return workbook_of([Sheet(title, columns, rows)])


def workbook_of(sheets: Iterable[Sheet]) -> bytes:
    """A sheet for each of ``sheets``, each as ``workbook`` writes its one."""
    wb = Workbook(write_only=True)
    names: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb, _sheet_name(sheet.title, names), sheet.columns, sheet.rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules for a sheet's name: 31 characters, none of ``[]:*?/\\``, unique."""
    base = (str(title).translate(SHEET_NAME_FORBIDDEN).strip() or "-")[:31]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    taken.add(name.lower())
    return name


def _write_sheet(wb: Workbook, name: str, columns: list[Column], rows: Iterable[Iterable]) -> None:
    ws = wb.create_sheet(name)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for column in columns:
        cell = text_cell(ws, str(column.header), font=bold)
        cell.alignment = wrap
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_cell(ws, value) for value in row])
