"""Semester report on reopenings (RU Table 1 №12, KK reopen №5): the reopenings are made
here through the whole workflow (docservice.reopen) with the clock moving, then the report
is read back from the DOCX and the PDF (laid out by Typst) and checked against the store and the
monitoring; the issued PDF is a PDF/A-3b, a draft is marked on every page, and user text prints
as it is in every engine's output."""
import io
import re
from datetime import date, datetime

import pytest
from docs_reading import assert_archival, docx_text, pdf_maker, pdf_pages, pdf_text
from pypdf import PdfReader
from sqlalchemy import select
from store import journal, user

from docservice import reopen
from docservice.documents import issuing, rendering, short_name
from docservice.documents.validation import InputInvalid
from docservice.errors import Forbidden
from docservice.journals import close_journal
from docservice.models import Journal, ReopenRequest, UserRole, db
from docservice.monitoring import department_lines, teacher_lines

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

INPUT = {"period": "2026-2027/1"}
HOSTILE = "Выводы: & < > \" ' {{ 7*7 }} {% for x in y %} </w:t> <b>жирный</b>"
# What a registrar or a teacher may type, with Typst's own syntax too; a right-to-left override
# turns what follows it on the page (in a PDF of any engine), a Word file keeps it as typed.
TYPST_HOSTILE = '#eval("1+1") *x* $x$ _y_ #{panic()} ] [ # @ref //'
RIGHT_TO_LEFT = "\u202e"
REASON_LATE = "Ошибка при вводе РК1: 45 вместо 54"
REASON_TECH = "Не заполнена тема занятия"
LEVEL = {"ru": {"verbal_remark": "устное замечание", "warning": "предупреждение", "reprimand": "выговор"},
         "kk": {"verbal_remark": "ауызша ескерту", "warning": "ескерту", "reprimand": "сөгіс"}}
NONE = {"ru": "повторных открытий электронного журнала не было",
        "kk": "электрондық журналды қайта ашу болған жоқ"}


def flat(text):
    return " ".join(text.split())


def reopen_chain(clock, code, teacher, kind, reason, detected_on=None, days_to_complete=0):
    j = journal(code)
    if j.state == "open":
        close_journal(user(teacher), j)
    req = reopen.file_request(user(teacher), j, kind, reason, detected_on=detected_on)
    if kind == "with_change":
        reopen.visa(j.department.head, req)
        reopen.decide(j.school.dean, req, "№3", clock.now().date())
    reopen.grant(user("or.head"), req)
    clock.advance(days=days_to_complete, hours=1)
    reopen.complete(user(teacher), req)
    return req


@pytest.fixture
def reopened(sample, clock):
    """t.anat2 (ANAT): 4 grade-changing reopenings of J0001 (the first filed late) and one
    without change of J0003 (block 2 of PHS2102, taught by ANAT); t.phys3 (PHYS): one without
    change of J0002, completed late. A rejected and a still-filed request do not count.
    Then, on 20 November, J0011 is closed after its deadline and the rest are overdue."""
    reopen_chain(clock, "J0001", "t.anat2", "with_change", REASON_LATE, detected_on=date(2026, 11, 1))
    for i in range(3):
        reopen_chain(clock, "J0001", "t.anat2", "with_change", f"Ошибка №{i + 2} в оценке")
    reopen_chain(clock, "J0003", "t.anat2", "without_change", REASON_TECH)
    reopen_chain(clock, "J0002", "t.phys3", "without_change", "Техническая ошибка", days_to_complete=3)
    close_journal(user("t.chem3"), journal("J0004"))
    rejected = reopen.file_request(user("t.chem3"), journal("J0004"), "with_change", "Отклонённая")
    reopen.reject(user("head.chem"), rejected, "Не подтверждается")
    close_journal(user("t.phys1"), journal("J0005"))
    reopen.file_request(user("t.phys1"), journal("J0005"), "without_change", "Ждёт решения")
    clock.set(datetime(2026, 11, 20, 10, 0))
    close_journal(user("head.chem"), journal("J0011"))
    return clock


