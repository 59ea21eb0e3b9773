"""The exam vedomost: regular, integrated (an integrated discipline, a module), individual
after a reopening — read back from DOCX and PDF (laid out by Typst) and checked against the
store's results; the issued PDF is a PDF/A-3b, a draft is marked on every page, and user text
prints as it is in every engine's output."""
import io
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from docs_reading import assert_archival, docx_text, pdf_maker, pdf_pages, pdf_text
from pypdf import PdfReader
from store import journal, user

from docservice import reopen
from docservice.documents import issuing, rendering
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden, Invalid
from docservice.journals import close_journal, set_mark
from docservice.models import Mark, Student, db
from docservice.results import item_results, results_json

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

STATUS = {"kk": {"not_admitted": "жіберілмеді", "absent": "келмеді"},
          "ru": {"not_admitted": "не допущен", "absent": "неявка"}}
FORM = {
    "kk": ["ЕМТИХАН ВЕДОМОСЫ", "Мектеп", "Білім беру бағдарламасы", "Білім алушының аты-жөні",
           "Сынақ кітапшасының №", "ЖРБ", "Емтихан", "Қорытынды баға, %", "Әріптік баға", "Сандық баламасы",
           "Дәстүрлі жүйе бойынша баға", "Емтихан алушының қолы", "2026-2027 оқу жылы, 1 семестр", "емтихан",
           "Білім сапасы", "Үлгерім", "Емтихан алушы", "меңгерушісі", "ОР инспекторы", "ЖОБА"],
    "ru": ["ЭКЗАМЕНАЦИОННАЯ ВЕДОМОСТЬ", "Школа", "Образовательная программа", "Ф.И.О. обучающегося",
           "№ зачётной книжки", "РД", "Экзамен", "Итоговая оценка, %", "Буквенная оценка", "Цифровой эквивалент",
           "Оценка по традиционной системе", "Подпись экзаменатора", "2026-2027 учебный год, 1 семестр", "экзамен",
           "Качество знаний", "Успеваемость", "Экзаменатор", "Заведующий кафедрой", "Инспектор ОР", "ПРОЕКТ"],
}
QUALITY = ("A", "A-", "B+", "B", "B-")
LETTERS = ("A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "FX", "F")


def num(x) -> str:
    """A figure as the sheet writes every one (issue 14): two decimals, decimal comma."""
    if x is None:
        return ""
    if isinstance(x, (int, float, Decimal)):
        return str(Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)).replace(".", ",")
    return str(x)


def labelled(name: str, lang: str) -> tuple[str, str]:
    """A school's or department's name as the sheet's head shows it, its head word as the label
    once (issue 14): «Кафедра | анатомии», «Мектеп | Жалпы медицина»."""
    if lang == "ru":
        head, rest = name.split(" ", 1)
        return head, rest
    rest, head = name.rsplit(" ", 1)
    return {"кафедрасы": "Кафедра", "мектебі": "Мектеп"}[head], rest


def pct(part: int, whole: int) -> str:
    return num(Decimal(part * 100) / Decimal(whole))


def grades(r: dict, lang: str) -> list[str]:
    """final · letter · points · traditional of a result, status words in place of grades."""
    said = STATUS[lang].get(r["status"])
    if said:
        return [said, said, "0,00", said]
    if r["status"] == "pending":
        return ["", "", "", ""]
    return ["—" if r["final"] is None else num(r["final"]), r["letter"], num(r["gpa"]), r[f"traditional_{lang}"]]


def exam_cell(r: dict, lang: str) -> str:
    return STATUS[lang].get(r["status"]) or num(r["exam"])


def regular_cells(r: dict, lang: str) -> list[str]:
    return [num(r["rd"]), exam_cell(r, lang), *grades(r, lang)]


def assert_rows(content: dict, expected: list[tuple[str, str, list[str]]]):
    """Every listed student's row, numbered in order, in the DOCX and in the PDF text."""
    for n, (name, record_book, cells) in enumerate(expected, 1):
        assert " | ".join([str(n), name, record_book, *cells, ""]) in content["docx"], (name, cells)
        assert " ".join([str(n), name, record_book, *[c for c in cells if c]]) in content["pdf"], (name, cells)


def render(data: dict, lang: str, actor="or.inspector") -> dict:  # the registrar may see every vedomost
    pdf = issuing.preview(user(actor), "vedomost", data, lang, "pdf")
    assert pdf_maker(pdf).startswith("Typst")  # the type's PDF engine (plugins/typst_engine)
    return {"docx": docx_text(issuing.preview(user(actor), "vedomost", data, lang, "docx")), "pdf": pdf_text(pdf)}


