"""The registrar's office: deadlines (the period's rule and each journal's date), the import
of the contingent and curriculum (previewed, then confirmed — all or nothing), and the
summary vedomosts (also the dean's office's page). Monitoring: ``monitoring_pages``."""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext

from ...auth import actor
from ...clock import today
from ...documents import issuing
from ...documents.context import folded
from ...documents.rendering import words
from ...errors import DatasetError, DomainError, Invalid, NotFound
from ...importer import import_dataset, read_dataset
from ...journals import find_journal, set_deadline, set_period_rule
from ...models import Department, Period, db
from . import bp, data
from .common import COLLECTIONS, STATES, data_lang, form_date, form_int, page, say
from .exports import summary_xlsx, xlsx_response

# --- deadlines -----------------------------------------------------------------------------


@bp.get("/registrar/deadlines")
@page("period.deadlines")
def deadlines():
    periods = data.periods()
    period = next((p for p in periods if p.code == request.args.get("period")), periods[0] if periods else None)
    departments = db.session.scalars(db.select(Department).order_by(Department.code)).all()
    department = next((d for d in departments if d.code == request.args.get("department")), None)
    journals = data.journals_of([department.id] if department else None, period.id) if period else []
    day = today()
    rows = [(j, data.journal_json(j, data_lang(), day)) for j in journals]
    listing = ListQuery.of(request.args)
    shown, total, pages = listing.apply(rows)
    kept = {"period": period.code if period else None, "department": department.code if department else None}

    def page_url(n: int) -> str:
        return url_for("oversight.deadlines", **kept, **listing.args(page=n))

    return render_template("web/oversight/deadlines.html", periods=periods, period=period, rows=shown,
                           departments=departments, department=department, states=STATES, lang=data_lang(),
                           listing=listing, found=total, pages=pages, page=min(listing.page, pages),
                           page_url=page_url, sorts=DEADLINE_SORTS)


# The journals' list: searched by code, discipline or group; by state; sorted; 50 a page.
DEADLINE_SORTS = {"deadline": lazy_gettext("deadline, soonest first"), "group": lazy_gettext("by group"),
                  "code": lazy_gettext("by journal"), "state": lazy_gettext("by state")}
