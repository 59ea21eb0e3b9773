"""The register's search as an XLSX workbook (openpyxl): a bold header row, set widths, dates
as dates, and every text as inert text.

Inert text: what people typed (a discipline, a name, a reason) must never become a formula.
openpyxl writes a string beginning with ``=`` as a formula, and Excel or LibreOffice may take
``+``, ``-``, ``@`` or a leading tab/CR as the start of one when the cell is edited or the
sheet is saved as CSV. Such a cell is written as a string with Excel's quote prefix (the
apostrophe Excel itself shows for text typed as ``'=…``): the value stays exactly what was
typed, shown literally, and stays text when edited.
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

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_TIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(NamedTuple):
    header: str
    width: float   # in characters, as Excel measures a column


def inert_cell(ws, value: str, font: Font | None = None) -> WriteOnlyCell:
    """A text cell that is never a formula (see the module's note)."""
    cell = WriteOnlyCell(ws, value)
    if value.startswith(FORMULA_START):
        cell.data_type = "s"       # openpyxl took "=…" for a formula: it is data
        cell.quotePrefix = True    # and Excel keeps it text when the cell is edited
    if font is not None:
        cell.font = font
    return cell


def _cell(ws, value):
    if isinstance(value, str):
        return inert_cell(ws, value)
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
        cell = inert_cell(ws, str(column.header), font=bold)
        cell.alignment = wrap
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_cell(ws, value) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
