"""The login request (RU Form 1, KK Form 2) as Typst lays it out: the data read back from the PDF,
the same words as the WeasyPrint rendering, an issued original in PDF/A-3b with every font
embedded, the draft mark, and whatever a user typed printed literally."""

import pytest
from docs_reading import assert_archival, pdf_maker, pdf_text
from store import user

from docservice.clock import now
from docservice.documents import issuing
from docservice.documents.rendering import render_pdf

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

INPUT = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "аға оқытушы", "department": "ANAT",
         "email": "s.abilkasymova@kaznmu.example"}
FORM = {"ru": ["Исх. №", "СЛУЖЕБНАЯ ЗАПИСКА", "Прошу Вас выдать логин и пароль для работы в электронном журнале "
                                               "преподавателю:", "Ф.И.О. (полностью)", "Должность",
               "Корпоративная почта (E-mail)", "Подразделение", "Заведующий кафедрой анатомии"],
        "kk": ["Шығ. №", "ҚЫЗМЕТТІК ХАТ", "Оқытушыға электрондық журналда жұмыс істеу үшін логин мен құпиясөз "
                                          "беруіңізді сұраймын:", "Т. А. Ә. (толық)", "Лауазымы",
               "Корпоративтік пошта (E-mail)", "Кафедра", "Анатомия кафедрасының меңгерушісі"]}
# Typst's own syntax, markup and template tags, a right-to-left override (last: it turns what follows).
HOSTILE = '#eval("1+1") *x* _y_ $x^2$ <b>b</b> @ref {{ 7*7 }} {% x %} ] [ # \\ // `c` = {date} {number} \u202e'


def flat(text: str) -> str:
    return " ".join(text.split())


def draft_context(lang: str) -> dict:
    doc_type = issuing.registry().get("login_request")
    clean = issuing.checked_input(None, doc_type, INPUT, lang, "preview")
    return issuing.build_context(doc_type, clean, lang, None, now())


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_typst_pdf_carries_the_form_and_the_data(sample, lang):
    content = issuing.preview(user("head.anat"), "login_request", INPUT, lang, "pdf")
    assert pdf_maker(content).startswith("Typst")
    text = flat(pdf_text(content))
    context = draft_context(lang)
    for word in FORM[lang] + [INPUT["full_name"], INPUT["position"], INPUT["email"], context["department"]["name"],
                              context["head"]["short_name"], context["addressee"]["full_name"],
                              context["addressee"]["position"]]:
        assert word in text, word
    assert ("ПРОЕКТ" if lang == "ru" else "ЖОБА") in text and "________" in text  # no number on a draft
    assert ("Страница 1 из 1" if lang == "ru" else "Бет 1 / 1") in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_weasyprint_shows_the_same_words(sample, lang):
    """The HTML layout (kept for third parties and as the fallback) and the Typst one: word for word."""
    doc_type, context = issuing.registry().get("login_request"), draft_context(lang)
    typst, weasyprint = issuing.render(doc_type, context, lang, "pdf"), render_pdf(doc_type, context, lang)
    assert pdf_maker(typst).startswith("Typst") and pdf_maker(weasyprint).startswith("WeasyPrint")
    assert sorted(pdf_text(typst).split()) == sorted(pdf_text(weasyprint).split())


def test_an_issued_request_is_pdfa_3b_with_every_font_embedded(sample):
    doc = issuing.issue(user("head.anat"), "login_request", INPUT, "kk", "pdf").document
    content = issuing.content_of(doc)
    assert_archival(content)
    text = flat(pdf_text(content))
    assert "ЖОБА" not in text and f"Шығ. № {doc.number}" in text and f"/verify/{doc.number}" in text
    assert INPUT["full_name"] in text and "Әбілқасымова" in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_typed_text_prints_literally(sample, lang):
    data = dict(INPUT, full_name=HOSTILE, position="<i>" + HOSTILE[:60])
    content = issuing.preview(user("head.anat"), "login_request", data, lang, "pdf")
    text = "".join(pdf_text(content).split())
    assert pdf_maker(content).startswith("Typst")
    assert "".join(HOSTILE.replace("\u202e", "").split()) in text
    assert "".join(("<i>" + HOSTILE[:60]).split()) in text