def expected_departments():
    """Counted from the store by hand: reopened requests of the period's journals."""
    rows = db.session.scalars(select(ReopenRequest).where(ReopenRequest.status.in_(("granted", "completed")))).all()
    out = {}
    for r in rows:
        d = out.setdefault(r.journal.department.code, {"total": 0, "with": 0, "late": 0})
        d["total"] += 1
        d["with"] += r.kind == "with_change"
        d["late"] += bool(reopen.late_steps(r))
    return out


def docx_tables(content):
    from docx import Document

    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(content)).tables]


def test_counts_per_department_match_the_store_and_the_monitoring(reopened):
    want = expected_departments()
    assert want == {"ANAT": {"total": 5, "with": 4, "late": 1}, "PHYS": {"total": 1, "with": 0, "late": 1}}
    # The same reopenings as the registrar's year monitoring (one period in the year here).
    assert {d.code: d.reopenings for d in department_lines("2026-2027")} == {c: w["total"] for c, w in want.items()}
    for lang in ("ru", "kk"):
        tables = docx_tables(issuing.preview(user("or.head"), "semester_report", INPUT, lang, "docx"))
        departments = tables[0]
        rows = {re.search(r"\((\w+)\)$", r[1]).group(1): r for r in departments[1:-1]}
        assert list(rows) == ["ANAT", "PHYS"]  # most reopenings first
        for code, w in want.items():
            levels = {"ANAT": "warning", "PHYS": "verbal_remark"}  # 3–5 → warning, 1–2 → verbal remark
            assert rows[code][2:] == [str(w["total"]), str(w["with"]), str(w["total"] - w["with"]),
                                      str(w["total"] - w["late"]), str(w["late"]), LEVEL[lang][levels[code]]]
        assert departments[-1][2:7] == ["6", "4", "2", "4", "2"]  # totals


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_teachers_reasons_levels_and_memo(reopened, lang):
    lines = {t.login: t for t in teacher_lines("2026-2027")}
    assert lines["t.anat2"].memo and not lines["t.phys3"].memo  # 4 grade-changing > 3
    content = issuing.preview(user("or.inspector"), "semester_report", INPUT, lang, "docx")
    tables = docx_tables(content)
    teachers = tables[2]
    anat2, phys3 = teachers[1], teachers[2]
    assert anat2[1].startswith("Өтебаев Нұрсұлтан Еркебұланұлы") and phys3[1].startswith("Сәрсенбаев Жәнібек")
    assert anat2[2:7] == ["5", "4", "1", "4", "1"] and anat2[8] == LEVEL[lang]["reprimand"]
    assert phys3[2:7] == ["1", "0", "1", "0", "1"] and phys3[8] == LEVEL[lang]["verbal_remark"]
    for reason in (REASON_LATE, "Ошибка №2 в оценке", "Ошибка №4 в оценке", REASON_TECH):
        assert reason in anat2[7]
    assert "J0001" in anat2[7] and "J0003" in anat2[7] and "Отклонённая" not in content.decode("latin-1")
    late_word = "нарушен срок" if lang == "ru" else "мерзімі бұзылды"
    assert anat2[7].count(late_word) == 1 and late_word in phys3[7]
    memo = tables[3]
    assert [r[1] for r in memo[1:]] == ["Өтебаев Нұрсұлтан Еркебұланұлы"] and memo[1][2:] == [{"ru": "Кафедра анатомии", "kk": "Анатомия кафедрасы"}[lang], "4"]  # named, not coded
    pdf = flat(pdf_text(issuing.preview(user("or.inspector"), "semester_report", INPUT, lang, "pdf")))
    for word in (REASON_LATE, REASON_TECH, LEVEL[lang]["reprimand"], LEVEL[lang]["warning"],
                 "Өтебаев Нұрсұлтан Еркебұланұлы", "Сәрсенбаев Жәнібек Ерғалиұлы"):
        assert word in pdf
    assert "Отклонённая" not in pdf and "Ждёт решения" not in pdf


