"""The registrar's monitoring as a registrar uses it (issue 13, items 7 and 8): every figure
opens the journals behind it, as many rows as the figure says; the page and the summary
vedomosts download as Excel workbooks with names as inert text; a journal prints on A4
landscape for the registrar's and the dean's office."""
import io
import re
from datetime import date
from html import unescape

import openpyxl
import pytest
from store import journal, user
from web_client import page, signed_in

from docservice import reopen
from docservice.journals import close_journal, set_mark
from docservice.models import Journal, Student, db

# What the monitoring pages show and export; the figures' queries run on both databases in
# test_monitoring.py.
pytestmark = [pytest.mark.one_database, pytest.mark.usefixtures("sample")]

HOSTILE = '=HYPERLINK("http://evil.example","Нажмите")'


def figures(html: str, department: str) -> list[tuple[str, int]]:
    """A department's row of the monitoring page: (link, figure) for each figure."""
    row = re.search(rf'<tr data-department="{department}">(.*?)</tr>', html, re.S).group(1)
    return [(unescape(href), int(n)) for href, n in re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', row)]


def listed(client, href: str) -> list[str]:
    """The journal codes of every row behind a link (all its pages), checking the found line."""
    html = page(client, href)
    found = int(re.search(r"Найдено журналов: (\d+)", html).group(1))
    rows = re.findall(r'<tr data-journal="([^"]+)">', html)
    while (more := re.search(r'<a href="([^"]+)" rel="next">', html)):
        html = page(client, unescape(more.group(1)))
        rows += re.findall(r'<tr data-journal="([^"]+)">', html)
    assert len(rows) == found
    return rows


def anatomy() -> list[Journal]:
    return [j for j in db.session.scalars(db.select(Journal)) if j.department.code == "ANAT"]


def reopen_once(clock, code: str, kind: str):
    j = journal(code)
    if j.state == "open":
        close_journal(user("t.anat2"), j)
    req = reopen.file_request(user("t.anat2"), j, kind, "ошибка в оценке")
    if kind == "with_change":
        reopen.visa(j.department.head, req)
        reopen.decide(j.school.dean, req, "№1", date(2026, 11, 6))
    reopen.grant(user("or.head"), req)
    reopen.complete(user("t.anat2"), req)
    clock.advance(hours=1)


def test_every_figure_opens_exactly_the_journals_it_counts(app, clock):
    client = signed_in(app, "or.head", lang="ru")
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=7)  # 12 Nov: the sample's other journals are due on the 14th
    journals = anatomy()
    html = page(client, "/registrar/monitoring")
    assert "Сдать в течение 2 дн." in html
    shown = figures(html, "ANAT")
    open_codes = sorted(j.code for j in journals if j.state == "open")
    due = sorted(j.code for j in journals if j.state == "open" and j.deadline <= date(2026, 11, 14))
    assert 0 < len(due) < len(open_codes)  # the sample's deadlines run from 13 to 16 Nov
    # total, open, due within 2 days, closed, locked, closed late or overdue
    assert [n for _, n in shown] == [len(journals), len(journals) - 1, len(due), 1, 0, 0]
    for href, n in shown:
        assert len(listed(client, href)) == n, href
    assert sorted(listed(client, shown[1][0])) == open_codes and sorted(listed(client, shown[2][0])) == due
    assert listed(client, shown[3][0]) == ["J0001"]

    clock.advance(days=5)  # 17 Nov: past every deadline, the open ones are locked
    shown = figures(page(client, "/registrar/monitoring"), "ANAT")
    assert [n for _, n in shown] == [len(journals), 0, 0, 1, len(journals) - 1, len(journals) - 1]
    for href, n in shown:
        assert len(listed(client, href)) == n, href
    locked = page(client, shown[4][0])
    assert "заблокирован по сроку" in locked and "Кафедра анатомии" in locked
    assert sorted(listed(client, shown[4][0])) == open_codes


def test_reopenings_open_one_row_per_reopening(app, clock):
    reopen_once(clock, "J0001", "with_change")
    reopen_once(clock, "J0001", "with_change")  # the same journal twice: two rows
    reopen_once(clock, "J0003", "without_change")
    client = signed_in(app, "or.head", lang="ru")
    html = page(client, "/registrar/monitoring")
    department = re.search(r'<td>Кафедра анатомии</td><td><a href="([^"]+reopened=all[^"]*)">(\d+)</a>', html)
    assert department.group(2) == "3"
    assert sorted(listed(client, unescape(department.group(1)))) == ["J0001", "J0001", "J0003"]
    teacher = re.search(r"<tr><td>Өтебаев Нұрсұлтан Еркебұланұлы</td><td>[^<]*</td>"
                        r'<td><a href="([^"]+)">(\d+)</a></td><td><a href="([^"]+)">(\d+)</a>', html)
    assert (teacher.group(2), teacher.group(4)) == ("3", "2")
    assert listed(client, unescape(teacher.group(3))) == ["J0001", "J0001"]
    behind = page(client, unescape(teacher.group(3)))
    assert "повторные открытия с изменением оценок" in behind and "с изменением оценок<br>" in behind and "Өтебаев Нұрсұлтан Еркебұланұлы" in behind
    # the list keeps its presets through a search
    assert listed(client, unescape(teacher.group(1)) + "&q=J0003") == ["J0003"]


