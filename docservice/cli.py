"""Command line: ``flask journal …``, ``flask users …``, ``flask demo load``, ``flask monitoring …``.

Commands act as the system (the server's operator) unless ``--as LOGIN`` names a user,
in which case that user's permissions apply and the audit trail records them.
Errors are printed in ``DOCSERVICE_LANG`` (kk, ru or en; ru by default).
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, ScriptInfo

from .errors import SetupError
from .cli_common import acting_user, as_option, cli_lang, domain_errors

journal_cli = AppGroup("journal", help="Journals: import, results, closing, deadlines.")
users_cli = AppGroup("users", help="Accounts: create, passwords, API tokens.")
demo_cli = AppGroup("demo", help="Demo data.")
monitoring_cli = AppGroup("monitoring", help="Reopen statistics and disciplinary levels.")


@journal_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; store nothing.")
@as_option
@domain_errors
def import_command(path, dry_run, as_login):
    """Import a docservice-dataset/1 file (.json or .xlsx), all or nothing."""
    from .importer import import_file

    summary = import_file(acting_user(as_login), path, dry_run=dry_run)
    click.echo(json.dumps({"dry_run": dry_run, **summary.as_dict()}, ensure_ascii=False, indent=1))


@journal_cli.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False))
@domain_errors
def convert_command(source, target):
    """Convert a dataset between JSON and XLSX (by the files' extensions)."""
    from .dataset_xlsx import write_workbook
    from .importer import read_dataset

    data, _ = read_dataset(source)
    if Path(target).suffix.lower() == ".xlsx":
        write_workbook(data, target)
    else:
        Path(target).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(target)


@journal_cli.command("results")
@click.argument("journal_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per student.")
@domain_errors
def results_command(journal_id, as_json):
    """Students' ТК, РК1, РК2, РД, exam, final, letter and GPA points in a journal."""
    from .journals import find_journal
    from .results import results_json

    rows = results_json(find_journal(journal_id))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['student_id']:<10} {r['full_name']:<40} РД {_num(r['rd']):>6}  "
                   f"экз {_num(r['exam']):>4}  итог {_num(r['final']):>4}  {r['letter'] or '':<3} {r['status']}")


def _num(x) -> str:
    return "—" if x is None else f"{x:g}"


@journal_cli.command("close")
@click.argument("journal_id")
@as_option
@domain_errors
def close_command(journal_id, as_login):
    """Close a journal (the vedomost is formed from it)."""
    from .journals import close_journal, find_journal

    journal = close_journal(acting_user(as_login), find_journal(journal_id))
    click.echo(f"{journal.code}: {journal.state}{' (late)' if journal.closed_late else ''}")


@journal_cli.command("check")
@click.argument("journal_id")
@domain_errors
def check_command(journal_id):
    """Warn about missing daily marks in a short discipline (≤ 5 days, KK 15)."""
    from .checks import daily_gaps
    from .journals import find_journal

    for gap in daily_gaps(find_journal(journal_id)):
        click.echo(gap.text(cli_lang()))


@journal_cli.command("lock-overdue")
@domain_errors
def lock_overdue_command():
    """Lock every open journal whose closing deadline has passed (run daily)."""
    from .journals import lock_overdue

    for code in lock_overdue():
        click.echo(code)


@journal_cli.command("deadline")
@click.argument("journal_id")
@click.argument("deadline", required=False, type=click.DateTime(["%Y-%m-%d"]))
@as_option
@domain_errors
def deadline_command(journal_id, deadline, as_login):
    """Set a journal's closing deadline (YYYY-MM-DD); without a date, back to the period's rule."""
    from .journals import find_journal, set_deadline

    day = deadline.date() if deadline else None
    journal = set_deadline(acting_user(as_login), find_journal(journal_id), day)
    click.echo(f"{journal.code}: {journal.deadline.isoformat()} ({journal.state})")


@journal_cli.command("history")
@click.argument("journal_id")
@domain_errors
def history_command(journal_id):
    """The audit trail of a journal's marks: when, who, student, column, old → new, grant."""
    from .journals import find_journal, history

    for h in history(find_journal(journal_id)):
        who = h.changed_by.login if h.changed_by else "system"
        click.echo(f"{h.changed_at:%Y-%m-%d %H:%M} {who:<14} {h.student.record_book} {h.column:<10} "
                   f"{h.old_value or '∅'} → {h.new_value or '∅'}  via {h.via}"
                   f"{f'  grant #{h.grant_id}' if h.grant_id else ''}")


