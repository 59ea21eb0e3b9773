"""Exam vedomost («Экзаменационная ведомость» / «Емтихан ведомосы»; RU Table 1 №7–9, KK №10–11):
regular (one discipline), integrated (an integrated discipline over its blocks, or a module
over its modular disciplines) and individual (after a journal's reopening)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from docservice import hookimpl, policy

from docservice.documents import DocumentType, PeriodDocument, coded
from docservice.documents.fields import JournalRef
from docservice.documents.rendering import words
from docservice.errors import Invalid
from docservice.models import CurriculumItem, Group, Journal, Program, ReopenRequest, db
from docservice.reopen import COMPLETED, GRANTED
from plugins import template_folders

from .context import INDIVIDUAL, INTEGRATED, KINDS, REGULAR, build, scope_of

REQUIRED = "Missing data for required field."  # marshmallow's own words, localized by the core


class ReopenRequestRef(fields.Integer):
    """A reopen request by its number; loads the ``ReopenRequest``."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        found = db.session.get(ReopenRequest, number)
        if found is None:
            raise ValidationError(coded("reference_unknown", what="request", key=number))
        return found

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else getattr(value, "id", value)


class VedomostInput(Schema):
    journal = JournalRef(metadata={"description": "Journal code (J0001, D0001 …). A block or modular "
                                                  "discipline gives the integrated vedomost of its item."})
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={
        "description": "regular (default), integrated (implied for a module or an integrated discipline), "
                       "individual (after a reopening: give `request`)"})
    request = ReopenRequestRef(metadata={"description": "Reopen request number (individual vedomost); "
                                                        "its journal is used"})
    exam_date = fields.Date(metadata={"description": "Exam date; default: the journal's final control"})

    @validates_schema
    def _consistent(self, data, **kwargs):
        request, journal, kind = data.get("request"), data.get("journal"), data.get("kind")
        if request is None:
            if kind == INDIVIDUAL:
                raise ValidationError(REQUIRED, "request")
            if journal is None:
                raise ValidationError(REQUIRED, "journal")
            if kind == INTEGRATED and journal.item.kind == "discipline":
                raise ValidationError(coded("field_invalid", detail=f"{kind} ({journal.item.code})"), "kind")
            return
        if kind not in (None, INDIVIDUAL):
            raise ValidationError(coded("field_invalid", detail=f"{kind} (request → {INDIVIDUAL})"), "kind")
        if journal is not None and journal.id != request.journal_id:
            raise ValidationError(coded("field_invalid", detail=f"{journal.code} ≠ {request.journal.code}"),
                                  "journal")
        if request.status not in (GRANTED, COMPLETED):
            raise ValidationError(coded("reopen_step_order", status=request.status, step="vedomost"), "request")


class Vedomost(DocumentType):
    template_dirs = template_folders(__file__)
    id = "vedomost"
    pdf_engine = "typst"  # plugins/typst_engine: layout.typ beside this module
    titles = {"kk": "Емтихан ведомосы", "ru": "Экзаменационная ведомость"}
    schema = VedomostInput
    nomenclature = "02-07"
    example = {"journal": "D0039"}
    issue_roles = ("teacher", "head_of_department", "registrar", "registrar_head")
    kinds = {REGULAR: {"kk": "жай", "ru": "обычная"},
             INTEGRATED: {"kk": "біріктірілген пән немесе модуль", "ru": "интегрированная дисциплина или модуль"},
             INDIVIDUAL: {"kk": "жеке, журнал қайта ашылғаннан кейін", "ru": "индивидуальная, после открытия журнала"}}

    def docx_template(self, lang: str):
        from .layout import make_template

        return make_template(words(self, lang), lang)

    def may_issue(self, user, data) -> bool:
        """The teachers of the journal that forms it (the last block / modular discipline for an
        integrated one, the reopened journal for an individual one), its head of department and
        the registrar."""
        journal = scope_of(data).owner
        return (user.has_role("registrar", "registrar_head") or policy.allowed(user, "journal.close", journal)
                or policy.heads(user, journal))

    def check_issue(self, data) -> None:
        """A vedomost is issued once its journals are closed or locked (by anyone, the system too)."""
        if scope_of(data).is_open:
            raise Invalid("journal_open")

    def build_context(self, data: dict, lang: str) -> dict:
        return build(data, lang)

    def subject(self, data: dict) -> str:
        """One vedomost per journal scope and kind; an individual one per reopen request."""
        scope = scope_of(data)
        request = f"/request:{scope.request.id}" if scope.request is not None else ""
        return f"journal:{scope.owner.code}/{scope.kind}{request}"

    def register_entry(self, data: dict, lang: str) -> dict:
        owner = scope_of(data).owner
        return {"group": owner.group.code, "discipline": owner.item.name(lang)}

    def kind(self, data: dict) -> str:
        return scope_of(data).kind

    def form_values(self, values):
        """A form opened from a reopen request (``?request=12``) shows its journal and the
        individual kind, as the vedomost will be issued."""
        number = str(values.get("request") or "").strip()
        request = db.session.get(ReopenRequest, int(number)) if number.isdigit() else None
        if request is None:
            return values
        filled = values.copy()
        filled.setdefault("journal", request.journal.code)
        filled.setdefault("kind", INDIVIDUAL)
        return filled

    def period_documents(self, period, school, lang):
        """Every journal's vedomost of the period (one integrated vedomost per integrated
        discipline or module, whichever of its journals comes first), then the individual
        vedomosts of its granted or completed reopenings; by group, then discipline."""
        query = (select(Journal).join(Group, Journal.group_id == Group.id).join(Program)
                 .join(CurriculumItem, Journal.item_id == CurriculumItem.id)
                 .where(Journal.period_id == period.id).order_by(Group.code, CurriculumItem.code, Journal.code))
        if school is not None:
            query = query.where(Program.school_id == school.id)
        journals = db.session.scalars(query).all()
        covered = set()
        for journal in journals:
            scope = scope_of({"journal": journal})
            if scope.owner.id in covered:
                continue
            covered.add(scope.owner.id)
            yield PeriodDocument({"journal": scope.owner.code}, _label(scope.owner, lang), scope.kind)
        requests = db.session.scalars(
            select(ReopenRequest).where(ReopenRequest.journal_id.in_([j.id for j in journals]),
                                        ReopenRequest.status.in_((GRANTED, COMPLETED)))
            .order_by(ReopenRequest.id)).all()
        for request in requests:
            yield PeriodDocument({"request": request.id}, f"{_label(request.journal, lang)} · №{request.id}",
                                 INDIVIDUAL)


def _label(journal, lang: str) -> str:
    return f"{journal.group.code} · {journal.item.name(lang)}"


@hookimpl
def docservice_register_document_types(registry):
    registry.add(Vedomost)
