"""Explanatory note about a journal-filling error (RU Form 2, KK Form 3): the store's fields, who
may issue it, and the reopen request its issue files (SPEC §4.7)."""
from datetime import date, datetime, time

import io

import pytest
from docs_reading import assert_archival, docx_text, pdf_maker, pdf_text
from pypdf import PdfReader
from sqlalchemy import func, select
from store import journal, user

from docservice import reopen
from docservice.clock import now
from docservice.documents import issuing, long_date, short_name
from docservice.documents.rendering import render_pdf
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden, Invalid
from docservice.journals import close_journal
from docservice.models import LOCKED, IssuedDocument, ReopenRequest, db

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

REASON = "При вводе оценок за РК1 перепутаны строки двух обучающихся"
NOTE = {"journal": "J0001", "wrong_entry_date": "2026-10-28", "reason": REASON, "with_grade_change": True}
HOSTILE = "& < > \" ' {{ 7*7 }} {% for x in y %} </w:t> <img src=\"file:///etc/passwd\">"
# Typst's own syntax, the words' {places}, a right-to-left override (last: it turns what follows).
TYPST_HOSTILE = ('#eval("1+1") #read("/etc/passwd") *x* _y_ $x^2$ <b>b</b> @ref ] [ # \\ // `c` '
                 "{wrong_date} {mode} {reason} {date} {number} \u202e")
WORDS = {
    "ru": ["ОБЪЯСНИТЕЛЬНАЯ", "об ошибке заполнения электронного журнала", "Декану Школы общей медицины", "От",
           "мною были неверно заполнены данные в электронный журнал", "Возникшая ошибка вызвана",
           "Прошу открыть доступ к электронному журналу", "1. Дисциплина/модуль", "2. Виды занятий", "3. Курс",
           "4. Группа", "5. Образовательная программа", "6. Дата неправильного заполнения эл. журнала",
           "Преподаватель", "Согласовано:", "заведующий кафедрой анатомии", "Исх. №"],
    "kk": ["ТҮСІНІКТЕМЕ", "электрондық журналды толтыру қатесі туралы", "Жалпы медицина мектебінің деканы",
           "мен электрондық журналдағы деректерді дұрыс толтырмадым", "Мен өз қателігімді мойындаймын",
           "неғұрлым мұқият қарауға міндеттенемін", "1. Электрондық журналға рұқсат ашуыңызды сұраймын:",
           "2. Пән/модуль", "3. Сабақ түрлері", "4. Курс", "5. Топ", "6. Мамандығы, бағыты",
           "7. Эл. журналдың дұрыс толтырылмаған күні", "8. Себебі", "Оқытушы", "Келісілді:",
           "Анатомия кафедрасының меңгерушісі", "Шығ. №"],
}
MODE = {"ru": ("с изменением оценок", "без изменения оценок"),
        "kk": ("бағаларды өзгерте отырып", "бағаларды өзгертпей")}
LESSON_TYPES = {"ru": "практические занятия", "kk": "практикалық сабақтар"}  # the sample's lessons are "practical"


def flat(text: str) -> str:
    return " ".join(text.split())


def read(content: bytes, fmt: str) -> str:
    return flat((docx_text if fmt == "docx" else pdf_text)(content))


def issued_count():
    return db.session.scalar(select(func.count(IssuedDocument.id)))


def requests():
    return db.session.scalars(select(ReopenRequest)).all()


@pytest.fixture
def closed(sample, clock):
    """J0001 (t.anat2, ОМ-24-01к, school GM) closed by its teacher; a day later the error is found."""
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    return journal("J0001")


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_store_fills_the_note(sample, lang, fmt):
    j = journal("J0001")
    school, group, dept = j.school, j.group, j.department
    teacher = user("t.anat2")
    text = read(issuing.preview(teacher, "explanatory_note", NOTE, lang, fmt), fmt)
    for word in WORDS[lang]:
        assert word in text, word
    assert short_name(school.dean.full_name) in text
    assert teacher.full_name in text and teacher.position(lang) in text and teacher.department.name(lang) in text
    assert short_name(teacher.full_name) in text and short_name(dept.head.full_name) in text
    assert f"{j.item.code} {j.item.name(lang)}" in text
    assert group.code in text and f"{group.program.code} {group.program.name(lang)}" in text
    label = "3. Курс" if lang == "ru" else "4. Курс"
    assert f"{label} {group.course}" in text.replace("|", "").replace("  ", " ")
    assert LESSON_TYPES[lang] in text and MODE[lang][0] in text and MODE[lang][1] not in text
    assert text.count(long_date(date(2026, 10, 28), lang)) == 2  # in the text and as item 6/7
    assert REASON in text
    assert "Сириус" not in text and "Sirius" not in text
    assert ("ПРОЕКТ" if lang == "ru" else "ЖОБА") in text
    assert issued_count() == 0 and requests() == []  # a preview registers and files nothing


