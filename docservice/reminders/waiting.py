"""What is waiting for whom: one computation for the home page and the daily e-mail.

- a teacher: journals open and due within ``REMIND_DAYS`` days; journals locked at the
  deadline and not closed (an explanatory note is due), unless a reopen request for them
  is already under way; reopen access granted to them (until when; and, the day before it
  ends, that it ends tomorrow);
- an approver (head of department, dean, head of the registrar's office): a reopen request
  that has waited more than a day for their step. Who takes a step is ``policy``'s answer,
  asked here as the pages ask it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import get_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..models import (
    LOCKED, OPEN, WITH_CHANGE, WITHOUT_CHANGE, AccessGrant, Journal, JournalTeacher, ReopenRequest, User,
    UserRole, db,
)
from ..reopen import UNFINISHED

DUE, OVERDUE, GRANTED, ACCESS_ENDS = "due", "locked", "granted", "access_ends"
VISA, DECISION, GRANT = "visa", "decision", "grant"

# The step a request waits for (by status and kind): who takes it (role, policy action) and
# the moment the request reached it, as ``reopen`` records the chain.
STEPS = {
    ("filed", WITH_CHANGE): (VISA, "head_of_department", "reopen.visa", "created_at"),
    ("visaed", WITH_CHANGE): (DECISION, "dean", "reopen.decide", "visa_at"),
    ("approved", WITH_CHANGE): (GRANT, "registrar_head", "reopen.grant", "decided_at"),
    ("filed", WITHOUT_CHANGE): (GRANT, "registrar_head", "reopen.grant", "created_at"),
}
# An approver is reminded once a request has waited this long for them.
APPROVER_PATIENCE = timedelta(days=1)


@dataclass(frozen=True)
class Waiting:
    """One thing a user has to do, and the page where it is done."""

    kind: str                          # due, locked, granted, access_ends, visa, decision, grant
    key: str                           # the same from day to day: what ``reminders_sent`` records
    journal: Journal
    when: date | datetime              # the deadline, the end of access, or waiting since
    request: ReopenRequest | None = None
    endpoint: str = "teacher.journal"
    values: dict = field(default_factory=dict)
    anchor: str | None = None


def waiting_for(user: User, at: datetime) -> list[Waiting]:
    """What is waiting for ``user`` at ``at`` (the home page)."""
    return [item for _user, item in _collect(at, only=user)]


def waiting_for_everyone(at: datetime) -> list[tuple[User, list[Waiting]]]:
    """Every user with something waiting, with their items (the daily e-mail), by login."""
    by_user: dict[int, tuple[User, list[Waiting]]] = {}
    for user, item in _collect(at):
        by_user.setdefault(user.id, (user, []))[1].append(item)
    return sorted(by_user.values(), key=lambda pair: pair[0].login)


def _collect(at: datetime, only: User | None = None):
    seen = set()
    for user, item in [*_journals(at, only), *_access(at, only), *_approvals(at, only)]:
        if (user.id, item.key) not in seen and user.active:
            seen.add((user.id, item.key))
            yield user, item


def _journals(at: datetime, only: User | None):
    today = at.date()
    horizon = today + timedelta(days=current_app.config["REMIND_DAYS"])
    query = (select(Journal).where(Journal.state.in_((OPEN, LOCKED)))
             .options(selectinload(Journal.period), selectinload(Journal.group), selectinload(Journal.item),
                      selectinload(Journal.part), selectinload(Journal.staff).selectinload(JournalTeacher.user))
             .order_by(Journal.code))
    if only is not None:
        query = query.where(Journal.staff.any(JournalTeacher.user_id == only.id))
    # A locked journal whose note is written (its request under way) waits for the approvers.
    in_reopening = set(db.session.scalars(select(ReopenRequest.journal_id).where(
        ReopenRequest.status.in_(UNFINISHED))))
    for journal in db.session.scalars(query):
        deadline = journal.deadline
        # Past the deadline counts as locked even before the nightly lock has run.
        if journal.state == LOCKED or today > deadline:
            if journal.id in in_reopening:
                continue
            item = Waiting(OVERDUE, f"locked:{journal.code}", journal, deadline,
                           endpoint="teacher.note", values={"code": journal.code})
        elif deadline <= horizon:
            item = Waiting(DUE, f"due:{journal.code}", journal, deadline, values={"code": journal.code})
        else:
            continue
        for user in _teachers(journal, today):
            if only is None or user.id == only.id:
                yield user, item


def _teachers(journal: Journal, day: date) -> list[User]:
    """Its own teachers and the substitutes appointed for that day."""
    users = {row.user_id: row.user for row in journal.staff if row.role == "teacher" or row.active_on(day)}
    return list(users.values())


def _access(at: datetime, only: User | None):
    """Reopen access in force: the journal waits for its teacher's corrections ("ends
    tomorrow" the day before it ends)."""
    tomorrow = datetime.combine(at.date() + timedelta(days=1), time())
    query = select(AccessGrant).where(AccessGrant.ended_at.is_(None), AccessGrant.starts_at <= at,
                                      AccessGrant.expires_at > at)
    if only is not None:
        query = query.where(AccessGrant.grantee_id == only.id)
    for access in db.session.scalars(query.order_by(AccessGrant.expires_at)):
        ends_tomorrow = tomorrow <= access.expires_at < tomorrow + timedelta(days=1)
        kind, key = (ACCESS_ENDS, "access") if ends_tomorrow else (GRANTED, "granted")
        yield access.grantee, Waiting(kind, f"{key}:{access.id}", access.journal, access.expires_at,
                                      request=access.request, values={"code": access.journal.code})


