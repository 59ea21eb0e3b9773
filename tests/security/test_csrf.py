"""CSRF (issue 11b, item 1): every write riding on the session cookie needs the page's token;
a real, valid bearer token is the only thing that exempts a request."""
import pytest
from sqlalchemy import func, select
from store import journal, user
from web_client import csrf, signed_in

from docservice.journals import close_journal
from docservice.models import ReopenRequest, db
from docservice.users import issue_token

# The token is checked before any view runs: the database behind it does not change the answer.
pytestmark = pytest.mark.one_database

REASON = "При вводе оценок за РК1 перепутаны строки двух обучающихся"
NOTE = {"journal": "J0001", "wrong_entry_date": "2026-10-28", "reason": REASON, "with_grade_change": True}
ISSUE_NOTE = "/api/v1/documents/explanatory_note/issue?lang=ru&format=pdf"

# Session writes of every JSON blueprint, each with a body it would otherwise accept or refuse
# on its merits (never with 400 csrf).
API_WRITES = [
    ("POST", "/api/v1/documents/login_request/preview?lang=ru&format=pdf", "head.anat"),
    ("POST", ISSUE_NOTE, "t.anat2"),
    ("PUT", "/api/v1/journals/J0001/cells", "t.anat2"),
    ("POST", "/api/v1/journals/J0001/close", "t.anat2"),
    ("POST", "/api/v1/journals/J0001/deadline", "or.inspector"),
    ("POST", "/api/v1/periods/2026-2027/1/rule", "or.inspector"),
    ("POST", "/api/v1/archive/jobs", "or.inspector"),
    ("PUT", "/api/v1/archive/nomenclature", "or.inspector"),
    ("POST", "/api/v1/account/password", "t.anat2"),
]
# Any Authorization header but a valid bearer token counts for nothing.
NOT_A_TOKEN = ["Basic dDphbmF0Mjp4", "Bearer ds_nonsense", "Bearer", "bearer", "Token abc", "Digest x", "x"]


@pytest.fixture
def closed(sample, clock):
    close_journal(user("t.anat2"), journal("J0001"))
    clock.advance(days=1)


def requests_filed() -> int:
    return db.session.scalar(select(func.count(ReopenRequest.id)))


def test_the_probe_a_session_post_to_issue_without_the_token_is_refused_and_files_nothing(app, closed):
    teacher = signed_in(app, "t.anat2")
    r = teacher.post(ISSUE_NOTE, json=NOTE)
    assert r.status_code == 400 and r.get_json()["code"] == "csrf"
    assert requests_filed() == 0


@pytest.mark.parametrize("header", NOT_A_TOKEN)
def test_an_authorization_header_that_is_no_valid_token_does_not_turn_the_check_off(app, closed, header):
    teacher = signed_in(app, "t.anat2")
    r = teacher.post(ISSUE_NOTE, json=NOTE, headers={"Authorization": header})
    assert r.status_code == 400 and r.get_json()["code"] == "csrf", r.get_data(as_text=True)[:300]
    assert requests_filed() == 0