def totals_line(letters: Counter, listed: int, not_admitted: int, absent: int, lang: str) -> list[str]:
    label, count = ("Оценка", "Количество") if lang == "ru" else ("Баға", "Саны")
    total = "Всего" if lang == "ru" else "Барлығы"
    heads = " | ".join([label, *LETTERS, STATUS[lang]["not_admitted"], STATUS[lang]["absent"], total])
    values = " | ".join([count, *[str(letters[x]) for x in LETTERS], str(not_admitted), str(absent), str(listed)])
    return [heads, values]


def rates_line(quality: int, passed: int, listed: int, lang: str) -> str:
    if lang == "ru":
        return (f"Качество знаний: {pct(quality, listed)} % ({quality} из {listed}). "
                f"Успеваемость: {pct(passed, listed)} % ({passed} из {listed}).")
    return f"Білім сапасы: {pct(quality, listed)} % ({quality} / {listed}). Үлгерім: {pct(passed, listed)} % ({passed} / {listed})."


def assert_totals(content: dict, statuses: list[tuple[str, str | None]], lang: str):
    """Counts per letter (graded students), not admitted, absent; quality and pass rate."""
    letters = Counter(letter for status, letter in statuses if status in ("ok", "fail"))
    by_status = Counter(status for status, _ in statuses)
    listed = len(statuses)
    for line in totals_line(letters, listed, by_status["not_admitted"], by_status["absent"], lang):
        assert line in content["docx"], line
    quality = sum(letters[x] for x in QUALITY)
    rates = rates_line(quality, by_status["ok"], listed, lang)
    assert rates in content["docx"]
    assert rates in " ".join(content["pdf"].split())


def grid_matches_cells(content: bytes) -> bool:
    """Every table of the DOCX has as many grid columns as each of its rows has cells."""
    from docx import Document
    from docx.oxml.ns import qn

    for table in Document(io.BytesIO(content)).tables:
        cols = len(table._tbl.tblGrid.findall(qn("w:gridCol")))
        if any(len(tr.findall(qn("w:tc"))) != cols for tr in table._tbl.findall(qn("w:tr"))):
            return False
    return True


# --- regular ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("code", ["J0001", "J0011"])
def test_regular_vedomost_shows_the_journals_results(sample, lang, code):
    rows = results_json(journal(code))
    teacher = journal(code).staff[0].user.login
    content = render({"journal": code}, lang, actor=teacher)
    assert_rows(content, [(r["full_name"], r["student_id"], regular_cells(r, lang)) for r in rows])
    assert_totals(content, [(r["status"], r["letter"]) for r in rows], lang)
    for text in content.values():
        flat = " ".join(text.split())
        for word in FORM[lang]:
            assert word in flat, word
    j = journal(code)
    item, group = j.item, j.group
    for text, cells in ((content["docx"], " | "), (" ".join(content["pdf"].split()), " ")):
        for value in (f"{item.code} {item.name(lang)}", group.code, f"{group.program.code} {group.program.name(lang)}",
                      *(cells.join(labelled(unit.name(lang), lang)) for unit in (j.department, j.school)),
                      f"{j.final_control:%d.%m.%Y}", j.staff[0].user.full_name):
            assert value in text, value


def test_status_words_stand_in_place_of_grades(sample):
    """J0011 has a student absent from the exam: «неявка» / «келмеді» in the grade columns."""
    absent = [r for r in results_json(journal("J0011")) if r["status"] == "absent"]
    assert absent
    for lang in ("kk", "ru"):
        content = render({"journal": "J0011"}, lang, actor="head.chem")
        word = STATUS[lang]["absent"]
        for r in absent:
            assert f"{r['student_id']} | {num(r['rd'])} | {word} | {word} | {word} | 0,00 | {word} |" in content["docx"]


def test_exam_date_can_be_given(sample):
    content = render({"journal": "J0001", "exam_date": "2026-11-12"}, "ru")
    assert "экзамен, 12.11.2026" in content["docx"]


