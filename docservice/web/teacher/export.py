"""A journal as an XLSX workbook, as the grid shows it: the marks of every lesson and control,
then the absences among the lessons held (a count and a share), ТК, РД, the final mark, the
letter and the result — what a teacher or a dean's office takes to Excel. Marks and results are numbers (Excel sums them); н/б and every name are text,
inert (``documents.register_xlsx.workbook``: nothing typed becomes a formula)."""
from __future__ import annotations

from flask_babel import gettext as _

from ...documents.register_xlsx import Column, workbook


def journal_xlsx(view: dict) -> bytes:
    """``view``: ``grid.grid(...)``, in the language the workbook is written in."""
    j = view["journal"]
    columns = [Column("№", 5), Column(_("Student"), 34), Column(_("Record book"), 12)]
    columns += [Column(c["label"], 8 if c["kind"] == "lesson" else 9) for c in view["columns"]]
    columns += [Column(_("Absences"), 9), Column(_("Absences, %"), 9), Column(_("CC"), 8), Column(_("AR"), 8), Column(_("Final"), 8), Column(_("Letter"), 7),
                Column(_("Result"), 18)]
    rows = []
    for row in view["rows"]:
        cells = [_value(row["cells"][c["key"]]) for c in view["columns"]]
        result = row["result"] or {}
        absences = row["attendance"]
        rows.append([row["n"], row["full_name"], row["student"], *cells, absences["absent"], absences["share"],
                     result.get("tk"), result.get("rd"), result.get("final"), result.get("letter") or None,
                     (result.get("shown") or {}).get("status") or None])
    return workbook(f"{j['code']} {j['group']}", columns, rows)


def _value(cell: dict):
    """A mark as a number; н/б (and н/б (п)) as the grid writes them; nothing for an empty cell."""
    if cell["value"] is None:
        return None
    return cell["value"] if isinstance(cell["value"], int) else cell["text"]
