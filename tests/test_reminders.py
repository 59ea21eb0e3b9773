"""Reminders (issue 9, item 5): ``reminders send`` e-mails each user what is waiting for them
— journals due or locked, reopen access ending tomorrow, requests waiting for an approver —
through a real SMTP server (aiosmtpd on 127.0.0.1), once per item a day, in the user's
language; the home page shows the same items.

The demo faculty is loaded on 5 November 2026 (conftest START), before any deadline; the
scene below lets the first deadlines (5 November) pass and walks four locked journals
through the reopen chain, one step each."""
from __future__ import annotations

import email
import re
import socket
from datetime import date, datetime
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from store import user
from web_client import page, signed_in

from docservice import reopen
from docservice.journals import lock_overdue
from docservice.models import LOCKED, OPEN, Journal, ReminderSent, db

pytestmark = pytest.mark.demo

PUBLIC_URL = "https://journal.kaznmu.example"
FIRST_RUN = datetime(2026, 11, 7, 10, 0)


# --- an SMTP server of the test's own -----------------------------------------------------

class Inbox:
    """aiosmtpd handler: keeps every message by recipient; refuses the addresses in ``refuse``."""

    def __init__(self):
        self.messages: list[tuple[str, email.message.Message]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message))
        return "250 OK"

    def take(self) -> dict[str, tuple[str, str]]:
        """The messages received since the last look: address → (subject, body), decoded."""
        got = {}
        for rcpt, message in self.messages:
            assert rcpt not in got, f"two messages to {rcpt} in one run"
            subject = str(make_header(decode_header(message["Subject"])))
            body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
            got[rcpt] = (subject, body)
        self.messages.clear()
        return got


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    # Flask-Mail suppresses sending under TESTING unless told otherwise: here it must really send.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False,
                      MAIL_DEFAULT_SENDER="journal@kaznmu.example", PUBLIC_URL=PUBLIC_URL)
    yield handler
    controller.stop()


def send(runner):
    return runner.invoke(args=["reminders", "send"], env={"DOCSERVICE_LANG": "ru"})


# --- the scene -------------------------------------------------------------------------------

@pytest.fixture
def scene(app, clock):
    """On 6 November at 09:00 the journals due on the 5th are locked; of them (by code, with a
    head of department and a dean) A's note waits for the head's visa, B's for the dean's
    council, C (without grade change) for the registrar head's grant, and D has access until
    8 November 09:00. Then the clock goes to 7 November 10:00: every step has waited > 1 day."""
    clock.set(datetime(2026, 11, 6, 9, 0))
    lock_overdue()
    locked = [j for j in db.session.scalars(select(Journal).where(Journal.state == LOCKED).order_by(Journal.code))
              if j.department.head and j.school.dean]
    a, b, c, d = locked[:4]
    requests = {}
    for name, journal in zip("ABCD", (a, b, c, d)):
        teacher = next(t.user for t in journal.staff if t.role == "teacher")
        kind = "without_change" if name == "C" else "with_change"
        requests[name] = reopen.file_request(teacher, journal, kind, "Қате баға енгізілді.")
    reopen.visa(b.department.head, requests["B"])
    reopen.visa(d.department.head, requests["D"])
    reopen.decide(d.school.dean, requests["D"], "7", date(2026, 11, 6))
    reopen.grant(user("or.head"), requests["D"], days=2)
    clock.set(FIRST_RUN)
    return {"journals": dict(zip("ABCD", (a, b, c, d))), "requests": requests}


def expected_addresses(scene, day, access_ends: bool) -> set[str]:
    """Worked out plainly from the store: teachers of journals not closed whose deadline is at
    most two days ahead (or past) and that no request is under way for; the head of A's
    department, the dean of B's school, the registrar head; D's teacher if access ends tomorrow."""
    in_reopening = {j.id for j in scene["journals"].values()}
    teachers = set()
    for journal in db.session.scalars(select(Journal).where(Journal.state.in_((OPEN, LOCKED)))):
        if journal.id not in in_reopening and (journal.deadline - day).days <= 2:
            teachers |= {t.user.email for t in journal.staff if t.role == "teacher"}
    journals, requests = scene["journals"], scene["requests"]
    approvers = {journals["A"].department.head.email, journals["B"].school.dean.email, user("or.head").email}
    return teachers | approvers | ({requests["D"].teacher.email} if access_ends else set())


