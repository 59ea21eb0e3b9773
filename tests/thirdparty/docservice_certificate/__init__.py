"""A third-party document type, as another package would ship one: a study certificate.

Found by docservice through the ``docservice`` entry-point group of this package's
metadata (``docservice_certificate-1.0.dist-info/entry_points.txt``); core code knows
nothing of it.
"""
from pathlib import Path

from marshmallow import Schema, fields, validate

from docservice import hookimpl
from docservice.documents import DocumentType
from docservice.documents.fields import GroupRef

HERE = Path(__file__).resolve().parent
ISSUED = []


class CertificateInput(Schema):
    student_name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    group = GroupRef(required=True)
    purpose = fields.String(load_default="")


class StudyCertificate(DocumentType):
    id = "study_certificate"
    titles = {"kk": "Оқу туралы анықтама", "ru": "Справка об обучении"}
    schema = CertificateInput
    nomenclature = "07-01"
    example = {"student_name": "Нұрғалиева Дана Аңсағанқызы", "group": "ОМ-24-01к", "purpose": "по месту требования"}
    template_dirs = (HERE,)

    def build_context(self, data, lang):
        group = data["group"]
        return {"student": data["student_name"], "group": group.code, "course": group.course,
                "program": group.program.name(lang), "purpose": data["purpose"]}

    def docx_template(self, lang):
        from docservice.documents.docx_builder import new_document, para, registration

        doc = new_document(lang)
        para(doc, "{{ doc.title }}", bold=True, align="center")
        para(doc, "{{ student }} — {{ program }}, {{ course }} курс, {{ group }}. {{ purpose }}")
        registration(doc, lang)
        return doc


@hookimpl
def docservice_register_document_types(registry):
    registry.add(StudyCertificate)


@hookimpl
def docservice_document_issued(document):
    ISSUED.append(document.number)
