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
from functools import lru_cache
from pathlib import Path

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
REGISTRATION = {"kk": ("Тіркеу нөмірі", "Түпнұсқаны тексеру"), "ru": ("Регистрационный номер", "Проверка подлинника")}
# ST RK 1042: 30 mm on the left (the binding edge) and 10 mm on the right, portrait or landscape;
# what is left of a landscape A4 for the text (the sheets' column widths add up to it).
LEFT_MM, RIGHT_MM = 30, 10
LANDSCAPE_TEXT_MM = 297 - LEFT_MM - RIGHT_MM
# A data table's cells keep 1 mm of their width on each side free of text (Word's default is
# 1.9 mm: too much for a sheet's narrow number columns).
CELL_MARGIN_TWIPS = 57
CELL_MARGIN_MM = CELL_MARGIN_TWIPS * 25.4 / 1440
FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"


@lru_cache(maxsize=2)
def _metrics(bold: bool):
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    font = TTFont(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf")
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def text_mm(text: str, size: float, bold: bool = False) -> float:
    """How wide ``text`` prints on one line at ``size`` pt in Times New Roman (Liberation Serif
    has its metrics: what LibreOffice prints with)."""
    cmap, advances, per_em = _metrics(bold)
    units = sum(advances[cmap.get(ord(c), ".notdef")][0] for c in text)
    return units / per_em * size * 25.4 / 72


def column_mm(*texts: str, size: float, bold: bool = False) -> float:
    """The width of a data table's column that prints each of ``texts`` on one line (a record
    book's 8 digits, a date dd.mm.yyyy, a header's longest word): text, cell margins and
    0.5 mm to spare, rounded up to a whole millimetre."""
    import math

    return math.ceil(max(text_mm(t, size, bold) for t in texts) + 2 * CELL_MARGIN_MM + 0.5)


def longest_word(*texts: str) -> str:
    """The longest word of the texts: a header may wrap between its words, never inside one."""
    return max((word for text in texts for word in text.split()), key=len)


SOFT_HYPHEN = "\u00ad"


def header_mm(text: str, size: float) -> float:
    """The narrowest column a bold header fits without breaking a word: between words, or at a
    word's soft hyphens (the words mark where a narrow column may hyphenate, «Мерзі-мінде»)."""
    pieces = []
    for word in text.split():
        *heads, last = word.split(SOFT_HYPHEN)
        pieces += [head + "-" for head in heads] + [last]
    return column_mm(*pieces, size=size, bold=True)


def fitted(widths_mm: list[float], minimums_mm: list[float]) -> list[float]:
    """The widths with every column at least its minimum, the table as wide as before: what a
    narrow column needs is taken, a millimetre at a time, from the column with the most room
    to spare (a name's or a topic's)."""
    widths = [max(w, m) for w, m in zip(widths_mm, minimums_mm)]
    excess = sum(widths) - sum(widths_mm)
    while excess > 0:
        spare = max(range(len(widths)), key=lambda j: widths[j] - minimums_mm[j])
        if widths[spare] - minimums_mm[spare] < 1:
            raise ValueError(f"columns {minimums_mm} do not fit {sum(widths_mm)} mm")
        step = min(1, excess)
        widths[spare] -= step
        excess -= step
    return widths


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
    _footer(section, lang)
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


def _footer(section, lang: str) -> None:
    """On every page: an issued document's number and date (a document of record carries its
    number on each of its pages, as the PDF does; a line of its own: LibreOffice drops a tab
    before the page fields), then «Бет N / M» on the right."""
    before, between = PAGE_LABEL[lang]
    number = section.footer.paragraphs[0]
    number.paragraph_format.space_after = Pt(0)
    _run(number, "{% if doc.number %}" + REGISTRATION[lang][0] + ": {{ doc.number }} · {{ doc.date }}{% endif %}",
         size=9)
    p = section.footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, before, size=9)
    _field(p, "PAGE")
    _run(p, between, size=9)
    _field(p, "NUMPAGES")


LANGUAGE_TAGS = {"kk": "kk-KZ", "ru": "ru-RU"}


