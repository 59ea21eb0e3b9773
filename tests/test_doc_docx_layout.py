"""Word documents as a reader sees them: every table cell wide enough for its words (a record
book's 8 digits, a date, a header's longest word never broken mid-word), the document's
properties (title, author, dates) those of the issued document, its number on every page, and
the summary vedomost's registration kept on the page of its last rows and signatures."""
import io
import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from docs_reading import docx_cell_overflows
from docx import Document
from docx.oxml.ns import qn
from PIL import ImageFont

from docservice.documents import issuing
from docservice.documents.rendering import FONTS

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

NUMBER = "02-1/2026-0042"
ISSUED_AT = datetime(2026, 12, 7, 10, 30)
UNIVERSITY = {"kk": "«С.Ж.АСФЕНДИЯРОВ АТЫНДАҒЫ ҚАЗАҚ ҰЛТТЫҚ МЕДИЦИНА УНИВЕРСИТЕТІ» КЕАҚ",
              "ru": "НАО «КАЗАХСКИЙ НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ УНИВЕРСИТЕТ ИМЕНИ С.Д.АСФЕНДИЯРОВА»"}
DRAFT = {"kk": "ЖОБА", "ru": "ПРОЕКТ"}


def rendered(type_id: str, lang: str, number: str | None, fmt: str = "docx") -> bytes:
    """The type's example as a draft (no number) or as the original issued under ``number``."""
    doc_type = issuing.checked_type(type_id, lang, fmt, None)
    clean = issuing.checked_input(None, doc_type, doc_type.example, lang, "preview")
    return issuing.render(doc_type, issuing.build_context(doc_type, clean, lang, number, ISSUED_AT), lang, fmt)


def word_types():
    return [t.id for t in issuing.registry() if "docx" in t.formats]


@pytest.mark.demo
@pytest.mark.parametrize("number", [None, NUMBER], ids=["draft", "issued"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_word_of_a_table_cell_is_broken_inside_it(app, lang, number):
    """Each word of every cell — values and headers — fits its cell's width less its margins
    at its size and weight (or breaks at a soft hyphen the words mark), so Word and
    LibreOffice never cut «24010020» into «24010 020» or a date into «07.09.202|6»."""
    for type_id in word_types():
        assert docx_cell_overflows(rendered(type_id, lang, number)) == [], type_id


@pytest.mark.demo
@pytest.mark.parametrize("type_id", ["summary_vedomost", "vedomost"])
def test_a_record_book_number_has_room_for_its_8_digits(app, type_id):
    digits = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), 1000)
    for lang in ("kk", "ru"):
        doc = Document(io.BytesIO(rendered(type_id, lang, NUMBER)))
        table = max(doc.tables, key=lambda t: len(t.rows))  # the students' table
        books = [(cell, p) for row in table.rows for cell in row.cells for p in cell.paragraphs
                 if p.text.isdigit() and len(p.text) == 8]
        assert len(books) >= 20, (type_id, lang)  # every student's record book, shown
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        side_mm = sum(int(margins.find(qn(f"w:{s}")).get(qn("w:w"))) for s in ("left", "right")) * 25.4 / 1440
        for cell, p in books:
            size = p.runs[0].font.size.pt
            need_mm = digits.getlength(p.text) / 1000 * size * 25.4 / 72
            assert cell.width.mm - side_mm >= need_mm, (type_id, lang, p.text, cell.width.mm, need_mm)
            assert cell._tc.tcPr.find(qn("w:noWrap")) is not None  # and Word is told not to wrap it


@pytest.mark.demo
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_word_properties_name_the_document_its_issuer_and_date(app, lang):
    for type_id in word_types():
        title = issuing.checked_type(type_id, lang, "docx", None).title(lang)
        issued = Document(io.BytesIO(rendered(type_id, lang, NUMBER))).core_properties
        assert issued.title == f"{title} № {NUMBER}", type_id
        assert issued.author == issued.last_modified_by == UNIVERSITY[lang]
        assert "python-docx" not in (issued.author + issued.last_modified_by + issued.comments)
        day = datetime(2026, 12, 7, tzinfo=timezone.utc)
        assert issued.created == issued.modified == day, type_id
        assert issued.identifier == NUMBER and issued.content_status == ""
        assert issued.language == {"kk": "kk-KZ", "ru": "ru-RU"}[lang]
        draft = Document(io.BytesIO(rendered(type_id, lang, None))).core_properties
        assert draft.title == f"{title} — {DRAFT[lang]}" and draft.content_status == DRAFT[lang]
        assert draft.identifier == "" and draft.author == UNIVERSITY[lang]


