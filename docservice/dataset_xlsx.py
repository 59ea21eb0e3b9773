"""The exchange format ``docservice-dataset/1`` as an Excel workbook (SPEC §7).

People who keep these lists in Excel can import the same data as a ``.xlsx`` file.
``read_workbook`` turns a workbook into exactly the dict the JSON file would give (the
importer validates and stores it); ``write_workbook`` does the reverse, so an export can
be edited and imported again.

Layout
------
One sheet per collection. Row 1 holds the column names; every further row is one record;
empty rows are skipped. Sheet and column names are matched ignoring case and surrounding
spaces. Columns marked *(opt)* may be left out of the sheet; the others must be there.

=================  ==========================================================================
Sheet              Columns
=================  ==========================================================================
info               key, value — one row per top-level value: ``format``, ``academic_year``,
                   ``university.name_kk``, ``university.name_ru``, ``university.short_kk``,
                   ``university.short_ru``. Values are text.
settings *(opt)*   key (``it_department_head``, ``registrar_head``, ``vice_rector``),
                   full_name_kk, full_name_ru, position_kk, position_ru, to_kk *(opt)*,
                   to_ru *(opt)* (the addressee line as printed: ru in the dative)
schools            code, name_kk, name_ru, dean *(opt)*
departments        code, school, name_kk, name_ru, head *(opt)*
programs           code, name_kk, name_ru, school
staff              login, full_name, position_kk *(opt)*, position_ru *(opt)*,
                   position_from_kk *(opt)*, position_from_ru *(opt)* (after «от»: ru genitive),
                   department *(opt)*, school *(opt)*, email *(opt)*, roles
groups             code, program, course, language
students           id (record-book number), full_name, group
curriculum         code, name_kk, name_ru, kind, credits, department, program, course,
                   semester, control *(opt)*, scheme *(opt)* (the item's own assessment
                   rules as JSON text, e.g. ``{"rd_weight": 0.5, "exam_weight": 0.5}``)
curriculum_parts   item (curriculum code), code, name_kk, name_ru, credits *(opt)*,
  *(opt)*          department — blocks of an ``integrated`` item, parts of a ``module``
journals           id, curriculum_item, part *(opt)*, group, period, teachers,
                   final_control
lessons *(opt)*    journal (journal id), date, time *(opt)*, topic_kk *(opt)*,
                   topic_ru *(opt)*, type *(opt)*, hours *(opt)*, room *(opt)*
marks *(opt)*      journal, student, column, value, note *(opt)*
=================  ==========================================================================

Cells
-----
* ``<key>_kk`` / ``<key>_ru`` columns hold the two halves of a ``{"kk": ..., "ru": ...}``
  object (``name``, ``position``, ``topic``, ``full_name``).
* ``roles`` and ``teachers`` hold a comma-separated list of logins in one cell.
* ``curriculum_parts`` and ``lessons`` rows follow their item/journal in sheet order; they
  become the ``blocks`` / ``parts`` list of the curriculum item (its ``kind`` says which)
  and the ``lessons`` list of the journal.
* A mark ``value`` is 0–100 or ``н/б``; a ``note`` (``перезачет``) turns it into
  ``{"value": "н/б", "note": "перезачет"}``.
* An empty cell means the key is absent, except ``staff.department`` and ``journals.part``,
  which become ``null`` as in the JSON, and ``roles`` / ``teachers``, which become ``[]``.
* Dates may be typed as real Excel dates; they are read as ISO strings (``2026-11-11``).
  Codes, ids and logins typed as numbers are read as text (``24010001``, not ``24010001.0``);
  whole numbers in number columns are read as ints (``85``, not ``85.0``).
* Other columns are kept: an unknown column ``foo`` becomes key ``foo`` of the record, and
  ``foo_kk`` / ``foo_ru`` become ``"foo": {"kk": ..., "ru": ...}``.
"""
from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import zip_longest
from typing import Any, BinaryIO, Iterator, Union

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from .errors import DatasetError, DomainError
from .messages import LANGUAGES
from .safe_input import loads as json_loads
from .spreadsheets import check_xlsx, inert_cell

__all__ = ["read_workbook", "write_workbook", "dataset_to_xlsx_bytes"]

Source = Union[str, os.PathLike, BinaryIO, bytes]


@dataclass(frozen=True)
class _Sheet:
    name: str
    columns: tuple[str, ...]   # written first, in this order; any other keys follow
    required: frozenset[str]   # a workbook without one of these columns is refused
    numbers: frozenset[str]    # the other declared columns are text
    lists: frozenset[str]      # comma-separated in one cell
    nulls: frozenset[str]      # an empty cell is JSON null rather than an absent key
    children: frozenset[str]   # nested lists kept on another sheet
    optional_sheet: bool
    jsons: frozenset[str] = frozenset()  # structured values, written as JSON text in one cell

    def kind(self, column: str) -> str | None:
        if column in self.numbers:
            return "number"
        return "text" if column in self.columns else None


