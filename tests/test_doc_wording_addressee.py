"""Issue 14: a letter's addressee as its form prints it — RU Form 1 «Руководителю Департамента
цифровизации», the semester report «Проректору по академической деятельности» (the dative, kept
as data beside the nominative position: settings ``to``, given in the demo faculty); settings
without it — the SPEC's sample — print the position."""
import pytest
from docs_reading import docx_text, pdf_text
from store import user

from docservice.documents import issuing

pytestmark = pytest.mark.rendering

LOGIN = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
         "email": "s.abilkasymova@kaznmu.example"}
# (type, input, who issues, the line the document addresses them with)
LETTERS = {
    "login_request": (LOGIN, "head.anat",
                      {"ru": "Руководителю Департамента цифровизации",
                       "kk": "Ақпараттық технологиялар департаментінің басшысы"}),
    "semester_report": ({"period": "2026-2027/1"}, "or.head",
                        {"ru": "Проректору по академической деятельности",
                         "kk": "Академиялық қызмет жөніндегі проректор"}),
}
NOMINATIVE = {"login_request": "Руководитель Департамента цифровизации",
              "semester_report": "Проректор по академической деятельности"}


def flat(content: bytes, fmt: str) -> str:
    """The document's words in one line (a PDF wraps the addressee's lines where they are long)."""
    return " ".join((docx_text(content) if fmt == "docx" else pdf_text(content)).split())


@pytest.mark.demo
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("type_id", sorted(LETTERS))
def test_the_addressee_line_is_the_forms(app, type_id, lang, fmt):
    data, issuer, to = LETTERS[type_id]
    text = flat(issuing.preview(user(issuer), type_id, data, lang, fmt), fmt)
    assert to[lang] in text
    assert NOMINATIVE[type_id] not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("type_id", sorted(LETTERS))
def test_settings_without_the_line_print_the_position(sample, type_id, fmt):
    data, issuer, _ = LETTERS[type_id]
    assert NOMINATIVE[type_id] in flat(issuing.preview(user(issuer), type_id, data, "ru", fmt), fmt)
