"""The reopening guides its teacher (issue 13, item 3), in Kazakh and in Russian: a locked
journal offers the explanatory note, or says where its request stands; a granted one says so
in My journals, on the home page and in the banner (which cells, until when) with the button
that finishes it; finishing issues the individual vedomost in the same step (numbered in the
file of individual vedomosts, 02-08), and the request then shows that number; the vedomost's
form opened from a request has its journal and kind filled in and the real file index."""
import re
from datetime import date

import pytest
from store import journal, user
from web_client import csrf, flashes, page, signed_in

from docservice import nomenclature, reopen
from docservice.journals import close_journal
from docservice.models import CLOSED, IssuedDocument, db

# What the pages say and offer; the reopening's store steps run on both databases in test_reopen.py.
pytestmark = pytest.mark.one_database

STUDENT, LESSON = "24010001", "2026-09-02"  # J0001 (t.anat2, ОМ-24-01к): 45 on 02.09
NAME = "Нұрғалиева Дана Аңсағанқызы"


@pytest.fixture(autouse=True)
def _storage_and_files(app, tmp_path):
    """Documents kept in a temporary folder; the sample nomenclature of files loaded (the demo
    loads it too): it files individual vedomosts apart, under 02-08."""
    app.config["STORAGE_DIR"] = str(tmp_path / "documents")
    nomenclature.load_sample()
    db.session.commit()


def text_of(html: str) -> str:
    """The page's words as a reader sees them: tags out, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def banner(html: str) -> str:
    return re.search(r'<section class="banner.*?</section>', html, re.S).group(0)


def filed(clock):
    """J0001 closed by its teacher, and the next day a note filed with grade change: one
    student's lesson of 02.09."""
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)
    return reopen.file_request(user("t.anat2"), journal("J0001"), "with_change", "45 вместо 54",
                               wrong_entry_on=date(2026, 9, 2), students=[STUDENT], columns=[LESSON])


def granted(clock):
    req = filed(clock)
    reopen.visa(user("head.anat"), req)
    reopen.decide(user("dean.gm"), req, "№7", date(2026, 11, 6))
    access = reopen.grant(user("or.head"), req)
    return req, access.expires_at.strftime("%d.%m.%Y %H:%M")


# --- a locked or closed journal: the note, or where the request stands ------------------------

@pytest.mark.parametrize("lang, words", [
    ("ru", ("срок 14.11.2026 прошёл", "Написать объяснительную (заявка на повторное открытие)")),
    ("kk", ("14.11.2026 мерзімі өтті", "Түсініктеме жазу (қайта ашуға өтінім)"))])
def test_a_locked_journal_offers_the_note_as_a_button(app, sample, clock, lang, words):
    clock.set(clock.now().replace(day=15))
    html = page(signed_in(app, "t.anat2", lang=lang), "/journals/J0001")
    top = banner(html)
    deadline, button = words
    assert deadline in text_of(top)
    assert re.search(rf'<a class="button primary" href="/journals/J0001/note">{re.escape(button)}</a>', top)
    # The head of department reads the journal: no button to a note that is not theirs to write.
    head = banner(page(signed_in(app, "head.anat", lang=lang), "/journals/J0001"))
    assert "/journals/J0001/note" not in head and deadline in text_of(head)


@pytest.mark.parametrize("lang, words", [
    ("ru", "Заявка №{id} на повторное открытие (с изменением оценок) в работе: подана, ждёт визы заведующего "
           "кафедрой."),
    ("kk", "Қайта ашуға №{id} өтінім (бағаларды өзгерте отырып) қаралуда: берілді, кафедра меңгерушісінің бұрыштамасын "
           "күтуде.")])
