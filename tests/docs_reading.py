"""Reading rendered documents back as a person would: the text of a DOCX and of a PDF,
and the fonts a PDF embeds."""
from __future__ import annotations

import io


def docx_text(content: bytes) -> str:
    """All text of a DOCX: body paragraphs, tables (row by row), headers and footers."""
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts: list[str] = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    parts.append(" | ".join(cell.text for cell in row.cells))
            else:
                parts.append(block.text)

    walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def pdf_font_names(content: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


def pdf_font_coverage(content: bytes) -> set[str]:
    """Every character the embedded fonts can show (from their ToUnicode maps)."""
    from pypdf import PdfReader

    chars: set[str] = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            cmap = font.get("/ToUnicode")
            if cmap is None:
                continue
            data = cmap.get_object().get_data().decode("latin-1")
            import re

            for hexes in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", data):
                try:
                    chars.add(bytes.fromhex(hexes).decode("utf-16-be"))
                except (ValueError, UnicodeDecodeError):
                    pass  # a glyph mapped to no single character (ligature pieces): nothing to cover
    return chars


def pdf_maker(content: bytes) -> str:
    """What made a PDF, as its Info says (WeasyPrint writes /Producer, Typst /Creator)."""
    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(content)).metadata or {}
    return " ".join(str(info.get(key, "")) for key in ("/Producer", "/Creator")).strip()


def pdfa_claim(reader) -> tuple[str, str] | None:
    """The PDF/A part and conformance a PDF's XMP claims (("3", "B") for PDF/A-3b), written as
    attributes (WeasyPrint) or as elements (Typst); None without XMP or an output intent."""
    import re

    root = reader.trailer["/Root"]
    if "/Metadata" not in root or "/OutputIntents" not in root:
        return None
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")

    def claim(name: str) -> str:
        found = re.search(rf'pdfaid:{name}(?:="([^"]*)"|>([^<]*)</pdfaid:{name}>)', xmp)
        return (found.group(1) or found.group(2) or "").strip() if found else ""

    return claim("part"), claim("conformance")


def fonts_of(reader) -> list:
    """Every font dictionary used on any page (descendants of Type0 fonts included)."""
    found = []
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            found += [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
    return found


def embedded(font) -> bool:
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                  "/FontFile3"))


def assert_archival(content: bytes, maker: str = "Typst") -> None:
    """An issued original as the archive keeps it: made by ``maker``, PDF/A-3b (the XMP's claim
    and an sRGB output intent), every font embedded."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    assert pdf_maker(content).startswith(maker), pdf_maker(content)
    assert pdfa_claim(reader) == ("3", "B")
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert fonts_of(reader) and all(embedded(font) for font in fonts_of(reader))


def docx_cell_overflows(content: bytes) -> list[tuple[str, str, float, float]]:
    """The words of a DOCX's table cells that do not fit their cell on one line, as Word and
    LibreOffice break them (mid-word: «24010 020», «07.09.202|6»; a word with soft hyphens
    breaks at them, each piece with its hyphen on one line): (cell text, word, the word's
    width, the cell's width less its margins), in millimetres. A word's width is measured with
    Liberation Serif, the metrics of Times New Roman, at its run's size and weight."""
    from docx import Document
    from docx.oxml.ns import qn
    from PIL import ImageFont

    from docservice.documents.rendering import FONTS

    doc = Document(io.BytesIO(content))
    default_pt = doc.styles["Normal"].font.size.pt
    fonts = {}

    def width_mm(word: str, size: float, bold: bool) -> float:
        key = (size, bold)
        if key not in fonts:  # PIL measures in pixels of a font size given in pixels: 100 px per pt
            fonts[key] = ImageFont.truetype(str(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf"),
                                            int(round(size * 100)))
        return fonts[key].getlength(word) / 100 * 25.4 / 72

    def twips(element, tag: str, default: int) -> int:
        found = element.find(qn(tag)) if element is not None else None
        return int(found.get(qn("w:w"))) if found is not None else default

    overflows = []
    for table in doc.element.body.iter(qn("w:tbl")):
        margins = table.tblPr.find(qn("w:tblCellMar"))
        left, right = twips(margins, "w:left", 108), twips(margins, "w:right", 108)  # Word's default 1.9 mm
        for tc in table.iter(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            cell_w = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
            if cell_w is None or cell_w.get(qn("w:type")) != "dxa":
                continue
            room = (int(cell_w.get(qn("w:w"))) - left - right) * 25.4 / 1440
            for p in tc.iter(qn("w:p")):
                for r in p.iter(qn("w:r")):
                    text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                    size = r.find(f"{qn('w:rPr')}/{qn('w:sz')}")
                    size_pt = int(size.get(qn("w:val"))) / 2 if size is not None else default_pt
                    bold = r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
                    for word in text.split():
                        *heads, last = word.split("\u00ad")  # a soft hyphen: the word may break there, hyphenated
                        need = max(width_mm(piece, size_pt, bold) for piece in [h + "-" for h in heads] + [last])
                        if need > room:
                            cell_text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                            overflows.append((cell_text, word, round(need, 2), round(room, 2)))
    return overflows
