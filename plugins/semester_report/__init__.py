"""Semester report on reopenings of the electronic journal: the head of the registrar's
office reports to the vice-rector for academic affairs (RU Table 1 №12 «Статистический
учёт и анализ заявок», KK reopen procedure №5 «Семестр есебі»): reopenings per department
and per teacher, with / without grade change, on time / late, reasons, disciplinary levels
(KK 20), teachers over the memo threshold (RU 17–18), journals closed late, a bar chart and
the registrar's conclusions."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from docservice import hookimpl
from docservice.documents import DocumentType, addressee
from docservice.documents.fields import PeriodRef, SchoolRef
from docservice.documents.rendering import words
from plugins import template_folders

from .context import report

TERMS = {
    "kk": {"summer": "{year} оқу жылының жазғы семестрі", "*": "{year} оқу жылының {term}-семестрі"},
    "ru": {"summer": "летний семестр {year} учебного года", "*": "{term} семестр {year} учебного года"},
}


class SemesterReportInput(Schema):
    period = PeriodRef(required=True, metadata={"description": "Academic period, e.g. 2026-2027/1"})
    school = SchoolRef(load_default=None, allow_none=True,
                       metadata={"description": "Only this school's departments (default: the whole university)"})
    conclusions = fields.String(load_default="", validate=validate.Length(max=5000),
                                metadata={"description": "The registrar's conclusions and proposals (free text)"})


class SemesterReport(DocumentType):
    template_dirs = template_folders(__file__)
    id = "semester_report"
    pdf_engine = "typst"
    titles = {"kk": "Электрондық журналды қайта ашу туралы семестр есебі",
              "ru": "Отчёт о повторных открытиях электронного журнала за семестр"}
    schema = SemesterReportInput
    nomenclature = "02-12"
    example = {"period": "2026-2027/1",
               "conclusions": "Кафедраларға журналды жабу мерзімдерін сақтау ұсынылады."}
    issue_roles = ("registrar", "registrar_head", "vice_rector")

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def subject(self, data: dict) -> str:
        """One report per period (per school, when it covers one school only)."""
        school = data.get("school")
        return f"period:{data['period'].code}" + (f"/school:{school.code}" if school else "")

    def build_context(self, data: dict, lang: str) -> dict:
        period, school = data["period"], data.get("school")
        conclusions = (data.get("conclusions") or "").strip()
        return {
            "addressee": addressee("vice_rector", lang),
            "signer": addressee("registrar_head", lang),
            "period": {"code": period.code, "words": TERMS[lang].get(period.term, TERMS[lang]["*"]).format(
                year=period.academic_year, term=period.term)},
            "school": school.name(lang) if school else "",
            "conclusions": [p.strip() for p in conclusions.splitlines() if p.strip()],
            **report(period, school, lang),
        }


@hookimpl
def docservice_register_document_types(registry):
    registry.add(SemesterReport)
