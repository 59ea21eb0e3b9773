"""Summary vedomost (RU Table 1 №10): every student's result per curriculum item of a group's
period, credits earned, period GPA, group averages and debts — read back from the DOCX and
the PDF (laid out by Typst) and compared with results computed independently from the journals;
the issued PDF is a PDF/A-3b, a long draft is marked and headed on every page, and imported text
prints as it is in every engine's output."""
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from docs_reading import assert_archival, docx_text, pdf_maker, pdf_pages, pdf_text
from pypdf import PdfReader
from sqlalchemy import select
from store import journal, mark, user

from docservice.collation import name_key
from docservice.documents import issuing, rendering
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden
from docservice.models import CurriculumItem, Group, Period, Student, db
from docservice.results import item_results, results_json

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

INPUT = {"group": "ОМ-24-01к", "period": "2026-2027/1"}
CREDITS = {"ANA2101": 5, "MOD2103": 6, "PHS2102": 6}
WORDS = {
    "ru": ["СВОДНАЯ ВЕДОМОСТЬ", "результатов промежуточной аттестации за 1 семестр 2026-2027 учебного года",
           "Школа общей медицины", "6B10101", "Ф.И.О. обучающегося", "Набрано кредитов", "GPA",
           "Средний итоговый балл группы", "Задолженности", "Декан школы общей медицины", "Сейітов Е. М.",
           "Руководитель Офиса регистратора", "Омарова Ж. Т.", "Анатомия человека", "Нормальная физиология",
           "Основы молекулярной биологии"],
    "kk": ["ЖИЫНТЫҚ ВЕДОМОСТЬ", "2026-2027 оқу жылының 1-семестрі бойынша аралық аттестаттау нәтижелері",
           "Жалпы медицина мектебі", "6B10101", "Білім алушының Т.А.Ә.", "Жинаған кредиттер", "GPA",
           "Топтың орташа қорытынды балы", "Академиялық берешектер", "Жалпы медицина мектебінің деканы",
           "Сейітов Е. М.", "Офис регистратор басшысы", "Омарова Ж. Т.", "Адам анатомиясы",
           "Қалыпты физиология", "Молекулалық биология негіздері"],
}


def num(x, digits=2):
    """How the document writes a number: half up, decimal comma, no trailing zeros."""
    if x is None:
        return ""
    q = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(str(x))
    text = f"{q.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".").replace(".", ",") if "." in text else text


def by_book(rows):
    return {r["student_id"]: r for r in rows}


def module_by_hand(group, period):
    """MOD2103 = credit-weighted mean of its parts (J0004: 4 credits, J0005: 2) when both are
    passed; otherwise the module takes the core's status (a debt or pending)."""
    item = db.session.scalar(select(CurriculumItem).where(CurriculumItem.code == "MOD2103"))
    core = item_results(item, group.id, period.id)
    books = {s.id: s.record_book for s in group.students}
    parts = [by_book(results_json(journal("J0004"))), by_book(results_json(journal("J0005")))]
    rows = {}
    for sid, result in core.items():
        book = books[sid]
        p1, p2 = parts[0][book], parts[1][book]
        if p1["status"] == p2["status"] == "ok":
            final = int((Decimal(4 * p1["final"] + 2 * p2["final"]) / 6).quantize(Decimal(1), ROUND_HALF_UP))
            assert result.final == final  # the core agrees with the hand computation
        rows[book] = {"student_id": book, **result.as_dict()}
    return rows


def expected(group, period):
    """{record book: {code: result row}} from the journals, not from the document."""
    per_item = {"ANA2101": by_book(results_json(journal("J0001"))),
                "PHS2102": by_book(results_json(journal("J0003"))),  # last block: the integrated exam
                "MOD2103": module_by_hand(group, period)}
    return {s.record_book: {code: rows[s.record_book] for code, rows in per_item.items()} for s in group.students}


def cell_text(row, lang):
    if row["status"] == "pending":
        return "—"
    if row["status"] in ("not_admitted", "absent"):
        return row[f"traditional_{lang}"]
    return row["letter"] if row["final"] is None else f"{row['final']} {row['letter']}"


def gpa_and_credits(rows):
    graded = [(CREDITS[c], Fraction(str(r["gpa"]))) for c, r in rows.items() if r["letter"]]
    gpa = sum(c * p for c, p in graded) / sum(c for c, _ in graded) if graded else None
    return gpa, sum(CREDITS[c] for c, r in rows.items() if r["status"] == "ok")


@pytest.fixture
def world(sample):
    group = db.session.scalar(select(Group).where(Group.code == "ОМ-24-01к"))
    period = db.session.scalar(select(Period).where(Period.code == "2026-2027/1"))
    return group, period, expected(group, period)


