"""KTP (calendar-thematic plan, KK Form 1): from a journal's lessons and from typed rows, read back
from the DOCX and the PDF (laid out by Typst); the issued PDF is a PDF/A-3b, a draft is marked on
every page, and typed text prints as it is in every engine's output."""
import io
import re
from datetime import date, datetime, timedelta

import pytest
from docs_reading import assert_archival, docx_text, pdf_maker, pdf_pages, pdf_text
from pypdf import PdfReader
from sqlalchemy import func, select
from store import journal, user

from docservice.documents import issuing, rendering, short_date, short_name
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden
from docservice.models import IssuedDocument, db

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

HEADERS = {"kk": ["№ п/п", "Күні", "Уақыт өткізу", "Тақырып", "Оқу сағаттарының көлемі", "Оқытушының Аты-Жөні",
                  "Кабинет"],
           "ru": ["№ п/п", "Дата", "Время проведения", "Тема", "Объём учебных часов", "Ф.И.О. преподавателя",
                  "Кабинет"]}  # the form's «Кабинет» in both languages
WORDS = {"kk": ["КҮНТІЗБЕЛІК-ТАҚЫРЫПТЫҚ ЖОСПАР", "мамандығының", "курс студенттеріне арналған", "пәні бойынша",
                "оқу жылына", "Барлығы", "Кафедра отырысында қаралды және мақұлданды,", "Кафедра меңгерушісі",
                "ЖОБА"],
         "ru": ["КАЛЕНДАРНО-ТЕМАТИЧЕСКИЙ ПЛАН", "по дисциплине", "для студентов", "курса специальности",
                "учебный год", "Итого", "Рассмотрен и утверждён на заседании кафедры", "Заведующий кафедрой",
                "ПРОЕКТ"]}
FROM_JOURNAL = {"journal": "J0001", "protocol_no": "1", "protocol_date": "2026-08-28"}
HOSTILE = "& < > \" ' {{ 7*7 }} {% for x in y %} </w:t> <img src=\"file:///etc/passwd\">"
# Typst's own syntax, as a teacher may type it; a right-to-left override turns what follows it on
# the page (in a PDF of any engine), a Word file keeps it as typed.
TYPST_HOSTILE = '#eval("1+1") *x* $x$ _y_ #{panic()} ] [ # @ref //'
RIGHT_TO_LEFT = "\u202e"


def flat(text: str) -> str:
    return " ".join(text.split())


def num(value) -> str:
    """A number as the document writes it (decimal comma), computed here independently."""
    return f"{value:g}".replace(".", ",")


def total_shown(text: str, label: str, value) -> bool:
    """The total row: its label (a merged DOCX cell repeats it) and then the sum of hours."""
    return re.search(rf"(?:{label} )+{re.escape(num(value))}(?![\d,])", flat(text.replace("|", " "))) is not None


def issued_count():
    return db.session.scalar(select(func.count(IssuedDocument.id)))


def typed_rows(n: int, teacher="Әбілқасымова Сәуле Нұрланқызы") -> list[dict]:
    start = date(2026, 9, 1)
    return [{"date": (start + timedelta(days=i)).isoformat(), "time": "09:00-10:40",
             "topic": f"Тақырып {i + 1}. Жүрек-қантамыр жүйесінің физиологиясы", "hours": 1.5 if i % 4 == 0 else 2,
             "teacher": teacher, "room": str(500 + i)} for i in range(n)]