LATE_WORDS = {"ru": ("Журналы, закрытые с нарушением срока", "Журналы, не закрытые и заблокированные по истечении срока",
                     "Журналов, закрытых с нарушением срока: {}; не закрытых и заблокированных по истечении срока: {}."),
              "kk": ("Мерзімі бұзылып жабылған журналдар", "Жабылмай, мерзімі өткен соң бұғатталған журналдар",
                     "Мерзімі бұзылып жабылған журналдар: {}; жабылмай, мерзімі өткен соң бұғатталған журналдар: {}.")}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_journals_closed_late_and_never_closed_are_two_sections(reopened, lang):
    """A journal closed after its deadline and one never closed (locked by the deadline) are
    different facts: each section lists and counts only its own, as the store has them."""
    today = reopened.now().date()
    late, never = [], []
    for j in db.session.scalars(select(Journal).order_by(Journal.code)):
        if j.closed_at is not None and j.closed_at.date() > j.deadline:
            late.append(j.code)
        elif j.closed_at is None and today > j.deadline:
            never.append(j.code)
    assert late == ["J0011"] and "J0001" not in never and len(never) >= 4
    tables = docx_tables(issuing.preview(None, "semester_report", INPUT, lang, "docx"))
    closed_rows, never_rows = tables[4][1:], tables[5][1:]
    assert [r[1] for r in closed_rows] == late and sorted(r[1] for r in never_rows) == never
    j0011 = journal("J0011")
    assert closed_rows[0][5:] == [f"{j0011.deadline:%d.%m.%Y}", "20.11.2026"]
    assert closed_rows[0][3] == "ФР-24-03к" and short_name(user("head.chem").full_name) == closed_rows[0][4]
    assert len(tables[5][0]) == 6  # no "closed" column for journals that never were
    for j in never_rows:
        assert j[5] == f"{journal(j[1]).deadline:%d.%m.%Y}"
    closed_title, never_title, counts = LATE_WORDS[lang]
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = flat(read(issuing.preview(None, "semester_report", INPUT, lang, fmt)))
        assert f"5. {closed_title}" in text and f"6. {never_title}" in text
        assert counts.format(len(late), len(never)) in text
        assert "не закрыт (заблокирован)" not in text and "жабылмаған (бұғатталған)" not in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_chart_in_both_formats(reopened, lang):
    from docservice.documents.rendering import render_html

    doc_type = issuing.registry().get("semester_report")
    clean = doc_type.schema().load(INPUT)
    html = render_html(doc_type, issuing.build_context(doc_type, clean, lang, None, reopened.now()), lang)
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S).group(0)
    # each bar under its department's name, in the document's language (not the code)
    anat, phys = journal("J0001").department.name(lang), journal("J0002").department.name(lang)
    assert re.search(f">{anat}</text>", svg) and re.search(f">{phys}</text>", svg) and "ANAT<" not in svg
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="14"', svg)]
    assert widths[:3] == pytest.approx([480, 120, 120])  # ANAT 4 + 1, PHYS 0 + 1 on a 600-unit scale
    pdf = flat(pdf_text(issuing.preview(None, "semester_report", INPUT, lang, "pdf")))
    assert ("Диаграмма повторных открытий по кафедрам" if lang == "ru" else
            "Кафедралар бойынша қайта ашу диаграммасы") in pdf
    # The chart's labels are text in the PDF: each name followed by its bar's count (the department
    # table has the name, the code and five numbers instead).
    assert re.search(rf"{anat}\s*5\s+{phys}\s*1\b", pdf)
    # The DOCX draws the bars as shaded no-break spaces, on the PDF's scale: the longest bar is
    # 100 spaces (the column's width), ANAT 4 dark + 1 light of 5, PHYS 1 light, each with its count.
    docx = issuing.preview(None, "semester_report", INPUT, lang, "docx")
    rows = docx_tables(docx)[1]
    assert [row[:2] for row in rows[1:]] == [[anat, "5"], [phys, "1"]]
    assert [row[2].strip(NBSP + " ") for row in rows[1:]] == ["5", "1"]
    assert [docx_bars(cells[2]) for cells in docx_rows(docx, 1)[1:]] == [{DARK: 80, LIGHT: 20}, {LIGHT: 20}]


