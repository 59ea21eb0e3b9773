"""The Word template of the summary vedomost (``flask docs build-templates`` writes it); its words
are those of the PDF, ``templates_<lang>/summary_vedomost.toml``.

Landscape A4. The table has one column per curriculum item, made by docxtpl column loops
(``{%tc for … %}``); the item columns share the width left by the fixed columns, so twelve
disciplines still fit the page. The table grid repeats its item column with a Jinja loop
inside ``w:tblGrid`` so that Word and LibreOffice get exact column widths.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from docservice.documents.docx_builder import (
    ALIGN, LANDSCAPE_TEXT_MM, column_mm, data_table, keep_row, longest_word, new_document, no_wrap, para,
    signatures_beside_registration,
)
from docservice.documents.rendering import FILTERS

fill = FILTERS["fill"]  # a words sentence with its {name} places filled: here with docxtpl's tags

PAGE_MM = LANDSCAPE_TEXT_MM      # landscape A4 less the 30 + 10 mm margins
NAME_MM = 52
SIGNATURES_MM = (70, 40, 50, 26, PAGE_MM - 186)  # position, line, name, the QR code, its number
SIZE = 8
HEAD_SIZE = SIZE - 0.5  # the fixed columns' header words


class Columns:
    """The widths, in millimetres: ``fixed`` (№, full name, record book) and ``tail`` (credits
    earned, GPA) each wide enough for its header's longest word and its values on one line (a
    record book's 8 digits, «14,5», «3,67»); ``item`` the Jinja expression of an item column's
    width in twips (what is left shared by the items)."""

    def __init__(self, w: dict):
        head = lambda key: column_mm(longest_word(w[key]), size=HEAD_SIZE, bold=True)  # noqa: E731
        self.fixed = (max(head("number"), column_mm("000", size=SIZE)), NAME_MM,
                      max(head("record_book"), column_mm("00000000", size=SIZE)))
        self.tail = (max(head("credits_earned"), column_mm("000,0", size=SIZE, bold=True)),
                     max(head("gpa"), column_mm("0,00", size=SIZE, bold=True)))
        items = round((PAGE_MM - sum(self.fixed) - sum(self.tail)) * 1440 / 25.4)
        self.item = "{{ " + str(items) + " // items|length }}"


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


def _grid(table, cols: Columns) -> None:
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

    for mm in cols.fixed:
        last = col(_twips(mm))
    last.tail = "{% for _ in items %}"
    col(cols.item).tail = "{% endfor %}"
    for mm in cols.tail:
        col(_twips(mm))


def _row(table, cols: Columns, index: int, texts: list[str], loop: str, item_text: str, bold: bool = False,
         first_align: str = "center"):
    """A row: three fixed cells, the item loop (tag cell, item cell, tag cell), two tail cells.
    ``texts`` are the five fixed texts (None: the first three cells are merged)."""
    cells = table.rows[index].cells
    fixed = [cells[0], cells[1], cells[2]]
    tail = [cells[6], cells[7]]
    for cell, mm in zip(fixed, cols.fixed):
        _width(cell, _twips(mm))
    for cell, mm in zip(tail, cols.tail):
        _width(cell, _twips(mm))
    no_wrap(cells[2], *tail)
    _width(cells[3], "0")
    _width(cells[5], "0")
    _width(cells[4], cols.item)
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
        _width(merged, _twips(sum(cols.fixed)))
        _put(merged, head, bold=bold, align="left")
    else:
        for cell, text, align in ((cells[0], head, first_align), (cells[1], name, "left" if not bold else "center"),
                                  (cells[2], book, "center")):
            _put(cell, text, bold=bold, size=HEAD_SIZE if bold else SIZE, align=align)
    _put(tail[0], credits, bold=bold, size=HEAD_SIZE if index == 0 else SIZE)
    _put(tail[1], gpa, bold=bold)


def summary_table(doc, w: dict):
    """The header, the students (the last one a row of its own: kept, with the totals, on the page
    of the legend and signatures under the table), the items' averages and debts."""
    table = data_table(doc, rows=9, cols=8)
    cols = Columns(w)
    _grid(table, cols)
    _repeat_header(table.rows[0])
    _row(table, cols, 0, [w["number"], w["full_name"], w["record_book"], w["credits_earned"], w["gpa"]], "it in items",
         [("{{ it.name }}", True, 7), ("{{ it.code }}, {{ it.credits|num }} " + w["credits_short"], False, 7)],
         bold=True)
    for start, students in ((1, "rows[:-1]"), (4, "rows[-1:]")):
        _put(table.rows[start].cells[0], "{%tr for r in " + students + " %}")
        _row(table, cols, start + 1, ["{{ r.n }}", "{{ r.full_name }}", "{{ r.record_book }}", "{{ r.credits|num }}",
                                      "{{ r.gpa|num }}"], "c in r.cells", "{{ c.text }}")
        _put(table.rows[start + 2].cells[0], "{%tr endfor %}")
    _row(table, cols, 7, [w["average"], None, None, "", "{{ mean_gpa|num }}"], "a in averages",
         "{{ a|num(1) }}", bold=True)
    _row(table, cols, 8, [w["debts"], None, None, "", "{{ debts }}"], "d in debts_per_item", "{{ d }}", bold=True)
    for kept in (table.rows[5], *table.rows[7:]):
        keep_row(kept, with_next=True)
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
    legend = para(doc, fill(w["legend"], students="{{ students }}", debts="{{ debts }}", debtors="{{ debtors }}",
                            mean_gpa="{{ mean_gpa|num if mean_gpa is not none else '—' }}",
                            date="{{ doc.long_date }}"), size=8, space_after=6)
    legend.paragraph_format.keep_with_next = True  # the legend, signatures and QR code on one page
    signatures_beside_registration(doc, [("{{ dean.position or '" + w["dean"] + "' }}", "{{ dean.short_name }}"),
                                         ("{{ registrar_head.position or '" + w["registrar_head"] + "' }}",
                                          "{{ registrar_head.full_name }}")], lang, SIGNATURES_MM)
    return doc