def lines_of(body: str) -> str:
    return re.sub(r"\s+", " ", body)


# --- e-mail ------------------------------------------------------------------------------------

def test_reminders_go_to_the_right_people_once_a_day_in_their_language(app, runner, inbox, scene, clock):
    journals, requests = scene["journals"], scene["requests"]
    due = db.session.scalar(select(Journal).where(Journal.state == OPEN, Journal.final_control == date(2026, 11, 4))
                            .order_by(Journal.code))
    due_teacher = next(t.user for t in due.staff if t.role == "teacher")
    # The dean and one teacher chose Russian on the web; everyone else keeps Kazakh.
    dean = journals["B"].school.dean
    for login in (dean.login, due_teacher.login):
        signed_in(app, login, lang="ru")
    assert (user(dean.login).language, user(due_teacher.login).language) == ("ru", "ru")

    result = send(runner)
    assert result.exit_code == 0, result.output
    got = inbox.take()
    assert set(got) == expected_addresses(scene, FIRST_RUN.date(), access_ends=True)

    # A teacher in Russian: the journal by name and group, its deadline, what to do, the page.
    subject, body = got[due_teacher.email]
    assert subject.startswith("Электронный журнал: ожидает вас")
    assert f"Здравствуйте, {due_teacher.full_name}!" in body
    text = lines_of(body)
    assert f"«{due.title('ru')}», группа {due.group.code}, 2026-2027/1" in text
    assert "Срок закрытия: 07.11.2026 (включительно)" in text
    assert f"{PUBLIC_URL}/journals/{due.code}" in body

    # The head of department, in Kazakh: request A waits for the visa since 06.11.2026.
    a = journals["A"]
    subject, body = got[a.department.head.email]
    assert subject.startswith("Электрондық журнал: сізді күтуде")
    text = lines_of(body)
    assert f"«{a.title('kk')}», {a.group.code} тобы" in text
    assert f"№{requests['A'].id} өтінім" in text and "06.11.2026 бастап сіздің бұрыштамаңызды күтуде" in text
    assert f"{PUBLIC_URL}/requests#r-{requests['A'].id}" in body

    # The dean (Russian): the council's decision on B; the registrar head (Kazakh): the grant for C.
    b, c = journals["B"], journals["C"]
    text = lines_of(got[dean.email][1])
    assert f"«{b.title('ru')}», группа {b.group.code}" in text
    assert f"Заявка №{requests['B'].id}" in text and "ожидает решения Совета деканата" in text
    text = lines_of(got[user("or.head").email][1])
    assert f"№{requests['C'].id} өтінім" in text and "рұқсат ашылуын күтуде" in text
    assert f"№{requests['A'].id} өтінім" not in text            # not the registrar head's step
    # D's teacher: the access ends tomorrow morning.
    text = lines_of(got[requests["D"].teacher.email][1])
    assert f"№{requests['D'].id} өтінім бойынша журналға ашылған рұқсат 08.11.2026 09:00 аяқталады" in text
    # A teacher of a journal locked at the deadline (no request yet) is told to write the note.
    locked = next(j for j in db.session.scalars(select(Journal).where(Journal.state == LOCKED).order_by(Journal.code))
                  if j not in journals.values())
    teacher = next(t.user for t in locked.staff if t.role == "teacher")
    text = lines_of(got[teacher.email][1])
    assert "Журнал 05.11.2026 мерзімі өткендіктен жабылмай бұғатталды. Түсініктеме жазыңыз" in text
    assert f"{PUBLIC_URL}/journals/{locked.code}/note" in text
    # The command says how many went to whom.
    assert f"Отправлено писем: {len(got)}" in result.output
    assert f"{due_teacher.login} <{due_teacher.email}>" in result.output

    # A second run the same day sends nothing.
    result = send(runner)
    assert result.exit_code == 0 and inbox.take() == {}
    assert "Сегодня напоминать не о чем" in result.output

    # The next day: what is still waiting comes again; D's access has ended, A still waits.
    clock.set(datetime(2026, 11, 8, 10, 0))
    result = send(runner)
    assert result.exit_code == 0, result.output
    got = inbox.take()
    assert set(got) == expected_addresses(scene, clock.now().date(), access_ends=False)
    assert all("08.11.2026 09:00" not in body for _subject, body in got.values())
    assert f"№{requests['A'].id} өтінім" in got[a.department.head.email][1]
    assert f"{PUBLIC_URL}/journals/{locked.code}/note" in got[teacher.email][1]
    recorded = db.session.scalar(select(func.count()).select_from(ReminderSent).where(
        ReminderSent.day == clock.now().date()))
    assert recorded >= len(got)