def test_multipage_repeats_the_header_numbers_pages_and_marks_a_draft_on_each(sample):
    j = journal("J0001")
    columns = [lesson.column for lesson in j.lessons] + ["RK1", "RK2", "EXAM"]
    for i in range(45):
        student = Student(record_book=f"2409{i:04d}", full_name=f"Тестова Әсем {i:02d}", group_id=j.group_id)
        db.session.add(student)
        db.session.flush()
        for k, column in enumerate(columns):
            db.session.add(Mark(journal_id=j.id, student_id=student.id, column=column, score=60 + (i + k) % 40,
                                updated_at=datetime(2026, 11, 1)))
    db.session.commit()
    rows = results_json(j)
    assert len(rows) == 57
    for lang, head, label, mark in (("ru", "Ф.И.О. обучающегося", "Страница {} из {}", "ПРОЕКТ"),
                                    ("kk", "Білім алушының аты-жөні", "Бет {} / {}", "ЖОБА")):
        content = issuing.preview(user("t.anat2"), "vedomost", {"journal": "J0001"}, lang, "pdf")
        pages = pdf_pages(content)
        assert pages >= 2 and pdf_maker(content).startswith("Typst")
        for i, page in enumerate(PdfReader(io.BytesIO(content)).pages, 1):
            text = page.extract_text()
            assert label.format(i, pages) in text and mark in text  # a draft: marked on every page
            if any(r["student_id"] in text for r in rows):
                assert head in text
        text = pdf_text(content)
        for n, r in enumerate(rows, 1):
            assert " ".join([str(n), r["full_name"], r["student_id"], *regular_cells(r, lang)]) in text


# --- integrated -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_integrated_discipline_is_formed_from_its_last_block(sample, lang):
    """PHS2102 in ОМ-24-01к: blocks J0002 (PHYS) and J0003 (ANAT, holds the exam)."""
    rows = results_json(journal("J0003"))
    expected = [(r["full_name"], r["student_id"], regular_cells(r, lang)) for r in rows]
    for code in ("J0003", "J0002"):  # a block's journal gives the discipline's vedomost
        content = render({"journal": code}, lang)
        assert_rows(content, expected)
        assert_totals(content, [(r["status"], r["letter"]) for r in rows], lang)
        for text in (content["docx"], " ".join(content["pdf"].split())):
            assert "PHS2102 " + ("Қалыпты физиология" if lang == "kk" else "Нормальная физиология") in text
            for block in (("Жүрек-қантамыр жүйесі", "Тыныс алу жүйесі") if lang == "kk"
                          else ("Сердечно-сосудистая система", "Дыхательная система")):
                assert block in text
            assert ("интеграцияланған" if lang == "kk" else "интегрированная") in text
            assert "10.11.2026" in text  # the last block's final control


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_module_vedomost_shows_its_parts_and_the_module_grade(sample, lang):
    """MOD2103: Биохимия (J0004, 4 credits) and Генетика (J0005, 2 credits); the module grade
    is the credit-weighted mean of the parts' finals."""
    j = journal("J0004")
    module = item_results(j.item, j.group_id, j.period_id)
    parts = [{r["student_id"]: r for r in results_json(journal(code))} for code in ("J0004", "J0005")]
    expected, statuses = [], []
    for r in results_json(j):
        m = module[next(s.id for s in j.group.students if s.record_book == r["student_id"])].as_dict()
        cells = []
        for part in parts:
            p = part[r["student_id"]]
            said = STATUS[lang].get(p["status"])
            cells.append(said or (p["letter"] if p["status"] == "fail" else num(p["final"])))
        expected.append((r["full_name"], r["student_id"], [*cells, *grades(m, lang)]))
        statuses.append((m["status"], m["letter"]))
    assert {"ok", "fail", "not_admitted", "absent"} <= {s for s, _ in statuses}
    for code in ("J0004", "J0005"):
        content = render({"journal": code}, lang)
        assert_rows(content, expected)
        assert_totals(content, statuses, lang)
        assert "1. Биохимия" in content["docx"] and ("2. Генетика" in content["docx"])
        assert ("Модульдік пәндер" if lang == "kk" else "Модульные дисциплины") in content["docx"]


@pytest.mark.parametrize("code", ["J0001", "J0004"])
def test_docx_table_grid_matches_the_rendered_columns(sample, code):
    content = issuing.preview(user("or.inspector"), "vedomost", {"journal": code}, "ru", "docx")
    assert grid_matches_cells(content)


TEXT_WIDTH = round(257 * 1440 / 25.4)  # twips between the margins of landscape A4 (30 + 10 mm)
LOOP_SHARE = round(55 * 1440 / 25.4)  # what the fixed columns of the grade table leave to the looped ones
FIXED_COLUMNS = 8  # № · name · record book · … · final · letter · points · traditional · signature