def test_a_pending_request_is_told_in_the_banner_with_its_step(app, sample, clock, lang, words):
    req = filed(clock)
    top = banner(page(signed_in(app, "t.anat2", lang=lang), "/journals/J0001"))
    assert words.format(id=req.id) in text_of(top)
    assert 'href="#requests"' in top
    assert "/journals/J0001/note" not in top                  # one request at a time: no second note
    reopen.visa(user("head.anat"), req)
    step = {"ru": "согласована заведующим кафедрой, ждёт Совета деканата", "kk": "деканат кеңесін күтуде"}[lang]
    assert step in text_of(banner(page(signed_in(app, "t.anat2", lang=lang), "/journals/J0001")))


# --- access granted: My journals, the home page, the banner -------------------------------------

@pytest.mark.parametrize("lang, until, closed", [("ru", "доступ открыт до {}", "закрыт"),
                                                  ("kk", "рұқсат {} дейін ашық", "жабық")])
def test_my_journals_say_access_granted_until_and_list_it_first(app, sample, clock, lang, until, closed):
    _req, expires = granted(clock)
    client = signed_in(app, "t.anat2", lang=lang)
    rows = re.findall(r"<tr class=\"state-[a-z]+\">(.*?)</tr>", page(client, "/journals"), re.S)
    first = text_of(rows[0])
    assert "J0001" in first and until.format(expires) in first and closed not in first
    api = client.get(f"/api/v1/journals?lang={lang}").get_json()["journals"]
    assert api[0]["code"] == "J0001" and api[0]["access_until"].startswith(clock.now().date().isoformat()[:4])


@pytest.mark.parametrize("lang, todo", [
    ("ru", "Журнал открыт для ваших исправлений по заявке №{id} до {until}."),
    ("kk", "№{id} өтінім бойынша журнал түзетулеріңіз үшін {until} дейін қайта ашылды.")])
def test_the_home_page_lists_the_granted_journal(app, sample, clock, lang, todo):
    req, expires = granted(clock)
    home = page(signed_in(app, "t.anat2", lang=lang), "/")
    item = re.search(r'<li class="waiting-granted"><a href="([^"]+)">(.*?)</li>', home, re.S)
    assert item and item.group(1) == "/journals/J0001"
    assert todo.format(id=req.id, until=expires) in text_of(item.group(2))


@pytest.mark.parametrize("lang, words", [
    ("ru", ("доступ открыт до {}", NAME, "02.09", "Завершить и сформировать индивидуальную ведомость")),
    ("kk", ("рұқсат {} дейін ашық", NAME, "02.09", "Аяқтау және жеке ведомость қалыптастыру"))])
def test_the_banner_says_which_cells_until_when_with_the_finish_button_above_the_grid(app, sample, clock, lang, words):
    req, expires = granted(clock)
    html = page(signed_in(app, "t.anat2", lang=lang), "/journals/J0001")
    top = banner(html)
    until, name, column, button = words
    assert until.format(expires) in text_of(top) and name in top and column in top
    assert f'action="/journals/J0001/requests/{req.id}/complete"' in top and button in top
    assert html.index(button) < html.index('<table class="grid"')    # reachable without scrolling
    assert html.count(f"/requests/{req.id}/complete") == 1           # one button


# --- finishing: one step, one outcome -----------------------------------------------------------

@pytest.mark.parametrize("lang, done", [
    ("ru", "Повторное открытие завершено: журнал снова закрыт, индивидуальная ведомость {} выдана."),
    ("kk", "Қайта ашу аяқталды: журнал қайта жабылды, жеке ведомость {} берілді.")])
