"""``docservice reminders send``: the daily e-mail of what is waiting for whom (run from cron)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..cli_common import cli_lang, domain_errors

reminders_cli = AppGroup("reminders", help="E-mail reminders: journals due or locked, access ending, requests waiting.")


@reminders_cli.command("send")
@domain_errors
def send_command():
    """E-mail each user what is waiting for them (run daily): one message per user, each item
    at most once a day. Exits with status 1 when a message could not be sent."""
    from ..clock import now
    from .mail import send_reminders

    report = send_reminders(now())
    lang = cli_lang()
    if not (report.sent or report.failed or report.without_email):
        click.echo(_say(lang, "nothing"))
        return
    click.echo(_say(lang, "sent", count=len(report.sent)))
    for user, items in report.sent:
        click.echo(_say(lang, "sent_to", login=user.login, email=user.email, items=items))
    if report.without_email:
        click.echo(_say(lang, "without_email", count=len(report.without_email)))
        for user, items in report.without_email:
            click.echo(_say(lang, "no_email", login=user.login, name=user.full_name, items=items))
    if report.failed:
        click.echo(_say(lang, "failed", count=len(report.failed)), err=True)
        for user, items, reason in report.failed:
            click.echo(_say(lang, "failed_to", login=user.login, email=user.email, items=items, reason=reason),
                       err=True)
        raise SystemExit(1)


SAY = {
    "nothing": {"kk": "Бүгін жіберетін еске салу жоқ", "ru": "Сегодня напоминать не о чем",
                "en": "Nothing to remind anyone of today"},
    "sent": {"kk": "Жіберілген хаттар: {count}", "ru": "Отправлено писем: {count}", "en": "Messages sent: {count}"},
    "sent_to": {"kk": "  {login} <{email}>: {items} іс", "ru": "  {login} <{email}>: пунктов {items}",
                "en": "  {login} <{email}>: {items} item(s)"},
    "without_email": {"kk": "E-mail мекенжайы жоқ пайдаланушылар: {count}",
                      "ru": "Пользователи без e-mail: {count}", "en": "Users without e-mail: {count}"},
    "no_email": {"kk": "  {login} — {name}: {items} іс", "ru": "  {login} — {name}: пунктов {items}",
                 "en": "  {login} — {name}: {items} item(s)"},
    "failed": {"kk": "Жіберілмеді (келесі іске қосуда қайталанады): {count}",
               "ru": "Не отправлено (повторится при следующем запуске): {count}",
               "en": "Not sent (tried again at the next run): {count}"},
    "failed_to": {"kk": "  {login} <{email}>: {items} іс — {reason}",
                  "ru": "  {login} <{email}>: пунктов {items} — {reason}",
                  "en": "  {login} <{email}>: {items} item(s) — {reason}"},
}


def _say(lang: str, key: str, **values) -> str:
    return SAY[key][lang if lang in ("kk", "ru", "en") else "ru"].format(**values)
