"""Redirects (issue 11b, item 3): only to paths of this site, through one function, ``safe_next``."""
import pytest
from web_client import csrf, signed_in

from docservice.demo import DEMO_PASSWORD
from docservice.web.account import safe_next

# Where a redirect may lead is decided from the URL alone.
pytestmark = pytest.mark.one_database

HOSTILE = [
    "//evil.example", "/%09/evil.example", "/\t/evil.example", "/%0d%0aSet-Cookie:x=1", "/\r\nLocation: //e",
    "/\\evil.example", "\\\\evil.example", "/%5Cevil.example", "https://evil.example", "http:/evil.example",
    "javascript:alert(1)", "evil.example", "", " /x", "/%2F%2Fevil.example", "/%252F%252Fevil.example",
    "///evil.example", "/ /evil.example", "/%20/evil.example", "/\x00", "/%00", "/x\u2028y", "/\u00a0/evil",
    "data:text/html,x", "/%E2%80%A8", None, 5,
]
FINE = ["/", "/journals", "/journals/J0001?lang=kk", "/documents#issued", "/registrar/archive?period=2026-2027/1",
        "/verify/01-15%2F2026%2F0001"]


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_but_a_path_of_this_site_leads_home(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


@pytest.mark.parametrize("target", FINE)
def test_a_path_of_this_site_is_kept(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def _sign_in(client, next_query: str):
    token = csrf(client.get("/login").data)
    return client.post(f"/login?next={next_query}", data={"login": "t.anat2", "password": DEMO_PASSWORD,
                                                            "csrf_token": token})


@pytest.mark.parametrize("query", ["/%09/evil.example", "//evil.example", "/%5Cevil.example",
                                   "https://evil.example/", "/%0d%0aSet-Cookie:%20x=1"])
def test_the_probe_sign_in_never_sends_elsewhere(app, sample, query):
    signed_in(app, "t.anat2")  # sets the password
    r = _sign_in(app.test_client(), query)
    assert r.status_code == 302, r.status_code  # not 500 for a header-splitting target
    assert r.headers["Location"] == "/"


def test_sign_in_keeps_a_path_of_this_site(app, sample):
    signed_in(app, "t.anat2")
    r = _sign_in(app.test_client(), "/journals")
    assert r.status_code == 302 and r.headers["Location"] == "/journals"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\r\nX: y", "https://evil.example"])
def test_the_probe_the_language_switch_never_sends_elsewhere(app, sample, target):
    client = signed_in(app, "t.anat2")
    r = client.post("/language", data={"lang": "kk", "next": target, "csrf_token": csrf(client.get("/").data)})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_the_language_switch_returns_to_the_page(app, sample):
    client = signed_in(app, "t.anat2")
    r = client.post("/language", data={"lang": "kk", "next": "/journals", "csrf_token": csrf(client.get("/").data)})
    assert r.headers["Location"] == "/journals"
