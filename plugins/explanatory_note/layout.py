"""The Word template of the explanatory note (``flask docs build-templates --type explanatory_note``);
its words are those of the PDF, ``templates_<lang>/explanatory_note.toml``."""
from docx.shared import Mm, Pt

from docservice.documents.docx_builder import _cell, new_document, para, registration, signatures
from docservice.documents.rendering import FILTERS

fill = FILTERS["fill"]  # a words sentence with its {name} places filled: here with docxtpl's tags
# The values the numbered items show (`fields` of the words name them), as docxtpl fills them.
VALUES = {"mode": "{{ mode }}", "discipline": "{{ discipline }}", "lesson_types": "{{ lesson_types }}",
          "course": "{{ course }}", "group": "{{ group }}", "program": "{{ program }}",
          "wrong_date": "{{ wrong_entry.long_date }}", "reason": "{{ reason }}"}
WIDTHS = (72, 98)  # label · value, 170 mm


def _fields(doc, rows):
    table = doc.add_table(rows=len(rows), cols=2)
    table.autofit = False
    for i, (label, value) in enumerate(rows):
        cells = table.rows[i].cells
        _cell(cells[0], label, size=12)
        _cell(cells[1], value, bold=True, size=12)
    for j, w in enumerate(WIDTHS):
        table.columns[j].width = Mm(w)
        for row in table.rows:
            row.cells[j].width = Mm(w)
    return table


def make_template(w: dict, lang: str):
    doc = new_document(lang, size=12)
    para(doc, fill(w["outgoing"], number="{{ doc.number or '________' }}", date="{{ doc.date }}"), space_after=10)
    for line in w["addressee"]:
        para(doc, fill(line, school="{{ addressee.school }}", dean="{{ addressee.short_name }}"), indent_mm=95,
             space_after=0)
    para(doc, space_after=0)
    # the sender's lines as the note can say them (see ``sender`` in __init__.py)
    for condition, lines in (("if sender.declined", w["sender"]), ("else", w["sender_as_listed"])):
        para(doc, "{%p " + condition + " %}")
        for line in lines:
            para(doc, fill(line, position="{{ sender.position }}", department="{{ sender.department }}",
                           full_name="{{ teacher.full_name }}"), indent_mm=95, space_after=0)
    para(doc, "{%p endif %}")
    para(doc, w["title"].upper(), bold=True, align="center", space_after=0).paragraph_format.space_before = Pt(12)
    para(doc, w["subtitle"], align="center", space_after=8)
    for sentence in w["body"]:
        para(doc, fill(sentence, wrong_date=VALUES["wrong_date"], mode=VALUES["mode"], reason=VALUES["reason"]),
             align="justify", first_line_mm=12.5)
    n = len(w["fields"])
    _fields(doc, [(f"{i}. {label}", VALUES[name]) for i, (label, name) in enumerate(w["fields"], 1)])
    # the scope, when the note names students or columns: one optional row each
    para(doc, "{%p if students %}")
    _fields(doc, [(f"{n + 1}. {w['students']}", "{{ students }}")])
    para(doc, "{%p endif %}")
    para(doc, "{%p if columns %}")
    _fields(doc, [(f"{{{{ {n + 2} if students else {n + 1} }}}}. {w['columns']}", "{{ columns }}")])
    para(doc, "{%p endif %}")
    para(doc, "{{ doc.long_date }}").paragraph_format.space_before = Pt(12)
    signatures(doc, [(w["teacher"], "{{ teacher.short_name }}"),
                     (fill(w["visa"], department="{{ visa.department }}"), "{{ visa.short_name }}")], size=12)
    registration(doc, lang)
    return doc