@users_cli.command("create")
@click.argument("login")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, help="A role (repeatable).")
@click.option("--email")
@click.option("--password", help="Set this password instead of a one-time one.")
@as_option
@domain_errors
def create_user_command(login, full_name, roles, email, password, as_login):
    """Create an account; prints the one-time password (changed at first login)."""
    from .users import create_user

    user, secret = create_user(acting_user(as_login), login, full_name, roles, password=password, email=email)
    click.echo(f"{user.login}\t{secret if password is None else '(password set)'}")


@users_cli.command("password")
@click.argument("login")
@as_option
@domain_errors
def reset_password_command(login, as_login):
    """Give the user a new one-time password (prints it)."""
    from .journals import find_user
    from .users import reset_password

    user = find_user(login)
    click.echo(f"{user.login}\t{reset_password(acting_user(as_login), user)}")


@users_cli.command("students")
@click.option("--group", "group_code", help="Every student of this group without an account.")
@click.option("--record-book", help="This one student.")
@as_option
@domain_errors
def student_accounts_command(group_code, record_book, as_login):
    """Issue student accounts from the contingent; prints group, record book, name, login and
    one-time password, one line each (tab-separated: hand it out, then delete it)."""
    from .student_accounts import find_group, find_student, issue_for_group, issue_for_student

    if bool(group_code) == bool(record_book):
        raise click.UsageError("--group or --record-book (one of them)")
    actor = acting_user(as_login)
    issued = issue_for_group(actor, find_group(group_code)) if group_code else \
        [issue_for_student(actor, find_student(record_book))]
    for one in issued:
        click.echo("\t".join((one.student.group.code, one.student.record_book, one.student.full_name,
                              one.login, one.secret)))


@users_cli.command("token")
@click.argument("login")
@click.option("--label", help="What the token is for.")
@domain_errors
def token_command(login, label):
    """Issue an API token for a user (prints it once)."""
    from .journals import find_user
    from .users import issue_token

    click.echo(issue_token(None, find_user(login), label))


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the store holds no journals yet.")
@domain_errors
def demo_load_command(if_empty):
    """Load the demo faculty; demo users get the demo password."""
    from sqlalchemy import func, select

    from .demo import DEMO_PASSWORD, load_demo
    from .models import Journal, db

    if if_empty and db.session.scalar(select(func.count(Journal.id))):
        click.echo("demo data already loaded")
        return
    summary = load_demo().as_dict()
    # Counts only: the journal-by-journal account and the warnings are the import preview's.
    for detail in ("journals", "warnings"):
        summary.pop(detail)
    click.echo(json.dumps(summary, ensure_ascii=False))
    click.echo(f"demo users: t.anat2, head.anat, dean.gm, or.inspector, or.head, it.admin … — password {DEMO_PASSWORD}")


@monitoring_cli.command("report")
@click.option("--year", required=True, help="Academic year, e.g. 2026-2027.")
@domain_errors
def monitoring_command(year):
    """Reopenings per teacher and department with disciplinary levels, as JSON."""
    from .monitoring import report

    click.echo(json.dumps(report(None, year), ensure_ascii=False, indent=1))


def register_cli(app: Flask) -> None:
    """The one place that puts the command groups together (each imports only the core)."""
    from .backup.cli import backup_cli
    from .batch.cli import archive_cli
    from .documents.cli import docs_cli
    from .reminders.cli import reminders_cli
    from .serving import serve_command

    for group in (journal_cli, users_cli, demo_cli, monitoring_cli, docs_cli, archive_cli, serve_command,
                  reminders_cli, backup_cli):
        app.cli.add_command(group)


class _Group(FlaskGroup):
    """Flask's CLI with this app chosen; an installation problem is one line, never a traceback."""

    def invoke(self, ctx):
        from sqlalchemy.exc import OperationalError

        from .factory import safe_url

        try:
            return super().invoke(ctx)
        except SetupError as err:
            raise click.ClickException(err.message(cli_lang())) from None
        except OperationalError as exc:
            url = safe_url(ctx.ensure_object(ScriptInfo).load_app().config["SQLALCHEMY_DATABASE_URI"])
            detail = str(exc.orig or exc).strip().splitlines()[0]
            raise click.ClickException(SetupError("setup_database_unreachable", url=url, detail=detail)
                                       .message(cli_lang())) from None


def main() -> None:
    """The installed ``docservice`` command: Flask's CLI with this app already chosen."""
    from .factory import create_app

    _Group(name="docservice", create_app=create_app,
           help="docservice: the electronic journal and official documents.").main()