def _sheet(name, columns, *, optional="", numbers="", lists="", nulls="", children="",
           optional_sheet=False, jsons="") -> _Sheet:
    columns = tuple(columns.split())
    return _Sheet(name, columns, frozenset(columns) - frozenset(optional.split()),
                  frozenset(numbers.split()), frozenset(lists.split()), frozenset(nulls.split()),
                  frozenset(children.split()), optional_sheet, frozenset(jsons.split()))


INFO = _sheet("info", "key value")
SETTINGS = _sheet("settings", "key full_name_kk full_name_ru position_kk position_ru to_kk to_ru",
                  optional="to_kk to_ru", optional_sheet=True)
SCHOOLS = _sheet("schools", "code name_kk name_ru dean", optional="dean")
DEPARTMENTS = _sheet("departments", "code school name_kk name_ru head", optional="head")
PROGRAMS = _sheet("programs", "code name_kk name_ru school")
STAFF = _sheet("staff", "login full_name position_kk position_ru position_from_kk position_from_ru department "
                        "school email roles",
               optional="position_kk position_ru position_from_kk position_from_ru department school email",
               lists="roles", nulls="department")
GROUPS = _sheet("groups", "code program course language", numbers="course")
STUDENTS = _sheet("students", "id full_name group")
CURRICULUM = _sheet("curriculum",
                    "code name_kk name_ru kind credits department program course semester control scheme",
                    optional="control scheme", numbers="credits course semester", children="blocks parts",
                    jsons="scheme")
CURRICULUM_PARTS = _sheet("curriculum_parts", "item code name_kk name_ru credits department",
                          optional="credits", numbers="credits", optional_sheet=True)
JOURNALS = _sheet("journals", "id curriculum_item part group period teachers final_control",
                  optional="part final_control", lists="teachers", nulls="part",
                  children="lessons")
LESSONS = _sheet("lessons", "journal date time topic_kk topic_ru type hours room",
                 optional="time topic_kk topic_ru type hours room", numbers="hours",
                 optional_sheet=True)
MARKS = _sheet("marks", "journal student column value note", optional="note", numbers="value",
               optional_sheet=True)

# Top-level lists of the JSON, each stored on the sheet of the same name.
_COLLECTIONS = (SCHOOLS, DEPARTMENTS, PROGRAMS, STAFF, GROUPS, STUDENTS, CURRICULUM, JOURNALS,
                MARKS)
_NOT_INFO = {"settings"} | {sheet.name for sheet in _COLLECTIONS}
_INTEGER = re.compile(r"[+-]?[0-9]+")  # 0-9 only: \d (and int()) read "٨٥" as 85
_LIST_SEPARATORS = re.compile(r"[,;\n]")


# --- writing -------------------------------------------------------------------------------

def write_workbook(dataset: dict, target: Union[str, os.PathLike, BinaryIO]) -> None:
    """Write ``dataset`` (the JSON dict) to ``target``, a path or a binary file object."""
    wb = Workbook(write_only=True)
    _write_sheet(wb, INFO, _info_rows(dataset))
    _write_sheet(wb, SETTINGS, ({"key": key, **value}
                                for key, value in (dataset.get("settings") or {}).items()))
    for sheet in _COLLECTIONS:
        records = _marks_rows(dataset) if sheet is MARKS else dataset.get(sheet.name) or ()
        _write_sheet(wb, sheet, records)
        # nested lists get a sheet of their own, right after their parents'
        if sheet is CURRICULUM:
            _write_sheet(wb, CURRICULUM_PARTS,
                         _child_rows(dataset, "curriculum", "code", "item", ("blocks", "parts")))
        elif sheet is JOURNALS:
            _write_sheet(wb, LESSONS,
                         _child_rows(dataset, "journals", "id", "journal", ("lessons",)))
    wb.save(target)


def dataset_to_xlsx_bytes(dataset: dict) -> bytes:
    buffer = io.BytesIO()
    write_workbook(dataset, buffer)
    return buffer.getvalue()


def _info_rows(dataset: dict) -> Iterator[dict]:
    for key, value in dataset.items():
        if key in _NOT_INFO:
            continue
        if isinstance(value, dict):
            for column, text in _flatten(value, INFO).items():
                yield {"key": f"{key}.{column}", "value": text}
        else:
            yield {"key": key, "value": value}


