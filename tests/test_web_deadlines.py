"""The registrar's deadlines list on the demo faculty (115 journals): searched, filtered by
state, sorted, 50 a page, and a deadline set from a filtered page comes back to it (issue 13,
item 7)."""
import re
from urllib.parse import parse_qs, urlparse

import pytest
from web_client import page, post, signed_in

from docservice.models import Journal, db

pytestmark = pytest.mark.demo


def codes(html: str) -> list[str]:
    return re.findall(r'<tr id="j-([^"]+)">', html)


def deadlines(html: str) -> list[str]:
    return re.findall(r'<input type="date" name="deadline" value="([^"]+)"', html)


def test_the_list_is_paged_sorted_by_the_nearest_deadline_and_searchable(app):
    client = signed_in(app, "or.inspector", lang="ru")
    total = db.session.scalar(db.select(db.func.count(Journal.id)))
    first = page(client, "/registrar/deadlines")
    assert f"Найдено журналов: {total}" in first and "Страница 1 из" in first
    assert len(codes(first)) == 50 and deadlines(first) == sorted(deadlines(first))
    second = page(client, "/registrar/deadlines?page=2")
    assert not set(codes(first)) & set(codes(second)) and min(deadlines(second)) >= max(deadlines(first))

    group = db.session.scalars(db.select(Journal)).first().group.code
    found = page(client, f"/registrar/deadlines?q={group.lower()}&sort=code")
    expected = sorted(j.code for j in db.session.scalars(db.select(Journal)) if j.group.code == group)
    assert codes(found) == expected and f"Найдено журналов: {len(expected)}" in found

    for journal in db.session.scalars(db.select(Journal).order_by(Journal.code).limit(2)):
        journal.state = "closed"  # two closed journals among the open ones
    db.session.commit()
    closed = page(client, "/registrar/deadlines?state=closed")
    rows = re.findall(r'<tr id="j-.*?</tr>', closed, re.S)
    expected = {j.code for j in db.session.scalars(db.select(Journal).where(Journal.state == "closed"))}
    assert expected and set(codes(closed)) == expected and all("ov-state ov-closed" in row for row in rows)


def test_a_deadline_set_from_a_searched_page_comes_back_to_it(app):
    client = signed_in(app, "or.inspector", lang="kk")
    journal = db.session.scalars(db.select(Journal).where(Journal.state == "open")).first()
    html = page(client, f"/registrar/deadlines?q={journal.code}")
    assert codes(html) == [journal.code] and "Табылған журналдар: 1" in html
    later = journal.final_control.replace(day=min(journal.final_control.day + 5, 28)).isoformat()
    r = post(client, f"/registrar/journals/{journal.code}/deadline",
             {"deadline": later, "period": journal.period.code, "q": journal.code}, "/registrar/deadlines")
    assert r.status_code == 302 and parse_qs(urlparse(r.headers["Location"]).query)["q"] == [journal.code]
    assert db.session.get(Journal, journal.id).deadline.isoformat() == later
