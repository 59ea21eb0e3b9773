"""No English word or code on a Kazakh or Russian page (issue 13, item 5).

Every role of the demo faculty signs in and, in kk and in ru, walks every page it can reach
from its home page: the menu, the links of each page and its search forms (sent as they stand),
GET only, a few pages of each shape (one journal page is much like the next). Of each page it
reads what a user sees or hears: the text (not scripts or styles), the title, placeholder,
aria-label and alt of elements, the labels of input buttons and the messages the scripts show
(``data-msg-…``, ``data-confirm``, ``data-…-text``). Text marked as another language
(``lang="en"`` on the language switch's "English") is said so to screen readers and is not
checked. Every word in Latin letters left must be one a user of a Kazakh university reads as
is: the allow-list below, each entry with its reason. A Russian page shows no Kazakh word but
people's names (Kazakh-only letters tell them: ә ғ қ ң ө ұ ү һ і).
"""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from conftest import START
from web_client import csrf, signed_in

from docservice.ktp_upload import COLUMNS as KTP_COLUMNS
from docservice.models import CLOSED, CurriculumItem, CurriculumPart, Group, Journal, JournalTeacher, \
    NomenclatureFile, Program, Student, User, db

pytestmark = [pytest.mark.demo, pytest.mark.rendering]  # pages, not the store: SQLite only

# One user of each role of the demo faculty (head.anat also teaches, or.head is also a registrar).
ROLES = {"teacher": "t.anat2", "head_of_department": "head.anat", "dean": "dean.gm", "registrar": "or.inspector",
         "registrar_head": "or.head", "it": "it.admin", "methodist": "methodist", "vice_rector": "prorector",
         "student": None}  # a student of the teacher's journals, given an account in the test
# /journals/D0046 and /journals/D0014 are one shape: a few of each are enough (five: a journal at
# each step of a reopening).
PAGES_PER_SHAPE = 5
PAGES_PER_ROLE = 150  # a bound, far above what any role reaches
# Addresses a user may type or keep from another role's page (some do not exist, some are not
# theirs): the error pages speak the user's language too.
TYPED = ("/no-such-page", "/journals/99999", "/documents/99999", "/journals", "/registrar/deadlines", "/it/logins",
         "/department")
# Downloads (sheets, PDFs, archives): not pages, and slow to make.
DOWNLOADS = re.compile(r"\.(xlsx|pdf|docx|zip|json)$|/(download|draft|pdf|docx)(/|$)")

# --- the allow-list --------------------------------------------------------------------------
# File formats, the programs and computers that open them, named as every user knows them.
FORMATS = {"pdf", "pdf/a", "docx", "xlsx", "json", "zip", "excel", "qr", "a4", "mac"}
# The names printed on the keyboard's keys (the journal's keyboard hint, the lists' Ctrl-click).
KEYS = {"Enter", "Esc", "Tab", "Shift", "Ctrl"}
# The credit system's letter grades and their average, GPA: written in Latin letters by the
# Ministry's grading scale and on the university's own forms (the vedomosts too).
LETTER_GRADE = re.compile(r"(A|A-|B\+|B|B-|C\+|C|C-|D\+|D|FX|F|GPA)")
# The name of the import file's format, written inside the files themselves.
DATASET_FORMAT = "docservice-dataset/1"
# Student logins: this prefix and the record-book number (st24010001).
STUDENT_LOGIN = "st"
# File extensions a form accepts (".json, .xlsx").
EXTENSION = re.compile(r"\.(json|xlsx|docx|pdf|zip)")
# What people type or compare as it is: e-mail addresses (a login request's), and an issued file's
# SHA-256 digest with the algorithm's name, printed so on the documents too.
E_MAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
DIGEST = re.compile(r"SHA-256|[0-9a-f]{64}")


def codes_users_type() -> set[str]:
    """What users type or read as codes, from the store: logins, journal, programme, group,
    discipline codes, record-book numbers; and the column names of the KTP workbook, its header
    row the head of department types."""
    codes = set(KTP_COLUMNS)
    for column in (User.login, Journal.code, Program.code, Group.code, Student.record_book, CurriculumItem.code,
                   CurriculumPart.code):
        codes |= set(db.session.scalars(db.select(column)))
    # The logins the IT department gives students, before they are given: «st» and the record book.
    books = db.session.scalars(db.select(Student.record_book))
    codes |= {STUDENT_LOGIN} | {STUDENT_LOGIN + book.lower() for book in books}
    return codes