def assert_cells_as_wide_as_their_columns(content: bytes, loop_columns: int):
    """Every cell, the looped ones too (РД / exam, the modular disciplines; the letters of the
    totals), carries a width equal to its grid column, and the looped grade columns add up to
    their share: LibreOffice narrows the fixed columns around a cell without one. No table
    directly follows another (Word and LibreOffice would make one table of the two)."""
    from docx import Document
    from docx.oxml.ns import qn

    def grid(table) -> list[int]:
        return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]

    document = Document(io.BytesIO(content))
    head, grades, totals, signatures = document.tables
    for table in (head, grades, totals, signatures):
        for tr in table._tbl.findall(qn("w:tr")):
            widths = []
            for tc in tr.findall(qn("w:tc")):
                tc_w = tc.find(qn("w:tcPr")).find(qn("w:tcW"))
                assert tc_w is not None and tc_w.get(qn("w:type")) == "dxa"
                widths.append(int(tc_w.get(qn("w:w"))))
            assert widths == grid(table)
    columns = grid(grades)
    assert len(columns) == FIXED_COLUMNS + loop_columns
    looped = columns[3:3 + loop_columns]
    assert sum(looped) == LOOP_SHARE and max(looped) - min(looped) <= 1
    assert abs(sum(columns) - TEXT_WIDTH) <= len(columns)  # each column rounded to the twip
    letters = grid(totals)[1:1 + len(LETTERS)]
    assert len(set(letters)) == 1  # one column per letter, all as wide
    body = document.element.body
    assert not any(t.getnext() is not None and t.getnext().tag == qn("w:tbl") for t in body.iter(qn("w:tbl")))


@pytest.mark.parametrize("code", ["J0004", "J0003", "J0001"], ids=["module", "integrated", "regular"])
def test_docx_every_cell_is_as_wide_as_its_grid_column(sample, code):
    content = issuing.preview(user("or.inspector"), "vedomost", {"journal": code}, "ru", "docx")
    assert_cells_as_wide_as_their_columns(content, 2)  # two modular disciplines; РД and exam


@pytest.mark.demo
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_docx_module_of_four_disciplines_shares_its_columns(app, lang):
    """MOD2113 of the demo faculty: four modular disciplines, 3685 twips in 921 + 921 + 921 + 922."""
    content = issuing.preview(user("or.inspector"), "vedomost", {"journal": "D0076"}, lang, "docx")
    assert_cells_as_wide_as_their_columns(content, 4)


# --- individual -------------------------------------------------------------------------

STUDENT, LESSON = "24010001", "2026-09-02"  # J0001: 45 entered instead of 54


def reopened(clock):
    close_journal(user("t.anat2"), journal("J0001"))
    return reopened_after_closing(clock)


def reopened_after_closing(clock):
    """J0001 (closed): a grade-changing reopening of STUDENT's LESSON through the whole chain."""
    clock.advance(days=1)
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "Ошибка при вводе: 45 вместо 54",
                              wrong_entry_on=date(2026, 9, 2), students=[STUDENT], columns=[LESSON])
    reopen.visa(user("head.anat"), req)
    reopen.decide(user("dean.gm"), req, "7", date(2026, 11, 6))
    reopen.grant(user("or.head"), req)
    return req


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_individual_vedomost_after_a_grade_changing_reopen(sample, clock, lang):
    before = next(r for r in results_json(journal("J0001")) if r["student_id"] == STUDENT)
    req = reopened(clock)
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "54")
    after = next(r for r in results_json(journal("J0001")) if r["student_id"] == STUDENT)
    assert after["rd"] > before["rd"]
    content = render({"request": req.id}, lang)
    assert_rows(content, [(after["full_name"], STUDENT, regular_cells(after, lang))])
    assert_totals(content, [(after["status"], after["letter"])], lang)
    others = [r["full_name"] for r in results_json(journal("J0001")) if r["student_id"] != STUDENT]
    for text in content.values():
        flat = " ".join(text.split())
        assert num(before["rd"]) not in flat.split()
        assert not any(name in text for name in others)
        if lang == "ru":
            assert f"заявка № {req.id} от 06.11.2026" in flat
            assert "протокол Совета деканата № 7 от 06.11.2026" in flat and "доступ открыт 06.11.2026" in flat
            assert "индивидуальная" in flat and "с изменением оценки" in flat
        else:
            assert f"06.11.2026 № {req.id} өтінім" in flat and "деканат кеңесінің 06.11.2026 № 7 хаттамасы" in flat
            assert "жеке" in flat and "бағаны өзгертумен" in flat
    # The teacher forms it before closing the journal again, and after.
    doc = issuing.issue(user("t.anat2"), "vedomost", {"request": req.id}, lang, "pdf").document
    assert doc.number in pdf_text(issuing.content_of(doc))
    reopen.complete(user("t.anat2"), req)
    assert issuing.issue(user("or.inspector"), "vedomost", {"request": req.id, "journal": "J0001"}, lang, "docx").document