def _child_rows(dataset, collection, id_key, link, child_keys) -> Iterator[dict]:
    for parent in dataset.get(collection) or ():
        for child_key in child_keys:
            for child in parent.get(child_key) or ():
                yield {link: parent.get(id_key), **child}


def _marks_rows(dataset) -> Iterator[dict]:
    for mark in dataset.get("marks") or ():
        value = mark.get("value")
        # {"value": "н/б", "note": "перезачет"} spreads into the value and note columns
        yield {**mark, **value} if isinstance(value, dict) else mark


def _write_sheet(wb: Workbook, sheet: _Sheet, records) -> None:
    rows = [_flatten(record, sheet) for record in records]
    header = dict.fromkeys(sheet.columns)
    for row in rows:
        header.update(dict.fromkeys(row))  # unknown keys become extra columns, first seen first
    ws = wb.create_sheet(sheet.name)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_text_cell(ws, column, font=bold) for column in header])
    for row in rows:
        ws.append([_text_cell(ws, value) if isinstance(value, str) else value
                   for value in map(row.get, header)])


def _text_cell(ws, value: str, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    # Text format keeps what a person later types there ("24010001", "2026-09-02") as text.
    cell.number_format = "@"
    # Data, never a formula: "=HYPERLINK(…)" stays text, also when edited (spreadsheets.inert_cell);
    # the value itself is kept, so the file imports again unchanged.
    inert_cell(cell)
    if font:
        cell.font = font
    return cell


def _flatten(record: dict, sheet: _Sheet) -> dict:
    flat = {}
    for key, value in record.items():
        if key in sheet.children:
            continue
        if key in sheet.jsons:
            flat[key] = None if value is None else json.dumps(value, ensure_ascii=False)
        elif key in sheet.lists and isinstance(value, list):
            flat[key] = ", ".join(map(str, value)) or None
        elif _is_translation(value):
            flat.update((f"{key}_{lang}", text) for lang, text in value.items())
        elif _is_scalar(value):
            flat[key] = value
        else:
            # Refuse rather than lose data an export cannot represent.
            raise TypeError(f"sheet {sheet.name}: {key!r} cannot be written to a cell: {value!r}")
    return flat


def _is_translation(value) -> bool:
    return (isinstance(value, dict) and set(value) <= set(LANGUAGES)
            and all(map(_is_scalar, value.values())))


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, date))


# --- reading -------------------------------------------------------------------------------

def read_workbook(source: Source) -> tuple[dict, dict]:
    """Read a workbook into ``(dataset, origins)``.

    ``dataset`` is the JSON dict; ``origins`` maps a path in it (``"students[5]"``,
    ``"journals[2].lessons[3]"``, ``"settings.vice_rector"``, ``"university.name.kk"``)
    to where a person finds it (``"students, row 7"``), for the importer's error messages.
    Raises ``DatasetError`` for a file that is not a workbook, a missing sheet or column,
    and a lesson or curriculum part whose journal / item is not there.
    """
    where = _file_name(source)
    # Sizes, parts, rows, cells and shared strings are counted before openpyxl unpacks anything.
    source = check_xlsx(source, where)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DatasetError("dataset_unreadable", where=where,
                           detail=f"not an .xlsx workbook ({exc})") from exc
    try:
        return _read(wb, where)
    finally:
        wb.close()  # read-only workbooks keep the file open until closed


def _read(wb, file_where: str) -> tuple[dict, dict]:
    titles = {title.strip().lower(): title for title in wb.sheetnames}

    def rows(sheet: _Sheet) -> Iterator[tuple[str, dict]]:
        title = titles.get(sheet.name)
        if title is not None:
            return _sheet_rows(wb[title], sheet)
        if sheet.optional_sheet:
            return iter(())
        raise DatasetError("sheet_missing", where=file_where, sheet=sheet.name)

    dataset: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for where, row in rows(INFO):
        _read_info_row(dataset, origins, where, row)

    settings = dataset["settings"] = {}
    for where, record in rows(SETTINGS):
        key = record.pop("key", None)
        if key is None:
            raise DatasetError("field_required", where=where, field="key")
        if key in settings:
            raise DatasetError("duplicate_key", where=where, field="key", key=key)
        settings[key] = record
        origins[f"settings.{key}"] = where

    for sheet in _COLLECTIONS:
        records = dataset[sheet.name] = []
        for where, record in rows(sheet):
            if sheet is MARKS and "note" in record:
                record["value"] = {"value": record.get("value"), "note": record.pop("note")}
            origins[f"{sheet.name}[{len(records)}]"] = where
            records.append(record)

    for item in dataset["curriculum"]:
        if item.get("kind") in ("integrated", "module"):
            item[_parts_key(item)] = []
    _attach(dataset, origins, "curriculum", "code", rows(CURRICULUM_PARTS), "item", _parts_key)
    for journal in dataset["journals"]:
        journal["lessons"] = []
    _attach(dataset, origins, "journals", "id", rows(LESSONS), "journal", lambda journal: "lessons")
    return dataset, origins


