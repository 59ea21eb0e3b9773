"""The Word template of the semester report (``flask docs build-templates`` writes it), in the
words of ``templates_<lang>/semester_report.toml`` (the PDF layouts' words too).

python-docx cannot draw the PDF's bar chart, so the DOCX shows the same numbers as a
table «department | count | bar»: each bar runs of no-break spaces shaded as the PDF's bars
(dark: with grade change, light: without), the longest the column's width."""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from docservice.documents.docx_builder import ALIGN, grid, new_document, para, registration, signatures

SEC = "{% set sec.n = sec.n + 1 %}{{ sec.n }}. "
REASON = "{{ x.journal }}, {{ x.kind }}: {{ x.text }}{% if x.late %} ({{ x.late }}){% endif %}"

SIZE = 9
DARK, LIGHT = "404040", "B0B0B0"  # the PDF chart's colours: with grade change, without
SHADING_FOLLOWERS = ("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                     "w:specVanish", "w:oMath")  # what comes after w:shd in a run's properties
PAGE_MM = 170  # A4 less the 30 + 10 mm margins
DATE = "00.00.0000"  # the widest date a cell shows on one line
TOTALS = ("total", "with_change", "without_change", "on_time", "late", "departments", "teachers", "late_journals",
          "not_closed")
JOURNAL_CELLS = ["{{ j.n }}", "{{ j.code }}", "{{ j.discipline }} ({{ j.department }})", "{{ j.group }}",
                 "{{ j.teachers }}", "{{ j.deadline }}"]


def _shaded(run, colour: str) -> None:
    """A run printed on a background of ``colour``: a chart's bar drawn with no-break spaces."""
    run.font.size = Pt(SIZE)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    run._r.get_or_add_rPr().insert_element_before(shading, *SHADING_FOLLOWERS)


def _align(table, columns: dict[int, str], row: int = 2) -> None:
    """Alignment of the template row's cells (``grid`` centres all but the second)."""
    for j, align in columns.items():
        for p in table.rows[row].cells[j].paragraphs:
            p.alignment = ALIGN[align]


def _heading(doc, text: str):
    heading = para(doc, SEC + text, bold=True, space_after=3)
    heading.paragraph_format.keep_with_next = True  # never alone at a page's foot
    return heading


def _cell_lines(cell, lines: list[str], size: int = SIZE) -> None:
    """Replace a cell's text with paragraphs (docxtpl ``{%p %}`` tags need their own)."""
    first = cell.paragraphs[0]
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    for i, text in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = ALIGN["left"]
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.font.size = Pt(size - 1)


def _total_row(table, texts: list[str]) -> None:
    cells = table.add_row().cells
    for cell, text in zip(cells, texts):
        p = cell.paragraphs[0]
        p.alignment = ALIGN["center"]
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(SIZE)


def _page_widths(widths: list[float]) -> list[float]:
    """The words' column widths (the PDF's), the 0 column taking what is left of the page."""
    rest = PAGE_MM - sum(widths)
    return [w or rest for w in widths]


def _or_word(value: str, word: str) -> str:
    """The context's value, or the words' default when it is empty (the word stays template text)."""
    return f"{{% if {value} %}}{{{{ {value} }}}}{{% else %}}{word}{{% endif %}}"


def make_template(w: dict, lang: str):
    """The template from the type's words ``w`` in ``lang``; the words' {name} places are filled
    with the Jinja expressions of the context."""
    totals = {key: f"{{{{ totals.{key} }}}}" for key in TOTALS}
    doc = new_document(lang, size=13)
    para(doc, "{%p set sec = namespace(n=0) %}")
    para(doc, w["outgoing"].format(number="{{ doc.number or '________' }}", date="{{ doc.date }}"), space_after=10)
    para(doc, "{{ addressee.to }}", indent_mm=95)
    para(doc, "{{ addressee.full_name }}", indent_mm=95, space_after=12)
    para(doc, w["title"].upper(), bold=True, align="center", space_after=2)
    para(doc, w["subtitle"].format(period="{{ period.words }}"), align="center", space_after=0)
    para(doc, _or_word("school", w["whole"]), align="center", space_after=8)
    para(doc, w["council"] + "{% if due %} " + w["due"].format(date="{{ due }}") + "{% endif %}",
         align="justify", first_line_mm=12.5)
    para(doc, "{%p if empty %}")
    para(doc, w["empty"].format(**totals), align="justify", first_line_mm=12.5)
    para(doc, "{%p else %}")
    para(doc, w["body"].format(period="{{ period.words }}", **totals), align="justify", first_line_mm=12.5)
    para(doc, "{%p endif %}")

    _heading(doc, w["departments"])
    para(doc, "{%p if departments %}")
    table = grid(doc, w["department_columns"],
                 ["{{ d.n }}", "{{ d.name }} ({{ d.code }})", "{{ d.total }}", "{{ d.with_change }}",
                  "{{ d.without_change }}", "{{ d.on_time }}", "{{ d.late }}", "{{ d.level }}"],
                 _page_widths(w["widths"]["departments"]), loop="d in departments", size=SIZE)
    _total_row(table, ["", w["total"], "{{ totals.total }}", "{{ totals.with_change }}",
                       "{{ totals.without_change }}", "{{ totals.on_time }}", "{{ totals.late }}", ""])

    _heading(doc, w["chart"])
    table = grid(doc, w["chart_columns"], ["{{ b.label }}", "{{ b.total }}", ""], [55, 18, 97],
                 loop="b in chart.bars", size=SIZE)
    _align(table, {0: "left", 1: "center", 2: "left"})
    bar = table.rows[2].cells[2].paragraphs[0]
    for text, colour in (("{{ b.dark_bar }}", DARK), ("{{ b.light_bar }}", LIGHT)):
        _shaded(bar.add_run(text), colour)
    # the count at the bar's end, as the PDF writes it (and spaces at a line's end are not painted)
    bar.add_run(" {{ b.total }}").font.size = Pt(SIZE)
    legend = para(doc, size=SIZE)
    for colour, words in ((DARK, w["with_change"] + ", "), (LIGHT, w["without_change"])):
        _shaded(legend.add_run("\u00a0" * 4), colour)
        legend.add_run(" — " + words).font.size = Pt(SIZE)

    _heading(doc, w["teachers"])
    table = grid(doc, w["teacher_columns"],
                 ["{{ t.n }}", "{{ t.full_name }}, {{ t.position }}{% if t.department %}, {{ t.department }}{% endif %}",
                  "{{ t.total }}", "{{ t.with_change }}", "{{ t.without_change }}", "{{ t.on_time }}",
                  "{{ t.late }}", "", "{{ t.level }}"],
                 _page_widths(w["widths"]["teachers"]), loop="t in teachers", size=SIZE)
    _cell_lines(table.rows[2].cells[7], ["{%p for x in t.reasons %}", REASON, "{%p endfor %}"])
    para(doc, "{%p else %}")
    para(doc, w["none"], italic=True)
    para(doc, "{%p endif %}")

    _heading(doc, w["memo"].format(threshold="{{ memo_threshold }}"))
    para(doc, "{%p if memo %}")
    grid(doc, w["memo_columns"], ["{{ loop.index }}", "{{ t.full_name }}", "{{ t.department }}",
                                "{{ t.with_change }}"], [8, 92, 30, 40], loop="t in memo", size=SIZE)
    para(doc, "{%p else %}")
    para(doc, w["no"], italic=True)
    para(doc, "{%p endif %}")

    _heading(doc, w["late"])
    para(doc, "{%p if late_journals %}")
    table = grid(doc, w["late_columns"], JOURNAL_CELLS + ["{{ j.closed }}"],
                 [8, 17, 55, 20, 30, 18, 22], loop="j in late_journals", size=SIZE, one_line={5: DATE, 6: DATE})
    _align(table, {1: "center", 2: "left", 4: "left"})
    para(doc, "{%p else %}")
    para(doc, w["no"], italic=True)
    para(doc, "{%p endif %}")

    _heading(doc, w["not_closed"])
    para(doc, "{%p if not_closed %}")
    table = grid(doc, w["not_closed_columns"], JOURNAL_CELLS, [8, 17, 77, 20, 30, 18],
                 loop="j in not_closed", size=SIZE, one_line={5: DATE})
    _align(table, {1: "center", 2: "left", 4: "left"})
    para(doc, "{%p else %}")
    para(doc, w["no"], italic=True)
    para(doc, "{%p endif %}")

    para(doc, "{%p if conclusions %}")
    _heading(doc, w["conclusions"])
    para(doc, "{%p for c in conclusions %}")
    para(doc, "{{ c }}", align="justify", first_line_mm=12.5)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")

    signatures(doc, [(_or_word("signer.position", w["signer"]), "{{ signer.full_name }}")], size=13)
    registration(doc, lang)
    return doc