def test_users_without_email_are_listed_not_mailed(app, runner, inbox, scene):
    head = scene["journals"]["A"].department.head
    head.email = None
    db.session.commit()
    result = send(runner)
    assert result.exit_code == 0, result.output
    got = inbox.take()
    assert got and all(address is not None for address in got)
    assert "Пользователи без e-mail: 1" in result.output
    assert re.search(rf"{re.escape(head.login)} — {re.escape(head.full_name)}: пунктов \d+", result.output)
    # Nothing is recorded for them: once they have an address, the same day's reminder goes.
    head.email = f"{head.login}@kaznmu.example"
    db.session.commit()
    result = send(runner)
    assert set(inbox.take()) == {head.email}


def test_a_refused_message_is_reported_and_the_others_still_go(app, runner, inbox, scene):
    refused = user("or.head")
    inbox.refuse.add(refused.email)
    result = send(runner)
    assert result.exit_code == 1
    got = inbox.take()
    assert refused.email not in got and len(got) > 3
    assert f"{refused.login} <{refused.email}>" in result.output and "550" in result.output
    assert "Traceback" not in result.output
    assert not db.session.scalar(select(func.count()).select_from(ReminderSent).where(
        ReminderSent.user_id == refused.id))
    # The next run that day tries only the refused one again.
    inbox.refuse.clear()
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert set(inbox.take()) == {refused.email}


def test_an_unreachable_server_is_one_clean_line_and_nothing_is_recorded(app, runner, scene):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    result = send(runner)
    assert result.exit_code == 1
    assert "Нет связи с почтовым сервером 127.0.0.1" in result.output
    assert "DOCSERVICE_MAIL_SERVER" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_without_a_mail_server_the_command_says_what_to_set(app, runner):
    app.config["MAIL_SERVER"] = None
    result = runner.invoke(args=["reminders", "send"], env={"DOCSERVICE_LANG": "kk"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: Пошта сервері көрсетілмеген: еске салу хаттарын жіберу үшін DOCSERVICE_MAIL_SERVER "
        "(қажет болса DOCSERVICE_MAIL_PORT) орнатыңыз"]


# --- the home page ---------------------------------------------------------------------------

def test_home_page_shows_what_is_waiting(app, scene):
    journals, requests = scene["journals"], scene["requests"]
    head = journals["A"].department.head
    html = page(signed_in(app, head.login, lang="kk"), "/")
    assert "Сізді күтуде" in html
    assert f'href="/requests#r-{requests["A"].id}"' in html
    assert "бұрыштамаңызды күтуде" in html

    d_teacher = requests["D"].teacher
    html = page(signed_in(app, d_teacher.login, lang="ru"), "/")
    assert "Ожидает вас" in html
    assert f'href="/journals/{journals["D"].code}"' in html      # the finish button is at the top
    assert "заканчивается 08.11.2026 09:00" in html
    assert f"«{journals['D'].title('ru')}», группа {journals['D'].group.code}" in html

    # Someone with nothing to do is told so.
    html = page(signed_in(app, "it.admin", lang="ru"), "/")
    assert "Сегодня вас ничего не ожидает." in html
