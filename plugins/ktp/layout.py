"""The Word template of the KTP (``flask docs build-templates --type ktp`` writes it), in the
words of ``templates_<lang>/ktp.toml`` (the PDF layouts' words too)."""
from docx.shared import Pt

from docservice.documents.docx_builder import (
    ALIGN, _cell, grid, new_document, para, registration, signatures,
)

CELLS = ["{{ r.n }}", "{{ r.date }}", "{{ r.time }}", "{{ r.topic }}", "{{ r.hours|num }}",
         "{{ r.teacher }}", "{{ r.room }}"]
WIDTHS = [9, 19, 21, 51, 23, 30, 17]  # 170 mm: the page width inside the margins
ONE_LINE = {1: "00.00.0000", 2: "00:00-00:00"}  # a lesson's date and time never wrap
# The Jinja expressions that fill the {name} places of the words.
HEADING = {name: f"{{{{ {name} }}}}" for name in ("specialty", "course", "discipline", "lesson_type", "lesson_type_cap")}
PROTOCOL = {name: f"{{{{ protocol.{name} }}}}" for name in ("no", "date", "year", "day", "month", "month_of")}


def make_template(w: dict, lang: str):
    """The template from the type's words ``w`` in ``lang``; the words' {name} places are filled
    with the Jinja expressions of the context."""
    doc = new_document(lang, size=12)
    para(doc, "{{ department.name }}", align="center")
    para(doc, w["title"].upper(), bold=True, align="center", space_after=4)
    para(doc, w["heading"].format(**HEADING), align="center")
    para(doc, w["year"].format(first="{{ year.first }}", second="{{ year.second }}"), align="center", space_after=8)
    table = grid(doc, w["columns"], CELLS, WIDTHS, loop="r in rows", size=10, one_line=ONE_LINE)
    for cell in table.rows[0].cells:  # the long header words fit their columns at 9 pt
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(9)
    row = table.rows[2]  # the repeated row: the topic aligned left, the rest centred
    for j, cell in enumerate(row.cells):
        cell.paragraphs[0].alignment = ALIGN["left" if j == 3 else "center"]
    widths = [column.width for column in table.columns]  # as grid fitted them to their words
    total = table.add_row()
    merged = total.cells[0].merge(total.cells[3])
    merged.width = sum(widths[:4])
    _cell(merged, w["total"], bold=True, size=10)
    _cell(total.cells[4], "{{ total_hours|num }}", bold=True, size=10, align="center")
    for j in (4, 5, 6):
        total.cells[j].width = widths[j]
    for cell in total.cells:  # the total, the approval and the signature on one page
        for line in cell.paragraphs:
            line.paragraph_format.keep_with_next = True
    p = para(doc, w["approval"].format(**PROTOCOL))
    p.paragraph_format.space_before = Pt(10)
    p.paragraph_format.keep_with_next = True
    signatures(doc, [(w["head"], "{{ head.short_name }}")], size=12)
    registration(doc, lang)
    return doc
