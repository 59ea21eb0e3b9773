"""The registrar's monitoring: journals per department, reopenings per department and teacher,
each figure a link to the journals behind it (the Deadlines list's search, filter and order —
``registrar.ListQuery`` — with the figure preset), and the page as an XLSX workbook."""
from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import lazy_gettext

from ...auth import actor
from ...clock import today
from ...models import Department, User, db
from . import bp, data
from .common import KINDS, LEVELS, STATES, STATUSES, data_lang, page
from .exports import monitoring_xlsx, xlsx_response
from .registrar import DEADLINE_SORTS, ListQuery

# What a figure other than a state counts (the states are ListQuery's own filter).
FLAGS = {"due_soon": lazy_gettext("due within %(n)s days"),
         "closed_late": lazy_gettext("closed late or overdue")}
REOPENED = {"all": lazy_gettext("reopenings"), "with_change": lazy_gettext("reopenings with grade change")}


def _year(years: list[str]) -> str | None:
    return request.args.get("year") if request.args.get("year") in years else (years[0] if years else None)


@bp.get("/registrar/monitoring")
@page("monitoring.view")
def monitoring():
    years = data.academic_years()
    year = _year(years)
    counts = data.journal_counts(year, today()) if year else []
    report = data.monitoring_report(actor(), year) if year else {"teachers": [], "departments": []}
    memo = [t for t in report["teachers"] if t["memo"]]
    period = data.latest_period_of(year) if year else None
    return render_template("web/oversight/monitoring.html", years=years, year=year, counts=counts,
                           report=report, memo=memo, levels=LEVELS, period=period, lang=data_lang(),
                           due_days=current_app.config["REMIND_DAYS"])


@bp.get("/registrar/monitoring.xlsx")
@page("monitoring.view")
def monitoring_workbook():
    years = data.academic_years()
    year = _year(years)
    counts = data.journal_counts(year, today(), data_lang()) if year else []
    report = data.monitoring_report(actor(), year) if year else {"teachers": [], "departments": []}
    return xlsx_response(monitoring_xlsx(year or "", counts, report, data_lang(), current_app.config["REMIND_DAYS"]),
                         f"monitoring-{year or ''}")


@bp.get("/registrar/monitoring/journals")
@page("monitoring.view")
def monitoring_journals():
    """The journals behind one figure of the monitoring page: the same test counts them there
    (``data.FIGURES``, ``data.reopened_rows``), so the list holds exactly as many rows."""
    years = data.academic_years()
    year, lang, day = _year(years), data_lang(), today()
    department = db.session.scalar(db.select(Department).where(Department.code == request.args.get("department")))
    teacher = db.session.scalar(db.select(User).where(User.login == request.args.get("teacher")))
    flag = request.args.get("flag") if request.args.get("flag") in FLAGS else ""
    reopened = request.args.get("reopened") if request.args.get("reopened") in REOPENED else ""
    if not year:
        rows = []
    elif reopened:
        rows = data.reopened_rows(year, lang, day, department.code if department else None,
                                  teacher.login if teacher else None, with_change=reopened == "with_change")
    else:
        rows = [(j, row) for j, row in data.year_journals(year, lang, day)
                if (department is None or row["department"] == department.code)
                and (not flag or data.FIGURES[flag](row))]
    listing = ListQuery.of(request.args)
    shown, found, pages = listing.apply(rows)
    kept = {"year": year, "department": department.code if department else None,
            "teacher": teacher.login if teacher else None, "flag": flag or None, "reopened": reopened or None}

    def page_url(n: int) -> str:
        return url_for("oversight.monitoring_journals", **kept, **listing.args(page=n))

    return render_template("web/oversight/monitoring_journals.html", year=year, department=department,
                           teacher=teacher, flag=str(FLAGS[flag]) % {"n": current_app.config["REMIND_DAYS"]}
                           if flag else "", reopened=REOPENED.get(reopened), kept=kept, rows=shown,
                           listing=listing, found=found, pages=pages, page=min(listing.page, pages),
                           page_url=page_url, states=STATES, kinds=KINDS, statuses=STATUSES,
                           sorts=DEADLINE_SORTS, lang=lang)