def test_the_figures_lists_are_the_registrars_and_vice_rectors(app):
    assert signed_in(app, "dean.gm").get("/registrar/monitoring/journals").status_code == 403
    assert signed_in(app, "t.anat2").get("/registrar/monitoring.xlsx").status_code == 403


def sheet_rows(content: bytes, title: str | None = None) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list((book[title] if title else book.worksheets[0]).iter_rows(values_only=True))


def test_monitoring_downloads_as_a_workbook_with_numbers_and_inert_names(app, clock):
    reopen_once(clock, "J0001", "with_change")
    teacher = user("t.anat2")
    teacher.full_name = HOSTILE
    db.session.commit()
    client = signed_in(app, "or.head", lang="kk")
    html = page(client, "/registrar/monitoring")
    href = unescape(re.search(r'href="(/registrar/monitoring\.xlsx[^"]*)"', html).group(1))
    r = client.get(href)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    journals = list(book.worksheets[0].iter_rows(values_only=True))
    assert journals[0][:3] == ("Кафедра", "Журналдар", "Ашық")
    anat = next(row for row in journals if row[0] == "Анатомия кафедрасы")
    assert anat[1] == len(anatomy()) and isinstance(anat[1], int)
    assert anat[1:] == tuple(figure for _, figure in figures(page(client, "/registrar/monitoring"), "ANAT"))
    teachers = list(book.worksheets[2].iter_rows())
    cell = next(row[0] for row in teachers[1:] if HOSTILE in str(row[0].value))
    # the name as typed, a text cell with Excel's quote prefix: shown, never run as a formula
    assert cell.value == HOSTILE and cell.data_type == "s" and cell.quotePrefix
    assert not any(c.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    assert [c.value for c in teachers[1] if isinstance(c.value, int)] == [1, 1]


def test_summary_vedomost_downloads_as_a_workbook(app, clock):
    group = journal("J0001").group
    student = min(group.students, key=lambda s: s.record_book)
    db.session.get(Student, student.id).full_name = HOSTILE
    db.session.commit()
    client = signed_in(app, "dean.gm", lang="ru")
    html = page(client, "/summary")
    row = re.search(rf'<tr data-group="{group.code}">.*?</tr>', html, re.S).group(0)
    href = unescape(re.search(r'href="(/summary\.xlsx\?[^"]+)"', row).group(1))
    r = client.get(href)
    assert r.status_code == 200 and "filename*=UTF-8''summary-" in r.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == [group.code]
    rows = list(book.worksheets[0].iter_rows())
    header = [c.value for c in rows[0]]
    # the document's own words: the sheet reads as the summary vedomost prints
    assert header[:3] == ["№", "Ф.И.О. обучающегося", "№ зачётной книжки"]
    assert header[-2:] == ["Набрано кредитов", "GPA"]
    assert any("Анатомия" in str(h) and h.endswith("кр.), %") for h in header[3:-2])
    hostile = next(row for row in rows[1:] if row[1].value == HOSTILE)
    assert hostile[1].data_type == "s" and hostile[1].quotePrefix and hostile[2].value == student.record_book
    assert not any(c.data_type == "f" for row in rows for c in row)
    assert rows[-1][1].value == "Средний итоговый балл группы, %"
    assert len(rows) == len(group.students) + 2

    # Every student's final in a closed journal is in the sheet as a number.
    for row in rows[1:-1]:
        finals = [c.value for c in row[3:-2:2]]
        assert all(v is None or isinstance(v, int) for v in finals)

    # A dean sees only the groups of the school: another school's group is not found.
    other = "ФР-24-03к"
    assert client.get(f"/summary.xlsx?period={journal('J0001').period.code}&group={other}").status_code == 404
    whole = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/summary.xlsx?period={journal('J0001').period.code}").data))
    assert other not in whole.sheetnames and group.code in whole.sheetnames and len(whole.sheetnames) >= 2


def test_a_journal_prints_on_a4_landscape_for_the_dean_and_the_registrar(app):
    set_mark(user("t.anat2"), journal("J0001"), "24010001", "RK1", 87)
    for login in ("dean.gm", "or.inspector"):
        html = page(signed_in(app, login, lang="kk"), "/journals/J0001/print")
        assert 'href="/static/print.css' in html and "A4" in html
        row = re.search(r'<tr data-student="24010001">(.*?)</tr>', html, re.S).group(1)
        assert ">87<" in row and 'data-out="tk"' in row
        assert "РК1" in html and "Емтихан" in html and "Өтебаев Нұрсұлтан Еркебұланұлы" in html
    with open(f"{app.static_folder}/print.css", encoding="utf-8") as css:
        assert "size: A4 landscape" in css.read()
    # the print view is the journal's own page's: who may not read the journal may not print it
    assert signed_in(app, "dean.ph").get("/journals/J0001/print").status_code == 403
    assert signed_in(app, "t.chem1").get("/journals/J0001/print").status_code == 403