def typed(rows, **more) -> dict:
    return {"department": "ANAT", "specialty": "6B10101 Жалпы медицина", "course": 2,
            "discipline": "Қалыпты физиология", "lesson_type": "практикалық сабақтар",
            "academic_year": "2026-2027", "rows": rows, "protocol_no": "7", "protocol_date": "2026-08-28", **more}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_rows_and_heading_come_from_the_journal(sample, lang):
    j = journal("J0001")
    lessons = j.lessons
    assert len(lessons) == 8
    program, dept = j.group.program, j.department
    teacher = j.staff[0].user.full_name
    total = sum(lesson.hours for lesson in lessons)
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = flat(read(issuing.preview(user("head.anat"), "ktp", FROM_JOURNAL, lang, fmt)))
        for word in WORDS[lang] + HEADERS[lang]:
            assert word in text, (fmt, word)
        for lesson in lessons:
            topic = lesson.topic_kk if lang == "kk" else lesson.topic_ru
            assert topic.startswith("Тақырып " if lang == "kk" else "Тема ")
            assert topic in text and short_date(lesson.date) in text and lesson.room in text, (fmt, topic)
        assert text.count(teacher) == len(lessons)
        assert f"{program.code} {program.name(lang)}" in text and j.item.name(lang) in text
        assert f"{j.group.course} курс" in text
        assert dept.name(lang) in text and short_name(dept.head.full_name) in text
        assert "практикалық сабақтар" in text if lang == "kk" else "Практические занятия" in text
        year = "2026 - 2027 оқу жылына" if lang == "kk" else "на 2026-2027 учебный год"
        assert year in text
        assert total_shown(text, "Барлығы" if lang == "kk" else "Итого", total), (fmt, total)
        protocol = ("мақұлданды, 2026 ж. «28» тамыздағы № 1 хаттама." if lang == "kk"
                    else "протокол № 1 от «28» августа 2026 г.")
        assert protocol in text
    assert issued_count() == 0


def test_typed_rows_run_over_pages_with_the_header_repeated(sample):
    rows = typed_rows(60)
    total = sum(r["hours"] for r in rows)
    for lang in ("kk", "ru"):
        content = issuing.preview(user("t.anat1"), "ktp", typed(rows), lang, "pdf")
        pages = pdf_pages(content)
        assert pages >= 2 and pdf_maker(content).startswith("Typst")  # the type's PDF engine
        texts = [flat(p.extract_text()) for p in PdfReader(io.BytesIO(content)).pages]
        label = "Бет {} / {}" if lang == "kk" else "Страница {} из {}"
        table_pages = [t for t in texts if "Тақырып " in t]
        assert len(table_pages) >= 2
        for i, text in enumerate(texts, 1):
            assert label.format(i, pages) in text
            assert ("ЖОБА" if lang == "kk" else "ПРОЕКТ") in text  # a draft: marked on every page
        for text in table_pages:
            for word in HEADERS[lang]:
                assert word in text, (lang, word)
        whole = " ".join(texts)
        for r in rows:
            assert r["topic"] in whole and r["room"] in whole
        assert total_shown(whole, "Барлығы" if lang == "kk" else "Итого", total)
        document = flat(docx_text(issuing.preview(user("t.anat1"), "ktp", typed(rows), lang, "docx")))
        assert all(r["topic"] in document for r in rows)
        assert total_shown(document, "Барлығы" if lang == "kk" else "Итого", total)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_approval_and_signature_stay_with_the_last_rows(sample, lang):
    """45 rows fill the third page of a Kazakh plan: its approval and signature went alone to a fourth.
    The last page now holds the header, the last rows and the total above them (Typst, and the
    WeasyPrint layout kept beside it)."""
    rows = typed_rows(45)
    doc_type = issuing.registry().get("ktp")
    clean = issuing.checked_input(user("t.anat1"), doc_type, typed(rows), lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, datetime(2026, 9, 1, 10, 0))
    for content in (issuing.render(doc_type, context, lang, "pdf"), rendering.render_pdf(doc_type, context, lang)):
        last = flat(PdfReader(io.BytesIO(content)).pages[-1].extract_text())
        approval = "Кафедра отырысында қаралды" if lang == "kk" else "Рассмотрен и утверждён на заседании кафедры"
        assert approval in last and ("Кафедра меңгерушісі" if lang == "kk" else "Заведующий кафедрой") in last
        assert rows[-1]["topic"] in last and rows[-2]["topic"] in last
        assert HEADERS[lang][-1] in last  # the header repeats above them
        assert total_shown(last, "Барлығы" if lang == "kk" else "Итого", sum(r["hours"] for r in rows))


def test_docx_header_row_repeats_on_every_page(sample):
    from docx import Document

    content = issuing.preview(user("head.anat"), "ktp", typed(typed_rows(60)), "kk", "docx")
    table = Document(io.BytesIO(content)).tables[0]
    assert [c.text for c in table.rows[0].cells] == HEADERS["kk"]
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert len(table.rows) == 1 + 60 + 1  # header, rows, total


def test_issue_registers_and_numbers_the_plan(sample):
    doc = issuing.issue(user("head.anat"), "ktp", FROM_JOURNAL, "kk", "pdf").document
    text = pdf_text(issuing.content_of(doc))
    assert doc.number in text and "ЖОБА" not in text
    assert doc.issued_by.login == "head.anat" and issued_count() == 1