def test_a_module_part_names_the_module_and_its_part(sample):
    j = journal("J0004")  # MOD2103, modular discipline MOD2103-1
    for lang, part_word in (("ru", "модульная дисциплина"), ("kk", "модульдік пән")):
        text = read(issuing.preview(None, "explanatory_note", dict(NOTE, journal="J0004"), lang, "pdf"), "pdf")
        assert j.item.name(lang) in text and j.part.name(lang) in text and part_word in text
        assert short_name(j.staff[0].user.full_name) in text  # no issuer: the journal's teacher writes it


def test_the_scope_names_students_and_columns(sample):
    j = journal("J0001")
    students = sorted(j.group.students, key=lambda s: s.record_book)[:2]
    data = dict(NOTE, students=[s.record_book for s in students], columns=["RK1", j.lessons[0].column],
                with_grade_change=False)
    for lang, exam_word in (("ru", "7. Обучающиеся"), ("kk", "9. Білім алушылар")):
        for fmt in ("docx", "pdf"):
            text = read(issuing.preview(user("t.anat2"), "explanatory_note", data, lang, fmt), fmt)
            assert exam_word in text and MODE[lang][1] in text
            for s in students:
                assert f"{s.full_name} ({s.record_book})" in text
            assert "РК1" in text and j.lessons[0].date.strftime("%d.%m.%Y") in text


def test_a_teacher_not_of_the_journal_may_not_issue(closed):
    for login in ("t.anat1", "head.anat", "dean.gm", "or.head"):
        with pytest.raises(Forbidden):
            issuing.issue(user(login), "explanatory_note", NOTE, "ru", "pdf").document
    assert issued_count() == 0 and requests() == []


def test_a_note_is_written_by_the_teacher_themselves(closed):
    with pytest.raises(InputInvalid) as info:  # the named teacher must be one of the journal's
        issuing.issue(user("t.anat2"), "explanatory_note", dict(NOTE, teacher="t.phys1"), "ru", "pdf").document
    assert "t.phys1" in info.value.errors["teacher"][0]
    assert issued_count() == 0 and requests() == []


def test_an_open_journal_is_refused_and_nothing_is_registered(sample):
    assert journal("J0001").state == "open"
    with pytest.raises(Invalid) as info:
        issuing.issue(user("t.anat2"), "explanatory_note", NOTE, "kk", "pdf").document
    assert info.value.code == "journal_open" and "ашық" in info.value.message("kk")
    with pytest.raises(Invalid):  # the system itself (the CLI operator) is refused as well
        issuing.issue(None, "explanatory_note", NOTE, "ru", "docx").document
    assert issued_count() == 0 and requests() == []
    # the preview still works on an open journal
    assert issuing.preview(user("t.anat2"), "explanatory_note", NOTE, "ru", "pdf")[:4] == b"%PDF"
    # and the next issued document takes the first number: the refused ones left no gap
    close_journal(user("t.anat2"), journal("J0001"))
    doc = issuing.issue(user("t.anat2"), "explanatory_note", NOTE, "ru", "pdf").document
    assert doc.number.endswith("/0001")


def test_issuing_on_a_closed_journal_files_the_request(closed, clock):
    data = dict(NOTE, students=["24010001"], columns=["RK1"])
    doc = issuing.issue(user("t.anat2"), "explanatory_note", data, "ru", "pdf").document
    content = issuing.content_of(doc)
    text = read(content, "pdf")
    assert doc.number in text and "ПРОЕКТ" not in text
    assert_archival(content)  # laid out by Typst: PDF/A-3b with every font embedded
    [req] = requests()
    assert (req.journal.code, req.kind, req.status, req.reason) == ("J0001", "with_change", "filed", REASON)
    assert req.teacher.login == "t.anat2" and req.wrong_entry_on == date(2026, 10, 28)
    assert req.students == ["24010001"] and req.columns == ["RK1"]
    assert req.lesson_types == LESSON_TYPES["ru"] and req.detected_on == clock.now().date()
    # the head of the department agrees it, the chain goes on from the note
    reopen.visa(user("head.anat"), req)
    assert req.status == "visaed"
    # one unfinished request per journal: a second note is refused before it is numbered
    with pytest.raises(Invalid) as info:
        issuing.issue(user("t.anat2"), "explanatory_note", NOTE, "kk", "docx").document
    assert info.value.code == "reopen_pending_exists"
    assert issued_count() == 1 and len(requests()) == 1


