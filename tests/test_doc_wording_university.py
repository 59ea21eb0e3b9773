"""Issue 14: every document's header names the university officially, with its legal form, as the
procedures' headers carry it (SPEC §5) — whole, in the page's language only, in the Typst PDF,
the Word file and the HTML layout. The name is a setting (the demo faculty's), not template text."""
import re

import pytest
from docs_reading import docx_text, pdf_text

from docservice.clock import now
from docservice.documents import issuing, rendering

pytestmark = [pytest.mark.rendering, pytest.mark.demo]

OFFICIAL = {"kk": "«С.Ж.АСФЕНДИЯРОВ АТЫНДАҒЫ ҚАЗАҚ ҰЛТТЫҚ МЕДИЦИНА УНИВЕРСИТЕТІ» КЕАҚ",
            "ru": "НАО «КАЗАХСКИЙ НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ УНИВЕРСИТЕТ ИМЕНИ С.Д.АСФЕНДИЯРОВА»"}


def flat(text: str) -> str:
    """Words in one line: a portrait page wraps the Russian name in two."""
    return " ".join(text.split())


def html_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


def test_every_header_carries_the_official_name_in_its_language(app):
    for doc_type in issuing.registry():
        for lang in doc_type.languages:
            other = OFFICIAL["ru" if lang == "kk" else "kk"]
            context = issuing.build_context(
                doc_type, issuing.checked_input(None, doc_type, doc_type.example, lang, "preview"), lang, None, now())
            texts = {"pdf": pdf_text(issuing.preview(None, doc_type.id, doc_type.example, lang, "pdf")),
                     "docx": docx_text(issuing.preview(None, doc_type.id, doc_type.example, lang, "docx")),
                     "html": html_text(rendering.render_html(doc_type, context, lang))}
            for fmt, text in texts.items():
                assert OFFICIAL[lang] in flat(text), (doc_type.id, lang, fmt)
                assert other not in flat(text), (doc_type.id, lang, fmt)