@pytest.mark.demo
def test_an_issued_word_document_carries_its_number_on_every_page(app):
    label = {"kk": "Тіркеу нөмірі", "ru": "Регистрационный номер"}
    for type_id in word_types():
        for lang in ("kk", "ru"):
            for section in Document(io.BytesIO(rendered(type_id, lang, NUMBER))).sections:
                footer = "\n".join(p.text for p in section.footer.paragraphs)
                assert f"{label[lang]}: {NUMBER} · 07.12.2026" in footer, type_id
            draft = Document(io.BytesIO(rendered(type_id, lang, None))).sections[0].footer
            assert label[lang] not in "\n".join(p.text for p in draft.paragraphs)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text as poppler's pdftotext reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.pdf").write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-layout", "doc.pdf", "-"], cwd=tmp, check=True, capture_output=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def through_libreoffice(docx: bytes) -> bytes:
    """The DOCX as LibreOffice prints it (its own profile: nothing shared with a desktop)."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.docx").write_bytes(docx)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(Path(tmp, "doc.docx"))], check=True, capture_output=True, timeout=180)
        return Path(tmp, "doc.pdf").read_bytes()


LAST = "Соңғы Жол Тексерулі"  # the last student's name in a lengthened sheet


def lengthened_summary(lang: str, students: int) -> dict:
    """The demo group's issued summary context with its students repeated to ``students`` rows,
    the last one named LAST: a sheet long enough for its end to meet a page break."""
    doc_type = issuing.checked_type("summary_vedomost", lang, "pdf", None)
    clean = issuing.checked_input(None, doc_type, doc_type.example, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, NUMBER, ISSUED_AT)
    rows = [dict(row, n=i + 1) for i, row in enumerate((context["rows"] * 3)[:students])]
    rows[-1]["full_name"] = LAST
    return {**context, "rows": rows}


@pytest.mark.demo
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_summary_pdf_keeps_its_registration_with_its_last_rows(app, lang):
    """However long the sheet, the legend, the signatures and the QR code's number stand on the
    page of its last student (26 to 40 rows: the end meets the page break in every way)."""
    doc_type = issuing.checked_type("summary_vedomost", lang, "pdf", None)
    label = {"kk": "Тіркеу нөмірі", "ru": "Регистрационный номер"}[lang]
    split = 0
    for students in range(26, 41):
        pages = pages_text(issuing.render(doc_type, lengthened_summary(lang, students), lang, "pdf"))
        last = next(i for i, text in enumerate(pages) if LAST in text)
        assert f"{label}: {NUMBER}" in pages[last] and "Омарова Ж. Т." in pages[last], students
        split += len(pages) > 1
    assert split > 5  # the longer sheets do run onto a second page


@pytest.mark.demo
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make test installs it: apt-get install libreoffice-writer-nogui)")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_summary_docx_keeps_its_registration_with_its_last_rows(app, lang):
    """In the Word file as LibreOffice prints it: on one page with the demo group's 26 students;
    with 29 — the table's end at the page's foot — the last student and the totals go to the
    second page with the legend, the signatures and the QR code (not those alone); the record
    books print whole."""
    doc_type = issuing.checked_type("summary_vedomost", lang, "docx", None)
    label = {"kk": "Тіркеу нөмірі", "ru": "Регистрационный номер"}[lang]
    for students, page_count in ((26, 1), (29, 2)):
        docx = issuing.render(doc_type, lengthened_summary(lang, students), lang, "docx")
        pages = pages_text(through_libreoffice(docx))
        assert len(pages) == page_count, students
        last = next(i for i, text in enumerate(pages) if LAST in text)
        assert f"{label}: {NUMBER}" in pages[last].replace("\n", " ") and "Омарова Ж. Т." in pages[last], students
        assert all(book in "".join(pages) for book in ("24010020", "24010016")), students


def cell_words(docx: bytes) -> list[str]:
    """The words of a DOCX's table cells as written (a soft-hyphenated word as its pieces: it
    may break there)."""
    words = []
    for table in Document(io.BytesIO(docx)).tables:
        for row in table.rows:
            for cell in row.cells:
                for word in cell.text.split():
                    words += [piece for piece in word.split("\u00ad") if piece]
    return words


def printed_words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(page width, xMin, xMax, word) of every word poppler reads on the pages, in points."""
    from xml.etree import ElementTree

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    words = []
    for page in ElementTree.fromstring(out).iter(f"{ns}page"):
        for word in page.iter(f"{ns}word"):
            words.append((float(page.get("width")), float(word.get("xMin")), float(word.get("xMax")), word.text or ""))
    return words