PER_PAGE = 50


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    state: str = ""
    sort: str = "deadline"
    page: int = 1

    @classmethod
    def of(cls, args) -> "ListQuery":
        page = args.get("page", "1")
        return cls(q=(args.get("q") or "").strip()[:100], state=args.get("state") if args.get("state") in STATES else "",
                   sort=args.get("sort") if args.get("sort") in DEADLINE_SORTS else "deadline",
                   page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1)

    def apply(self, rows: list) -> tuple[list, int, int]:
        """The page of ``rows`` (journal, its JSON) this query asks for; how many it found; pages."""
        wanted = folded(self.q)
        found = [(j, r) for j, r in rows if (not wanted or wanted in folded(f"{r['code']} {r['title']} {r['group']}"))
                 and (not self.state or r["state"] == self.state)]
        order = {"deadline": lambda r: (r["deadline"] or "", r["code"]), "group": lambda r: (r["group"], r["code"]),
                 "code": lambda r: r["code"], "state": lambda r: (r["state"], r["deadline"] or "", r["code"])}
        found.sort(key=lambda pair: order[self.sort](pair[1]))
        pages = max(1, -(-len(found) // PER_PAGE))
        page = min(self.page, pages)
        return found[(page - 1) * PER_PAGE:page * PER_PAGE], len(found), pages

    def args(self, **changed) -> dict:
        """This query's arguments (with ``changed``), the empty ones left out: for links."""
        values = {"q": self.q, "state": self.state, "sort": self.sort, "page": self.page, **changed}
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


def _back_to_deadlines():
    kept = {k: request.form.get(k) or None for k in ("period", "department", "q", "state", "sort", "page")}
    return redirect(url_for("oversight.deadlines", **kept))


@bp.post("/registrar/periods/<int:period_id>/rule")
@page("period.deadlines")
def period_rule(period_id):
    period = db.session.get(Period, period_id)
    if period is None:
        raise NotFound("not_found", what="period", key=period_id)
    try:
        days = form_int(request.form.get("close_within_days"), "close_within_days")
        set_period_rule(actor(), period, days)
        flash(_("Journals of %(period)s close %(days)s days after their final control.", period=period.code,
                days=period.close_within_days), "ok")
    except Invalid as err:
        say(err)
    return _back_to_deadlines()


@bp.post("/registrar/journals/<code>/deadline")
@page("period.deadlines")
def journal_deadline(code):
    journal = find_journal(code)
    try:
        deadline = None if request.form.get("reset") else form_date(request.form.get("deadline"), "deadline",
                                                                     required=True)
        set_deadline(actor(), journal, deadline)
        flash(_("Journal %(code)s: deadline %(date)s.", code=journal.code,
                date=journal.deadline.strftime("%d.%m.%Y")), "ok")
    except Invalid as err:
        say(err)
    return _back_to_deadlines()


# --- summary vedomosts (registrar and dean) ----------------------------------------------------


@bp.get("/summary")
@page("summary.view")
def summary():
    periods = data.periods()
    period = next((p for p in periods if p.code == request.args.get("period")), periods[0] if periods else None)
    groups = data.summary_groups(actor(), period, today()) if period else []
    whole = actor().has_role("registrar", "registrar_head")
    return render_template("web/oversight/summary.html", periods=periods, period=period, groups=groups,
                           whole=whole, lang=data_lang(), states=STATES)


@bp.get("/summary.xlsx")
@page("summary.view")
def summary_workbook():
    """The summary vedomosts of the period's groups the user sees (``?group=``: one), a sheet
    per group, as the document lays them out (its ``build_context``)."""
    period = data.find_period(request.args.get("period") or "")
    groups = [row["group"] for row in data.summary_groups(actor(), period, today())]
    wanted = request.args.get("group")
    if wanted:
        groups = [group for group in groups if group.code == wanted]
    if not groups:
        raise NotFound("not_found", what="group", key=wanted or period.code)
    document, lang = issuing.registry().get("summary_vedomost"), data_lang()
    contexts = [document.build_context({"group": group, "period": period}, lang) for group in groups]
    return xlsx_response(summary_xlsx(contexts, words(document, lang)),
                         f"summary-{period.code}" + (f"-{wanted}" if wanted else ""))


# --- import ----------------------------------------------------------------------------------

UPLOAD_KEY = "oversight.import"          # the session remembers whose upload a token is
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIXES = (".json", ".xlsx")


def uploads_dir() -> Path:
    """``UPLOAD_DIR``, by default ``instance/uploads``."""
    path = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(folder: Path, max_age: float = 86400) -> None:
    """Uploads never confirmed nor cancelled are removed after a day."""
    limit = time.time() - max_age
    for old in folder.glob("*"):
        if old.suffix in SUFFIXES and old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def keep_upload(storage) -> tuple[str, Path, str]:
    """Keep an uploaded dataset under a random name in ``instance/uploads`` until confirmed."""
    name = storage.filename if storage else ""
    suffix = Path(name or "").suffix.lower()
    if not name or suffix not in SUFFIXES:
        raise Invalid("upload_missing", field="file")
    token = secrets.token_urlsafe(18)
    _sweep(uploads_dir())
    path = uploads_dir() / f"{token}{suffix}"
    storage.save(path)
    return token, path, name


def uploaded(token: str) -> Path:
    """The file behind a token this session uploaded (nobody else's, nothing outside the folder)."""
    kept = session.get(UPLOAD_KEY) or {}
    if not token or not TOKEN.match(token) or kept.get("token") != token:
        raise Invalid("upload_expired", field="file")
    path = uploads_dir() / f"{token}{kept.get('suffix')}"
    if kept.get("suffix") not in SUFFIXES or not path.is_file():
        raise Invalid("upload_expired", field="file")
    return path


def _forget(path: Path | None) -> None:
    session.pop(UPLOAD_KEY, None)
    if path is not None:
        path.unlink(missing_ok=True)


def _import(path: Path, dry_run: bool, name: str | None):
    try:
        data_, origins = read_dataset(path)
    except DatasetError as err:  # say the user's file name, not the kept file's random one
        if name and err.where == path.name:
            err.where = err.params["where"] = name
        raise
    return import_dataset(actor(), data_, origins, dry_run=dry_run)


@bp.get("/registrar/import")
@page("dataset.import")
def import_page():
    return render_template("web/oversight/import.html", stage="upload")


@bp.post("/registrar/import")
@page("dataset.import")
def import_preview():
    path = None
    try:
        old = session.get(UPLOAD_KEY) or {}
        if old.get("token") and TOKEN.match(old["token"]) and old.get("suffix") in SUFFIXES:
            (uploads_dir() / f"{old['token']}{old['suffix']}").unlink(missing_ok=True)
        token, path, name = keep_upload(request.files.get("file"))
        session[UPLOAD_KEY] = {"token": token, "suffix": path.suffix, "name": name}
        summary = _import(path, True, name)
    except DomainError as err:
        _forget(path)
        say(err)
        status = 422 if isinstance(err, (Invalid, DatasetError)) else err.status
        return render_template("web/oversight/import.html", stage="upload", error=err), status
    return render_template("web/oversight/import.html", stage="preview", summary=summary.as_dict(),
                           token=token, name=name, collections=COLLECTIONS)


@bp.post("/registrar/import/confirm")
@page("dataset.import")
def import_confirm():
    path = None
    try:
        path = uploaded(request.form.get("token", ""))
        name = (session.get(UPLOAD_KEY) or {}).get("name")
        summary = _import(path, False, name)
    except DomainError as err:
        _forget(path)
        say(err)
        return render_template("web/oversight/import.html", stage="upload", error=err), 422
    _forget(path)
    flash(_("Imported: %(name)s.", name=name), "ok")
    return render_template("web/oversight/import.html", stage="done", summary=summary.as_dict(), name=name,
                           collections=COLLECTIONS)


@bp.post("/registrar/import/cancel")
@page("dataset.import")
def import_cancel():
    kept = session.get(UPLOAD_KEY) or {}
    path = None
    if kept.get("token") and TOKEN.match(kept["token"]) and kept.get("suffix") in SUFFIXES:
        path = uploads_dir() / f"{kept['token']}{kept['suffix']}"
    _forget(path)
    return redirect(url_for("oversight.import_page"))