def test_individual_vedomost_needs_a_granted_request(sample, clock):
    close_journal(user("t.anat2"), journal("J0001"))
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "Ошибка", students=[STUDENT])
    for lang, word in (("ru", "Заявка в состоянии «filed»"), ("kk", "Өтінім «filed» күйінде")):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(user("t.anat2"), "vedomost", {"request": req.id}, lang, "pdf")
        assert word in info.value.errors["request"][0]


# --- input and issuing ------------------------------------------------------------------

@pytest.mark.parametrize("data, field, ru, kk", [
    ({"journal": "J9999"}, "journal", "J9999", "J9999"),
    ({}, "journal", "Обязательное поле", "Міндетті өріс"),
    ({"journal": "J0001", "kind": "individual"}, "request", "Обязательное поле", "Міндетті өріс"),
    ({"request": 999}, "request", "999", "999"),
    ({"journal": "J0001", "kind": "integrated"}, "kind", "недопустимое значение", "мәні жарамсыз"),
    ({"journal": "J0001", "kind": "other"}, "kind", "Допустимые значения", "Мүмкін мәндер"),
    ({"journal": "J0001", "exam_date": "12.11.2026"}, "exam_date", "Неверная дата", "Күні жарамсыз"),
])
def test_bad_input_is_refused_per_field(sample, data, field, ru, kk):
    for lang, expected in (("ru", ru), ("kk", kk)):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(user("t.anat2"), "vedomost", data, lang, "docx")
        assert expected in info.value.errors[field][0]


def test_issuing_waits_for_the_journal_to_close(sample):
    data = {"journal": "J0001"}
    assert issuing.preview(user("t.anat2"), "vedomost", data, "ru", "pdf")[:4] == b"%PDF"  # a draft is fine
    for actor in ("t.anat2", "head.anat", "or.inspector"):
        with pytest.raises(Invalid) as info:
            issuing.issue(user(actor), "vedomost", data, "ru", "pdf").document
        assert info.value.code == "journal_open"
        assert "закройте" in info.value.message("ru") and "жабыңыз" in info.value.message("kk")
    close_journal(user("t.anat2"), journal("J0001"))
    doc = issuing.issue(user("t.anat2"), "vedomost", data, "kk", "docx").document
    text = docx_text(issuing.content_of(doc))
    assert doc.number in text and "ЖОБА" not in text
    # Whoever asks again, the journal's vedomost is the one issued: one subject, one number.
    assert issuing.issue(user("head.anat"), "vedomost", data, "ru", "pdf").document.number == doc.number
    assert issuing.issue(user("or.inspector"), "vedomost", data, "ru", "pdf").already


def test_a_locked_journal_may_be_issued(sample, clock):
    clock.set(datetime(2026, 11, 15, 9, 0))  # J0001: final control 11.11, deadline 14.11
    assert issuing.issue(user("t.anat2"), "vedomost", {"journal": "J0001"}, "ru", "pdf").document


@pytest.mark.parametrize("login", ["t.phys1", "head.phys", "t.anat1", "dean.gm", "methodist"])
def test_others_may_not_issue(sample, login):
    close_journal(user("t.anat2"), journal("J0001"))
    with pytest.raises(Forbidden):
        issuing.issue(user(login), "vedomost", {"journal": "J0001"}, "ru", "pdf").document


def test_integrated_vedomost_is_issued_by_the_department_completing_the_teaching(sample):
    """PHS2102's vedomost is formed in its last block (J0003, ANAT); every block must be closed."""
    close_journal(user("t.anat2"), journal("J0003"))
    with pytest.raises(Invalid) as info:  # block J0002 is still open
        issuing.issue(user("t.anat2"), "vedomost", {"journal": "J0003"}, "ru", "pdf").document
    assert info.value.code == "journal_open"
    close_journal(user("t.phys3"), journal("J0002"))
    with pytest.raises(Forbidden):  # the first block's teacher does not form it
        issuing.issue(user("t.phys3"), "vedomost", {"journal": "J0002"}, "ru", "pdf").document
    assert issuing.issue(user("t.anat2"), "vedomost", {"journal": "J0002"}, "ru", "pdf").document
    assert issuing.issue(user("head.anat"), "vedomost", {"journal": "J0003"}, "kk", "pdf").document


