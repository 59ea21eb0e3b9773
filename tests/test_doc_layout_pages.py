"""Page layout read back from the rendered documents: where the text stands on a page (ST RK 1042's
30 mm binding edge on landscape sheets too), how large the summary vedomost's status words are, and
that a 25 × 12 sheet stays on one landscape page."""
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from docs_reading import pdf_pages, pdf_text
from pypdf import PdfReader

from docservice.documents import issuing

pytestmark = pytest.mark.rendering  # layout does not depend on the database: SQLite only

MM = 72 / 25.4  # PDF points in a millimetre
STATUS = {"kk": ("жіберілмеді", "келмеді"), "ru": ("не допущен", "неявка")}


def pdf_runs(content: bytes) -> list[tuple[int, float, float, float, str]]:
    """(page, x, y, size, text) of every run of text on the pages: where its line starts (points
    from the page's lower left corner) and its size in points as printed."""
    runs = []
    for n, page in enumerate(PdfReader(io.BytesIO(content)).pages):
        def visit(text, cm, tm, font, size, n=n):
            if text.strip():
                a, b, c, d, e, f = tm
                ca, cb, cc, cd, ce, cf = cm
                runs.append((n, e * ca + f * cc + ce, e * cb + f * cd + cf, size * abs(d * cd), text))
        page.extract_text(visitor_text=visit)
    return runs


def leftmost_mm(content: bytes) -> float:
    return min(x for _, x, _, _, _ in pdf_runs(content)) / MM


def ink_mm(content: bytes, dpi: int = 100) -> list[tuple[float, float, float]]:
    """Per page as printed (poppler's pdftoppm): its width and the left and right edges of what is
    drawn on it in black (text, rules; the light draft mark is left out), in millimetres."""
    from PIL import Image

    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.pdf").write_bytes(content)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "doc.pdf", "p"], cwd=tmp, check=True)
        for png in sorted(Path(tmp).glob("p-*.png"), key=lambda f: int(f.stem.split("-")[1])):
            image = Image.open(png).point(lambda v: 255 if v < 128 else 0)  # black ink → white
            left, _, right, _ = image.getbbox()
            pages.append(tuple(v * 25.4 / dpi for v in (image.width, left, right)))
    return pages


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("type_id, data", [("summary_vedomost", {"group": "ОМ-24-01к", "period": "2026-2027/1"}),
                                           ("vedomost", {"journal": "J0001"})])
def test_landscape_sheets_keep_the_30_mm_binding_edge(sample, type_id, data, lang):
    from docx import Document
    from docx.shared import Mm

    pdf = issuing.preview(None, type_id, data, lang, "pdf")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert 29.9 <= leftmost_mm(pdf) < 35  # no text in the binding edge, the table starts at it
    for width, left, right in ink_mm(pdf):
        assert 29.5 <= left < 31 and right <= width - 9.5
    section = Document(io.BytesIO(issuing.preview(None, type_id, data, lang, "docx"))).sections[0]
    assert section.page_width > section.page_height
    assert abs(section.left_margin - Mm(30)) < Mm(0.1) and abs(section.right_margin - Mm(10)) < Mm(0.1)


@pytest.fixture
def sheet_25x12(app):
    """A group of 25 students with twelve disciplines in one period, marks and all (the benchmarks'
    faculty: a few not admitted, a few absent from the exam)."""
    from benchmarks import dataset

    from docservice.importer import import_dataset

    data = dataset.archive_faculty(12, students=25, per_group=12)
    import_dataset(None, data)
    return {"group": data["groups"][0]["code"], "period": dataset.PERIOD}, data["students"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_summary_of_25_by_12_on_one_sheet_with_status_words_at_8_pt(sheet_25x12, lang):
    data, students = sheet_25x12
    pdf = issuing.preview(None, "summary_vedomost", data, lang, "pdf")
    assert pdf_pages(pdf) == 1
    lines = pdf_text(pdf)
    text = " ".join(lines.split())
    for s in students:
        assert f"{s['full_name']} {s['id']}" in text
    for word in STATUS[lang]:
        assert word in lines  # whole, on one line of its cell
    runs = pdf_runs(pdf)
    books = [y for _, _, y, _, run in runs if run.strip() in {s["id"] for s in students}]
    assert len(books) == len(students)
    in_rows = [(size, run) for _, _, y, size, run in runs if min(books) - 1 <= y <= max(books) + 1]
    assert any(run.strip() in STATUS[lang][1] for _, run in in_rows)
    assert min(size for size, _ in in_rows) >= 8  # the students' rows: names, grades and status words
    (width, left, right), = ink_mm(pdf)  # the table between the margins, nothing in them
    assert 29.5 <= left and right <= width - 9.5


# A name as long as the schemas and the store allow (200 characters) with no space to break at.
LONG_TEACHER = "Ә" + "б" * 199
LONG_STUDENT = "Ж" + "а" * 199
PORTRAIT_INPUTS = {  # every type that prints a person's name, on the sample's data
    "ktp": (None, {"journal": "J0001", "protocol_no": "1", "protocol_date": "2026-08-28"}, LONG_TEACHER),
    "login_request": (None, {"full_name": LONG_TEACHER, "position": "аға оқытушы", "department": "ANAT",
                             "email": "long@kaznmu.example"}, LONG_TEACHER),
    "explanatory_note": ("t.anat2", {"journal": "J0001", "wrong_entry_date": "2026-10-28", "reason": "Қате енгізілген баға",
                                     "with_grade_change": True}, LONG_TEACHER),
    "semester_report": (None, {"period": "2026-2027/1"}, LONG_TEACHER),  # the overdue journals' teachers
    "vedomost": (None, {"journal": "J0001"}, LONG_STUDENT),
    "summary_vedomost": (None, {"group": "ОМ-24-01к", "period": "2026-2027/1"}, LONG_STUDENT),
}


@pytest.fixture
def long_names(sample, clock):
    """J0001's teacher (t.anat2) and its first student carry 200-letter names; the clock past every
    deadline, so that the semester report lists the overdue journals with their teachers."""
    from datetime import datetime

    from store import journal, user

    from docservice.models import db

    user("t.anat2").full_name = LONG_TEACHER
    journal("J0001").group.students[0].full_name = LONG_STUDENT
    db.session.commit()
    clock.set(datetime(2027, 2, 1, 10, 0))


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("type_id", list(PORTRAIT_INPUTS))
def test_a_200_letter_name_wraps_inside_the_page(long_names, type_id, lang):
    """In the type's Typst PDF and in the WeasyPrint layout kept beside it."""
    from datetime import datetime

    from store import user

    from docservice.documents import rendering

    login, data, name = PORTRAIT_INPUTS[type_id]
    doc_type = issuing.registry().get(type_id)
    clean = issuing.checked_input(user(login) if login else None, doc_type, data, lang, "preview")
    context = issuing.build_context(doc_type, clean, lang, None, datetime(2027, 2, 1, 10, 0))
    for pdf in (issuing.render(doc_type, context, lang, "pdf"), rendering.render_pdf(doc_type, context, lang)):
        assert name in "".join(pdf_text(pdf).split())  # every letter of it, on however many lines
        for width, left, right in ink_mm(pdf):  # nothing runs into the margins or off the page
            assert left >= 29.5 and right <= width - 9, (type_id, left, right, width)
