"""The registrar's monitoring: reopenings per teacher and department in an academic year,
the disciplinary level each count earns (KK 20) and the memo flag (RU 17–18)."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import select

from . import policy
from .models import WITH_CHANGE, Journal, Period, ReopenRequest, db

REOPENED = ("granted", "completed")


def level(count: int, table: list) -> str | None:
    """The level for a count, from a ``[(minimum, level), …]`` table, highest first."""
    for minimum, name in sorted(table, key=lambda row: -row[0]):
        if count >= minimum:
            return name
    return None


@dataclass
class TeacherLine:
    login: str
    full_name: str
    department: str
    reopenings: int
    with_change: int
    level: str | None
    memo: bool


@dataclass
class DepartmentLine:
    code: str
    reopenings: int
    level: str | None


def reopenings(academic_year: str) -> list[ReopenRequest]:
    """Requests that actually reopened a journal of the academic year."""
    return db.session.scalars(
        select(ReopenRequest).join(Journal).join(Period)
        .where(Period.academic_year == academic_year, ReopenRequest.status.in_(REOPENED))
        .order_by(ReopenRequest.id)).all()


def teacher_lines(academic_year: str) -> list[TeacherLine]:
    cfg = current_app.config
    requests = reopenings(academic_year)
    total = Counter(r.teacher_id for r in requests)
    changed = Counter(r.teacher_id for r in requests if r.kind == WITH_CHANGE)
    teachers = {r.teacher_id: r.teacher for r in requests}
    lines = [TeacherLine(login=t.login, full_name=t.full_name,
                         department=t.department.code if t.department else "",
                         reopenings=total[tid], with_change=changed[tid],
                         level=level(total[tid], cfg["DISCIPLINE_TEACHER"]),
                         memo=changed[tid] > cfg["MEMO_THRESHOLD"])
             for tid, t in teachers.items()]
    return sorted(lines, key=lambda line: (-line.reopenings, line.full_name))


def department_lines(academic_year: str) -> list[DepartmentLine]:
    cfg = current_app.config
    counts = Counter(r.journal.department.code for r in reopenings(academic_year))
    return sorted((DepartmentLine(code=code, reopenings=n, level=level(n, cfg["DISCIPLINE_DEPARTMENT"]))
                   for code, n in counts.items()), key=lambda line: (-line.reopenings, line.code))


def memo_teachers(academic_year: str) -> list[TeacherLine]:
    """Teachers whose grade-changing errors exceed the threshold: the registrar writes a
    memo to the vice-rector about them (RU 17)."""
    return [line for line in teacher_lines(academic_year) if line.memo]


def report(actor, academic_year: str) -> dict:
    """The monitoring report for the registrar and the vice-rector."""
    policy.require(actor, "monitoring.view")
    return {"teachers": [asdict(t) for t in teacher_lines(academic_year)],
            "departments": [asdict(d) for d in department_lines(academic_year)]}