def test_without_grade_change_files_that_kind(closed):
    data = dict(NOTE, with_grade_change=False, lesson_types="зертханалық сабақтар")
    doc = issuing.issue(user("t.anat2"), "explanatory_note", data, "kk", "docx").document
    text = read(issuing.content_of(doc), "docx")
    assert MODE["kk"][1] in text and "зертханалық сабақтар" in text and doc.number in text
    [req] = requests()
    assert req.kind == "without_change" and req.lesson_types == "зертханалық сабақтар"
    with pytest.raises(Invalid):  # no visa on the request-module path
        reopen.visa(user("head.anat"), req)
    assert reopen.grant(user("or.head"), req).grantee.login == "t.anat2"


def test_a_journal_past_its_deadline_locks_and_takes_the_note(sample, clock):
    j = journal("J0001")
    clock.set(datetime.combine(j.deadline, time(12, 0)))
    clock.advance(days=1)
    assert j.state == "open"
    issuing.issue(user("t.anat2"), "explanatory_note", NOTE, "ru", "docx").document
    assert journal("J0001").state == LOCKED
    [req] = requests()
    assert req.reason == REASON and req.kind == "with_change"


@pytest.mark.parametrize("change, field, words", [
    ({"reason": "abc"}, "reason", {"ru": "Длина от 5 до 2000", "kk": "Ұзындығы 5–2000"}),
    ({"reason": "      "}, "reason", {"ru": "Укажите причину", "kk": "себебін көрсетіңіз"}),
    ({"students": ["99999999"]}, "students", {"ru": "99999999", "kk": "99999999"}),
    ({"columns": ["RK9"]}, "columns", {"ru": "RK9", "kk": "RK9"}),
    ({"wrong_entry_date": "2026-12-01"}, "wrong_entry_date", {"ru": "≤ 06.11.2026", "kk": "≤ 06.11.2026"}),
    ({"journal": "J9999"}, "journal", {"ru": "J9999", "kk": "J9999"}),
    ({"with_grade_change": "maybe"}, "with_grade_change", {"ru": "да/нет", "kk": "Иә/жоқ"}),
])
def test_bad_input_is_refused_per_field(closed, change, field, words):
    for lang in ("ru", "kk"):
        with pytest.raises(InputInvalid) as info:
            issuing.issue(user("t.anat2"), "explanatory_note", dict(NOTE, **change), lang, "pdf").document
        assert words[lang] in " ".join(info.value.errors[field]), info.value.errors
    assert issued_count() == 0 and requests() == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_hostile_reason_comes_out_literally(closed, fmt, lang):
    doc = issuing.issue(user("t.anat2"), "explanatory_note", dict(NOTE, reason=HOSTILE), lang, fmt).document
    text = read(issuing.content_of(doc), fmt)
    assert "{{ 7*7 }}" in text and "{% for x in y %}" in text and "</w:t>" in text
    assert '<img src="file:///etc/passwd">' in text and "49" not in text
    assert requests()[0].reason == HOSTILE


@pytest.mark.demo
def test_the_example_works_on_the_demo_data(app, clock):
    from docservice.documents.issuing import registry

    example = registry().get("explanatory_note").example
    j = journal(example["journal"])
    clock.set(datetime(2026, 11, 23, 10, 0))  # "today" of the demo world: past the journal's deadline
    assert j.deadline < clock.now().date()
    text = read(issuing.preview(None, "explanatory_note", example, "kk", "pdf"), "pdf")
    assert j.school.name("kk") in text and short_name(j.school.dean.full_name) in text
    teacher = j.staff[-1].user
    doc = issuing.issue(teacher, "explanatory_note", example, "ru", "pdf").document
    assert teacher.full_name in read(issuing.content_of(doc), "pdf")
    [req] = requests()
    assert req.teacher_id == teacher.id and req.reason == example["reason"]


