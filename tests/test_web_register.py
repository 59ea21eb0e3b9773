"""The register of issued documents (журнал регистрации), the registrar's office's page, its
JSON route and its XLSX export (issue 10): the rows of each search — number, type, group,
discipline and person in any case (Kazakh and Russian on SQLite and PostgreSQL alike), state,
dates — the states with the successor's link and the void's reason, the pages, the export's
rows with a formula typed as a discipline kept inert, and who may read it."""
from __future__ import annotations

import html as html_lib
import io
import re
from dataclasses import dataclass
from datetime import datetime

import openpyxl
import pytest
from store import journal, user
from test_doc_ktp import typed, typed_rows
from test_register import LOGIN_REQUEST
from web_client import flashes, page, signed_in

from docservice.documents import issuing, register_search
from docservice.journals import close_journal
from docservice.models import UserRole, db

FORMULA = '=HYPERLINK("http://x","y")'
PHYSIOLOGY = "Қалыпты физиология"


@dataclass
class Register:
    """The numbers issued for these tests, by what they are."""

    void: str          # a login request whose render failed
    login: str         # the same login request issued again
    old: str           # J0001's vedomost, superseded …
    new: str           # … by this one
    formula: str       # a typed KTP whose discipline is a formula
    physiology: str    # a typed KTP in Kazakh

    def everything(self) -> list[str]:
        """Newest first: the three of 20 November by id, then 12, then 5 November."""
        return [self.physiology, self.formula, self.new, self.old, self.login, self.void]


@pytest.fixture
def register(app, sample, clock, monkeypatch) -> Register:
    real = issuing.render

    def out_of_paper(doc_type, context, lang, fmt):
        raise RuntimeError("the printer of PDFs is out of paper")

    clock.set(datetime(2026, 11, 5, 10, 0))
    monkeypatch.setattr(issuing, "render", out_of_paper)
    with pytest.raises(RuntimeError):
        issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "docx")
    monkeypatch.setattr(issuing, "render", real)
    login = issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "ru", "docx").document.number
    void = issuing.find(login.rsplit("/", 1)[0] + "/0001").number
    close_journal(user("t.anat2"), journal("J0001"))

    clock.set(datetime(2026, 11, 12, 9, 0))
    old = issuing.issue(user("or.inspector"), "vedomost", {"journal": "J0001"}, "ru", "docx").document.number

    clock.set(datetime(2026, 11, 20, 11, 0))
    new = issuing.supersede(user("or.head"), old, "Опечатка в дате экзамена").document.number
    formula = issuing.issue(user("head.anat"), "ktp", typed(typed_rows(2), discipline=FORMULA),
                            "ru", "docx").document.number
    physiology = issuing.issue(user("head.anat"), "ktp", typed(typed_rows(2), discipline=PHYSIOLOGY),
                               "kk", "docx").document.number
    return Register(void, login, old, new, formula, physiology)


def page_rows(html: str) -> list[tuple[str, str]]:
    """The page's table: (number, state) of each row, in order."""
    return [(html_lib.unescape(number), state) for state, number in re.findall(
        r'<tr id="doc-\d+" class="rg-(\w+)">\s*<td><a href="[^"]+">([^<]+)</a>', html)]


