"""The Typst engine: a plugin behind the render hook, chosen per type; what it refuses, what it
keeps (PDF/A-3b, fonts embedded, every page's mark and number) and user text as data only."""
import importlib
import io
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from docs_reading import assert_archival, pdf_maker, pdf_pages, pdf_text, pdfa_claim
from pypdf import PdfReader

from docservice import create_app
from docservice.documents import DocumentType, issuing
from plugins import typst_engine

pytestmark = [pytest.mark.rendering, pytest.mark.demo]
THIRDPARTY = Path(__file__).resolve().parent / "thirdparty"
# What Typst would act on were it ever read as source; as data every one prints as it is.
HOSTILE = ['#eval("1+1")', '#read("/etc/passwd")', "*жирный*", "$x^2$", "<b>b</b>", "{{7*7}}", "#{panic()}",
           "] [ #", "_курсив_", "@ref", "//", "\\\\"]


def context(type_id: str, lang: str, number: str | None = None) -> tuple:
    doc_type = issuing.registry().get(type_id)
    clean = issuing.checked_input(None, doc_type, doc_type.example, lang, "preview")
    return doc_type, issuing.build_context(doc_type, clean, lang, number, datetime(2026, 12, 7, 10, 0))


def test_a_type_that_chose_typst_is_laid_out_by_typst(app):
    doc_type, ctx = context("vedomost", "kk")
    pdf = issuing.render(doc_type, ctx, "kk", "pdf")
    assert pdf_maker(pdf).startswith("Typst")
    text = pdf_text(pdf)
    assert "ЕМТИХАН ВЕДОМОСЫ" in text and ctx["rows"][0]["full_name"] in text and "ЖОБА" in text