def test_a_substitute_is_listed_among_the_examiners_and_may_issue(sample):
    from docservice.journals import appoint_substitute

    appoint_substitute(user("head.anat"), journal("J0001"), user("t.anat1"), "Протокол кафедры №3")
    for lang, word in (("ru", "замещающий"), ("kk", "алмастырушы")):
        content = render({"journal": "J0001"}, lang)
        for text in content.values():
            flat = " ".join(text.split())
            assert f"Өтебаев Нұрсұлтан Еркебұланұлы, Мұхамедиярова Құралай Аңсағанқызы ({word})" in flat
            assert "Мұхамедиярова Қ. А." in flat  # signs as an examiner
    close_journal(user("t.anat1"), journal("J0001"))
    assert issuing.issue(user("t.anat1"), "vedomost", {"journal": "J0001"}, "ru", "pdf").document


def test_the_system_cannot_issue_an_open_journals_vedomost_either(sample):
    """The CLI issues as the system: the open-journal rule holds for it too (check_issue)."""
    from docservice.errors import Invalid

    with pytest.raises(Invalid) as info:
        issuing.issue(None, "vedomost", {"journal": "J0001"}, "ru", "pdf").document
    assert info.value.code == "journal_open"


# --- the PDF as issued, and user text ------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_issued_pdf_is_pdfa_3b_with_every_font_embedded(sample, lang):
    close_journal(user("t.anat2"), journal("J0001"))
    doc = issuing.issue(user("t.anat2"), "vedomost", {"journal": "J0001"}, lang, "pdf").document
    content = issuing.content_of(doc)
    assert_archival(content)
    text = pdf_text(content)
    assert doc.number in text and ("ЖОБА" if lang == "kk" else "ПРОЕКТ") not in text
    for r in results_json(journal("J0001")):
        assert " ".join([r["full_name"], r["student_id"], *[c for c in regular_cells(r, lang) if c]]) in text


# What a teacher, a dean or an import may type, with Typst's, Jinja's and HTML's own syntax.
HOSTILE_NAME = 'Әлия <b>Ө</b> #eval("1+1") *x* $x$ {{7*7}} ] [ #'
HOSTILE_PROTOCOL = '{protocol_date} #emph[п] <i>7</i> \\ $y$'
RIGHT_TO_LEFT = "\u202e"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_typed_and_imported_text_prints_as_it_is_in_every_engine(sample, clock, lang):
    """A student's name (imported) and the dean's council protocol number (typed) full of Typst,
    Jinja and HTML syntax, and a right-to-left override: printed as they are by Typst, by the
    WeasyPrint layout kept beside it and in the Word file; the override stays in its own cell."""
    student = db.session.scalar(db.select(Student).where(Student.record_book == STUDENT))
    student.full_name = HOSTILE_NAME + RIGHT_TO_LEFT + "Ab"
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    req = reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "Ошибка",
                              wrong_entry_on=date(2026, 9, 2), students=[STUDENT], columns=[LESSON])
    reopen.visa(user("head.anat"), req)
    reopen.decide(user("dean.gm"), req, HOSTILE_PROTOCOL, date(2026, 11, 6))
    reopen.grant(user("or.head"), req)
    doc_type = issuing.registry().get("vedomost")
    clean = issuing.checked_input(None, doc_type, {"request": req.id}, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, datetime(2026, 11, 7, 10, 0))
    typst_pdf = issuing.render(doc_type, context, lang, "pdf")
    weasyprint_pdf = rendering.render_pdf(doc_type, context, lang)
    assert pdf_maker(typst_pdf).startswith("Typst") and pdf_maker(weasyprint_pdf).startswith("WeasyPrint")
    shown = f"{HOSTILE_NAME}bA {STUDENT}"  # right to left in a PDF, and no further than its cell
    typed = f"{HOSTILE_NAME}{RIGHT_TO_LEFT}Ab | {STUDENT}"  # the Word file keeps the override as typed
    docx = issuing.render(doc_type, context, lang, "docx")
    for text, name in ((pdf_text(typst_pdf), shown), (pdf_text(weasyprint_pdf), shown), (docx_text(docx), typed)):
        flat = " ".join(text.split())
        assert name in flat and HOSTILE_PROTOCOL in flat