def numbers_of(client, query: str) -> tuple[list[str], list[str]]:
    """What a search finds on the page and in the JSON route."""
    on_page = [n for n, _state in page_rows(page(client, f"/registrar/register?{query}"))]
    answer = client.get(f"/api/v1/register?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return on_page, [d["number"] for d in answer.json["documents"]]


# --- the searches --------------------------------------------------------------------------

SEARCHES = [
    # (query, which entries it finds, in order)
    ("", lambda r: r.everything()),
    ("type=ktp", lambda r: [r.physiology, r.formula]),
    ("type=vedomost&state=valid", lambda r: [r.new]),
    # Cyrillic in another case than it was issued in, folded on both databases.
    ("group=ом-24-01К", lambda r: [r.new, r.old]),
    ("discipline=АНАТОМИЯ+человека", lambda r: [r.new, r.old]),
    ("discipline=ҚАЛЫПТЫ", lambda r: [r.physiology]),
    ("discipline=қалыпты+ФИЗИОЛОГИЯ", lambda r: [r.physiology]),
    ("discipline=hyperlink", lambda r: [r.formula]),
    ("person=ӘБІЛҚАСЫМОВА+сәуле", lambda r: [r.login, r.void]),
    ("person=нұрланқызы", lambda r: [r.login, r.void]),
    ("person=Петров", lambda r: []),
    ("state=void", lambda r: [r.void]),
    ("state=superseded", lambda r: [r.old]),
    ("state=valid", lambda r: [r.physiology, r.formula, r.new, r.login]),
    ("from=2026-11-12&to=2026-11-12", lambda r: [r.old]),
    ("from=2026-11-13", lambda r: [r.physiology, r.formula, r.new]),
    ("to=2026-11-05", lambda r: [r.login, r.void]),
    # A LIKE wildcard typed in the search is a character, not "anything".
    ("number=%25", lambda r: []),
    ("discipline=_", lambda r: []),
]


def test_each_search_finds_the_same_rows_on_the_page_and_in_the_json(app, register):
    inspector = signed_in(app, "or.inspector", lang="ru")
    for query, expected in SEARCHES:
        on_page, in_json = numbers_of(inspector, query)
        assert on_page == in_json == expected(register), query
    # By number: a part of it, and the whole.
    nomenclature = register.old.rsplit("/", 2)[0]
    assert numbers_of(inspector, f"number={nomenclature}/") == ([register.new, register.old],) * 2
    assert numbers_of(inspector, f"number={register.old}") == ([register.old],) * 2
    # Sorted by number instead: by file, year and sequence.
    by_number = sorted(register.everything(), key=lambda n: (n.rsplit("/", 2)[0], n.rsplit("/", 1)[1]))
    assert numbers_of(inspector, "sort=number") == (by_number,) * 2


def test_the_states_say_who_replaced_an_entry_and_why_a_number_is_void(app, register):
    head = signed_in(app, "or.head", lang="ru")
    html = page(head, "/registrar/register")
    assert page_rows(html) == [(register.physiology, "valid"), (register.formula, "valid"), (register.new, "valid"),
                               (register.old, "superseded"), (register.login, "valid"), (register.void, "void")]
    old_row = _row(html, register.old)
    assert f'class="rg-successor" href="/documents/issued/{register.new}"' in old_row
    assert "Заменён" in old_row and "Опечатка в дате экзамена" in old_row
    void_row = _row(html, register.void)
    assert "Аннулирован" in void_row and "out of paper" in void_row and "/file?" not in void_row
    # Each row links its page and its files.
    new_row = _row(html, register.new)
    assert f'href="/documents/issued/{register.new}"' in new_row
    assert f'href="/api/v1/documents/{register.new}/file?lang=ru&amp;format=docx"' in new_row
    assert "Омарова Жанар Төлегенқызы" in new_row  # who issued it
    assert page(head, f"/documents/issued/{register.new}")
    assert head.get(f"/api/v1/documents/{register.new}/file?lang=ru&format=docx").status_code == 200
    assert "Найдено: 6" in html and "Действителен: 4" in html and "Аннулирован: 1" in html

    answer = head.get("/api/v1/register").json
    assert answer["total"] == 6 and answer["counts"] == {"valid": 4, "superseded": 1, "void": 1, "issuing": 0}
    rows = {d["number"]: d for d in answer["documents"]}
    assert rows[register.old]["state"] == "superseded"
    assert rows[register.old]["superseded"]["by"] == register.new
    assert rows[register.old]["superseded"]["reason"] == "Опечатка в дате экзамена"
    assert rows[register.void]["state"] == "void" and "out of paper" in rows[register.void]["void_reason"]
    assert rows[register.void]["files"] == []
    assert rows[register.new]["files"][0]["file_url"] == f"/api/v1/documents/{register.new}/file?lang=ru&format=docx"
    assert rows[register.new]["page_url"] == f"/documents/issued/{register.new}"
    assert rows[register.physiology]["discipline"] == PHYSIOLOGY and rows[register.physiology]["type"] == "ktp"
    assert rows[register.login]["person"] == LOGIN_REQUEST["full_name"]
    assert rows[register.new]["group"] == "ОМ-24-01к" and rows[register.new]["issued_by"]["login"] == "or.head"


def _row(html: str, number: str) -> str:
    return re.search(rf'<tr id="doc-\d+" class="rg-\w+">\s*<td><a href="[^"]+">{re.escape(number)}</a>.*?</tr>',
                     html, re.DOTALL).group(0)


def test_pages_of_the_register_and_its_counts(app, register, monkeypatch):
    monkeypatch.setattr(register_search, "PAGE_SIZE", 3)
    inspector = signed_in(app, "or.inspector", lang="ru")
    first = page(inspector, "/registrar/register")
    assert [n for n, _ in page_rows(first)] == register.everything()[:3]
    assert "Страница 1 из 2" in first and "показаны 1–3" in first and 'rel="next"' in first
    second = page(inspector, "/registrar/register?page=2")
    assert [n for n, _ in page_rows(second)] == register.everything()[3:]
    assert "показаны 4–6" in second and 'rel="prev"' in second
    # The search goes with the page's links, and a page past the last is the last.
    searched = page(inspector, "/registrar/register?state=valid&page=9")
    assert [n for n, _ in page_rows(searched)] == [register.login]
    assert "/registrar/register?page=1&amp;state=valid" in searched
    answer = inspector.get("/api/v1/register?page=2").json
    assert (answer["page"], answer["pages"], answer["per_page"], answer["total"]) == (2, 2, 3, 6)
    assert [d["number"] for d in answer["documents"]] == register.everything()[3:]


def test_a_wrong_search_value_is_told_in_the_users_language(app, register):
    inspector = signed_in(app, "or.inspector", lang="kk")
    html = page(inspector, "/registrar/register?from=2026-13-45&state=void")
    assert any("Берілген күні (бастап)" in f and "жарамсыз" in f for f in flashes(html))
    assert [n for n, _ in page_rows(html)] == [register.void]  # the rest of the search still applies
    refused = inspector.get("/api/v1/register?to=yesterday&lang=ru")
    assert refused.status_code == 422 and "недопустимое значение" in refused.json["message"]
    assert refused.json["field"] == "to"
    assert inspector.get("/api/v1/register?state=lost").status_code == 422
    assert inspector.get("/api/v1/register?type=nothing").status_code == 422


# --- the export ------------------------------------------------------------------------------

def read_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_the_export_has_every_row_of_the_search_and_a_formula_stays_text(app, register, monkeypatch):
    monkeypatch.setattr(register_search, "PAGE_SIZE", 2)  # the export is not one page
    inspector = signed_in(app, "or.inspector", lang="ru")
    r = inspector.get("/api/v1/register.xlsx")
    assert r.status_code == 200 and r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in r.headers["Content-Disposition"]
    sheet = read_xlsx(r.get_data())
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Номер", "Вид документа", "Группа", "Дисциплина", "Лицо", "Дата выдачи", "Кем выдан",
                       "Состояние", "Чем заменён или причина аннулирования", "Файлы"]
    assert [row[0] for row in rows[1:]] == register.everything()
    assert sheet.title == "Журнал регистрации" and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 18 and sheet.column_dimensions["D"].width == 36
    by_number = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    # The discipline typed as a formula is text, shown as typed.
    formula = by_number[register.formula][3]
    assert formula.data_type != "f" and formula.value == FORMULA and formula.quotePrefix
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # Dates are dates; states, successors and reasons in words.
    issued = by_number[register.old][5]
    assert issued.is_date and issued.value == datetime(2026, 11, 12, 9, 0)
    assert by_number[register.old][7].value == "Заменён"
    assert f"заменён на № {register.new}" in by_number[register.old][8].value
    assert by_number[register.void][7].value == "Аннулирован" and "out of paper" in by_number[register.void][8].value
    assert by_number[register.physiology][3].value == PHYSIOLOGY
    assert by_number[register.new][9].value == "RU DOCX"
    assert by_number[register.void][9].value is None  # the void left no file
    # The export of a search: its rows only, headers in the language asked for.
    kk = read_xlsx(inspector.get("/api/v1/register.xlsx?discipline=қалыпты&lang=kk").get_data())
    assert [[c.value for c in row][:4] for row in kk.iter_rows()] == [
        ["Нөмірі", "Құжат түрі", "Топ", "Пән"],
        [register.physiology, "Күнтізбелік-тақырыптық жоспар", None, PHYSIOLOGY]]