def test_finishing_closes_the_journal_and_issues_the_individual_vedomost(app, sample, clock, lang, done):
    req, _expires = granted(clock)
    client = signed_in(app, "t.anat2", lang=lang)
    html = page(client, "/journals/J0001")
    r = client.post(f"/journals/J0001/requests/{req.id}/complete", data={"csrf_token": csrf(html), "doc_lang": lang})
    db.session.refresh(req)
    assert req.status == "completed" and journal("J0001").state == CLOSED
    document = db.session.scalars(db.select(IssuedDocument).where(IssuedDocument.doc_type == "vedomost")).one()
    assert document.number.startswith("02-08/") and document.lang == lang and document.input == {"request": req.id}
    assert r.status_code == 302 and r.headers["Location"] == f"/documents/issued/{document.number}"
    issued = page(client, r.headers["Location"])
    assert done.format(document.number) in flashes(issued)
    # The request shows the issued vedomost's number with its page, and offers no form any more.
    html = page(client, "/journals/J0001")
    row = re.search(rf'<tr class="req-completed">.*?</tr>', html, re.S).group(0)
    assert f'<a href="/documents/issued/{document.number}">{document.number}</a>' in row
    assert "/documents/vedomost?request=" not in html and "/complete" not in html
    assert not re.search(r'<input class="cell', html)


def test_the_api_finishes_and_answers_the_issued_number(app, sample, clock):
    req, _expires = granted(clock)
    client = signed_in(app, "t.anat2")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page(client, "/journals/J0001")).group(1)
    r = client.post(f"/api/v1/journals/J0001/requests/{req.id}/complete?lang=kk", headers={"X-CSRFToken": token})
    answer = r.get_json()
    assert r.status_code == 200 and answer["vedomost_error"] is None
    assert answer["request"]["vedomost"]["number"].startswith("02-08/") and answer["request"]["vedomost_url"] is None


# --- the individual vedomost's form opened from a request ---------------------------------------

@pytest.mark.parametrize("lang, index", [("ru", "Индекс дела по номенклатуре: 02-08."),
                                         ("kk", "Номенклатура бойынша іс индексі: 02-08.")])
def test_the_individual_vedomost_form_is_filled_from_the_request(app, sample, clock, lang, index):
    req, _expires = granted(clock)
    reopen.complete(user("t.anat2"), req)
    html = page(signed_in(app, "t.anat2", lang=lang), f"/documents/vedomost?request={req.id}")
    assert re.search(r'<option value="J0001" selected>', html)
    assert re.search(r'<option value="individual" selected>', html)
    assert index in text_of(html) and "02-07" not in text_of(html)
    # Opened without a request, the form says where each kind of vedomost is filed.
    plain = text_of(page(signed_in(app, "t.anat2", lang=lang), "/documents/vedomost"))
    assert "02-07 / 02-08" in plain
    listed = page(signed_in(app, "t.anat2", lang=lang), "/documents")
    assert re.search(r'<a href="/documents/vedomost">[^<]+</a> <span class="hint">02-07 / 02-08</span>', listed)


@pytest.mark.parametrize("lang, words", [
    ("ru", "Повторное открытие завершено, журнал снова закрыт, но индивидуальная ведомость не выдана: "),
    ("kk", "Қайта ашу аяқталды, журнал қайта жабылды, бірақ жеке ведомость берілмеді: ")])
def test_when_the_vedomost_cannot_be_issued_the_request_offers_its_form(app, sample, clock, monkeypatch, lang, words):
    from docservice.errors import Conflict
    from docservice.web.teacher import individual

    def busy(*args, **kwargs):  # another issue of the same subject holds it at this moment
        raise Conflict("document_busy", number="vedomost")

    req, _expires = granted(clock)
    client = signed_in(app, "t.anat2", lang=lang)
    html = page(client, "/journals/J0001")
    monkeypatch.setattr(individual.issuing, "issue", busy)
    r = client.post(f"/journals/J0001/requests/{req.id}/complete", data={"csrf_token": csrf(html)})
    assert r.status_code == 302 and r.headers["Location"] == f"/documents/vedomost?request={req.id}"
    db.session.refresh(req)
    assert req.status == "completed" and journal("J0001").state == CLOSED
    form = page(client, r.headers["Location"])
    assert any(f.startswith(words) for f in flashes(form)), flashes(form)
    assert f'href="/documents/vedomost?request={req.id}"' in page(client, "/journals/J0001")
