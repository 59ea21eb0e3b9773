"""Spreadsheets in and out, safely (issue 11).

Out — every CSV or XLSX cell the app writes goes through one helper, so that text a user typed
(a discipline named ``=HYPERLINK("http://…","x")``) is shown as text, never run as a formula:

* :func:`inert` — for CSV and any plain-text cell: a value beginning with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading apostrophe (what Excel and LibreOffice
  show as the text itself); anything else, and every non-text value, is returned unchanged.
* :func:`inert_cell` — for an openpyxl cell (``WriteOnlyCell`` or a normal one): the value is
  kept exactly as it is (an exported dataset imports again unchanged) and the cell is made a
  text cell with Excel's *quote prefix*, so neither opening nor editing it makes a formula.

In — :func:`check_xlsx` looks at a workbook before openpyxl is let near it: the file's size,
the number of parts of the ZIP, each part's and the total unpacked size (the sizes the ZIP
declares, which the reader cannot exceed: ``zipfile`` stops at the declared size), then every
XML part streamed through ``defusedxml`` (no DTD, no entities) counting rows, cells, the
highest column and the shared strings. A workbook over a limit is refused with a kk/ru/en
message before anything is unpacked; memory and time stay bounded by the limits
(``XLSX_MAX_*`` settings, defaults below).
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, fields, replace
from typing import Any
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from .errors import DatasetError

# --- out -----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text: ``'=1+1`` for ``=1+1``; others unchanged."""
    return "'" + value if is_formula_like(value) else value


def inert_cell(cell):
    """An openpyxl cell whose text value can never become a formula: its value unchanged, a
    text cell (``t="s"``/inline string) with the quote prefix when it looks like one."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if is_formula_like(cell.value):
            cell.quotePrefix = True
    return cell


# --- in ------------------------------------------------------------------------------------

MB = 1024 * 1024


@dataclass(frozen=True)
class XlsxLimits:
    """What a workbook may hold. The defaults fit a whole university's dataset many times;
    each is a setting: ``XLSX_MAX_FILE_BYTES`` … ``XLSX_MAX_SHARED_STRINGS``."""

    file_bytes: int = 50 * MB          # the .xlsx file itself
    parts: int = 1000                  # members of the ZIP
    unpacked_bytes: int = 200 * MB     # all members, unpacked
    part_bytes: int = 120 * MB         # one member (a sheet's XML), unpacked
    shared_strings_bytes: int = 40 * MB  # xl/sharedStrings.xml, which openpyxl keeps in memory whole
    shared_strings: int = 1_000_000    # strings in it
    rows: int = 1_000_000              # rows of all sheets (and the highest row number of one)
    columns: int = 200                 # the highest column of a cell (openpyxl pads rows up to it)
    cells: int = 5_000_000             # cells of all sheets

    @classmethod
    def from_config(cls, **overrides) -> XlsxLimits:
        """The app's ``XLSX_MAX_*`` settings where there is an app, else the defaults."""
        values = {}
        try:
            from flask import current_app

            config = current_app.config
            for f in fields(cls):
                key = f"XLSX_MAX_{f.name.upper()}"
                if config.get(key) is not None:
                    values[f.name] = int(config[key])
        except RuntimeError:  # no app: the defaults
            pass
        return replace(cls(**values), **overrides)


def check_xlsx(source, where: str = "xlsx", limits: XlsxLimits | None = None):
    """Check a workbook (a path, bytes or a binary file) against ``limits``; returns what to
    give ``openpyxl.load_workbook`` (the path, or a seekable file at its start). Raises
    ``DatasetError`` naming ``where`` for a file that is not a workbook or is over a limit."""
    limits = limits or XlsxLimits.from_config()
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            size = os.path.getsize(source)
        except OSError as exc:
            raise DatasetError("dataset_unreadable", where=where, detail=exc.strerror or str(exc)) from None
        _at_most(size, limits.file_bytes, where, part="*.xlsx")
    else:
        source = _seekable(source, limits.file_bytes, where)
    try:
        with zipfile.ZipFile(_counted(source, limits, where)) as archive:
            _check_archive(archive, limits, where)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise DatasetError("dataset_unreadable", where=where, detail=f"not an .xlsx workbook ({exc})") from None
    if not isinstance(source, (str, os.PathLike)):
        source.seek(0)
    return source


def _seekable(stream, limit: int, where: str):
    """A binary file that can be read twice, read at most up to ``limit`` bytes."""
    try:
        if stream.seekable():
            start = stream.tell()
            stream.seek(0, os.SEEK_END)
            size = stream.tell() - start
            stream.seek(start)
            _at_most(size, limit, where, part="*.xlsx")
            return stream
    except (AttributeError, OSError):
        pass  # not seekable (an upload stream): read it once below, at most limit + 1 bytes
    data = stream.read(limit + 1)
    _at_most(len(data), limit, where, part="*.xlsx")
    return io.BytesIO(data)


