"""The Word template of the summary vedomost (``flask docs build-templates`` writes it); its words
are those of the PDF, ``templates_<lang>/summary_vedomost.toml``.

Landscape A4. The table has one column per curriculum item, made by docxtpl column loops
(``{%tc for … %}``); the item columns share the width left by the fixed columns, so twelve
disciplines still fit the page. The table grid repeats its item column with a Jinja loop
inside ``w:tblGrid`` so that Word and LibreOffice get exact column widths.
"""
from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from docservice.documents.docx_builder import ALIGN, LANDSCAPE_TEXT_MM, new_document, para, registration, signatures
from docservice.documents.rendering import FILTERS

fill = FILTERS["fill"]  # a words sentence with its {name} places filled: here with docxtpl's tags

PAGE_MM = LANDSCAPE_TEXT_MM      # landscape A4 less the 30 + 10 mm margins
FIXED_MM = (7, 46, 14)           # №, full name, record book (as the PDF layouts)
TAIL_MM = (13, 11)               # credits earned, GPA
ITEMS_TWIPS = round((PAGE_MM - sum(FIXED_MM) - sum(TAIL_MM)) * 1440 / 25.4)
ITEM_WIDTH = "{{ " + str(ITEMS_TWIPS) + " // items|length }}"
SIZE = 8


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def _put(cell, text: str, bold: bool = False, size: float = SIZE, align: str = "center"):
    p = cell.paragraphs[0] if not cell.paragraphs[0].runs else cell.add_paragraph()
    p.alignment = ALIGN[align]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    return p


def _width(cell, twips: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:tcW")):
        tc_pr.remove(old)
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), twips)
    w.set(qn("w:type"), "dxa")
    tc_pr.insert(0, w)


def _repeat_header(row) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _grid(table) -> None:
    """Fixed layout over the page width; the item column repeated once per item."""
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    width = OxmlElement("w:tblW")  # schema order: after tblStyle, before jc
    width.set(qn("w:w"), _twips(PAGE_MM))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.find(qn("w:jc")).addprevious(width)
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)

    def col(twips: str):
        el = OxmlElement("w:gridCol")
        el.set(qn("w:w"), twips)
        grid.append(el)
        return el

    for mm in FIXED_MM:
        last = col(_twips(mm))
    last.tail = "{% for _ in items %}"
    col(ITEM_WIDTH).tail = "{% endfor %}"
    for mm in TAIL_MM:
        col(_twips(mm))


def _row(table, index: int, texts: list[str], loop: str, item_text: str, bold: bool = False,
         first_align: str = "center"):
    """A row: three fixed cells, the item loop (tag cell, item cell, tag cell), two tail cells.
    ``texts`` are the five fixed texts (None: the first three cells are merged)."""
    cells = table.rows[index].cells
    fixed = [cells[0], cells[1], cells[2]]
    tail = [cells[6], cells[7]]
    for cell, mm in zip(fixed, FIXED_MM):
        _width(cell, _twips(mm))
    for cell, mm in zip(tail, TAIL_MM):
        _width(cell, _twips(mm))
    _width(cells[3], "0")
    _width(cells[5], "0")
    _width(cells[4], ITEM_WIDTH)
    _put(cells[3], "{%tc for " + loop + " %}")
    _put(cells[5], "{%tc endfor %}")
    if isinstance(item_text, list):
        for text, b, size in item_text:
            _put(cells[4], text, bold=b, size=size)
    else:
        _put(cells[4], item_text, bold=bold)
    head, name, book, credits, gpa = texts
    if name is None:
        merged = cells[0].merge(cells[2])
        _width(merged, _twips(sum(FIXED_MM)))
        _put(merged, head, bold=bold, align="left")
    else:
        for cell, text, align in ((cells[0], head, first_align), (cells[1], name, "left" if not bold else "center"),
                                  (cells[2], book, "center")):
            _put(cell, text, bold=bold, size=SIZE - 0.5 if bold else SIZE, align=align)
    _put(tail[0], credits, bold=bold, size=SIZE - 0.5 if index == 0 else SIZE)
    _put(tail[1], gpa, bold=bold)


def summary_table(doc, w: dict):
    table = doc.add_table(rows=6, cols=8)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout
    _grid(table)
    _repeat_header(table.rows[0])
    _row(table, 0, [w["number"], w["full_name"], w["record_book"], w["credits_earned"], w["gpa"]], "it in items",
         [("{{ it.name }}", True, 7), ("{{ it.code }}, {{ it.credits|num }} " + w["credits_short"], False, 7)],
         bold=True)
    _put(table.rows[1].cells[0], "{%tr for r in rows %}")
    _row(table, 2, ["{{ r.n }}", "{{ r.full_name }}", "{{ r.record_book }}", "{{ r.credits|num }}",
                    "{{ r.gpa|num }}"], "c in r.cells", "{{ c.text }}")
    _put(table.rows[3].cells[0], "{%tr endfor %}")
    _row(table, 4, [w["average"], None, None, "", "{{ mean_gpa|num }}"], "a in averages",
         "{{ a|num(1) }}", bold=True)
    _row(table, 5, [w["debts"], None, None, "", "{{ debts }}"], "d in debts_per_item", "{{ d }}", bold=True)
    return table


def make_template(w: dict, lang: str):
    """The template in one language; ``w``: its words (``templates_<lang>/summary_vedomost.toml``)."""
    doc = new_document(lang, landscape=True, size=11)
    para(doc, w["title"].upper(), bold=True, align="center", space_after=0)
    para(doc, fill(w["subtitle"], period="{{ period.words }}"), align="center", space_after=4)
    p = para(doc, space_after=4)
    labels = [w["school"], w["program"], w["course"], w["group"]]
    values = ["{{ school }}", "{{ program.code }} «{{ program.name }}»", "{{ course }}", "{{ group }}"]
    for i, (label, value) in enumerate(zip(labels, values)):
        p.add_run(("   " if i else "") + label + ": ")
        p.add_run(value).bold = True
    summary_table(doc, w)
    para(doc, fill(w["legend"], students="{{ students }}", debts="{{ debts }}", debtors="{{ debtors }}",
                   mean_gpa="{{ mean_gpa|num if mean_gpa is not none else '—' }}", date="{{ doc.long_date }}"),
         size=8, space_after=6)
    signatures(doc, [("{{ dean.position or '" + w["dean"] + "' }}", "{{ dean.short_name }}"),
                     ("{{ registrar_head.position or '" + w["registrar_head"] + "' }}",
                      "{{ registrar_head.full_name }}")], size=11)
    registration(doc, lang)
    return doc
