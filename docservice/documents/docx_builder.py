"""Building blocks for the Word templates of document types (docxtpl markup inside).

The templates in ``templates_kk/`` and ``templates_ru/`` are made with these helpers by
``flask docs build-templates`` and may then be edited in Word by the registrar; the
Jinja tags (``{{ … }}``, ``{%tr for … %}``) are what docxtpl fills. ``template_bytes``
writes them so that a rebuild reproduces the committed file byte for byte.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# The one time a template's zip members and document properties carry, so that the same
# layout and words always give the same bytes: the zip format's first day, as reproducible
# wheels use it.
BUILT_AT = datetime(1980, 1, 1, tzinfo=timezone.utc)
CONTENT_TYPES = "[Content_Types].xml"  # first in the package, where readers look for it
FONT = "Times New Roman"  # the reader's Word has it; PDFs use the metric-compatible Liberation Serif
PAGE_LABEL = {"kk": ("Бет ", " / "), "ru": ("Страница ", " из ")}
# ST RK 1042: 30 mm on the left (the binding edge) and 10 mm on the right, portrait or landscape;
# what is left of a landscape A4 for the text (the sheets' column widths add up to it).
LEFT_MM, RIGHT_MM = 30, 10
LANDSCAPE_TEXT_MM = 297 - LEFT_MM - RIGHT_MM


def new_document(lang: str, landscape: bool = False, size: int = 12) -> Document:
    """A4, ST RK 1042 margins, Times New Roman, draft mark and page numbers "Бет N / M"."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    if landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _language(doc, lang)
    style.paragraph_format.space_after = Pt(2)
    _page_numbers(section, lang)
    _draft_mark(section)
    para(doc, "{{ university.name }}", bold=True, align="center", size=11)
    return doc


def template_bytes(document: Document) -> bytes:
    """The Word file of a template, the same bytes for the same layout and words: the document
    properties that python-docx or Word would date and count are fixed, and the zip is written
    again with its members in name order, each at ``BUILT_AT``, deflated as python-docx does
    (the same zlib gives the same bytes)."""
    properties = document.core_properties
    properties.created = properties.modified = BUILT_AT
    properties.last_modified_by, properties.revision = "", 1
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda name: (name != CONTENT_TYPES, name)):
            member = zipfile.ZipInfo(name, BUILT_AT.timetuple()[:6])
            member.create_system, member.external_attr = 3, 0o644 << 16  # Unix, rw-r--r--, on any system
            target.writestr(member, source.read(name), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _page_numbers(section, lang: str) -> None:
    before, between = PAGE_LABEL[lang]
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, before, size=9)
    _field(p, "PAGE")
    _run(p, between, size=9)
    _field(p, "NUMPAGES")


LANGUAGE_TAGS = {"kk": "kk-KZ", "ru": "ru-RU"}


def _language(doc, lang: str) -> None:
    """The text's language, so that Word spell-checks and hyphenates it as Kazakh or Russian
    (python-docx's template says en-US), and no author but ours (it says python-docx)."""
    tag = LANGUAGE_TAGS[lang]
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    for found in defaults.iter(qn("w:lang")):
        found.set(qn("w:val"), tag)
        found.set(qn("w:eastAsia"), tag)
    doc.core_properties.language = tag
    doc.core_properties.author = ""