def _counted(source, limits: XlsxLimits, where: str):
    """The ZIP's own count of members, read from its end record before ``zipfile`` builds an
    object for each of them."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fp:
            end = zipfile._EndRecData(fp)  # the one reader of the end record
    else:
        end = zipfile._EndRecData(source)
        source.seek(0)
    if end is None:
        raise zipfile.BadZipFile("no end of central directory")
    _too_many(end[zipfile._ECD_ENTRIES_TOTAL], limits.parts, where, "parts")
    return source


def _check_archive(archive: zipfile.ZipFile, limits: XlsxLimits, where: str) -> None:
    members = archive.infolist()
    _too_many(len(members), limits.parts, where, "parts")
    total = 0
    for info in members:
        limit = limits.shared_strings_bytes if _is_shared_strings(info.filename) else limits.part_bytes
        _at_most(info.file_size, limit, where, part=info.filename)
        total += info.file_size
        _at_most(total, limits.unpacked_bytes, where, part="*")
    counter = _Counter(limits, where)
    for info in members:
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        counter.scan(archive, info)


def _is_shared_strings(name: str) -> bool:
    return name.lower().rsplit("/", 1)[-1] == "sharedstrings.xml"


class _CountingParser(DefusedExpatParser):
    """defusedxml's SAX reader (no DTD, no entity, nothing external), whose element starts go
    straight to ``on_start`` — no SAX objects per element, and character data is not even
    passed up: a sheet of millions of cells is counted in about a second."""

    def __init__(self, on_start):
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.on_start = on_start

    def reset(self):
        super().reset()  # the defused handlers are set here
        self._parser.StartElementHandler = self.on_start
        self._parser.EndElementHandler = None
        self._parser.CharacterDataHandler = None


class _Counter:
    """Counts rows, cells and shared strings of the XML parts as they stream past (nothing is
    kept), and stops at the first limit passed."""

    def __init__(self, limits: XlsxLimits, where: str):
        self.limits, self.where = limits, where
        self.rows = self.cells = self.strings = 0

    def scan(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        parser = _CountingParser(self.start)
        parser.setContentHandler(ContentHandler())
        try:
            with archive.open(info) as stream:
                for chunk in iter(lambda: stream.read(1 << 16), b""):
                    parser.feed(chunk)
            parser.close()
        except DefusedXmlException:
            raise DatasetError("xlsx_unsafe_xml", where=self.where, part=info.filename) from None
        except SAXException as exc:
            raise DatasetError("dataset_unreadable", where=self.where,
                               detail=f"{info.filename}: {exc.getMessage()}") from None

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.cells += 1
            if self.cells > self.limits.cells:
                _too_many(self.cells, self.limits.cells, self.where, "cells")
            ref = attrs.get("r")
            if ref:
                self._reference(ref)
        elif local == "row":
            self.rows += 1
            _too_many(self.rows, self.limits.rows, self.where, "rows")
            number = attrs.get("r")
            if number and number.isascii() and number.isdigit():
                _too_many(int(number), self.limits.rows, self.where, "rows")
        elif local == "si":
            self.strings += 1
            _too_many(self.strings, self.limits.shared_strings, self.where, "shared_strings")

    def _reference(self, ref: str) -> None:
        letters = ref.rstrip("0123456789")
        if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
            return  # not a reference openpyxl reads either
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        _too_many(column, self.limits.columns, self.where, "columns")
        digits = ref[len(letters):]
        if digits:
            _too_many(int(digits), self.limits.rows, self.where, "rows")


# What is counted, as the messages say it (kk, ru, en).
COUNTED = {"parts": ("бөлік", "частей", "parts"), "rows": ("жол", "строк", "rows"),
           "cells": ("ұяшық", "ячеек", "cells"), "columns": ("баған", "столбцов", "columns"),
           "shared_strings": ("ортақ жол", "общих строк", "shared strings")}


def _at_most(found: int, limit: int, where: str, part: str) -> None:
    if found > limit:
        raise DatasetError("xlsx_too_large", where=where, part=part, found=_mb(found), limit=_mb(limit))


def _too_many(found: int, limit: int, where: str, counted: str) -> None:
    if found > limit:
        kk, ru, en = COUNTED[counted]
        raise DatasetError("xlsx_too_many", where=where, counted=counted, found=found, limit=limit,
                           counted_kk=kk, counted_ru=ru, counted_en=en)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


__all__ = ["FORMULA_STARTS", "XlsxLimits", "check_xlsx", "inert", "inert_cell", "is_formula_like"]
