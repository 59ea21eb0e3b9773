"""The plugin door: third-party document types, hooks, blocking, the registry's rules."""
import importlib
from contextlib import contextmanager
import re
import sys
from pathlib import Path

import pytest
from docs_reading import docx_text, pdf_text

from docservice import create_app, hookimpl, hookspecs
from docservice.documents import DocumentType
from docservice.documents.registry import DocumentRegistry

THIRDPARTY = Path(__file__).resolve().parent / "thirdparty"


@pytest.fixture
def thirdparty(monkeypatch):
    """tests/thirdparty on sys.path, as if ``pip install docservice-certificate`` had run."""
    monkeypatch.syspath_prepend(str(THIRDPARTY))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("docservice_certificate", None)


def _app_like(app, **extra):
    return create_app({"TESTING": True, "SECRET_KEY": "t", "CLOCK": app.extensions["docservice.clock"],
                       "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **extra})


@contextmanager
def inside(other):
    """An app context of a second app whose connections are closed afterwards."""
    from docservice.models import db

    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_third_party_type_is_found_through_its_entry_point(app, sample, thirdparty, tmp_path):
    with inside(_app_like(app, STORAGE_DIR=str(tmp_path))):
        from docservice.documents import issuing

        assert "study_certificate" in issuing.registry()
        data = {"student_name": "Нұрғалиева Дана", "group": "ОМ-24-01к", "purpose": "по месту требования"}
        text = pdf_text(issuing.preview(None, "study_certificate", data, "ru", "pdf"))
        assert "СПРАВКА ОБ ОБУЧЕНИИ" in text and "Нұрғалиева Дана" in text and "Жалпы медицина" not in text
        assert "Общая медицина" in text
        # Its Word template is built the same way as the built-in ones', here into a temp folder.
        doc_type = issuing.registry().get("study_certificate")
        (tmp_path / "templates_kk").mkdir()
        doc_type.docx_template("kk").save(str(tmp_path / "templates_kk" / "study_certificate.docx"))
        type(doc_type).template_dirs = (tmp_path,)
        try:
            issued = issuing.issue(None, "study_certificate", data, "kk", "docx").document
        finally:
            type(doc_type).template_dirs = (THIRDPARTY / "docservice_certificate",)
        assert "Оқу туралы анықтама" in docx_text(issuing.content_of(issued))  # doc.title, as typed
        assert issued.number == "07-01/2026/0001"
        # Its docservice_document_issued hook ran after the issue was committed.
        assert sys.modules["docservice_certificate"].ISSUED == [issued.number]


def test_plugins_can_be_blocked(app, thirdparty, monkeypatch):
    monkeypatch.setenv("DOCSERVICE_BLOCK_PLUGINS", "study_certificate")
    with inside(_app_like(app)):
        from docservice.documents import issuing

        assert "study_certificate" not in issuing.registry()


def test_a_render_wrapper_sees_every_render(app, sample):
    seen = []

    class Audit:
        @hookimpl(wrapper=True)
        def docservice_render_document(self, doc_type, context, lang, fmt):
            result = yield
            seen.append((doc_type.id, lang, fmt, result[:4]))
            return result

    pm = app.extensions["docservice.plugins"]
    plugin = Audit()
    pm.register(plugin)
    try:
        from docservice.documents import issuing
        from docservice.documents.registry import DocumentRegistry  # noqa: F401

        example = issuing.registry().get("login_request").example
        issuing.preview(None, "login_request", example, "kk", "pdf")
    finally:
        pm.unregister(plugin)
    assert seen == [("login_request", "kk", "pdf", b"%PDF")]


def test_a_misspelt_hook_fails_at_start_up(app):
    class Typo:
        @hookimpl
        def docservice_register_document_typez(self, registry):
            """Misspelt on purpose: start-up must refuse it."""

    with pytest.raises(Exception, match="docservice_register_document_typez"):
        _app_like(app, PLUGINS=(Typo(),))


def test_the_registry_refuses_duplicates_and_half_declared_types():
    class Half(DocumentType):
        id = "half"

        def build_context(self, data, lang):
            return {}

    registry = DocumentRegistry()
    with pytest.raises(TypeError, match="titles"):
        registry.add(Half)

    class Whole(Half):
        titles, schema, nomenclature, example = {"kk": "a", "ru": "a"}, object, "00-00", {}

    registry.add(Whole)
    with pytest.raises(ValueError, match="twice"):
        registry.add(Whole)


def test_every_hook_is_tested_and_documented():
    hooks = [name for name in dir(hookspecs) if name.startswith("docservice_")]
    # Tests and the test plugins they install (tests/thirdparty).
    tests = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.rglob("*.py"))
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for hook in hooks:
        assert re.search(rf"\b{hook}\b", tests.replace("def test_every_hook", "")), f"{hook} has no test"
        assert hook in readme, f"{hook} is not documented in the README"
