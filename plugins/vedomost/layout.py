"""The Word template of the exam vedomost (``flask docs build-templates --type vedomost``); its
words are those of the PDF, ``templates_<lang>/vedomost.toml``.

A4 landscape. The grade table has a variable group of columns (РД and exam, or a module's
modular disciplines), and the totals table one column per letter of the scale; both are
docxtpl loops over cells:
- the cells: ``{%p for … %}`` as the last paragraph of the cell before the loop and
  ``{%p endfor %}`` as the last paragraph of the repeated cell (plain paragraphs: they
  survive editing the template in Word);
- the table grid: the repeated column's ``<w:gridCol>`` is kept for Word and replaced at
  render time by one ``gridCol`` per item, written inside two XML comments (Word ignores
  comments; Jinja reads them), so the rendered grid always matches the rendered cells;
- a thin paragraph between tables (``_gap``): two tables with nothing between them are
  one table to Word and LibreOffice;
- the widths: every cell, a repeated one too, carries its ``<w:tcW>`` equal to its grid
  column (LibreOffice, given a cell without one, narrows the fixed columns). A repeated
  column of varying width (the grade table's) gets its ``tcW`` from the same Jinja
  expression as its ``gridCol``, written the same way; the template keeps a static one.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from docservice.documents.docx_builder import (
    ALIGN, LANDSCAPE_TEXT_MM, column_mm, data_table, fitted, flush_left, header_mm, new_document, no_wrap, para, registration,
)
from docservice.documents.rendering import FILTERS

fill = FILTERS["fill"]  # a words sentence with its {name} places filled: here with docxtpl's tags

# Landscape A4: 257 mm between the margins. The РД/exam or modular-discipline columns share
# what the fixed columns leave.
WIDTHS = [10, 58, 22, None, 18, 16, 16, 40, 22]
LOOP_AT = 3
# A looped column's header: РД, the exam, or a modular discipline «1. Социология»; three and more
# modular disciplines (a column of 18 mm or less) are headed by their numbers alone, the names
# being listed with those numbers above the table. Their values at 9 pt: «келмеді» in 13 mm.
LOOP_HEADER = "{% if comp_headers|length > 2 %}{{ loop.index }}{% else %}{{ h }}{% endif %}"
RECORD_BOOK = 2
LOOP_SHARE_MM = LANDSCAPE_TEXT_MM - sum(w for w in WIDTHS if w)
TWIPS_PER_MM = 1440 / 25.4
TOTAL_WIDTHS = [24, None, 22, 18, 16]  # label, one per letter, not admitted, absent, total
LETTER_MM = 11


def make_template(w: dict, lang: str):
    """The template in one language; ``w``: its words (``templates_<lang>/vedomost.toml``, the
    words of the PDF too)."""
    doc = new_document(lang, landscape=True, size=11)
    para(doc, "{{ doc.title|upper }}", bold=True, align="center", size=13, space_after=4)
    para(doc, "{%p if reopen %}")
    reopened = (fill(w["reopen"], kind="{{ reopen.kind }}", number="{{ reopen.number }}",
                     filed="{{ reopen.filed }}", journal="{{ vedomost.journal }}")
                + "{% if reopen.protocol_no %}"
                + fill(w["reopen_protocol"], protocol_date="{{ reopen.protocol_date }}",
                       protocol_no="{{ reopen.protocol_no }}")
                + "{% endif %}" + fill(w["reopen_granted"], granted="{{ reopen.granted }}"))
    para(doc, reopened, size=10, space_after=4)
    para(doc, "{%p endif %}")
    _head(doc, [
        # a name's own head word labels it, once (context: ``school_kind``, ``department_kind``)
        (_label("school", w), "{{ vedomost.school }}", "{{ vedomost.item_label }}", "{{ vedomost.discipline }}"),
        (w["program"], "{{ vedomost.program }}", w["credits"], "{{ vedomost.credits|num }}"),
        (w["course_group"],
         fill(w["course_group_value"], course="{{ vedomost.course }}", group="{{ vedomost.group }}"),
         w["period"], "{{ vedomost.period }}"),
        (_label("department", w), "{{ vedomost.department }}",
         w["control"], "{{ vedomost.control }}, {{ vedomost.exam_date }}"),
        (w["kind"], "{{ vedomost.kind_word }}", w["examiners"], "{{ vedomost.examiners }}"),
    ])
    para(doc, "{%p if parts %}")
    p = para(doc, "{{ vedomost.parts_label }}:", bold=True, size=10, space_after=0)
    para(doc, "{%p for p in parts %}")
    para(doc, "{{ p.n }}. {{ p.name }}{% if p.credits %} ({{ p.credits|num }} " + w["credits_short"] + "){% endif %}"
              " — {{ p.department }}{% if p.examiners %}, {{ p.examiners }}{% endif %}"
              "{% if vedomost.layout == 'module' %}, " + w["exam"] + " {{ p.exam_date }}{% endif %}",
         size=10, indent_mm=5, space_after=0)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    p.paragraph_format.space_before = Pt(3)
    _gap(doc)  # with no parts, the head table would be right above the grade table
    columns = w["columns"]
    _grades(doc, [*columns[:LOOP_AT], LOOP_HEADER, *columns[LOOP_AT:]])
    _gap(doc)
    _totals(doc, (w["grade"], w["count"], w["total"]))
    para(doc, "{%p if totals.pending %}")
    para(doc, fill(w["pending"], pending="{{ totals.pending }}"), size=10)
    para(doc, "{%p endif %}")
    para(doc, fill(w["rates"], quality="{{ totals.quality }}", quality_count="{{ totals.quality_count }}",
                   listed="{{ totals.listed }}", pass_rate="{{ totals.pass_rate }}",
                   passed="{{ totals.passed }}"), size=11)
    _signatures(doc)
    registration(doc, lang)
    return doc


def _label(key: str, w: dict) -> str:
    """The label of the school's or department's name: its own head word, or the words' label."""
    return "{{ vedomost." + key + "_kind or '" + w[key] + "' }}"


