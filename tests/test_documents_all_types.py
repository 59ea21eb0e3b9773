"""Every registered document type, in every language and format, on the demo faculty:
its example renders, user text stays text, the PDF fonts show every character."""
import copy

import pytest
from docs_reading import docx_text, pdf_font_coverage, pdf_text
from marshmallow import fields

from docservice.documents import issuing
from docservice.documents.fields import StoreRef

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

HOSTILE = "& < > \" ' {{ 7*191 }} {% for x in y %} </w:t> <img src=\"file:///etc/passwd\">"
READ = {"docx": docx_text, "pdf": pdf_text}


def plain_text_fields(schema_cls, example):
    """Paths of the free-text fields of an input (top level, and in the first row of lists of
    rows): the places a user types text."""
    schema = schema_cls()
    for name, field in schema.fields.items():
        if type(field) is fields.String and not isinstance(field, StoreRef) and field.validate is not None \
                and any(type(v).__name__ in ("OneOf", "Regexp") for v in field.validators):
            continue
        if type(field) is fields.String:
            yield (name,)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested) and example.get(name):
            for sub, inner in field.inner.schema.fields.items():
                if type(inner) is fields.String:
                    yield (name, 0, sub)


def with_value(example, path, value):
    data = copy.deepcopy(example)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.demo
def test_every_type_renders_its_example_everywhere(app):
    for doc_type in issuing.registry():
        for lang in doc_type.languages:
            for fmt in doc_type.formats:
                content = issuing.preview(None, doc_type.id, doc_type.example, lang, fmt)
                text = READ[fmt](content)
                university = "ҚАЗАҚ ҰЛТТЫҚ МЕДИЦИНА" if lang == "kk" else "НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ"
                assert university in text.upper(), (doc_type.id, lang, fmt)
                if fmt == "pdf":
                    shown = set(text) - set("\n \t\xa0")
                    assert shown <= pdf_font_coverage(content), (doc_type.id, lang, shown - pdf_font_coverage(content))


@pytest.mark.demo
def test_a_word_draft_is_marked_on_every_page_and_written_in_its_language(app):
    """The mark is in the page header (Word repeats it on every page), as the PDF marks every
    page; an issued original's header is blank."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    for doc_type in issuing.registry():
        if doc_type.id not in BUILT_IN or "docx" not in doc_type.formats:
            continue
        for lang, mark in (("kk", "ЖОБА"), ("ru", "ПРОЕКТ")):
            draft = Document(io.BytesIO(issuing.preview(None, doc_type.id, doc_type.example, lang, "docx")))
            assert all(section.header.paragraphs[0].text == mark for section in draft.sections), doc_type.id
            # Word checks and hyphenates the text in its own language; the university as author.
            tag = {"kk": "kk-KZ", "ru": "ru-RU"}[lang]
            university = "ҚАЗАҚ ҰЛТТЫҚ МЕДИЦИНА" if lang == "kk" else "НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ"
            assert draft.core_properties.language == tag and university in draft.core_properties.author
            assert draft.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:lang')}").get(qn("w:val")) == tag
            assert mark not in "\n".join(p.text for p in draft.paragraphs)  # once, in the header, not the body
            clean = issuing.checked_input(None, doc_type, doc_type.example, lang, "preview")
            original = issuing.render(doc_type, issuing.build_context(doc_type, clean, lang, "01-01/0001",
                                                                       issuing.clock_now()), lang, "docx")
            assert Document(io.BytesIO(original)).sections[0].header.paragraphs[0].text == ""


BUILT_IN = ("explanatory_note", "ktp", "login_request", "semester_report", "summary_vedomost", "vedomost")


@pytest.mark.demo
def test_user_text_stays_text_in_every_field_of_every_type(app):
    for doc_type in issuing.registry():
        shown_somewhere = False
        for path in plain_text_fields(doc_type.schema, doc_type.example):
            data = with_value(doc_type.example, path, HOSTILE)
            for fmt in doc_type.formats:
                try:
                    content = issuing.preview(None, doc_type.id, data, "ru", fmt)
                except issuing.InputInvalid:
                    break  # this field does not accept such text (length, format): refused, not rendered
                # Compared without white space: a PDF line may wrap inside the text.
                text = "".join(READ[fmt](content).split())
                assert "1337" not in text, (doc_type.id, path, fmt)  # never evaluated
                assert "root:" not in text
                if "".join(HOSTILE.split()) in text:
                    shown_somewhere = True
                else:  # a field the document does not show must not show half of it either
                    assert "{{7*191}}" not in text, (doc_type.id, path, fmt)
        if any(True for _ in plain_text_fields(doc_type.schema, doc_type.example)):
            assert shown_somewhere, f"{doc_type.id}: no text field shows user text literally"
