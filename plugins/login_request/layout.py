"""The Word template of the login request (``flask docs build-templates`` writes it); its words are
those of the PDF, ``templates_<lang>/login_request.toml``."""
from docservice.documents.docx_builder import new_document, para, registration, signatures
from docservice.documents.rendering import FILTERS

fill = FILTERS["fill"]  # a words sentence with its {name} places filled: here with docxtpl's tags

# The values each field shows, as docxtpl fills them.
FIELDS = (("full_name", "teacher.full_name"), ("position", "teacher.position"), ("email", "teacher.email"),
          ("department", "department.name"))


def make_template(w: dict, lang: str):
    doc = new_document(lang, size=14)
    para(doc, fill(w["outgoing"], number="{{ doc.number or '________' }}", date="{{ doc.date }}"))
    para(doc, "{{ addressee.to }}", indent_mm=95)
    para(doc, "{{ addressee.full_name }}", indent_mm=95, space_after=12)
    para(doc, w["title"].upper(), bold=True, align="center", space_after=8)
    para(doc, w["body"], align="justify", first_line_mm=12.5)
    for label, value in FIELDS:
        p = para(doc, w[label] + ": ")
        p.add_run("{{ " + value + " }}").bold = True
    para(doc)
    signatures(doc, [(fill(w["head"], department="{{ department.head }}"), "{{ head.short_name }}")], size=14)
    registration(doc, lang)
    return doc