def test_without_the_engine_the_same_type_falls_back_to_its_html_layout(app, monkeypatch):
    monkeypatch.setenv("DOCSERVICE_BLOCK_PLUGINS", "typst_engine")
    other = create_app({"TESTING": True, "SECRET_KEY": "t", "CLOCK": app.extensions["docservice.clock"],
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with other.app_context():
        doc_type, ctx = context("vedomost", "ru")
        pdf = issuing.render(doc_type, ctx, "ru", "pdf")
        assert pdf_maker(pdf).startswith("WeasyPrint")
        assert "ЭКЗАМЕНАЦИОННАЯ ВЕДОМОСТЬ" in pdf_text(pdf) and ctx["rows"][0]["full_name"] in pdf_text(pdf)


def test_a_third_party_type_keeps_weasyprint(app, monkeypatch):
    monkeypatch.syspath_prepend(str(THIRDPARTY))
    importlib.invalidate_caches()
    try:
        other = create_app({"TESTING": True, "SECRET_KEY": "t", "CLOCK": app.extensions["docservice.clock"],
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
        with other.app_context():
            data = {"student_name": "Нұрғалиева Дана", "group": "ОМ-24-01к", "purpose": "по месту требования"}
            pdf = issuing.preview(None, "study_certificate", data, "ru", "pdf")
            assert pdf_maker(pdf).startswith("WeasyPrint") and "Нұрғалиева Дана" in pdf_text(pdf)
    finally:
        sys.modules.pop("docservice_certificate", None)


class Outside(DocumentType):
    """Declares Typst, but its module's folder (tests/) has no layout, and is outside the root."""
    id, titles, schema, nomenclature, example = "outside", {"ru": "Вне"}, None, "00-00", {}
    pdf_engine = "typst"

    def build_context(self, data, lang):
        return {}


def test_only_a_layout_inside_the_plugins_folder_is_compiled(tmp_path, monkeypatch):
    assert typst_engine.layout_of(Outside()) is None
    # A layout.typ beside a module elsewhere on disk is not read either: the compiler's root is
    # the plugins folder, and the engine leaves such a type to WeasyPrint.
    (tmp_path / "stray_type.py").write_text(
        "from docservice.documents import DocumentType\n"
        "class Stray(DocumentType):\n"
        "    id, titles, schema, nomenclature, example = 'stray', {'ru': 'x'}, None, '00-00', {}\n"
        "    pdf_engine = 'typst'\n"
        "    def build_context(self, data, lang):\n"
        "        return {}\n")
    (tmp_path / "layout.typ").write_text('#read("/etc/passwd")')
    monkeypatch.syspath_prepend(str(tmp_path))
    stray = importlib.import_module("stray_type")
    try:
        assert typst_engine.layout_of(stray.Stray()) is None
    finally:
        sys.modules.pop("stray_type", None)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_user_text_is_printed_as_it_is_never_run(app, lang):
    doc_type, ctx = context("vedomost", lang)
    for row, hostile in zip(ctx["rows"], HOSTILE):
        row["full_name"] = hostile
    text = pdf_text(issuing.render(doc_type, ctx, lang, "pdf"))
    lines = set(text.splitlines())
    for hostile in HOSTILE:
        assert any(hostile in line for line in lines), hostile
    assert "root:" not in text  # nothing was read from outside


def test_an_issued_original_is_pdfa_3b_with_every_font_embedded_and_its_number_on_every_page(app):
    doc_type, ctx = context("vedomost", "ru", number="02-07/0042")
    ctx["rows"] = ctx["rows"] * 4  # three pages
    pdf = issuing.render(doc_type, ctx, "ru", "pdf")
    assert_archival(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert "02-07/0042" in page and f"Страница {n} из {len(pages)}" in page
        assert "Ф.И.О. обучающегося" in page  # the table's header row, repeated
    assert "ПРОЕКТ" not in "".join(pages)


def test_a_draft_carries_its_mark_on_every_page(app):
    doc_type, ctx = context("vedomost", "kk")
    ctx["rows"] = ctx["rows"] * 4
    pdf = issuing.render(doc_type, ctx, "kk", "pdf")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert pdf_pages(pdf) >= 3 and all("ЖОБА" in page for page in pages)
    assert all(f"Бет {n} / {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert pdfa_claim(PdfReader(io.BytesIO(pdf))) is None


def test_a_value_put_into_a_sentence_is_never_searched_for_places_itself(app):
    from docservice.documents.rendering import FILTERS

    assert FILTERS["fill"]("{a} и {b}", a="{b}", b="x") == "{b} и x"
    assert FILTERS["fill"]("{a} {unknown}", a=1.5) == "1,5 {unknown}"
    doc_type, ctx = context("vedomost", "ru")
    ctx["vedomost"]["group"] = "{course} {group}"  # the group's code as imported
    text = pdf_text(issuing.render(doc_type, ctx, "ru", "pdf"))
    assert f"{ctx['vedomost']['course']} курс, группа {{course}} {{group}}" in text


def test_an_issued_document_renders_to_the_same_bytes_at_any_later_time(app):
    """An archive printed again, or resumed after a crash in another process, must match its
    first print byte for byte: the PDF is dated by the document, not by the moment of rendering."""
    doc_type, ctx = context("vedomost", "ru", number="02-07/0042")
    first = issuing.render(doc_type, ctx, "ru", "pdf")
    time.sleep(1.1)  # a render's clock has seconds
    assert issuing.render(doc_type, ctx, "ru", "pdf") == first
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"].startswith("D:20261207")


def longer(type_id: str, base: dict, step: int) -> dict:
    """The document grown by `step`: rows of the vedomost, paragraphs of the note's reason."""
    if type_id == "vedomost":
        return {**base, "rows": (base["rows"] * 3)[:len(base["rows"]) + step]}
    return {**base, "reason": " ".join([base["reason"]] * (1 + step))}


def one_page_more(render, type_id: str, base: dict) -> bytes:
    """The document grown just enough to take one more page (the fewest rows or paragraphs, found
    by halving): on that page stands what a page break pushed off the previous one."""
    before, shorter, longest = pdf_pages(render(base)), 0, 24  # 24 more rows or paragraphs: a page more
    while longest - shorter > 1:
        step = (shorter + longest) // 2
        if pdf_pages(render(longer(type_id, base, step))) > before:
            longest = step
        else:
            shorter = step
    return render(longer(type_id, base, longest))


def weasyprint(doc_type, lang):
    """The engine the built-in types fall back to with Typst blocked: the core's HTML layout."""
    from docservice.documents.rendering import render_pdf

    return lambda ctx: render_pdf(doc_type, ctx, lang)


@pytest.mark.parametrize("type_id, lang, engine", [
    ("vedomost", "kk", "typst"), ("vedomost", "ru", "typst"), ("explanatory_note", "kk", "typst"),
    ("explanatory_note", "ru", "typst"), ("explanatory_note", "kk", "weasyprint")])
def test_the_qr_code_and_number_stand_on_the_page_of_the_signatures(app, type_id, lang, engine):
    """A page break never leaves an issued document's QR code and number alone on a last page of
    their own, away from the signatures they attest (a 43-student vedomost did, in both engines);
    and WeasyPrint too prints the number on every page."""
    doc_type, base = context(type_id, lang, number="02-07/0042")
    last = base["signatures"][-1]["position"] if type_id == "vedomost" else base["visa"]["short_name"]
    render = weasyprint(doc_type, lang) if engine == "weasyprint" else (
        lambda ctx: issuing.render(doc_type, ctx, lang, "pdf"))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(one_page_more(render, type_id, base))).pages]
    verify = "Түпнұсқаны тексеру" if lang == "kk" else "Проверка подлинника"
    assert verify in pages[-1] and last in pages[-1]
    number = ("Тіркеу нөмірі" if lang == "kk" else "Регистрационный номер") + ": 02-07/0042 · 07.12.2026"
    assert len(pages) >= 2 and all(number in page for page in pages)
