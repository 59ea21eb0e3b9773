"""Sending the reminders: one e-mail per user and run, listing that user's items in their
language, each item at most once a day (``reminders_sent``).

A user's message that the SMTP server refuses is reported and not recorded (the next run
tries it again); the others still go. A server that cannot be reached at all stops the run
before anything is sent or recorded."""
from __future__ import annotations

import smtplib
import socket
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext as _
from flask_mail import Mail, Message
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import SetupError
from ..models import ReminderSent, User, db
from .waiting import Waiting, describe, waiting_for_everyone

MAIL_LANGUAGES = ("kk", "ru")
SMTP_ERRORS = (smtplib.SMTPException, OSError)


@dataclass
class Report:
    """What a run did: per user the number of items (and the reason, for a failure)."""

    sent: list[tuple[User, int]] = field(default_factory=list)
    failed: list[tuple[User, int, str]] = field(default_factory=list)
    without_email: list[tuple[User, int]] = field(default_factory=list)


def send_reminders(at: datetime) -> Report:
    """E-mail every user what is waiting for them at ``at`` and not yet reminded that day."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise SetupError("reminders_mail_server_missing")
    day = at.date()
    reminded = set(db.session.execute(select(ReminderSent.user_id, ReminderSent.item_key)
                                      .where(ReminderSent.day == day)).tuples())
    report = Report()
    with _socket_timeout(config.get("MAIL_TIMEOUT")), Outbox(Mail().init_app(current_app)) as outbox:
        for user, items in waiting_for_everyone(at):
            fresh = [item for item in items if (user.id, item.key) not in reminded]
            if not fresh:
                continue
            if not (user.email or "").strip():
                report.without_email.append((user, len(fresh)))
                continue
            try:
                outbox.send(compose(user, fresh))
            except SMTP_ERRORS as exc:
                report.failed.append((user, len(fresh), _reason(exc)))
                continue
            _record(user, fresh, at)
            report.sent.append((user, len(fresh)))
    return report


def mail_language(user: User) -> str:
    return user.language if user.language in MAIL_LANGUAGES else "kk"


def compose(user: User, items: list[Waiting]) -> Message:
    """The user's message: greeting, each item (journal, what to do, its page), in their language."""
    with force_locale(mail_language(user)):
        subject = _("Electronic journal: waiting for you (%(count)s)", count=len(items))
        lines = [_("Dear %(name)s,", name=user.full_name), "", _("The electronic journal is waiting for you:"), ""]
        for number, item in enumerate(items, 1):
            what, todo = describe(item)
            lines += [f"{number}. {what}", f"   {todo}", f"   {page_url(item)}", ""]
        lines.append(_("This message was sent by the electronic journal automatically; there is no need to "
                       "reply to it."))
    return Message(subject=subject, recipients=[(user.full_name, user.email.strip())], body="\n".join(lines),
                   sender=current_app.config.get("MAIL_DEFAULT_SENDER") or _default_sender())


def page_url(item: Waiting) -> str:
    """The item's page under ``PUBLIC_URL`` (the address people open the service at)."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    url = adapter.build(item.endpoint, item.values, force_external=True)
    return f"{url}#{item.anchor}" if item.anchor else url


def _default_sender() -> str:
    return f"docservice@{urlsplit(current_app.config['PUBLIC_URL']).hostname or 'localhost'}"


def _record(user: User, items: list[Waiting], at: datetime) -> None:
    db.session.add_all(ReminderSent(user_id=user.id, item_key=item.key, day=at.date(), sent_at=at) for item in items)
    try:
        db.session.commit()
    except IntegrityError:  # another run the same day recorded them first: sent either way
        db.session.rollback()


class Outbox:
    """One SMTP connection for the run, opened at the first message. After a failed message
    it is opened afresh, so one user's failure does not become the next one's. If the very
    first connection fails the server is unreachable: the run stops with a clear message."""

    def __init__(self, mail):
        self.mail = mail
        self.connection = None
        self.stack = ExitStack()
        self.reached = False

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self._close()

    def send(self, message: Message) -> None:
        if self.connection is None:
            self._open()
        try:
            self.connection.send(message)
        except SMTP_ERRORS:
            self._close()
            raise

    def _open(self) -> None:
        try:
            self.connection = self.stack.enter_context(self.mail.connect())
        except SMTP_ERRORS as exc:
            if self.reached:
                raise
            raise SetupError("reminders_mail_unreachable", server=self.mail.server, port=self.mail.port,
                             detail=_reason(exc)) from None
        self.reached = True

    def _close(self) -> None:
        self.connection = None
        try:
            self.stack.close()
        except SMTP_ERRORS:  # the server already hung up: nothing to say goodbye to
            pass
        self.stack = ExitStack()


@contextmanager
def _socket_timeout(seconds):
    """smtplib waits forever for a silent server unless told otherwise; Flask-Mail gives it
    no timeout, so the run sets the default for the sockets it opens, and puts it back."""
    before = socket.getdefaulttimeout()
    socket.setdefaulttimeout(float(seconds) if seconds else before)
    try:
        yield
    finally:
        socket.setdefaulttimeout(before)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                 for code, text in exc.recipients.values()]
        return "; ".join(codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {message}"
    return str(exc) or type(exc).__name__