def docx_grid(content):
    from docx import Document

    table = Document(io.BytesIO(content)).tables[0]
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_cells_credits_gpa_match_the_journals(world, lang):
    group, period, want = world
    codes = sorted(CREDITS)  # the columns, in curriculum-code order
    grid = docx_grid(issuing.preview(user("or.inspector"), "summary_vedomost", INPUT, lang, "docx"))
    header, body, averages, debts_row = grid[0], grid[1:-2], grid[-2], grid[-1]
    for code, head in zip(codes, header[3:6]):
        assert code in head and f"{CREDITS[code]} кр." in head
    students = sorted(group.students, key=lambda s: name_key(s.full_name))
    assert [r[2] for r in body] == [s.record_book for s in students]  # alphabetical
    assert [r[0] for r in body] == [str(i) for i in range(1, len(students) + 1)]
    content = issuing.preview(user("or.inspector"), "summary_vedomost", INPUT, lang, "pdf")
    assert pdf_maker(content).startswith("Typst")  # the type's PDF engine (plugins/typst_engine)
    pdf = " ".join(pdf_text(content).split())
    for row in body:
        rows = want[row[2]]
        gpa, credits = gpa_and_credits(rows)
        cells = [cell_text(rows[c], lang) for c in codes]
        assert row[3:] == cells + [str(credits), num(gpa)], row
        assert " ".join([row[2], *cells, str(credits), num(gpa)]).strip() in pdf, row
    # Group averages: mean final per item over the students who have one; mean GPA.
    for code, shown in zip(codes, averages[3:6]):
        finals = [want[b][code]["final"] for b in want if want[b][code]["final"] is not None]
        assert shown == (num(Fraction(sum(finals), len(finals)), 1) if finals else "")
    gpas = [g for g, _ in (gpa_and_credits(rows) for rows in want.values()) if g is not None]
    assert averages[-1] == num(sum(gpas) / len(gpas))
    # Debts: FX/F (fail), not admitted, absent — per item and in all.
    debts = {c: sum(want[b][c]["status"] in ("fail", "not_admitted", "absent") for b in want) for c in codes}
    assert debts_row[3:6] == [str(debts[c]) for c in codes] and debts_row[-1] == str(sum(debts.values()))
    debtors = sum(any(r["status"] in ("fail", "not_admitted", "absent") for r in rows.values())
                  for rows in want.values())
    assert sum(debts.values()) > 0 and debtors > 0  # the sample has debts: the test means something
    total, students_word = ("Задолженностей всего", "обучающихся с задолженностями") if lang == "ru" else (
        "Академиялық берешектер барлығы", "берешегі бар білім алушылар")
    for text in (docx_text(issuing.preview(None, "summary_vedomost", INPUT, lang, "docx")), pdf):
        assert f"{total}: {sum(debts.values())}; {students_word}: {debtors}" in " ".join(text.split())


def test_statuses_appear_as_words(world):
    """Not admitted / absent show as words, FX/F as the letter alone."""
    _, _, want = world
    statuses = {r["status"] for rows in want.values() for r in rows.values()}
    assert {"ok", "fail", "not_admitted", "absent"} <= statuses
    for lang in ("ru", "kk"):
        text = docx_text(issuing.preview(None, "summary_vedomost", INPUT, lang, "docx"))
        for rows in want.values():
            for r in rows.values():
                if r["status"] in ("not_admitted", "absent"):
                    assert r[f"traditional_{lang}"] in text


def test_pending_result_is_a_dash_and_left_out_of_gpa_and_credits(world):
    """An exam not entered yet: "—", no credits for the item, GPA over the other items."""
    group, period, _ = world
    exam = mark("J0001", "24010007", "EXAM")
    db.session.delete(exam)
    db.session.commit()
    want = expected(group, period)["24010007"]
    assert want["ANA2101"]["status"] == "pending"
    gpa, credits = gpa_and_credits(want)
    assert credits <= 12 and gpa is not None
    row = next(r for r in docx_grid(issuing.preview(None, "summary_vedomost", INPUT, "kk", "docx"))
               if r[2] == "24010007")
    assert row[3] == "—" and row[-2:] == [str(credits), num(gpa)]


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_words_of_the_form_and_signatures(world, lang, fmt):
    content = issuing.preview(user("dean.gm"), "summary_vedomost", INPUT, lang, fmt)
    text = (docx_text if fmt == "docx" else pdf_text)(content)
    flat = " ".join(text.split())
    for word in WORDS[lang] + ["ОМ-24-01к", "ПРОЕКТ" if lang == "ru" else "ЖОБА"]:
        assert word in flat, (fmt, word)
    for s in world[0].students:
        assert s.full_name in flat