def _parts_key(item: dict) -> str:
    # A discipline's stray rows go to "parts" so that the importer sees and rejects them.
    return "blocks" if item.get("kind") == "integrated" else "parts"


def _read_info_row(dataset: dict, origins: dict, where: str, row: dict) -> None:
    key, value = row.get("key"), row.get("value")
    if key is None or value is None:
        return
    top, _, column = key.partition(".")
    if column:  # "university.name_kk" -> dataset["university"]["name"]["kk"]
        _put(dataset.setdefault(top, {}), column, value)
    elif top in dataset:
        raise DatasetError("duplicate_key", where=where, field="key", key=key)
    else:
        dataset[top] = value
    path = [top, *filter(None, _split_lang(column))]
    for end in range(1, len(path) + 1):  # "university", "university.name", "university.name.kk"
        origins.setdefault(".".join(path[:end]), where)


def _attach(dataset, origins, collection, id_key, rows, link, child_key) -> None:
    """Put each child row into the list of the parent its ``link`` column names."""
    parents = dataset[collection]
    index: dict[Any, int] = {}
    for position, parent in enumerate(parents):
        index.setdefault(parent.get(id_key), position)  # duplicates are the importer's to report
    for where, record in rows:
        ref = record.pop(link, None)
        if ref is None:
            raise DatasetError("field_required", where=where, field=link)
        if ref not in index:
            raise DatasetError("reference_unknown", where=where, field=link, what=link, key=ref)
        position = index[ref]
        key = child_key(parents[position])
        children = parents[position].setdefault(key, [])
        origins[f"{collection}[{position}].{key}[{len(children)}]"] = where
        children.append(record)


def _sheet_rows(ws, sheet: _Sheet) -> Iterator[tuple[str, dict]]:
    # Some programs store a wrong used range; ignore it and read every row there is.
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    header = [_header(value, sheet) for value in next(rows, ())]
    if sheet.optional_sheet and not any(header):
        return
    for column in sheet.columns:
        if column in sheet.required and column not in header:
            raise DatasetError("column_missing", where=f"{ws.title}, row 1", field=column,
                               column=column)
    for number, values in enumerate(rows, start=2):
        # Rows are as long as their last filled cell: pad, so empty cells still count.
        cells = {column: _normalise(value, sheet.kind(column))
                 for column, value in zip_longest(header, values) if column}
        if any(value is not None for value in cells.values()):
            where = f"{ws.title}, row {number}"
            yield where, _unflatten(cells, sheet, where)


def _header(value, sheet: _Sheet) -> str | None:
    if value is None:
        return None
    column = str(value).strip()
    return column.lower() if column.lower() in sheet.columns else column or None


def _unflatten(cells: dict, sheet: _Sheet, where: str = "") -> dict:
    record: dict[str, Any] = {}
    for column, value in cells.items():
        if column in sheet.jsons and value is not None:
            try:
                record[column] = json_loads(str(value))
            except json.JSONDecodeError as exc:
                raise DatasetError("field_invalid", where=where, field=column, detail=str(exc)) from None
            except DomainError as err:
                raise DatasetError(err.code, where=where, field=column, **err.params) from None
        elif value is None:
            if column in sheet.lists:
                record[column] = []
            elif column in sheet.nulls:
                record[column] = None
        elif column in sheet.lists:
            record[column] = [item.strip() for item in _LIST_SEPARATORS.split(str(value))
                              if item.strip()]
        else:
            _put(record, column, value)
    return record


def _put(record: dict, column: str, value) -> None:
    key, lang = _split_lang(column)
    if lang:
        record.setdefault(key, {})[lang] = value
    else:
        record[column] = value


def _split_lang(column: str) -> tuple[str, str | None]:
    key, _, lang = column.rpartition("_")
    return (key, lang) if key and lang in LANGUAGES else (column, None)


def _normalise(value, kind: str | None):
    """A cell value as the JSON has it: what Excel makes of typed data is undone here."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        return int(value) if kind == "number" and _INTEGER.fullmatch(value) else value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind == "text" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _file_name(source) -> str:
    name = getattr(source, "name", source)
    return os.path.basename(os.fspath(name)) if isinstance(name, (str, os.PathLike)) else "xlsx"
