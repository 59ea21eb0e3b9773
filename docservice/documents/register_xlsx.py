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


def workbook(title: str, columns: list[Column], rows: Iterable[Iterable]) -> bytes:
    """One sheet: ``columns``' headers, then ``rows`` (str, date, datetime, numbers or None)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])  # Excel's limit for a sheet's name
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
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