def test_landscape_page_with_the_page_label(world):
    from docx import Document
    from pypdf import PdfReader

    content = issuing.preview(None, "summary_vedomost", INPUT, "kk", "pdf")
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert pdf_pages(content) >= 1 and f"Бет 1 / {pdf_pages(content)}" in pdf_text(content)
    doc = Document(io.BytesIO(issuing.preview(None, "summary_vedomost", INPUT, "ru", "docx")))
    section = doc.sections[0]
    assert section.page_width > section.page_height
    header = doc.tables[0].rows[0]._tr
    assert header.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_issue_registers_a_number_on_a_pdfa_3b_with_every_font_embedded(world, lang):
    doc = issuing.issue(user("or.head"), "summary_vedomost", INPUT, lang, "pdf").document
    assert doc.number.startswith("02-10/")
    content = issuing.content_of(doc)
    assert_archival(content)
    text = " ".join(pdf_text(content).split())
    assert doc.number in text and ("ПРОЕКТ" if lang == "ru" else "ЖОБА") not in text
    assert ("Проверка подлинника" if lang == "ru" else "Түпнұсқаны тексеру") in text  # beside the signatures
    for s in world[0].students:
        assert f"{s.full_name} {s.record_book}" in text


def test_a_long_draft_is_marked_headed_and_numbered_on_every_page(world):
    group, period, _ = world
    for i in range(40):
        db.session.add(Student(record_book=f"2499{i:04d}", full_name=f"Сәрсенбаева Әсел {i:02d}", group_id=group.id))
    db.session.commit()
    for lang, head, label, mark_word in (("ru", "Ф.И.О. обучающегося", "Страница {} из {}", "ПРОЕКТ"),
                                         ("kk", "Білім алушының Т.А.Ә.", "Бет {} / {}", "ЖОБА")):
        content = issuing.preview(None, "summary_vedomost", INPUT, lang, "pdf")
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
        assert len(pages) >= 2
        for n, page in enumerate(pages, 1):
            assert label.format(n, len(pages)) in page and mark_word in page and head in page
        text = " ".join("\n".join(pages).split())
        for i in range(40):
            assert f"Сәрсенбаева Әсел {i:02d} 2499{i:04d}" in text


# An import's text with Typst's, Jinja's and HTML's own syntax: a student's name, a discipline's.
HOSTILE_NAME = 'Әлия <b>Ө</b> #eval("1+1") *x* $x$ {{7*7}} ] [ #'
HOSTILE_ITEM = "#panic() {students} <i>Қ</i> _x_"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_imported_text_prints_as_it_is_in_every_engine(world, lang):
    group, period, _ = world
    student = min(group.students, key=lambda s: s.record_book)
    student.full_name = HOSTILE_NAME
    item = db.session.scalar(select(CurriculumItem).where(CurriculumItem.code == "ANA2101"))
    item.name_kk = item.name_ru = HOSTILE_ITEM
    db.session.commit()
    doc_type = issuing.registry().get("summary_vedomost")
    clean = issuing.checked_input(None, doc_type, INPUT, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, issuing.clock_now())
    typst_pdf = issuing.render(doc_type, context, lang, "pdf")
    weasyprint_pdf = rendering.render_pdf(doc_type, context, lang)
    assert pdf_maker(typst_pdf).startswith("Typst") and pdf_maker(weasyprint_pdf).startswith("WeasyPrint")
    docx = issuing.render(doc_type, context, lang, "docx")
    for text, name in ((pdf_text(typst_pdf), f"{HOSTILE_NAME} {student.record_book}"),
                       (pdf_text(weasyprint_pdf), f"{HOSTILE_NAME} {student.record_book}"),
                       (docx_text(docx), f"{HOSTILE_NAME} | {student.record_book}")):
        flat = " ".join(text.split())
        assert name in flat and f"{HOSTILE_ITEM} ANA2101" in flat


@pytest.mark.parametrize("login, allowed", [
    ("or.inspector", True), ("or.head", True), ("dean.gm", True),
    ("dean.ph", False), ("head.anat", False), ("t.anat2", False), ("it.admin", False),
])
def test_who_may_issue(world, login, allowed):
    if allowed:
        assert issuing.issue(user(login), "summary_vedomost", INPUT, "kk", "docx").document.number
    else:
        with pytest.raises(Forbidden):
            issuing.issue(user(login), "summary_vedomost", INPUT, "kk", "docx").document


def test_bad_input_is_refused_per_field(sample):
    for lang, required in (("ru", "Обязательное поле"), ("kk", "Міндетті өріс")):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(None, "summary_vedomost", {"group": "НЕТ-ТАКОЙ"}, lang, "pdf")
        assert "НЕТ-ТАКОЙ" in info.value.errors["group"][0] and info.value.errors["period"] == [required]
    # A period in which the group has no journals: nothing to summarise.
    db.session.add(Period(code="2026-2027/2", academic_year="2026-2027", term="2"))
    db.session.commit()
    for lang, word in (("ru", "журнал"), ("kk", "журнал")):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(None, "summary_vedomost", dict(INPUT, period="2026-2027/2"), lang, "docx")
        assert "2026-2027/2" in info.value.errors["period"][0] and word in info.value.errors["period"][0]