NBSP, DARK, LIGHT = "\u00a0", "404040", "B0B0B0"


def docx_rows(content, index: int):
    from docx import Document

    return [row.cells for row in Document(io.BytesIO(content)).tables[index].rows]


def docx_bars(cell) -> dict:
    """The shaded spaces of a chart cell: their count per fill colour."""
    from docx.oxml.ns import qn

    bars = {}
    for run in cell.paragraphs[0].runs:
        shading = run._r.find(f"{qn('w:rPr')}/{qn('w:shd')}")
        if shading is not None and run.text:
            assert set(run.text) == {NBSP}
            bars[shading.get(qn("w:fill"))] = bars.get(shading.get(qn("w:fill")), 0) + len(run.text)
    return bars


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_addressee_signer_and_conclusions_come_out_literally(reopened, fmt, lang):
    data = dict(INPUT, conclusions=f"{HOSTILE} {TYPST_HOSTILE}\n\nВторой абзац выводов.")
    content = issuing.preview(user("or.head"), "semester_report", data, lang, fmt)
    text = (docx_text if fmt == "docx" else pdf_text)(content)
    f = flat(text)
    assert "{{ 7*7 }}" in f and "{% for x in y %}" in f and "</w:t>" in f and "<b>жирный</b>" in f
    assert TYPST_HOSTILE in f
    assert "49" not in f.replace("2026", "")
    assert "Второй абзац выводов." in f
    assert ("Выводы и предложения" if lang == "ru" else "Қорытынды және ұсыныстар") in f
    words = {"ru": ["ОТЧЁТ", "Проректор по академической деятельности", "Байдильдаева А. М.",
                    "Руководитель Офиса регистратора", "Омарова Ж. Т.", "Исх. №", "по университету в целом",
                    "за 1 семестр 2026-2027 учебного года", "ПРОЕКТ"],
             "kk": ["СЕМЕСТР ЕСЕБІ", "Академиялық қызмет жөніндегі проректор", "Байділдаева А. М.",
                    "Офис регистратор басшысы", "Омарова Ж. Т.", "Шығ. №", "қайта ашу туралы жалпы университет бойынша",
                    "2026-2027 оқу жылының 1-семестрі", "ЖОБА"]}[lang]
    for word in words:
        assert word in f, word
    if fmt == "docx":  # two paragraphs, not one run with a line break
        assert "Второй абзац выводов." in text.splitlines()


COUNCIL = {"ru": "Представляется Академическому совету в течение 2-х недель после промежуточной аттестации (ПА). "
                  "Срок представления — {}.",
           "kk": "Аралық аттестаттаудан кейін 2 апта ішінде Академиялық кеңеске ұсынылады. Ұсыну мерзімі — {}."}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_academic_council_and_the_two_weeks_after_the_attestation(reopened, fmt, lang):
    """RU Table 1 №12: the report goes to the Academic council within 2 weeks after the intermediate
    attestation — the period's last final control in the store."""
    last_control = max(j.final_control for j in db.session.scalars(select(Journal)))
    due = date.fromordinal(last_control.toordinal() + 14)
    text = flat((docx_text if fmt == "docx" else pdf_text)(issuing.preview(None, "semester_report", INPUT, lang, fmt)))
    assert COUNCIL[lang].format(f"{due:%d.%m.%Y}") in text