def _approvals(at: datetime, only: User | None):
    pending = db.session.scalars(select(ReopenRequest).where(ReopenRequest.status.in_(
        [status for status, _kind in STEPS])).order_by(ReopenRequest.created_at, ReopenRequest.id))
    candidates: dict[str, list[User]] = {}
    for request in pending:
        step = STEPS.get((request.status, request.kind))
        if step is None:
            continue
        name, role, action, since_attr = step
        since = getattr(request, since_attr)
        if since is None or at - since <= APPROVER_PATIENCE:
            continue
        if role not in candidates:
            candidates[role] = _holders(role, only)
        item = Waiting(name, f"request:{request.id}:{name}", request.journal, since, request=request,
                       endpoint="oversight.requests", anchor=f"r-{request.id}")
        for user in candidates[role]:
            if policy.allowed(user, action, request.journal, at.date()):
                yield user, item


def _holders(role: str, only: User | None) -> list[User]:
    if only is not None:
        return [only] if only.has_role(role) else []
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == role, User.active.is_(True)).order_by(User.login)))


# --- in words ----------------------------------------------------------------------------

def describe(item: Waiting) -> tuple[str, str]:
    """The journal (discipline, group, period) and what to do, in the current locale: the
    home page's or, inside ``force_locale``, the e-mail's."""
    lang = "kk" if str(get_locale() or "") == "kk" else "ru"   # names in the store: kk or ru
    journal = item.journal
    what = _("«%(title)s», group %(group)s, %(period)s", title=journal.title(lang), group=journal.group.code,
             period=journal.period.code)
    request = item.request
    teacher = request.teacher.full_name if request is not None else ""
    texts = {
        DUE: lambda: _("Closing deadline: %(deadline)s (that day included). Close the journal in time: the "
                       "vedomost is formed from it; after the deadline the journal locks by itself.",
                       deadline=day_text(item.when)),
        OVERDUE: lambda: _("Locked at the deadline %(deadline)s without being closed. Write an explanatory "
                           "note (it files the reopen request); to form the vedomost, close the journal: it "
                           "counts as closed late.", deadline=day_text(item.when)),
        GRANTED: lambda: _("The journal is reopened for your corrections under request no. %(id)s until "
                           "%(until)s. Correct the marks it opens and finish the reopening at the top of the "
                           "journal's page: the individual vedomost is issued and the journal closes again.",
                           id=request.id, until=moment_text(item.when)),
        ACCESS_ENDS: lambda: _("Access to the journal under request no. %(id)s ends on %(until)s. Make the "
                               "corrections and finish the reopening: the individual vedomost is formed and "
                               "the journal closes again.", id=request.id, until=moment_text(item.when)),
        VISA: lambda: _("Request no. %(id)s (teacher %(teacher)s) has been waiting for your visa since "
                        "%(since)s. Agree the explanatory note, or return it with the reason.",
                        id=request.id, teacher=teacher, since=day_text(item.when)),
        DECISION: lambda: _("Request no. %(id)s (teacher %(teacher)s) has been waiting for the dean's council "
                            "decision since %(since)s. Record the decision with the protocol number and date, "
                            "or return the request with the reason.",
                            id=request.id, teacher=teacher, since=day_text(item.when)),
        GRANT: lambda: _("Request no. %(id)s (teacher %(teacher)s) has been waiting for access to be granted "
                         "since %(since)s. Open access to the journal, or return the request with the reason.",
                         id=request.id, teacher=teacher, since=day_text(item.when)),
    }
    return what, texts[item.kind]()


def day_text(value: date | datetime) -> str:
    """As the procedures write dates (and as the pages show them): 07.11.2026."""
    return value.strftime("%d.%m.%Y")


def moment_text(value: datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M")