@pytest.mark.demo
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make test installs it: apt-get install libreoffice-writer-nogui)")
def test_every_word_file_prints_whole_words_inside_the_page_through_libreoffice(app):
    """Every type × language × draft/issued, printed by LibreOffice (one run for all): each word
    of every table cell comes out whole — found among the printed words, not cut in two at a
    cell's edge (a soft-hyphenated header word: each piece; an address may break after its
    slashes) —, and no word stands in the 30 mm
    binding edge or the 10 mm right margin (1 mm of a table's cell margin aside)."""
    mm = 72 / 25.4
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for type_id in word_types():
            for lang in ("kk", "ru"):
                for number in (None, NUMBER):
                    name = f"{type_id}-{lang}-{'issued' if number else 'draft'}"
                    Path(tmp, f"{name}.docx").write_bytes(rendered(type_id, lang, number))
                    names.append(name)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, *(str(Path(tmp, f"{n}.docx")) for n in names)],
                       check=True, capture_output=True, timeout=600)
        for name in names:
            printed = printed_words(Path(tmp, f"{name}.pdf"))
            words = [word for _, _, _, word in printed]
            # a word as printed, one cut at a soft hyphen (its piece, less the hyphen), or a word
            # that breaks after a slash or a hyphen of its own (an address: «…/verify/02-» «1/2026-0042»)
            shown = set(words) | {w.rstrip("-") for w in words} | \
                {a + b for a, b in zip(words, words[1:]) if a.endswith(("/", "-"))}
            broken = [w for w in cell_words(Path(tmp, f"{name}.docx").read_bytes()) if w not in shown]
            assert broken == [], (name, broken)
            outside = [word for width, x0, x1, word in printed if x0 < 29 * mm or x1 > width - 9 * mm]
            assert outside == [], name


@pytest.mark.demo
def test_every_pdf_prints_whole_words_inside_the_page(app):
    """The same check on the PDFs of every type (kk, ru; draft and issued): each word of the
    document's table cells (read from its Word twin, made from the same context) is printed
    whole, and no word stands in the 30 mm binding edge or the 10 mm right margin. (A signature
    line, «______» in Word, is a drawn line in the PDF: not a word.)"""
    mm = 72 / 25.4
    cases = [(t.id, lang, number, "docx" in t.formats) for t in issuing.registry() if "pdf" in t.formats
             for lang in ("kk", "ru") for number in (None, NUMBER)]
    with tempfile.TemporaryDirectory() as tmp:
        for type_id, lang, number, has_word_twin in cases:
            name = f"{type_id}-{lang}-{'issued' if number else 'draft'}"
            Path(tmp, f"{name}.pdf").write_bytes(rendered(type_id, lang, number, "pdf"))
            printed = printed_words(Path(tmp, f"{name}.pdf"))
            # a soft hyphen Typst did not use, or a zero-width break point, stays in the extracted
            # word: it printed whole
            words = [word.replace("\u00ad", "").replace("\u200b", "") for _, _, _, word in printed]
            shown = set(words) | {w.rstrip("-") for w in words} | \
                {a + b for a, b in zip(words, words[1:]) if a.endswith(("/", "-"))}
            if has_word_twin:
                # (a sentence's full stop may differ between the two: «07.12.2026.»)
                broken = [w for w in cell_words(rendered(type_id, lang, number))
                          if w not in shown and w.rstrip(".") not in shown and w.strip("_")]
                assert broken == [], (name, broken)
            outside = [word for width, x0, x1, word in printed if x0 < 29 * mm or x1 > width - 9 * mm]
            assert outside == [], name


GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"


@pytest.mark.demo
@pytest.mark.skipif(os.environ.get("DOCSERVICE_GALLERY") != "1" or shutil.which("soffice") is None,
                    reason="the README's document gallery is made on demand: DOCSERVICE_GALLERY=1")
def test_the_document_gallery(app):
    """The README's gallery: the first page of every type issued, in Kazakh as its PDF prints and
    in Russian as its Word file prints through LibreOffice (docs/gallery/<type>_<lang>_<fmt>.png)."""
    GALLERY.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for type_id in word_types():
            for lang, fmt in (("kk", "pdf"), ("ru", "docx")):
                content = rendered(type_id, lang, NUMBER, fmt)
                pdf = through_libreoffice(content) if fmt == "docx" else content
                Path(tmp, "doc.pdf").write_bytes(pdf)
                stem = GALLERY / f"{type_id}_{lang}_{fmt}"
                subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-singlefile", "-png",
                                str(Path(tmp, "doc.pdf")), str(stem)], check=True)
                assert stem.with_suffix(".png").stat().st_size > 10_000


@pytest.mark.demo
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_module_of_four_disciplines_heads_its_narrow_columns_by_number(app, lang):
    """MOD2113's four modular disciplines share 55 mm: their columns are headed 1–4, the numbers
    the list above the table gives their names by, and nothing in the sheet breaks mid-word
    («Культурология» would, «келмеді» at 10 pt would)."""
    from docs_reading import docx_text

    content = issuing.preview(None, "vedomost", {"journal": "D0076"}, lang, "docx")
    assert docx_cell_overflows(content) == []
    grades = max(Document(io.BytesIO(content)).tables, key=lambda t: len(t.rows))
    assert [cell.text for cell in grades.rows[0].cells[3:7]] == ["1", "2", "3", "4"]
    listed = {"kk": "3. Мәдениеттану (2 кр.)", "ru": "3. Культурология (2 кр.)"}[lang]
    assert listed in docx_text(content)