# --- who reads it ------------------------------------------------------------------------------

def test_only_the_registrars_office_and_the_vice_rector_read_the_register(app, register):
    teacher = signed_in(app, "t.anat2", lang="ru")
    assert teacher.get("/registrar/register").status_code == 403
    assert teacher.get("/api/v1/register").status_code == 403
    assert teacher.get("/api/v1/register.xlsx").status_code == 403
    assert "/registrar/register" not in page(teacher, "/")
    stranger = app.test_client()
    r = stranger.get("/registrar/register")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert stranger.get("/api/v1/register").status_code == 401
    assert stranger.get("/api/v1/register.xlsx").status_code == 401
    db.session.add(UserRole(user_id=user("dean.ph").id, role="vice_rector"))
    db.session.commit()
    vice = signed_in(app, "dean.ph", lang="ru")
    assert len(page_rows(page(vice, "/registrar/register"))) == 6
    assert vice.get("/api/v1/register").json["total"] == 6
    for login in ("or.inspector", "or.head", "dean.ph"):
        assert 'href="/registrar/register"' in page(signed_in(app, login, lang="ru"), "/")


ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
CODES = {"XLSX", "DOCX", "PDF", "RU", "KK"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_page_has_no_english_word_in_kazakh_and_russian(app, register, lang):
    head = signed_in(app, "or.head", lang=lang)
    html = page(head, "/registrar/register?from=2026-11-06")  # not the void one: its reason is Python's
    main = re.search(r"<main[^>]*>(.*)</main>", html, re.DOTALL).group(1)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", main)).replace(FORMULA, " ")
    assert {w for w in ENGLISH_WORD.findall(text) if w not in CODES} == set()