def test_issued_by_the_system_the_note_still_needs_a_closed_journal_and_files_its_request(sample, clock):
    """The CLI issues as the system (no user): the same precondition holds (check_issue), and
    the request it files names the note behind it."""
    from docservice.errors import Invalid

    with pytest.raises(Invalid) as info:
        issuing.issue(None, "explanatory_note", NOTE, "ru", "pdf").document
    assert info.value.code == "journal_open" and issued_count() == 0 and requests() == []
    clock.set(clock.now().replace(day=20))  # J0001 is past its deadline now
    note = issuing.issue(None, "explanatory_note", NOTE, "ru", "pdf").document
    (request,) = requests()
    assert request.document_number == note.number and request.reason == REASON


def draft_context(data: dict, lang: str) -> tuple:
    doc_type = issuing.registry().get("explanatory_note")
    clean = issuing.checked_input(None, doc_type, data, lang, "preview")
    return doc_type, issuing.build_context(doc_type, clean, lang, None, now())


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_typst_lays_it_out_with_the_words_of_the_weasyprint_rendering(sample, lang):
    """The HTML layout (kept for third parties and as the fallback) and the Typst one show the
    same words, the scope's optional items and the reason's own lines included."""
    j = journal("J0001")
    data = dict(NOTE, reason=REASON + "\nВторая строка причины.", students=[j.group.students[0].record_book],
                columns=["RK1"])
    doc_type, context = draft_context(data, lang)
    typst, weasyprint = issuing.render(doc_type, context, lang, "pdf"), render_pdf(doc_type, context, lang)
    assert pdf_maker(typst).startswith("Typst") and pdf_maker(weasyprint).startswith("WeasyPrint")
    assert sorted(pdf_text(typst).split()) == sorted(pdf_text(weasyprint).split())
    text = read(typst, "pdf")
    assert ("8. Графы журнала РК1" if lang == "ru" else "10. Журнал бағандары РК1") in text
    assert "Вторая строка причины." in pdf_text(typst).splitlines()  # a line of its own


@pytest.mark.parametrize("lang, mark, page", [("ru", "ПРОЕКТ", "Страница {n} из {total}"), ("kk", "ЖОБА", "Бет {n} / {total}")])
def test_a_long_draft_has_its_mark_and_number_on_every_page(sample, lang, mark, page):
    j = journal("J0001")
    reason = "\n".join(f"Строка {n} причины." for n in range(1, 100))
    data = dict(NOTE, reason=reason, students=[s.record_book for s in j.group.students])
    pages = PdfReader(io.BytesIO(issuing.preview(user("t.anat2"), "explanatory_note", data, lang, "pdf"))).pages
    assert len(pages) >= 3
    for n, one in enumerate(pages, 1):
        text = one.extract_text()
        assert mark in text and page.format(n=n, total=len(pages)) in text, n
    text = "\n".join(one.extract_text() for one in pages)
    assert "Строка 1 причины." in text and "Строка 99 причины." in text
    assert all(f"{s.full_name} ({s.record_book})" in " ".join(text.split()) for s in j.group.students)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_typed_text_prints_literally_in_the_typst_pdf(closed, lang):
    """The reason (in the text in ru, an item in kk) and the kinds of classes, as typed: no Typst
    markup, no template tag and no {place} of the words is acted on."""
    data = dict(NOTE, reason=TYPST_HOSTILE, lesson_types="{reason} *" + HOSTILE[:40])
    content = issuing.content_of(issuing.issue(user("t.anat2"), "explanatory_note", data, lang, "pdf").document)
    text = "".join(pdf_text(content).split())
    assert pdf_maker(content).startswith("Typst")
    assert "".join(TYPST_HOSTILE.replace("\u202e", "").split()) in text
    assert "".join(("{reason} *" + HOSTILE[:40]).split()) in text
    assert text.count("{reason}") == 2 and "49" not in text


def test_columns_are_taken_by_the_names_people_use(closed):
    """«РК1» / «АБ1», «Емтихан» / «Экзамен» and a lesson's date as the documents write it name
    the same columns as the journal's keys (the form's hint shows those names, not codes)."""
    j = journal("J0001")
    lesson = j.lessons[0]
    data = dict(NOTE, students=["24010001"], columns=["рк1", "Емтихан", lesson.date.strftime("%d.%m.%Y")])
    issuing.issue(user("t.anat2"), "explanatory_note", data, "kk", "pdf")
    [req] = requests()
    assert req.columns == ["RK1", "EXAM", lesson.column]
