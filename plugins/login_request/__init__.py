"""Login request: the head of department asks the IT department for a new teacher's login
(RU Form 1 «Служебная записка», KK Form 2 «Қызметтік хат»)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from docservice import hookimpl
from docservice.documents import DocumentType, addressee, folded, person, unit_forms
from docservice.documents.fields import DepartmentRef
from docservice.documents.rendering import words
from plugins import template_folders


class LoginRequestInput(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=3, max=200),
                              metadata={"description": "The new teacher's full name"})
    position = fields.String(required=True, validate=validate.Length(min=2, max=200),
                             metadata={"description": "The teacher's position, in the document's language"})
    department = DepartmentRef(required=True, metadata={"description": "Department code"})
    email = fields.Email(required=True, metadata={"description": "Corporate e-mail"})


class LoginRequest(DocumentType):
    template_dirs = template_folders(__file__)
    id = "login_request"
    titles = {"kk": "Логин мен құпиясөзге өтінім", "ru": "Заявка на логин и пароль"}
    schema = LoginRequestInput
    pdf_engine = "typst"  # plugins/typst_engine: layout.typ beside this module
    nomenclature = "01-15"
    example = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент",
               "department": "ANAT", "email": "s.abilkasymova@kaznmu.example"}
    issue_roles = ("head_of_department", "registrar", "registrar_head", "it")

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def may_see(self, user, data) -> bool:
        """The IT department, to whom it is addressed."""
        return user.has_role("it")

    def may_issue(self, user, data) -> bool:
        """The head of the department asks (registrar and IT may reissue)."""
        if user.has_role("registrar", "registrar_head", "it"):
            return True
        return user.has_role("head_of_department") and data["department"].head_id == user.id

    def subject(self, data: dict) -> str:
        """One request per person and department."""
        return f"person:{folded(data['full_name'])}/department:{data['department'].code}"

    def register_entry(self, data: dict, lang: str) -> dict:
        return {"person": data["full_name"].strip()}

    def build_context(self, data: dict, lang: str) -> dict:
        department = data["department"]
        return {
            "addressee": addressee("it_department_head", lang),
            "teacher": {"full_name": data["full_name"], "position": data["position"], "email": data["email"]},
            "department": unit_forms(department.name(lang), lang),
            "head": person(department.head, lang),
        }


@hookimpl
def docservice_register_document_types(registry):
    registry.add(LoginRequest)