@pytest.mark.parametrize("login, allowed", [
    ("head.anat", True),   # the head of the department
    ("t.anat1", True),     # a teacher of the department
    ("t.anat2", True),
    ("head.phys", False),  # another department's head
    ("t.phys1", False),    # another department's teacher
    ("dean.gm", False),
    ("or.inspector", False),
])
def test_who_may_issue(sample, login, allowed):
    data = typed(typed_rows(3))
    if allowed:
        assert issuing.issue(user(login), "ktp", data, "ru", "docx").document.number
    else:
        with pytest.raises(Forbidden):
            issuing.issue(user(login), "ktp", data, "ru", "docx").document
        assert issued_count() == 0


def test_the_journals_department_decides_who_may_issue(sample):
    # J0002 is taught by the physiology department (block of an integrated discipline)
    data = {"journal": "J0002", "protocol_no": "2", "protocol_date": "2026-08-29"}
    with pytest.raises(Forbidden):
        issuing.issue(user("t.anat1"), "ktp", data, "ru", "pdf").document
    assert issuing.issue(user("t.phys1"), "ktp", data, "ru", "pdf").document.number


def test_without_a_journal_everything_is_asked_for_in_the_users_language(sample):
    for lang, required in (("kk", "Міндетті өріс"), ("ru", "Обязательное поле")):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(user("head.anat"), "ktp", {"protocol_no": "1", "protocol_date": "2026-08-28"}, lang, "pdf")
        errors = info.value.errors
        for name in ("department", "specialty", "course", "discipline", "lesson_type", "academic_year", "rows"):
            assert errors[name] == [required], name


@pytest.mark.parametrize("change, field, words", [
    ({"course": 8}, "course", {"kk": "1-ден 7-ге дейін", "ru": "От 1 до 7"}),
    ({"academic_year": "2026/27"}, "academic_year", {"kk": "Пішімі жарамсыз", "ru": "Неверный формат"}),
    ({"academic_year": "2026-2028"}, "academic_year", {"kk": "2026-2027", "ru": "2026-2027"}),
    ({"department": "NOPE"}, "department", {"kk": "NOPE", "ru": "NOPE"}),
    ({"protocol_date": "28.08.2026"}, "protocol_date", {"kk": "Күні жарамсыз", "ru": "Неверная дата"}),
])
def test_bad_heading_is_refused(sample, change, field, words):
    for lang in ("kk", "ru"):
        with pytest.raises(InputInvalid) as info:
            issuing.issue(user("head.anat"), "ktp", typed(typed_rows(2), **change), lang, "pdf").document
        assert words[lang] in " ".join(info.value.errors[field])
    assert issued_count() == 0


def test_bad_rows_are_refused_row_by_row(sample):
    rows = typed_rows(3)
    rows[1]["hours"] = 0
    rows[2]["date"] = "2026-13-01"
    del rows[0]["topic"]
    with pytest.raises(InputInvalid) as info:
        issuing.issue(user("head.anat"), "ktp", typed(rows), "ru", "pdf").document
    errors = info.value.errors["rows"]
    assert errors[0]["topic"] == ["Обязательное поле"]
    assert "> 0" in errors[1]["hours"][0] and "недопустимое значение" in errors[1]["hours"][0]
    assert errors[2]["date"] == ["Неверная дата (ГГГГ-ММ-ДД)"]
    with pytest.raises(InputInvalid) as info:
        issuing.issue(user("head.anat"), "ktp", typed(typed_rows(201)), "kk", "pdf").document
    assert "1–200" in info.value.errors["rows"][0] and "мәні жарамсыз" in info.value.errors["rows"][0]
    assert issued_count() == 0