def _language(doc, lang: str) -> None:
    """The text's language, so that Word spell-checks and hyphenates it as Kazakh or Russian
    (python-docx's template says en-US)."""
    tag = LANGUAGE_TAGS[lang]
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    for found in defaults.iter(qn("w:lang")):
        found.set(qn("w:val"), tag)
        found.set(qn("w:eastAsia"), tag)
    properties = doc.core_properties
    properties.language = tag
    # python-docx's own words out (its name as author, "generated by python-docx"); the title,
    # author and dates of a rendered document are its own (rendering.stamp_properties)
    properties.author = properties.comments = properties.title = properties.subject = properties.keywords = ""


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
         size: int = 10, header_rows: list[list[str]] | None = None, one_line: dict[int, str] | None = None):
    """A bordered table: header row(s) repeated on every page, one template row repeated by
    docxtpl for each item of ``loop`` (e.g. ``"r in rows"``). Each column is made at least as
    wide as its header's longest word and, for the columns of ``one_line`` (index → the
    widest value, e.g. ``"00.00.0000"``), as its values on one line, which never wrap."""
    heads = (header_rows or []) + [headers]
    one_line = one_line or {}
    widths_mm = fitted(widths_mm, [max(header_mm(text, size), column_mm(one_line.get(j, ""), size=size))
                                   for j, text in enumerate(headers)])
    table = data_table(doc, rows=len(heads) + 3, cols=len(headers))
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
    no_wrap(*(table.rows[n + 1].cells[j] for j in one_line))
    _widths(table, widths_mm)
    return table


def data_table(doc, rows: int, cols: int):
    """A bordered table of fixed column widths, centred, with narrow cell margins."""
    table = doc.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription",
                                           "w:tblPrChange")
    return table


NO_WRAP_FOLLOWERS = ("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                     "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")  # after it in a tcPr


def flush_left(table) -> None:
    """A table whose left border stands on the left margin, as the text above it: Word and
    LibreOffice put a cell's text there and its border a cell margin further left, into the
    binding edge, unless the table is indented by that margin."""
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.insert_element_before(indent, "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
                                           "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def no_wrap(*cells) -> None:
    """Cells whose text is one item (a number, a date): Word keeps it on one line."""
    for cell in cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        if tc_pr.find(qn("w:noWrap")) is None:
            tc_pr.insert_element_before(OxmlElement("w:noWrap"), *NO_WRAP_FOLLOWERS)


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
    _signature_rows(table, rows, size, name_align="right", kept_with_last=True)  # and with the QR code under them
    _widths(table, (80, 45, 45))
    return table


def _signature_rows(table, rows: list[tuple[str, str]], size: int, name_align: str, kept_with_last: bool) -> None:
    """Position, a line to sign on, the name; each row kept on the page of the next (the last
    too when ``kept_with_last``: with what follows the table)."""
    for i, (position, name) in enumerate(rows):
        cells = table.rows[i].cells
        _cell(cells[0], position, size=size)
        _cell(cells[1], "_______________", size=size, align="center")
        _cell(cells[2], name, size=size, align=name_align)
        keep_row(table.rows[i], with_next=kept_with_last or i < len(rows) - 1)


def _registration_line(lang: str) -> str:
    label, check = REGISTRATION[lang]
    return f"{label}: {{{{ doc.number }}}} · {{{{ doc.date }}}}. {check}: {{{{ doc.verify_url }}}}"


def registration(doc, lang: str):
    """The issued document's number, date and QR code of the verify address."""
    para(doc, "{%p if doc.number %}")
    p = para(doc, size=8)
    p.paragraph_format.keep_with_next = True  # the QR code with its number
    _run(p, "{{ doc.qr }}")
    para(doc, _registration_line(lang), size=8)
    para(doc, "{%p endif %}")


def signatures_beside_registration(doc, rows: list[tuple[str, str]], lang: str, widths_mm: tuple[float, ...],
                                   size: int = 11):
    """Signature lines with the issued document's QR code and number beside them, in one table
    that is not split across pages (a landscape sheet has room beside its signatures, not under
    them: its registration alone on a next page is what this prevents). ``widths_mm``: position,
    line, name, QR code, number."""
    table = doc.add_table(rows=len(rows), cols=5)
    table.autofit = False
    _signature_rows(table, rows, size, name_align="left", kept_with_last=False)
    qr = table.rows[0].cells[3].merge(table.rows[-1].cells[3])
    _cell(qr, "{{ doc.qr }}", size=8)  # empty on a draft
    note = table.rows[0].cells[4].merge(table.rows[-1].cells[4])
    _cell(note, "{% if doc.number %}" + _registration_line(lang) + "{% endif %}", size=8)
    _widths(table, widths_mm)
    return table


def keep_row(row, with_next: bool) -> None:
    """A row never split across pages; ``with_next``: kept on the page of the next one."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = with_next