def test_with_the_pages_token_the_session_issues(app, closed):
    teacher = signed_in(app, "t.anat2")
    token = csrf(teacher.get("/").data)
    r = teacher.post(ISSUE_NOTE, json=NOTE, headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.get_data(as_text=True)[:300]
    assert requests_filed() == 1


def test_a_valid_bearer_token_needs_no_csrf_token_even_beside_a_session(app, closed):
    teacher = signed_in(app, "t.anat2")
    bearer = {"Authorization": "Bearer " + issue_token(None, user("t.anat2"))}
    r = teacher.post(ISSUE_NOTE, json=NOTE, headers=bearer)
    assert r.status_code == 201 and requests_filed() == 1


def test_a_bearer_token_names_the_user_whatever_session_comes_with_it(app, sample):
    head = signed_in(app, "head.anat")
    bearer = {"Authorization": "Bearer " + issue_token(None, user("t.anat2"))}
    mine = head.get("/api/v1/journals", headers=bearer).get_json()["journals"]
    assert mine and all(j["role"] for j in mine)
    r = head.get("/api/v1/department/journals", headers=bearer)
    assert r.status_code == 403  # the teacher of the token, not the head of the session


def test_a_revoked_token_exempts_nothing(app, closed):
    from docservice.clock import now
    from docservice.models import ApiToken

    teacher = signed_in(app, "t.anat2")
    secret = issue_token(None, user("t.anat2"))
    for row in db.session.scalars(select(ApiToken)):
        row.revoked_at = now()
    db.session.commit()
    r = teacher.post(ISSUE_NOTE, json=NOTE, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 400 and requests_filed() == 0


@pytest.mark.parametrize("method,path,login", API_WRITES)
def test_every_json_blueprint_refuses_a_session_write_without_the_token(app, sample, method, path, login):
    client = signed_in(app, login)
    r = client.open(path, method=method, json={})
    assert r.status_code == 400 and r.get_json()["code"] == "csrf", (path, r.status_code)


@pytest.mark.parametrize("method,path,login", API_WRITES)
def test_every_json_blueprint_takes_the_header_token(app, sample, method, path, login):
    client = signed_in(app, login)
    token = csrf(client.get("/").data)
    r = client.open(path, method=method, json={}, headers={"X-CSRFToken": token})
    assert r.status_code < 500 and (r.status_code != 400 or (r.get_json() or {}).get("code") != "csrf"), \
        (path, r.status_code, r.get_data(as_text=True)[:200])


@pytest.mark.parametrize("lang,words", [("kk", "қауіпсіздік белгісі"), ("ru", "защитный токен")])
def test_the_refusal_says_why_in_kazakh_and_russian(app, sample, lang, words):
    client = signed_in(app, "t.anat2")
    r = client.put(f"/api/v1/journals/J0001/cells?lang={lang}", json={})
    assert r.status_code == 400 and words in r.get_json()["message"]


def test_a_token_of_another_session_is_refused(app, sample):
    teacher, other = signed_in(app, "t.anat2"), signed_in(app, "head.anat")
    foreign = csrf(other.get("/").data)
    r = teacher.put("/api/v1/journals/J0001/cells", json={}, headers={"X-CSRFToken": foreign})
    assert r.status_code == 400


@pytest.mark.parametrize("path,data", [("/language", {"lang": "ru", "next": "/"}), ("/logout", {}),
                                       ("/password", {"old": "x", "new": "y", "again": "y"})])
def test_page_forms_without_the_token_are_refused(app, sample, path, data):
    client = signed_in(app, "t.anat2")
    assert client.post(path, data=data).status_code == 400
    assert client.get("/").status_code == 200  # and the session goes on


def test_strangers_writing_to_the_api_are_told_to_sign_in_not_about_csrf(app, sample):
    app.config["WTF_CSRF_ENABLED"] = True
    r = app.test_client().put("/api/v1/journals/J0001/cells", json={})
    assert r.status_code == 401


def test_the_public_verify_route_stays_open_to_anyone(app, sample):
    import io

    app.config["WTF_CSRF_ENABLED"] = True
    r = app.test_client().post("/api/v1/verify", data={"file": (io.BytesIO(b"%PDF-1.7 nothing"), "x.pdf")})
    assert r.status_code < 500 and "csrf" not in r.get_data(as_text=True).lower()


def test_the_swagger_page_carries_the_token_its_script_sends(app, sample):
    client = signed_in(app, "t.anat2")
    html = client.get("/api/v1/docs").get_data(as_text=True)
    import re

    token = re.search(r'data-csrf-token="([^"]+)"', html).group(1)
    r = client.put("/api/v1/journals/J0001/cells", json={}, headers={"X-CSRFToken": token})
    assert r.status_code != 400 or r.get_json().get("code") != "csrf"
