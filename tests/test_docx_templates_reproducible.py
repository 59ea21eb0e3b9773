"""The committed Word templates are what their layouts build, byte for byte: ``docs
build-templates`` writes the same bytes for the same layout and words, and ``--check`` names
each template whose file differs."""
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document

from docservice import create_app
from docservice.documents.docx_builder import BUILT_AT

CHECKOUT = Path(__file__).resolve().parents[1]
TYPES = ("explanatory_note", "ktp", "login_request", "semester_report", "summary_vedomost", "vedomost")
TEMPLATES = [Path(f"templates_{lang}") / f"{type_id}.docx" for type_id in TYPES for lang in ("kk", "ru")]


@pytest.fixture
def cli(tmp_path):
    """``docservice …`` on an app of its own: building templates needs no store."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    return lambda *args: app.test_cli_runner().invoke(args=["docs", "build-templates", *args])


def test_the_committed_templates_are_what_their_layouts_build(cli):
    out = cli("--check")
    assert out.exit_code == 0, out.output  # names each template to build again


def test_a_rebuild_gives_the_same_bytes(cli, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli("--into", str(first)).exit_code == 0
    assert cli("--into", str(second)).exit_code == 0
    assert sorted(path.relative_to(first) for path in first.rglob("*.docx")) == sorted(TEMPLATES)
    for template in TEMPLATES:
        assert (first / template).read_bytes() == (second / template).read_bytes(), template
    assert cli("--check", "--into", str(first)).exit_code == 0
    with zipfile.ZipFile(first / "templates_kk" / "vedomost.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {BUILT_AT.timetuple()[:6]}
        assert archive.testzip() is None
    document = Document(first / "templates_kk" / "vedomost.docx")
    assert document.core_properties.created == document.core_properties.modified == BUILT_AT
    assert "{{ university.name }}" in [paragraph.text for paragraph in document.paragraphs]


def test_check_names_an_altered_template(cli, tmp_path):
    for lang in ("kk", "ru"):
        shutil.copytree(CHECKOUT / f"templates_{lang}", tmp_path / f"templates_{lang}")
    altered = tmp_path / "templates_ru" / "ktp.docx"
    document = Document(altered)  # one word more, saved as an editor would
    document.paragraphs[-1].add_run(" изменено")
    document.save(altered)
    edited = altered.read_bytes()
    out = cli("--check", "--into", str(tmp_path))
    assert out.exit_code == 1
    assert str(altered) in out.output.splitlines()
    assert altered.read_bytes() == edited  # --check writes nothing


@pytest.mark.parametrize("template", TEMPLATES, ids=str)
def test_the_page_numbers_are_as_small_as_the_footers_words(template):
    """Each page-number field carries its result in a run of the footer's size (9 pt): a reader
    that prints the result run — LibreOffice — showed the digits at the body's size before."""
    import re

    with zipfile.ZipFile(CHECKOUT / template) as docx:
        footers = [docx.read(n).decode() for n in docx.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
    fields = [f for footer in footers for f in re.findall(r'<w:fldChar w:fldCharType="begin"/>.*?'
                                                            r'<w:fldChar w:fldCharType="end"/>', footer, re.S)]
    assert fields, template
    for field in fields:
        runs = re.findall(r"<w:r>.*?</w:r>", field + "</w:r>", re.S)
        assert 'w:fldCharType="separate"' in field and re.search(r"<w:t[^>]*>\d+</w:t>", field)
        assert all('<w:sz w:val="18"/>' in run for run in runs), field
