"""The store side of the semester report: the reopenings of a period's journals counted
per department and per teacher (with / without grade change, on time / late), the
disciplinary levels (KK 20), the memo threshold (RU 17–18), the journals closed late,
and the bar chart's geometry (drawn in the PDF, as shaded bars in a table in the DOCX)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from docservice.clock import now as clock_now
from docservice.collation import name_key
from docservice.documents.context import short_date, short_name
from docservice.models import (
    CLOSED, LOCKED, OPEN, WITH_CHANGE, CurriculumItem, CurriculumPart, Journal, JournalTeacher, ReopenRequest, User, db,
)
from docservice.monitoring import REOPENED, level
from docservice.reopen import late_steps

LEVELS = {
    "kk": {"verbal_remark": "ауызша ескерту", "warning": "ескерту", "reprimand": "сөгіс"},
    "ru": {"verbal_remark": "устное замечание", "warning": "предупреждение", "reprimand": "выговор"},
}
# The steps ``reopen.late_steps`` names (an unknown future step is shown by its key).
LATE_STEPS = {
    "kk": {"filed": "өтінім беру", "visaed": "кафедра меңгерушісінің келісімі",
           "decided": "деканат кеңесінің шешімі", "completed": "түзетулер енгізу"},
    "ru": {"filed": "подача заявки", "visaed": "согласование заведующим кафедрой",
           "decided": "решение совета деканата", "completed": "внесение исправлений"},
}
LATE_LABEL = {"kk": "мерзімі бұзылды", "ru": "нарушен срок"}
KIND_SHORT = {"kk": {True: "бағаны өзгертумен", False: "бағаны өзгертусіз"},
              "ru": {True: "с изменением оценки", False: "без изменения оценки"}}
REPORT_WITHIN = timedelta(weeks=2)  # after the attestation (RU Table 1 №12)

# The chart: horizontal bars, one per department, each under its department's name (a name is
# too long to stand beside a bar), in SVG user units (1 unit = 0.25 mm at the 170 mm the layouts
# give it).
CHART_WIDTH, AXIS_X, BAR_AREA, ROW, LABEL, BAR, TOP = 680, 2, 600, 34, 14, 14, 4
# The DOCX draws a bar as shaded no-break spaces (Word has no chart python-docx can write): the
# longest as many as fit its 95 mm column at 9 pt (0.79 mm each), as the PDF's longest bar is
# its full width.
DOCX_BAR_SPACES = 100
NBSP = "\u00a0"

# What the report reads of a journal (its department, group, title and teachers), loaded with the
# journals in the same query or one more, not a query per journal: a period has a hundred and more
# (the journal's period is the one asked for, already in the session).
DEPARTMENT = (joinedload(Journal.item).joinedload(CurriculumItem.department),
              joinedload(Journal.part).joinedload(CurriculumPart.department))
JOURNAL_LOADS = (*DEPARTMENT, joinedload(Journal.group), selectinload(Journal.staff).joinedload(JournalTeacher.user))


def period_reopenings(period, school=None) -> list[ReopenRequest]:
    """Requests that reopened a journal of the period (granted, or completed since), in the
    scope: all departments, or those of one school."""
    rows = db.session.scalars(
        select(ReopenRequest).join(Journal)
        .where(Journal.period_id == period.id, ReopenRequest.status.in_(REOPENED))
        .options(joinedload(ReopenRequest.journal).options(*DEPARTMENT),
                 joinedload(ReopenRequest.teacher).joinedload(User.department))
        .order_by(ReopenRequest.id)).all()
    return [r for r in rows if school is None or r.journal.department.school_id == school.id]


def period_journals(period, school=None) -> list[Journal]:
    """The journals of the period in the scope: all departments, or those of one school."""
    rows = db.session.scalars(select(Journal).where(Journal.period_id == period.id).options(*JOURNAL_LOADS)).all()
    return [j for j in rows if school is None or j.department.school_id == school.id]


def closed_late(journals: list[Journal]) -> list[Journal]:
    """Journals closed, but after their deadline."""
    return sorted((j for j in journals if j.state == CLOSED and j.closed_late), key=lambda j: (j.deadline, j.code))


def not_closed(journals: list[Journal], today) -> list[Journal]:
    """Journals past their deadline and never closed: locked by the deadline (or due to be: the
    same test ``journals.sync_lock`` applies) — a different fact from a late closing."""
    return sorted((j for j in journals if j.state == LOCKED or (j.state == OPEN and today > j.deadline)),
                  key=lambda j: (j.deadline, j.code))


def report_due(journals: list[Journal]) -> date | None:
    """The day the report is due at the Academic council: 2 weeks after the intermediate attestation
    (RU Table 1 №12), which ends with the period's last final control."""
    return max(j.final_control for j in journals) + REPORT_WITHIN if journals else None


class _Tally:
    def __init__(self):
        self.total = self.with_change = self.late = 0
        self.reasons: list[dict] = []

    def add(self, request: ReopenRequest, late: list[str], lang: str) -> None:
        self.total += 1
        self.with_change += request.kind == WITH_CHANGE
        self.late += bool(late)
        steps = ", ".join(LATE_STEPS[lang].get(s, s) for s in late)
        self.reasons.append({
            "journal": request.journal.code,
            "kind": KIND_SHORT[lang][request.kind == WITH_CHANGE],
            "text": request.reason,
            "late": f"{LATE_LABEL[lang]}: {steps}" if late else "",
        })

    def numbers(self) -> dict:
        return {"total": self.total, "with_change": self.with_change,
                "without_change": self.total - self.with_change,
                "on_time": self.total - self.late, "late": self.late}


