"""Issue 14: the login request and the explanatory note say what applies, in the right case,
instead of the blank forms' choices (RU Forms 1–2, KK Forms 2–3): the school and department by
their own names, the dean «Декану Школы общей медицины» / «Жалпы медицина мектебінің деканы»,
the note «от старшего преподавателя кафедры анатомии» (the position after «от» is staff data,
given in the demo faculty), the head «заведующий кафедрой анатомии» / «Анатомия кафедрасының
меңгерушісі». Read back from the Typst PDF and the Word file."""
import pytest
from docs_reading import docx_text, pdf_text
from store import user

from docservice.documents import issuing
from docservice.models import db
from plugins.explanatory_note import ExplanatoryNote

pytestmark = pytest.mark.rendering

LOGIN = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
         "email": "s.abilkasymova@kaznmu.example"}
NOTE = ExplanatoryNote.example  # the demo's D0046, of t.anat1 (ANAT, school GM)
SAYS = {
    ("login_request", "ru"): ["Заведующий кафедрой анатомии"],
    ("login_request", "kk"): ["Кафедра: Анатомия кафедрасы", "Анатомия кафедрасының меңгерушісі"],
    ("explanatory_note", "ru"): ["Декану Школы общей медицины Сейітов Е. М.",
                                 "от старшего преподавателя кафедры анатомии Мұхамедиярова Құралай Аңсағанқызы",
                                 "Согласовано: заведующий кафедрой анатомии"],
    ("explanatory_note", "kk"): ["Жалпы медицина мектебінің деканы Сейітов Е. М.",
                                 "Анатомия кафедрасының аға оқытушысы Мұхамедиярова Құралай Аңсағанқызы",
                                 "Келісілді: Анатомия кафедрасының меңгерушісі"],
}
# The blank forms' choices and the names in the nominative where a case is due.
NEVER = ["/", "Бөлімше", "Кафедра меңгерушісі", "кафедра меңгерушісі", "заведующий кафедрой Кафедра",
         "старший преподаватель", "Школа общей медицины", "От "]


def read(content: bytes, fmt: str) -> str:
    """The words in one line (a PDF wraps long lines); a Word table's cells are joined by « | »."""
    return " ".join((docx_text(content) if fmt == "docx" else pdf_text(content)).split())


def cells_apart(text: str) -> str:
    """A label and its value as a PDF shows them, side by side: «Кафедра Анатомия кафедрасы»
    (the Word file has «Кафедра: …» in a paragraph, «… | …» in a table)."""
    return text.replace(" |", "").replace(":", "")


def render(type_id: str, lang: str, fmt: str, issuer: str | None = None) -> str:
    data = LOGIN if type_id == "login_request" else NOTE
    return read(issuing.preview(user(issuer) if issuer else None, type_id, data, lang, fmt), fmt)


@pytest.mark.demo
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("type_id, lang", sorted(SAYS))
def test_the_document_says_what_applies(app, type_id, lang, fmt):
    text = render(type_id, lang, fmt, "head.anat" if type_id == "login_request" else None)
    for words in SAYS[type_id, lang]:
        assert cells_apart(words) in cells_apart(text), words
    header_and_body = text.split("Сейітов Е. М.")[-1]  # the school's numbered items may hold a "/"
    for wrong in NEVER:
        if wrong == "/":
            assert "Школы/факультета" not in text and "мектеп/факультет" not in text
            continue
        assert wrong not in header_and_body.replace("Дисциплина/модуль", ""), wrong


@pytest.mark.demo
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_unit_named_otherwise_is_quoted_after_a_generic_word(app, fmt):
    """A department whose name does not start with «Кафедра»/«Курс» (ru) or end in a possessive
    (kk) keeps its name as given, in quotes after a word that takes the case."""
    department = user("head.anat").department
    department.name_ru, department.name_kk = "Центр симуляции", "Симуляциялық орталық"
    db.session.commit()
    assert "Заведующий подразделением «Центр симуляции»" in render("login_request", "ru", fmt, "head.anat")
    assert "от старшего преподавателя подразделения «Центр симуляции»" in render("explanatory_note", "ru", fmt)
    assert "«Симуляциялық орталық» бөлімшесінің меңгерушісі" in render("login_request", "kk", fmt, "head.anat")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_staff_without_the_position_after_from_are_shown_as_listed(sample, fmt):
    """The SPEC's sample gives no ``position_from``: the note shows the position as it is."""
    data = {"journal": "J0001", "wrong_entry_date": "2026-10-28", "reason": "Ошибка", "with_grade_change": True}
    text = read(issuing.preview(user("t.anat2"), "explanatory_note", data, "ru", fmt), fmt)
    assert "От ассистент, Кафедра анатомии Өтебаев Нұрсұлтан Еркебұланұлы" in text
    assert "Декану Школы общей медицины" in text
