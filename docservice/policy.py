"""Who may do what: the one place that answers, asked by every service operation.

``user`` is a ``User``; ``None`` is the system itself (the CLI run by the operator of
the server), which may do everything and is recorded as such.
"""
from __future__ import annotations

from datetime import date

from .errors import Forbidden

OVERSIGHT = ("registrar", "registrar_head", "vice_rector")


def teaches(user, journal, day: date) -> bool:
    """Own journal, or a substitute's appointment in force that day (RU 11, KK 13)."""
    return any(
        t.user_id == user.id and (t.role == "teacher" or t.active_on(day)) for t in journal.staff
    )


def heads(user, journal) -> bool:
    return user.has_role("head_of_department") and journal.department.head_id == user.id


def is_dean_of(user, journal) -> bool:
    return user.has_role("dean") and user.school_id is not None and journal.school.id == user.school_id


def _journal_rules(day):
    return {
        "journal.view": lambda u, j: u.has_role(*OVERSIGHT, "methodist") or teaches(u, j, day)
        or heads(u, j) or is_dean_of(u, j),
        "journal.enter": lambda u, j: u.has_role("teacher") and teaches(u, j, day),
        "journal.close": lambda u, j: u.has_role("teacher") and teaches(u, j, day),
        # Writing through a reopen grant: still a teacher of the journal (the grant is checked apart).
        "journal.enter_grant": lambda u, j: u.has_role("teacher") and teaches(u, j, day),
        "journal.deadline": lambda u, j: u.has_role("registrar", "registrar_head"),
        "journal.substitute": lambda u, j: heads(u, j),
        "journal.ktp": lambda u, j: heads(u, j) or u.has_role("methodist"),
        "reopen.file": lambda u, j: u.has_role("teacher") and teaches(u, j, day),
        "reopen.visa": lambda u, j: heads(u, j),
        "reopen.decide": lambda u, j: is_dean_of(u, j),
        "reopen.grant": lambda u, j: u.has_role("registrar_head"),
    }


GLOBAL_RULES = {
    "monitoring.view": ("registrar", "registrar_head", "vice_rector"),
    "period.deadlines": ("registrar", "registrar_head"),
    "dataset.import": ("registrar", "registrar_head", "methodist", "it"),
    "users.manage": ("it",),
    "login.request": ("head_of_department",),
    # The role pages (issue 4): who sees which inbox or overview; each step in them is
    # still checked by the journal rules above (reopen.visa, reopen.decide, reopen.grant …).
    "department.view": ("head_of_department",),
    "requests.inbox": ("head_of_department", "dean", "registrar", "registrar_head"),
    "summary.view": ("dean", "registrar", "registrar_head"),
    "grades.own": ("student",),
    # Issue 5: the nomenclature of files and the period-wide batch jobs (archive printing,
    # a type for every group …) are the registrar's office's.
    "archive.manage": ("registrar", "registrar_head"),
    # Issue 10: the register of issued documents (журнал регистрации) is the registrar's
    # office's; the vice-rector reads it too, as every issued document.
    "register.view": ("registrar", "registrar_head", "vice_rector"),
}


def allowed(user, action: str, journal=None, day: date | None = None) -> bool:
    if user is None:
        return True
    if not user.active:
        return False
    if action in GLOBAL_RULES:
        return user.has_role(*GLOBAL_RULES[action])
    rule = _journal_rules(day or _today())[action]
    return bool(rule(user, journal))


def may_change_accounts(user) -> bool:
    """Whether ``user`` may change a user's account by hand — roles, the posts of dean and head
    of department, the school and department a user belongs to (they decide which journals and
    documents the user sees): the IT department and the operator. An import asks the same, so
    it changes nothing its user could not change by hand (issue 11)."""
    return allowed(user, "users.manage")


def require(user, action: str, journal=None, day: date | None = None) -> None:
    if not allowed(user, action, journal, day):
        raise Forbidden("forbidden", action=action)


def _today() -> date:
    from .clock import today

    return today()