def test_empty_period_says_so(sample):
    for lang in ("ru", "kk"):
        for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
            text = flat(read(issuing.preview(None, "semester_report", INPUT, lang, fmt)))
            assert NONE[lang] in text.lower()
            assert ("Нет." if lang == "ru" else "Жоқ.") in text
            assert "ANAT" not in text and "■" not in text
        assert "<svg" not in _html(lang)


def _html(lang):
    from docservice.clock import now
    from docservice.documents.rendering import render_html

    doc_type = issuing.registry().get("semester_report")
    return render_html(doc_type, issuing.build_context(doc_type, doc_type.schema().load(INPUT), lang, None, now()),
                       lang)


def test_scope_of_one_school(reopened):
    gm = flat(docx_text(issuing.preview(None, "semester_report", dict(INPUT, school="GM"), "ru", "docx")))
    assert "Школа общей медицины" in gm and "ANAT" in gm and "PHYS" in gm
    ph = issuing.preview(None, "semester_report", dict(INPUT, school="PH"), "ru", "docx")
    text = flat(docx_text(ph))
    assert "Школа фармации" in text and NONE["ru"] in text.lower()
    late = [r[1] for r in docx_tables(ph)[0][1:]]  # only the late-journals table is left
    assert late and all(journal(c).department.code == "CHEM" for c in late) and "J0011" in late


def test_issue_and_who_may(reopened):
    vice = user("dean.ph")
    db.session.add(UserRole(user_id=vice.id, role="vice_rector"))
    db.session.commit()
    for login in ("or.inspector", "or.head"):
        doc = issuing.issue(user(login), "semester_report", INPUT, "ru", "pdf").document
        assert doc.number.startswith("02-12/")
        assert doc.number in pdf_text(issuing.content_of(doc))
    assert issuing.issue(vice, "semester_report", INPUT, "kk", "docx").document.number
    for login in ("dean.gm", "head.anat", "t.anat2", "it.admin"):
        with pytest.raises(Forbidden):
            issuing.issue(user(login), "semester_report", INPUT, "ru", "pdf").document


def test_bad_input_is_refused_per_field(sample):
    data = {"period": "1999-2000/9", "school": "NOPE", "conclusions": "x" * 5001}
    for lang, longer in (("ru", "Не длиннее 5000"), ("kk", "Ең көбі 5000")):
        with pytest.raises(InputInvalid) as info:
            issuing.preview(None, "semester_report", data, lang, "pdf")
        errors = info.value.errors
        assert "1999-2000/9" in errors["period"][0] and "NOPE" in errors["school"][0]
        assert longer in errors["conclusions"][0]
    assert issuing.preview(None, "semester_report", dict(INPUT, conclusions="x" * 5000), "ru", "docx")


