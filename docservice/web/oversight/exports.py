"""The registrar's and dean's pages as XLSX workbooks (``documents.register_xlsx``, as the
register and the journal export write them): the monitoring's tables and the summary
vedomost of a group (students × disciplines). Figures, finals and GPA are numbers (Excel sums
them); every name is inert text, never a formula. Column titles in the interface language."""
from __future__ import annotations

import re
from urllib.parse import quote

from flask_babel import gettext as _

from ...documents.register_xlsx import MIME, Column, Sheet, workbook_of
from .common import LEVELS


def xlsx_response(content: bytes, name: str) -> tuple:
    """A workbook to download as ``name``.xlsx (a group's code is Cyrillic: RFC 6266's
    ``filename*``, with a plain fallback for old clients)."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"
    return content, 200, {"Content-Type": MIME, "Cache-Control": "no-store",
                          "Content-Disposition": f"attachment; filename=\"{plain}.xlsx\"; "
                                                 f"filename*=UTF-8''{quote(name + '.xlsx')}"}


def monitoring_xlsx(year: str, counts: list[dict], report: dict, lang: str, due_days: int) -> bytes:
    """``counts``: ``data.journal_counts``; ``report``: ``data.monitoring_report`` — what the page shows."""
    def department(line: dict, code_key: str) -> str:
        found = line.get("department_obj")
        return found.name(lang) if found else line[code_key]

    def level(name: str | None) -> str | None:
        return str(LEVELS[name]) if name else None

    journals = Sheet(f"{_('Journals by department')} {year}", [
        Column(_("Department"), 40), Column(_("Journals"), 10), Column(_("Open"), 10),
        Column(_("Due within %(n)s days", n=due_days), 12), Column(_("Closed"), 10),
        Column(_("Locked at the deadline"), 14), Column(_("Closed late or overdue"), 14)],
        [[department(c, "department"), c["total"], c["open"], c["due_soon"], c["closed"], c["locked"],
          c["closed_late"]] for c in counts])
    departments = Sheet(_("Reopenings by department"), [
        Column(_("Department"), 40), Column(_("Reopenings"), 12), Column(_("Disciplinary level"), 22)],
        [[department(d, "code"), d["reopenings"], level(d["level"])] for d in report["departments"]])
    teachers = Sheet(_("Reopenings by teacher"), [
        Column(_("Teacher"), 36), Column(_("Department"), 36), Column(_("Reopenings"), 12),
        Column(_("with grade change"), 14), Column(_("Disciplinary level"), 22),
        Column(_("Memo to the vice-rector"), 14)],
        [[t["full_name"], department(t, "department"), t["reopenings"], t["with_change"], level(t["level"]),
          _("yes") if t["memo"] else None] for t in report["teachers"]])
    return workbook_of([journals, departments, teachers])


def summary_sheet(context: dict, words: dict) -> Sheet:
    """One group's summary vedomost (the document's own ``build_context``), titled in the
    document's own words (``documents.rendering.words``): a row per student — each
    discipline's final % and letter (or the status word: not admitted, absent), credits
    earned, GPA — then the group's averages."""
    columns = [Column(words["number"], 5), Column(words["full_name"], 34), Column(words["record_book"], 14)]
    for item in context["items"]:
        columns += [Column(f"{item['code']} {item['name']} ({item['credits']} {words['credits_short']}), %", 16),
                    Column(f"{item['code']}: {_('letter grade')}", 12)]
    columns += [Column(words["credits_earned"], 11), Column(words["gpa"], 8)]
    rows = []
    for row in context["rows"]:
        cells = []
        for cell in row["cells"]:
            cells += [int(cell["pct"]) if cell["pct"] else None, cell["word"] or cell["letter"] or None]
        rows.append([row["n"], row["full_name"], row["record_book"], *cells, row["credits"], row["gpa"]])
    footer = [None, words["average"], None]
    for average in context["averages"]:
        footer += [average, None]
    rows.append([*footer, None, context["mean_gpa"]])
    return Sheet(context["group"], columns, rows)


def summary_xlsx(contexts: list[dict], words: dict) -> bytes:
    """A sheet per group."""
    return workbook_of([summary_sheet(context, words) for context in contexts])