def _level(count: int, table, lang: str) -> str:
    found = level(count, table)
    return LEVELS[lang][found] if found else "—"


def report(period, school, lang: str) -> dict:
    cfg = current_app.config
    at = clock_now()
    requests = period_reopenings(period, school)
    by_department: dict = defaultdict(_Tally)
    by_teacher: dict = defaultdict(_Tally)
    departments, teachers = {}, {}
    for request in requests:
        late = late_steps(request, at)
        department, teacher = request.journal.department, request.teacher
        departments[department.id], teachers[teacher.id] = department, teacher
        by_department[department.id].add(request, late, lang)
        by_teacher[teacher.id].add(request, late, lang)

    department_rows = [{
        "code": d.code, "name": d.name(lang), **by_department[d.id].numbers(),
        "level": _level(by_department[d.id].total, cfg["DISCIPLINE_DEPARTMENT"], lang),
    } for d in departments.values()]
    department_rows.sort(key=lambda r: (-r["total"], r["code"]))

    threshold = cfg["MEMO_THRESHOLD"]
    teacher_rows = []
    for t in teachers.values():
        tally = by_teacher[t.id]
        teacher_rows.append({
            "full_name": t.full_name, "short_name": short_name(t.full_name), "position": t.position(lang),
            "department": t.department.name(lang) if t.department else "", **tally.numbers(),
            "reasons": tally.reasons,
            "level": _level(tally.total, cfg["DISCIPLINE_TEACHER"], lang),
            "memo": tally.with_change > threshold,
        })
    teacher_rows.sort(key=lambda r: (-r["total"], name_key(r["full_name"])))
    for rows in (department_rows, teacher_rows):
        for n, row in enumerate(rows, 1):
            row["n"] = n

    journals = period_journals(period, school)
    late = [dict(_journal_row(j, lang), n=n, closed=short_date(j.closed_at))
            for n, j in enumerate(closed_late(journals), 1)]
    locked = [dict(_journal_row(j, lang), n=n) for n, j in enumerate(not_closed(journals, at.date()), 1)]

    totals = {
        "total": len(requests),
        "with_change": sum(r["with_change"] for r in department_rows),
        "without_change": sum(r["without_change"] for r in department_rows),
        "late": sum(r["late"] for r in department_rows),
        "on_time": sum(r["on_time"] for r in department_rows),
        "departments": len(department_rows), "teachers": len(teacher_rows),
        "late_journals": len(late), "not_closed": len(locked),
    }
    return {
        "empty": not requests,
        "totals": totals,
        "departments": department_rows,
        "teachers": teacher_rows,
        "memo": [r for r in teacher_rows if r["memo"]],
        "memo_threshold": threshold,
        "late_journals": late,
        "not_closed": locked,
        "due": short_date(report_due(journals)),
        "chart": chart(department_rows),
    }


def _journal_row(j: Journal, lang: str) -> dict:
    return {"code": j.code, "discipline": j.title(lang), "group": j.group.code, "department": j.department.name(lang),
            "teachers": ", ".join(short_name(s.user.full_name) for s in j.staff if s.role == "teacher"),
            "deadline": short_date(j.deadline)}


def chart(rows: list[dict]) -> dict:
    """Bar geometry per department: its name, and under it the bar with grade change (dark)
    stacked on without (light). The same numbers give the DOCX's bars: ``dark_bar`` and
    ``light_bar``, runs of no-break spaces its template shades dark and light."""
    top = max((r["total"] for r in rows), default=0)
    unit = BAR_AREA / top if top else 0
    scale = DOCX_BAR_SPACES / top if top else 0
    bars = []
    for i, r in enumerate(rows):
        y = TOP + i * ROW + LABEL  # the bar's top; the name's baseline above it
        dark, light = r["with_change"] * unit, r["without_change"] * unit
        spaces_with = round(r["with_change"] * scale)
        spaces_without = round(r["without_change"] * scale)
        if r["total"] and not spaces_with + spaces_without:  # a reopening shows, however few
            spaces_with, spaces_without = (1, 0) if r["with_change"] else (0, 1)
        bars.append({
            "label": r["name"], "total": r["total"], "with_change": r["with_change"],
            "without_change": r["without_change"],
            "label_y": y - 4, "y": y, "text_y": y + BAR - 3,
            "x": AXIS_X, "dark": round(dark, 1), "light_x": round(AXIS_X + dark, 1),
            "light": round(light, 1), "count_x": round(AXIS_X + dark + light + 5, 1),
            "dark_bar": NBSP * spaces_with, "light_bar": NBSP * spaces_without,
        })
    height = TOP + len(rows) * ROW + 22
    return {"width": CHART_WIDTH, "height": height, "label_x": AXIS_X + 4, "bar": BAR,
            "axis_x": AXIS_X, "axis_y": TOP + len(rows) * ROW, "legend_y": height - 6,
            "bars": bars}