def _head(doc, rows):
    table = doc.add_table(rows=len(rows), cols=4)
    table.autofit = False
    for i, texts in enumerate(rows):
        for j, text in enumerate(texts):
            _cell(table.rows[i].cells[j], text, bold=j % 2 == 1, size=10)
    _widths(table, [38, 95, 38, 96])


def _grades(doc, columns):
    """№ · name · record book · {РД, exam | modular disciplines} · final · letter · points ·
    traditional · signature; the header repeats on every page."""
    table = _grid(doc, len(WIDTHS), rows=4)
    head, start, body, end = table.rows
    _repeat_header(head)
    for j, text in enumerate(columns):
        _cell(head.cells[j], text, bold=True, size=9, align="center")
    _cell(start.cells[0], "{%tr for r in rows %}")
    cells = ["{{ r.n }}", "{{ r.full_name }}", "{{ r.record_book }}", "{{ v|num }}", "{{ r.final }}",
             "{{ r.letter }}", "{{ r.gpa|num }}", "{{ r.traditional }}", ""]
    for j, text in enumerate(cells):
        _cell(body.cells[j], text, size=9 if j == LOOP_AT else 10, align="left" if j == 1 else "center")
    _cell(end.cells[0], "{%tr endfor %}")
    no_wrap(body.cells[2])
    share = round(LOOP_SHARE_MM * TWIPS_PER_MM)
    _widths(table, _fitted(columns), loop_twips=2 * share // 5)
    # The loop's n-th column of N: ⌊share·n/N⌋ − ⌊share·(n−1)/N⌋ twips, so that the columns
    # add up to the share exactly.
    width = f"({share} * loop.index) // (comp_headers|length) - ({share} * loop.index0) // (comp_headers|length)"
    _cell_loop(head, LOOP_AT, "h in comp_headers", width)
    _cell_loop(body, LOOP_AT, "v in r.comp", width)
    _grid_loop(table, LOOP_AT, "h in comp_headers", width)


def _fitted(columns: list[str]) -> list[float | None]:
    """WIDTHS with each fixed column as wide as its header's longest word (9 pt bold) and the
    record book's 8 digits on one line; the name column gives what they need."""
    at = [j for j, w in enumerate(WIDTHS) if w is not None]
    need = [max(header_mm(columns[j], 9), column_mm("00000000" if j == RECORD_BOOK else "", size=10)) for j in at]
    widths = list(WIDTHS)
    for j, width in zip(at, fitted([WIDTHS[j] for j in at], need)):
        widths[j] = width
    return widths


def _totals(doc, words):
    label, count, total = words
    table = _grid(doc, 5, rows=2)
    head, body = table.rows
    heads = [label, "{{ l.letter }}", "{{ totals.not_admitted_word }}", "{{ totals.absent_word }}", total]
    values = [count, "{{ l.count }}", "{{ totals.not_admitted }}", "{{ totals.absent }}", "{{ totals.listed }}"]
    for j, (h, v) in enumerate(zip(heads, values)):
        _cell(head.cells[j], h, bold=True, size=9, align="center")
        _cell(body.cells[j], v, size=9, align="center")
    flush_left(table)
    letter = round(LETTER_MM * TWIPS_PER_MM)
    _widths(table, TOTAL_WIDTHS, loop_twips=letter)  # every letter as wide: the cell's own tcW repeats
    _cell_loop(head, 1, "l in totals.letters")
    _cell_loop(body, 1, "l in totals.letters")
    _grid_loop(table, 1, "l in totals.letters", str(letter))
    para(doc, space_after=2)


def _signatures(doc):
    table = doc.add_table(rows=3, cols=4)
    table.autofit = False
    start, body, end = table.rows
    _cell(start.cells[0], "{%tr for s in signatures %}")
    for j, (text, align) in enumerate([("{{ s.position }}", "left"), ("____________________", "center"),
                                      ("{{ s.name }}", "left"), ("{{ date_line }}", "right")]):
        _cell(body.cells[j], text, size=11, align=align)
        body.cells[j].paragraphs[0].paragraph_format.space_before = Pt(8)
    _cell(end.cells[0], "{%tr endfor %}")
    _widths(table, [60, 55, 60, 70])


# --- table helpers ----------------------------------------------------------------------

def _grid(doc, cols: int, rows: int):
    return data_table(doc, rows=rows, cols=cols)


def _gap(doc) -> None:
    """A thin empty paragraph between two tables: tables with nothing between them are one
    table to Word and LibreOffice (one width for both: the grade table's columns squeezed
    into the totals table's width, its header not repeated)."""
    p = para(doc, space_after=0)
    p.paragraph_format.line_spacing = Pt(4)


def _cell(cell, text: str, bold: bool = False, size: int = 10, align: str = "left"):
    p = cell.paragraphs[0]
    p.alignment = ALIGN[align]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _widths(table, widths_mm, loop_twips: int | None = None):
    """Column widths on the grid and on every cell; a loop column (None) is ``loop_twips``
    wide in the template (its rendered width is the loop's: ``_grid_loop``, ``_cell_loop``)."""
    widths = [Twips(loop_twips) if w is None else Mm(w) for w in widths_mm]
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(w.twips))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def _repeat_header(row) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cell_loop(row, index: int, loop: str, width: str | None = None) -> None:
    """Repeat the row's cell ``index`` for each item of ``loop``; with ``width`` (a Jinja
    expression, twips) the repeated cells' ``tcW`` is rendered from it, else each repeats the
    template cell's own."""
    before, repeated = row.cells[index - 1], row.cells[index]
    _tag(before.add_paragraph(), f"{{%p for {loop} %}}")
    _tag(repeated.add_paragraph(), "{%p endfor %}")
    if width is not None:
        _rendered_instead(repeated._tc.tcPr.find(qn("w:tcW")),
                          '<w:tcW w:w="{{ ' + width + ' }}" w:type="dxa"/>')


def _tag(paragraph, text: str) -> None:
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.add_run(text).font.size = Pt(8)


def _grid_loop(table, index: int, loop: str, width: str) -> None:
    """One ``gridCol`` per item of ``loop`` at column ``index``, each ``width`` twips (a Jinja
    expression) in place of the template's one."""
    col = table._tbl.tblGrid.findall(qn("w:gridCol"))[index]
    _rendered_instead(col, "{% for " + loop + " %}<w:gridCol w:w=\"{{ " + width + " }}\"/>{% endfor %}")


def _rendered_instead(element, xml: str) -> None:
    """Keep ``element`` for Word and have the rendered document carry ``xml`` (Jinja) in its
    place, both written around XML comments that Word ignores and Jinja reads:

        <!--{% if false %}--><element/><!--{% endif %}-->…xml…<!---->

    (``{{'-'}}{{'-'}}>`` writes the ``-->`` that a comment may not contain.)"""
    element.addprevious(etree.Comment("{% if false %}"))
    element.addnext(etree.Comment("{% endif %}{{'-'}}{{'-'}}>" + xml + "<!{{'-'}}{{'-'}}"))
