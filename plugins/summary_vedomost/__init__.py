"""Summary vedomost: every student's results of a group in a period — one column per
curriculum item with its credits, then credits earned and the period GPA, the group's
averages and debts (RU Table 1 №10: formed by the registrar's office within a week after
the intermediate attestation, sent to the deans' offices)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import select

from docservice import hookimpl
from docservice.documents import DocumentType, PeriodDocument, addressee, coded, person
from docservice.documents.fields import GroupRef, PeriodRef
from docservice.documents.rendering import words
from docservice.models import Group, Journal, Program, db
from plugins import template_folders

from .context import has_journals, summary, unclosed_journals

TERMS = {
    "kk": {"summer": "{year} оқу жылының жазғы семестрі", "*": "{year} оқу жылының {term}-семестрі"},
    "ru": {"summer": "летний семестр {year} учебного года", "*": "{term} семестр {year} учебного года"},
}


UNCLOSED = {
    "kk": "Топтың {total} журналының {count}-і әлі жабылмаған ({journals}): олардың нәтижелері әлі өзгеруі "
          "мүмкін.",
    "ru": "Из {total} журналов группы не закрыто {count} ({journals}): их результаты ещё могут измениться.",
}


def period_words(period, lang: str) -> str:
    """«2026-2027 оқу жылының 1-семестрі» / «1 семестр 2026-2027 учебного года»."""
    words = TERMS[lang]
    return words.get(period.term, words["*"]).format(year=period.academic_year, term=period.term)


class SummaryVedomostInput(Schema):
    group = GroupRef(required=True, metadata={"description": "Group code, e.g. ОМ-24-01к"})
    period = PeriodRef(required=True, metadata={"description": "Academic period, e.g. 2026-2027/1"})

    @validates_schema
    def group_has_journals(self, data, **kwargs):
        group, period = data.get("group"), data.get("period")
        if group is not None and period is not None and not has_journals(group, period):
            raise ValidationError({"period": [coded("reference_unknown", what="journal",
                                                    key=f"{group.code} · {period.code}")]})


class SummaryVedomost(DocumentType):
    template_dirs = template_folders(__file__)
    id = "summary_vedomost"
    pdf_engine = "typst"  # plugins/typst_engine: layout.typ beside this module
    titles = {"kk": "Жиынтық ведомость", "ru": "Сводная ведомость"}
    schema = SummaryVedomostInput
    nomenclature = "02-10"
    example = {"group": "ОМ-24-01к", "period": "2026-2027/1"}
    issue_roles = ("registrar", "registrar_head", "dean")

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def may_issue(self, user, data) -> bool:
        """The registrar's office forms it; the dean of the group's school may print it too."""
        if user.has_role("registrar", "registrar_head"):
            return True
        school = data["group"].program.school
        return user.has_role("dean") and (school.dean_id == user.id or user.school_id == school.id)

    def warnings(self, data: dict, lang: str) -> list[str]:
        """A summary issued before the group's journals are closed records results that may
        still change (RU Table 1 №10: formed after the attestation)."""
        unclosed, total = unclosed_journals(data["group"], data["period"])
        if not unclosed:
            return []
        names = "; ".join(f"{j.code} {j.title(lang)}" for j in unclosed[:5]) + ("; …" if len(unclosed) > 5 else "")
        return [UNCLOSED[lang if lang in UNCLOSED else "ru"].format(total=total, count=len(unclosed), journals=names)]

    def subject(self, data: dict) -> str:
        """One summary vedomost per group and period."""
        return f"group:{data['group'].code}/period:{data['period'].code}"

    def register_entry(self, data: dict, lang: str) -> dict:
        return {"group": data["group"].code}

    def period_documents(self, period, school, lang):
        """One per group with journals in the period (RU Table 1 №10: every group's)."""
        query = (select(Group).join(Program).where(Group.id.in_(
            select(Journal.group_id).where(Journal.period_id == period.id))).order_by(Group.code))
        if school is not None:
            query = query.where(Program.school_id == school.id)
        for group in db.session.scalars(query):
            yield PeriodDocument({"group": group.code, "period": period.code}, group.code)

    def build_context(self, data: dict, lang: str) -> dict:
        group, period = data["group"], data["period"]
        program = group.program
        return {
            "school": program.school.name(lang),
            "program": {"code": program.code, "name": program.name(lang)},
            "course": group.course,
            "group": group.code,
            "period": {"code": period.code, "academic_year": period.academic_year, "term": period.term,
                       "words": period_words(period, lang)},
            **summary(group, period, lang),
            "dean": person(program.school.dean, lang),
            "registrar_head": addressee("registrar_head", lang),
        }


@hookimpl
def docservice_register_document_types(registry):
    registry.add(SummaryVedomost)
