"""The prepared DOCX path (``documents/rendering.py``) writes the very parts docxtpl writes,
for every document type and language, as a draft and as an issued document (with its QR
picture); an edited Word template is prepared again."""
import io
import zipfile

import pytest
from docs_reading import docx_text

from docservice.documents import issuing, rendering
from docservice.documents.validation import validate


def parts(content: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None  # every member's CRC is right
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


@pytest.mark.demo
@pytest.mark.parametrize("number", [None, "99-99/2026/0001"], ids=["draft", "issued"])
def test_the_prepared_path_writes_what_docxtpl_writes(app, number):
    for doc_type in issuing.registry():
        for lang in doc_type.languages:
            clean = validate(doc_type.schema, doc_type.example, lang)
            context = issuing.build_context(doc_type, clean, lang, number, issuing.clock_now())
            path = rendering.find_template(doc_type, lang, "docx")
            stat = path.stat()
            prepared = rendering._prepared_docx(str(path), stat.st_mtime_ns, stat.st_size)
            assert prepared is not None, path
            fast = prepared.render(context)  # raises rather than falling back to docxtpl
            assert fast[:2] == rendering.render_docx(doc_type, context, lang)[:2] == b"PK"
            assert parts(fast) == parts(rendering.render_docx_docxtpl(path, context)), (doc_type.id, lang)
            if number:
                assert any(name.startswith("word/media/") for name, _ in parts(fast)), (doc_type.id, lang)


class OwnTemplate:
    id = "own"

    def __init__(self, folder):
        self.template_dirs = (folder,)

    def template_name(self):
        return "own"


def test_an_edited_template_is_prepared_again(tmp_path):
    from docx import Document

    (tmp_path / "templates_ru").mkdir()

    def save(text):
        document = Document()
        document.add_paragraph(text + " {{ name }}")
        document.save(tmp_path / "templates_ru" / "own.docx")

    save("Первая редакция:")
    assert "Первая редакция: Ann &" in docx_text(rendering.render_docx(OwnTemplate(tmp_path), {"name": "Ann &"}, "ru"))
    save("Вторая, исправленная редакция:")
    text = docx_text(rendering.render_docx(OwnTemplate(tmp_path), {"name": "Ann &"}, "ru"))
    assert "Вторая, исправленная редакция: Ann &" in text and "Первая" not in text
