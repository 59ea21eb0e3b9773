"""A PDF engine: Typst, for the document types that choose it (``pdf_engine = "typst"``).

WeasyPrint lays a document out in Python, box by box: a 30-row vedomost costs ≈ 300 ms and a
300-row one ≈ 2.5 s. Typst does the same page in ≈ 30 ms (README, Performance). A type that
chooses Typst keeps one layout, ``layout.typ`` beside its module, importing the shared frame
``/typst_engine/document.typ``; a type that does not (every third-party type by default) keeps
WeasyPrint and its HTML template — this hook then answers None and the core renders.

User text is data only: the whole context goes in as one JSON value (``sys.inputs.data``) and a
layout places its strings as text; no Typst source is ever made from what a user typed. The
compiler reads nothing outside the plugins folder, no system font and no package (there is no
network at run time): the fonts are the application's own.
"""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from docservice import hookimpl
from docservice.documents.context import qr_svg_text
from docservice.documents.rendering import FONTS, layout_dir, words

# The root of every Typst file the engine may read: the built-in plugins' folder (each type's
# layout.typ and this package's document.typ).
ROOT = Path(__file__).resolve().parents[1]
LIBRARY = Path(__file__).resolve().parent / "document.typ"
ENGINE = "typst"
ARCHIVAL = ["a-3b"]  # issued originals, as the WeasyPrint path makes them: PDF/A-3b


@hookimpl
def docservice_render_document(doc_type, context, lang, fmt):
    if fmt != "pdf":
        return None
    layout = layout_of(doc_type)
    if layout is None:
        return None
    return render_pdf(layout, doc_type, context, lang)


def layout_of(doc_type) -> Path | None:
    """The Typst layout of a type that chose this engine: ``layout.typ`` beside its module,
    inside the plugins folder (the compiler's root)."""
    if getattr(doc_type, "pdf_engine", None) != ENGINE:
        return None
    layout = layout_dir(doc_type) / "layout.typ"
    return layout if layout.is_file() and ROOT in layout.parents else None


def render_pdf(layout: Path, doc_type, context: dict, lang: str) -> bytes:
    data = typst_data(doc_type, context, lang)
    doc = context.get("doc", {})
    compiler, lock = _compiler()
    with lock:  # one compile at a time per compiler (its caches are shared)
        return compiler.compile(input=str(layout), sys_inputs={"data": data}, timestamp=created(doc),
                                pdf_standards=[] if doc.get("draft", True) else ARCHIVAL)


def created(doc: dict) -> datetime:
    """The PDF's creation date: the document's own date, not the moment of rendering — so the
    same document renders to the same bytes in any process, on any day (an archive printed
    again, or resumed after a crash, must match the first print)."""
    try:
        day = datetime.strptime(doc.get("date") or "", "%d.%m.%Y")
    except ValueError:
        day = datetime(2000, 1, 1)
    return day.replace(tzinfo=timezone.utc)


def typst_data(doc_type, context: dict, lang: str) -> str:
    """The one JSON value a layout reads: the context, the type's words in ``lang``, and the QR
    code of the verify address as SVG text (Typst reads an image from bytes)."""
    doc = dict(context.get("doc", {}))
    if doc.get("verify_url"):
        doc["qr_svg_text"] = qr_svg_text(doc["verify_url"])
    data = {**context, "doc": doc, "lang": lang, "w": words(doc_type, lang)}
    return json.dumps(data, ensure_ascii=False, default=str)


@lru_cache(maxsize=1)
def _compiler():
    """One compiler per process: the fonts are read once, and Typst keeps its compiled library
    between documents."""
    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS)])
    return typst.Compiler(root=str(ROOT), font_paths=fonts, ignore_system_fonts=True), threading.Lock()