def _draft_mark(section) -> None:
    """ЖОБА / ПРОЕКТ in the page header: on every page of a draft, as the PDF marks them (the
    mark is empty on an issued original, so its header stays blank)."""
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "{{ doc.draft_mark }}", bold=True, size=16)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) as Word writes one — begin, code, separate, its last
    result, end — each part a run of the footer's size: a reader that shows the result run
    (LibreOffice) then prints the digits as small as the words around them."""
    parts = (("w:fldChar", "begin"), ("w:instrText", f" {code} "), ("w:fldChar", "separate"),
             ("w:t", "1"), ("w:fldChar", "end"))
    for tag, value in parts:
        run = paragraph.add_run()
        run.font.size = Pt(9)
        el = OxmlElement(tag)
        if tag == "w:fldChar":
            el.set(qn("w:fldCharType"), value)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = value
        run._r.append(el)


def _run(paragraph, text: str, bold: bool = False, italic: bool = False, size: int | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return run


ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def para(doc, text: str = "", bold: bool = False, align: str = "left", size: int | None = None,
         italic: bool = False, indent_mm: float | None = None, first_line_mm: float | None = None,
         space_after: int | None = None):
    p = doc.add_paragraph()
    p.alignment = ALIGN[align]
    if indent_mm is not None:
        p.paragraph_format.left_indent = Mm(indent_mm)
    if first_line_mm is not None:
        p.paragraph_format.first_line_indent = Mm(first_line_mm)
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def rich(doc, parts: list[tuple[str, bool]], align: str = "justify", first_line_mm: float | None = 12.5):
    """A paragraph of runs: ``[(text, bold), …]``."""
    p = para(doc, align=align, first_line_mm=first_line_mm)
    for text, bold in parts:
        _run(p, text, bold=bold)
    return p


def grid(doc, headers: list[str], cells: list[str], widths_mm: list[float], loop: str,
         size: int = 10, header_rows: list[list[str]] | None = None):
    """A bordered table: header row(s) repeated on every page, one template row repeated by
    docxtpl for each item of ``loop`` (e.g. ``"r in rows"``)."""
    heads = (header_rows or []) + [headers]
    table = doc.add_table(rows=len(heads) + 3, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, texts in enumerate(heads):
        row = table.rows[i]
        _repeat_header(row)
        for j, text in enumerate(texts):
            _cell(row.cells[j], text, bold=True, size=size, align="center")
    n = len(heads)
    _cell(table.rows[n].cells[0], f"{{%tr for {loop} %}}", size=size)
    for j, text in enumerate(cells):
        _cell(table.rows[n + 1].cells[j], text, size=size, align="left" if j == 1 else "center")
    _cell(table.rows[n + 2].cells[0], "{%tr endfor %}", size=size)
    _widths(table, widths_mm)
    return table


def _widths(table, widths_mm) -> None:
    """Column widths on the grid and on every cell: Word reads the cells, LibreOffice the grid."""
    for j, w in enumerate(widths_mm):
        table.columns[j].width = Mm(w)
    for row in table.rows:
        for j, w in enumerate(widths_mm):
            row.cells[j].width = Mm(w)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cell(cell, text: str, bold: bool = False, size: int = 10, align: str = "left"):
    p = cell.paragraphs[0]
    p.alignment = ALIGN[align]
    p.paragraph_format.space_after = Pt(0)
    _run(p, text, bold=bold, size=size)


def signatures(doc, rows: list[tuple[str, str]], size: int = 12):
    """Signature lines: position on the left, a line to sign on, the name on the right."""
    table = doc.add_table(rows=len(rows), cols=3)
    table.autofit = False
    for i, (position, name) in enumerate(rows):
        cells = table.rows[i].cells
        _cell(cells[0], position, size=size)
        _cell(cells[1], "_______________", size=size, align="center")
        _cell(cells[2], name, size=size, align="right")
    _widths(table, (80, 45, 45))
    return table


def registration(doc, lang: str):
    """The issued document's number, date and QR code of the verify address."""
    label = "Тіркеу нөмірі" if lang == "kk" else "Регистрационный номер"
    check = "Түпнұсқаны тексеру" if lang == "kk" else "Проверка подлинника"
    para(doc, "{%p if doc.number %}")
    p = para(doc, size=8)
    _run(p, "{{ doc.qr }}")
    para(doc, f"{label}: {{{{ doc.number }}}} · {{{{ doc.date }}}}. {check}: {{{{ doc.verify_url }}}}", size=8)
    para(doc, "{%p endif %}")
