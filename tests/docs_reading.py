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