@pytest.mark.demo
def test_long_report_repeats_headers_and_page_labels(app, clock):
    """The demo faculty on 23 November: dozens of journals are overdue — a multi-page table."""
    clock.set(datetime(2026, 11, 23, 10, 0))
    content = issuing.preview(None, "semester_report", INPUT, "ru", "pdf")
    pages = pdf_pages(content)
    assert pages >= 2
    from pypdf import PdfReader

    assert pdf_maker(content).startswith("Typst")  # the type's PDF engine (plugins/typst_engine)
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(content)).pages]
    for i, text in enumerate(texts, 1):
        assert f"Страница {i} из {pages}" in text and "ПРОЕКТ" in text  # a draft: marked on every page
    # The late-journals table spans the pages: its header is repeated on each of them.
    spanned = [t for t in texts if re.search(r"D0\d{3}", t)]
    assert len(spanned) >= 2
    assert all("Журнал Дисциплина Группа Преподаватель" in flat(t) for t in spanned)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_examples_typst_pdf_carries_every_row(reopened, lang):
    """The example's report as Typst lays it out: the body's figures, every department, teacher
    and overdue journal of the context, read back in the order of their cells."""
    doc_type = issuing.registry().get("semester_report")
    clean = issuing.checked_input(None, doc_type, doc_type.example, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, reopened.now())
    content = issuing.render(doc_type, context, lang, "pdf")
    assert pdf_maker(content).startswith("Typst")
    text = flat(pdf_text(content).replace("-\n", "-"))  # «Сердечно-сосудистая» may break after its hyphen
    totals = context["totals"]
    assert len(context["late_journals"]) == totals["late_journals"] == 1 and totals["total"] == 6
    assert len(context["not_closed"]) == totals["not_closed"] >= 4
    assert (f"электронного журнала — {totals['total']}: с изменением оценки — {totals['with_change']}" if lang == "ru"
            else f"электрондық журнал {totals['total']} рет қайта ашылды: бағаны өзгертумен — "
                 f"{totals['with_change']}") in text
    for d in context["departments"]:
        assert f"{d['n']} {d['name']} {d['code']} {d['total']} {d['with_change']} {d['without_change']} " \
               f"{d['on_time']} {d['late']} {d['level']}" in text
    for t in context["teachers"]:
        assert f"{t['full_name']} {t['position']}" in text and t["level"] in text
        assert all(r["text"] in text for r in t["reasons"])
    for j in context["late_journals"]:
        assert f"{j['n']} {j['code']} {j['discipline']} {j['department']} {j['group']} {j['teachers']} " \
               f"{j['deadline']} {j['closed']}" in text, j["code"]
    for j in context["not_closed"]:
        assert f"{j['n']} {j['code']} {j['discipline']} {j['department']} {j['group']} {j['teachers']} " \
               f"{j['deadline']}" in text, j["code"]
    assert context["period"]["words"] in text and context["conclusions"][0] in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_issued_report_is_pdfa_3b_with_every_font_embedded(reopened, lang):
    doc = issuing.issue(user("or.head"), "semester_report", INPUT, lang, "pdf").document
    content = issuing.content_of(doc)
    reader = PdfReader(io.BytesIO(content))
    assert_archival(content)
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert all(doc.number in page for page in pages)  # the registration number on every page
    assert ("ЖОБА" if lang == "kk" else "ПРОЕКТ") not in " ".join(pages)
    assert "Өтебаев Нұрсұлтан Еркебұланұлы" in " ".join(pages) and LEVEL[lang]["reprimand"] in " ".join(pages)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_typed_reasons_and_conclusions_print_as_they_are_in_every_engine(sample, clock, lang):
    """A teacher's reason and the registrar's conclusions full of Typst, Jinja and HTML syntax and
    a right-to-left override: printed as typed by Typst, by the WeasyPrint layout kept beside it and
    in the Word file (there the override is kept as typed; a PDF shows what follows it reversed)."""
    reason = f"{HOSTILE} {TYPST_HOSTILE} {RIGHT_TO_LEFT}Ab"
    reopen_chain(clock, "J0001", "t.anat2", "without_change", reason)
    doc_type = issuing.registry().get("semester_report")
    data = dict(INPUT, conclusions=f"{TYPST_HOSTILE} {RIGHT_TO_LEFT}Cd")
    clean = issuing.checked_input(None, doc_type, data, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, clock.now())
    typst_pdf = issuing.render(doc_type, context, lang, "pdf")
    weasyprint_pdf = rendering.render_pdf(doc_type, context, lang)
    assert pdf_maker(typst_pdf).startswith("Typst") and pdf_maker(weasyprint_pdf).startswith("WeasyPrint")
    docx = docx_text(issuing.render(doc_type, context, lang, "docx"))
    for text, shown in ((pdf_text(typst_pdf), ("bA", "dC")), (pdf_text(weasyprint_pdf), ("bA", "dC")),
                        (docx, (RIGHT_TO_LEFT + "Ab", RIGHT_TO_LEFT + "Cd"))):
        f = flat(text)
        assert f"{HOSTILE} {TYPST_HOSTILE} {shown[0]}" in f and f"{TYPST_HOSTILE} {shown[1]}" in f
        assert "49" not in f.replace("2026", "") and "root:" not in f