def allowed(word: str, codes: set[str]) -> bool:
    if word in codes or word in KEYS or word == DATASET_FORMAT or word.lower() in FORMATS:
        return True
    if LETTER_GRADE.fullmatch(word) or EXTENSION.fullmatch(word.lower()) or E_MAIL.fullmatch(word) \
            or DIGEST.fullmatch(word):
        return True
    # "Excel-ге", "ZIP-те", "Excel-файл": a Kazakh ending or a Russian word joined to an allowed one.
    base, _, ending = word.partition("-")
    return bool(ending) and re.fullmatch(r"[а-яәғқңөұүһі]+", ending.lower()) is not None and allowed(base, codes)


# --- reading a page --------------------------------------------------------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SHOWN_DATA = re.compile(r"data-(msg-.+|confirm|.+-text|transfer-note)")


class PageReading(HTMLParser):
    """The text a user sees or hears on a page, its links and its GET forms."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.declared: str | None = None
        self.texts: list[str] = []
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []  # (action, fields) of GET forms
        self._hidden: list[str] = []     # open elements whose text is not read (script, style, other language)
        self._form: list[tuple[str, str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # (name, options, selected)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":  # the page's own language, which must be the user's
            self.declared = a.get("lang")
            return
        foreign = a.get("lang", self.lang).split("-")[0] != self.lang
        if tag not in VOID and (tag in ("script", "style") or foreign or self._hidden):
            self._hidden.append(tag)
        if self._hidden or foreign:
            return
        self.texts += [v for k, v in a.items() if k in SHOWN_ATTRIBUTES or SHOWN_DATA.fullmatch(k)]
        if tag == "input" and a.get("type") in ("submit", "button", "reset"):
            self.texts.append(a.get("value", ""))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        self._form_field(tag, a)

    def _form_field(self, tag, a):
        if tag == "form" and a.get("method", "get").lower() == "get":
            self._form = []
            self.forms.append((a.get("action", ""), self._form))
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "reset", "file", "checkbox", "radio"):
            self._form.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select:
            self._select[2 if "selected" in a else 1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if self._hidden:
            if self._hidden[-1] == tag:
                self._hidden.pop()
            return
        if tag == "select" and self._select and self._form is not None:
            name, options, selected = self._select
            chosen = (selected or options)[:1]
            self._form += [(name, value) for value in chosen]
            self._select = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def latin_words(texts: list[str]) -> list[str]:
    """The words with a Latin letter, stripped of the punctuation around them."""
    words = []
    for text in texts:
        for token in text.split():
            if re.search("[A-Za-z]", token):
                words.append(token.strip("()[]{},.;:!?«»\"'…"))
    return words


# Letters of Kazakh that Russian has not: a Russian page's words with them are Kazakh.
KAZAKH_LETTER = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def kazakh_words(texts: list[str]) -> list[str]:
    return [w for w in (token.strip("()[]{},.;:!?«»\"'…") for text in texts for token in text.split())
            if KAZAKH_LETTER.search(w)]


def people_and_both_languages() -> tuple[set[str], dict[str, set[str]]]:
    """Kazakh words a Russian page shows as they are: people's names (and initials, Ә. Б.), the
    language's own name where a document's language is chosen (Қазақша); and the pages that
    show a record in both languages on purpose: page address → those words."""
    people = {"Қазақша"}
    for name in [*db.session.scalars(db.select(User.full_name)), *db.session.scalars(db.select(Student.full_name))]:
        people |= set(name.split())
    both = set()
    for file in db.session.scalars(db.select(NomenclatureFile)):  # the registrar keeps both titles
        both |= set(kazakh_words([file.title_kk, file.retention_kk]))
    return people, {"/registrar/archive/nomenclature": both}


def foreign_words(pages: dict[str, list[str]], lang: str) -> dict[str, list[str]]:
    """Page address → the words in it not of its language: English (beyond the allow-list) on
    any page, Kazakh on a Russian one."""
    codes = codes_users_type()
    people, both = people_and_both_languages()
    found = {}
    for address, texts in pages.items():
        path = address.split("?")[0]
        words = {w for w in latin_words(texts) if w and not allowed(w, codes)}
        if lang == "ru":
            words |= {w for w in kazakh_words(texts)
                      if w not in people and len(w) > 1 and w not in both.get(path, ())}
        if words:
            found[address] = sorted(words)
    return found


# --- the walk --------------------------------------------------------------------------------
def shape(address: str) -> str:
    """An address with its numbers and codes folded, and its query's values dropped."""
    parts = urlsplit(address)
    path = re.sub(r"[A-ZА-ЯӘҒҚҢӨҰҮҺІ]*\d[\w-]*", "#", parts.path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + "?" + "&".join(keys)


def inside(address: str, here: str) -> str | None:
    """The app's own address a link or form leads to (no fragment), or None when it leads
    outside, to a file or to the API."""
    full = urljoin(here, address.split("#")[0])
    parts = urlsplit(full)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/api/")) or DOWNLOADS.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client, lang: str) -> dict[str, list[str]]:
    """Every page reached from home: address → the texts it shows."""
    queue, seen, shapes, found = ["/", *TYPED], set(), Counter(), {}
    while queue and len(found) < PAGES_PER_ROLE:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        if address not in TYPED:  # typed addresses are walked whatever their shape
            shapes[shape(address)] += 1
            if shapes[shape(address)] > PAGES_PER_SHAPE:
                continue
        response = client.get(address)
        assert response.status_code < 500, (address, response.status_code)
        kind = response.headers.get("Content-Type", "")
        if "text/html" not in kind:
            response.close()
            if response.status_code >= 400:  # an error a browser shows as it is (JSON, in English)
                found[address] = [f"{response.status_code}:{kind}"]  # reads as English: it is
            continue
        reading = PageReading(lang)
        reading.feed(response.get_data(as_text=True))
        # A page declaring another language is misread by screen readers (and would hide its text here).
        assert reading.declared == lang, (address, reading.declared)
        found[address] = reading.texts
        queue += [a for a in (inside(link, address) for link in reading.links) if a]
        for action, fields in reading.forms:
            target = inside(action or address.split("?")[0], address)
            if target:
                queue.append(target.split("?")[0] + "?" + urlencode(fields))
    return found


def user(login: str) -> User:
    return db.session.scalar(db.select(User).where(User.login == login))


def teachers_journals(login: str = ROLES["teacher"]) -> list[Journal]:
    return db.session.scalars(db.select(Journal).join(JournalTeacher).where(
        JournalTeacher.user_id == user(login).id).order_by(Journal.code)).all()


def a_students_login() -> str:
    """A student of the teacher's journals, given an account by the IT department."""
    from docservice.student_accounts import issue_for_student

    student = teachers_journals()[0].group.students[0]
    return student.user.login if student.user_id else issue_for_student(user(ROLES["it"]), student).login


def a_login_request_waiting() -> None:
    """A head of department's login request, waiting on the IT department's page (its
    department was shown by its code)."""
    from docservice.documents import issuing

    issuing.issue(user(ROLES["head_of_department"]), "login_request", {
        "full_name": "Новикова Анна Сергеевна", "position": "преподаватель", "department": "ANAT",
        "email": "a.novikova@kaznmu.example"}, "ru", "docx")


FILED, AGREED, APPROVED, GRANTED, RETURNED = range(5)


def requests_at_every_step() -> None:
    """Reopen requests at every step, their cards, banners and grants being pages too: on the
    teacher's journals filed, agreed by the head, approved by the dean's council and granted
    (one journal is left open: its closing page is a page too); on a journal of the head's
    own, returned."""
    from docservice import reopen
    from docservice.models import ReopenRequest

    unfinished = set(db.session.scalars(db.select(ReopenRequest.journal_id).where(
        ReopenRequest.status.in_(reopen.UNFINISHED))))

    def free(login):  # the demo may hold requests of its own
        return [j for j in teachers_journals(login) if j.id not in unfinished]

    for step, journal in enumerate(free(ROLES["teacher"])[:-1][:4]):
        reopening(ROLES["teacher"], journal, step)
    for journal in free(ROLES["head_of_department"])[:1]:
        reopening(ROLES["head_of_department"], journal, RETURNED)
    db.session.commit()


def reopening(login: str, journal: Journal, step: int) -> None:
    """The journal closed and a grade-changing request of its teacher taken to ``step``."""
    from docservice import reopen
    from docservice.journals import close_journal
    from docservice.models import WITH_CHANGE

    teacher = user(login)
    if journal.state != CLOSED:
        close_journal(teacher, journal)
    column = journal.control_columns[-1]  # the exam, or the last midterm
    request = reopen.file_request(teacher, journal, WITH_CHANGE, "Опечатка при вводе оценки",
                                  students=[journal.group.students[0].record_book], columns=[column])
    head, dean = journal.department.head, journal.group.program.school.dean
    if step == RETURNED:
        reopen.reject(head, request, "Недостаточно пояснений")
        return
    if step >= AGREED:
        reopen.visa(head, request)
    if step >= APPROVED:
        reopen.decide(dean, request, "7", START.date())
    if step >= GRANTED:
        reopen.grant(user(ROLES["registrar_head"]), request)


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("role", list(ROLES))
def test_no_english_word_on_the_pages_of_a_role(app, role, lang):
    requests_at_every_step()
    if role in ("it", "head_of_department"):
        a_login_request_waiting()
    login = ROLES[role] or a_students_login()
    client = signed_in(app, login, lang=lang)
    pages = walk(client, lang)
    assert len(pages) >= 4, pages  # home, the documents, verify and an error page at least
    leaks = foreign_words(pages, lang)
    assert not leaks, f"{role} ({login}), {lang}: words not in the page's language:\n" + "\n".join(
        f"  {address}: {', '.join(words)}" for address, words in leaks.items())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_word_on_the_pages_before_signing_in(app, lang):
    client = app.test_client()
    token = csrf(client.get("/login").data)
    assert client.post("/language", data={"lang": lang, "next": "/login", "csrf_token": token}).status_code == 302
    pages = {}
    for address in ("/login", "/verify", "/verify?number=01-15%2F2026%2F9999", "/no-such-page"):
        response = client.get(address)
        assert "text/html" in response.headers["Content-Type"], (address, response.headers["Content-Type"])
        reading = PageReading(lang)
        reading.feed(response.get_data(as_text=True))
        assert reading.declared == lang, (address, reading.declared)
        pages[address] = reading.texts
    leaks = foreign_words(pages, lang)
    assert not leaks, f"{lang}: words not in the page's language:\n" + "\n".join(
        f"  {a}: {', '.join(w)}" for a, w in leaks.items())


def test_the_reading_finds_english_where_a_user_meets_it():
    """The rule itself: what a page shows or says is read; scripts, styles and text marked as
    another language are not; allowed words pass."""
    reading = PageReading("ru")
    reading.feed('<title>Журнал</title><script>var saved = "Saved";</script><style>p{color:red}</style>'
                 '<p>Оценка B+ в Excel-файле, ведомость (PDF, DOCX), Enter</p><button lang="en">English</button>'
                 '<input type="submit" value="Send"><input placeholder="Search" name="q"><img alt="Logo">'
                 '<a title="Open" aria-label="Opened journal" href="/x">J0001</a>'
                 '<div data-msg-saved="Mark saved" data-journal="J0001">Да</div>')
    codes = {"J0001"}
    left = [w for w in latin_words(reading.texts) if not allowed(w, codes)]
    assert sorted(left) == ["Logo", "Mark", "Open", "Opened", "Search", "Send", "journal", "saved"]
    assert reading.links == ["/x"]
    assert kazakh_words(["Оценка сақталды.", "Әбенова І. Б."]) == ["сақталды", "Әбенова", "І"]


@pytest.mark.parametrize("lang,said", [("kk", "бетті жаңартып"), ("ru", "обновите страницу")])
def test_a_form_sent_without_its_token_is_answered_by_a_page_in_the_users_language(app, lang, said):
    """A form kept open past its token (or a stale tab): the page says what to do, in the
    user's language, not a JSON error in English."""
    client = signed_in(app, ROLES["teacher"], lang=lang)
    code = teachers_journals()[0].code
    response = client.post(f"/journals/{code}/close", data={})
    assert response.status_code == 400 and "text/html" in response.headers["Content-Type"]
    reading = PageReading(lang)
    reading.feed(response.get_data(as_text=True))
    assert reading.declared == lang and said in " ".join(reading.texts)
    assert not foreign_words({f"/journals/{code}/close": reading.texts}, lang)
    assert db.session.scalar(db.select(Journal.state).where(Journal.code == code)) != CLOSED
