"""Issue 14, the exam vedomost: the head names the school and the department with their own head
word as the label, once («Кафедра | патологической физиологии», not «Кафедра | Кафедра
патологической физиологии»; not the blank's «Школа / факультет»), and every figure of the sheet
follows one rule — two decimals with a decimal comma (РД «52,30» beside the final «98,33», the exam
«56,00», the points, the rates). Read back from the Typst PDF and the Word file, in both languages."""
import re

import pytest
from docs_reading import docx_text, pdf_text
from store import journal
from test_doc_vedomost import labelled

from docservice.documents import issuing
from plugins.vedomost import Vedomost

pytestmark = [pytest.mark.rendering, pytest.mark.demo]

DATA = Vedomost.example
BLANK_CHOICES = ["Школа / факультет", "Мектеп / факультет"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_head_says_school_and_department_once(app, lang):
    j = journal(DATA["journal"])
    docx = docx_text(issuing.preview(None, "vedomost", DATA, lang, "docx"))
    pdf = " ".join(pdf_text(issuing.preview(None, "vedomost", DATA, lang, "pdf")).split())
    for unit in (j.department, j.school):
        label, rest = labelled(unit.name(lang), lang)
        assert f"{label} | {rest} |" in docx
        assert f"{label} {rest}" in pdf
        assert f"{label} | {unit.name(lang)}" not in docx and f"{label} {unit.name(lang)}" not in pdf
    for choice in BLANK_CHOICES:
        assert choice not in docx and choice not in pdf


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_figure_has_two_decimals(app, lang):
    docx = docx_text(issuing.preview(None, "vedomost", DATA, lang, "docx"))
    # The grade table's rows: №, name, record book, РД, exam, final, letter, points, traditional, signature.
    rows = [line.split(" | ") for line in docx.splitlines() if re.match(r"\d+ \| \D", line)]
    figures = [cell for row in rows for cell in (row[3], row[4], row[5], row[7]) if re.fullmatch(r"[\d,.]+", cell)]
    assert len(figures) >= 4 * 10
    assert all(re.fullmatch(r"\d+,\d\d", cell) for cell in figures), sorted(set(figures))[:10]
    pdf = pdf_text(issuing.preview(None, "vedomost", DATA, lang, "pdf"))
    assert all(len(decimals) == 2 for decimals in re.findall(r"\d,(\d+)", pdf))
    rates = r"(Качество знаний|Успеваемость|Білім сапасы|Үлгерім): \d+,\d\d %"
    assert len(re.findall(rates, " ".join(pdf.split()))) == 2