def test_typed_rows_win_over_the_journals_lessons(sample):
    rows = typed_rows(2, teacher="Мұхамедиярова Құралай Аңсағанқызы")
    data = {"journal": "J0001", "rows": rows, "discipline": "Анатомия (жаңа)", "protocol_no": "3",
            "protocol_date": "2026-08-28"}
    text = flat(pdf_text(issuing.preview(user("head.anat"), "ktp", data, "kk", "pdf")))
    assert rows[0]["topic"] in text and rows[1]["topic"] in text and "Тақырып 3" not in text
    assert "«Анатомия (жаңа)» пәні" in text and "6B10101 Жалпы медицина" in text
    assert total_shown(text, "Барлығы", sum(r["hours"] for r in rows))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_user_text_comes_out_literally(sample, fmt):
    rows = typed_rows(2, teacher=HOSTILE)
    rows[0]["topic"] = f"{HOSTILE} {TYPST_HOSTILE}"
    content = issuing.preview(user("head.anat"), "ktp", typed(rows, specialty=HOSTILE), "ru", fmt)
    text = flat((docx_text if fmt == "docx" else pdf_text)(content))
    assert "{{ 7*7 }}" in text and "{% for x in y %}" in text and "</w:t>" in text
    assert '<img src="file:///etc/passwd">' in text and TYPST_HOSTILE in text
    assert "49" not in text


@pytest.mark.demo
def test_the_example_works_on_the_demo_data(app):
    from docservice.documents.issuing import registry

    example = registry().get("ktp").example
    j = journal(example["journal"])
    content = issuing.preview(None, "ktp", example, "ru", "pdf")
    assert pdf_maker(content).startswith("Typst")
    text = flat(pdf_text(content))
    teacher = ", ".join(t.user.full_name for t in j.staff if t.role == "teacher")
    for n, lesson in enumerate(j.lessons, 1):  # every row, cell after cell
        assert f"{n} {short_date(lesson.date)} {lesson.time} {lesson.topic_ru} {num(lesson.hours)} {teacher} " \
               f"{lesson.room}" in text, lesson.topic_ru
    assert total_shown(text, "Итого", sum(lesson.hours for lesson in j.lessons))
    head = j.department.head
    assert short_name(head.full_name) in text
    assert issuing.issue(head, "ktp", example, "kk", "docx").document.number


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_issued_plan_is_pdfa_3b_with_every_font_embedded(sample, lang):
    doc = issuing.issue(user("head.anat"), "ktp", typed(typed_rows(40)), lang, "pdf").document
    content = issuing.content_of(doc)
    reader = PdfReader(io.BytesIO(content))
    assert_archival(content)
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 2 and all(doc.number in page for page in pages)  # the number on every page
    assert ("ЖОБА" if lang == "kk" else "ПРОЕКТ") not in " ".join(pages)
    assert all(f"Тақырып {i}. Жүрек-қантамыр" in " ".join(pages) for i in range(1, 41))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_typed_text_prints_as_it_is_in_every_engine(sample, lang):
    """Every typed field full of Typst, Jinja and HTML syntax and a right-to-left override: printed
    as typed by Typst, by the WeasyPrint layout kept beside it and in the Word file (there the
    override is kept as typed; a PDF shows what follows it reversed)."""
    rows = typed_rows(1, teacher=f"Әбілқасымова {TYPST_HOSTILE}")
    rows[0].update(topic=f"<b>Ә</b> {{{{ 7*7 }}}} {TYPST_HOSTILE} {RIGHT_TO_LEFT}Ab", time="#x[", room="$1")
    data = typed(rows, specialty=f"6B10101 {TYPST_HOSTILE}", discipline="*Физиология*", lesson_type="_сабақ_ #",
                 protocol_no="#7]")
    doc_type = issuing.registry().get("ktp")
    clean = issuing.checked_input(user("head.anat"), doc_type, data, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, datetime(2026, 9, 1, 10, 0))
    typst_pdf = issuing.render(doc_type, context, lang, "pdf")
    weasyprint_pdf = rendering.render_pdf(doc_type, context, lang)
    assert pdf_maker(typst_pdf).startswith("Typst") and pdf_maker(weasyprint_pdf).startswith("WeasyPrint")
    docx = docx_text(issuing.render(doc_type, context, lang, "docx"))
    for text, turned in ((pdf_text(typst_pdf), "bA"), (pdf_text(weasyprint_pdf), "bA"), (docx, RIGHT_TO_LEFT + "Ab")):
        f = flat(text)
        assert f"<b>Ә</b> {{{{ 7*7 }}}} {TYPST_HOSTILE} {turned}" in f and f"Әбілқасымова {TYPST_HOSTILE}" in f
        assert f"«6B10101 {TYPST_HOSTILE}»" in f and "«*Физиология*»" in f and "_сабақ_ #" in f
        assert "#x[" in f and "$1" in f and "№ #7]" in f
        assert "49" not in f and "root:" not in f
