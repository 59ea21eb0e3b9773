"""Hostile text in the URL, the query and forms (issue 11a, unhandled errors): a NUL (PostgreSQL
cannot store or even compare it: a 500 before), another control character or a non-character,
in every variable part of every route's URL, in the query of every page and API route, and in
every posted form. Each is refused with 400 and a kk/ru message before any view runs; nothing
is stored. And ``next=/%0d%0a…`` on sign-in no longer breaks it (refused as a target: home)."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from hostile_support import assert_refused, changed, fingerprint, folders_of, store  # noqa: F401
from web_client import signed_in

from docservice import create_app

SAMPLE_VALUES = {"code": "J0001", "type_id": "vedomost", "number": "01-15/2026/0001", "filename": "app.css",
                 "record_book": "24010001", "login": "t.anat2"}
INTS = {"request_id": "1", "job_id": "1", "document_id": "1", "period_id": "1", "doc_id": "1", "id": "1"}
BAD = {"nul": "a\x00b", "escape": "a\x1b[31mb", "bell": "\x07", "nonchar": "a\ufffeb"}


def _rules():
    """Every route of the app: (rule, its methods, its variable parts that take text)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t"})
    return [(rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}), [a for a in rule.arguments if a not in INTS])
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)]


RULES = _rules()


def url(rule: str, bad_arg: str | None = None, bad: str = "") -> str:
    path = rule
    for arg, value in {**SAMPLE_VALUES, **INTS}.items():
        value = quote(bad, safe="") if arg == bad_arg else value
        for form in (f"<{arg}>", f"<path:{arg}>", f"<int:{arg}>"):
            path = path.replace(form, value)
    return path


def first(methods: list[str]) -> str:
    return "GET" if "GET" in methods else methods[0]


PATH_CASES = [(rule, first(methods), arg, kind) for rule, methods, args in RULES for arg in args
              for kind in ("nul", "escape")]
QUERY_CASES = [(rule, first(methods)) for rule, methods, _ in RULES]
FORM_CASES = [(rule, "POST") for rule, methods, _ in RULES if "POST" in methods and not rule.startswith("/api/")]


@pytest.fixture(scope="module")
def client(store):
    """The registrar's head, signed in (its password is set once, before any fingerprint)."""
    return signed_in(store, "or.head")


@pytest.mark.parametrize("rule, method, arg, kind", PATH_CASES,
                         ids=[f"{r}:{a}:{k}" for r, _, a, k in PATH_CASES])
def test_a_bad_character_in_the_url_is_refused(store, client, rule, method, arg, kind):
    before = fingerprint(*folders_of(store))
    r = client.open(url(rule, arg, BAD[kind]), method=method, headers={"Accept-Language": "kk"})
    said = assert_refused(r, "kk", statuses=(400,))
    assert "U+00" in said and arg in said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("rule, method", QUERY_CASES, ids=[r for r, _ in QUERY_CASES])
def test_a_bad_character_in_the_query_is_refused(store, client, rule, method):
    before = fingerprint(*folders_of(store))
    query = {"period": "2026-2027/1\x00", "lang": "ru", "department": "ANAT", "year": "2026-2027", "next": "/"}
    r = client.open(url(rule), method=method, query_string=query)
    said = assert_refused(r, "ru", statuses=(400,))
    assert "period" in said and "U+0000" in said
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("rule, method", FORM_CASES, ids=[r for r, _ in FORM_CASES])
@pytest.mark.parametrize("kind", ["nul", "nonchar"])
def test_a_bad_character_in_a_form_is_refused(store, client, rule, method, kind):
    before = fingerprint(*folders_of(store))
    form = {"login": "or.head", "password": BAD[kind], "reason": BAD[kind], "protocol": "12",
            "period": "2026-2027/1", "index": "02-07", "lang": "ru", "next": "/"}
    r = client.open(url(rule), method=method, data=form)
    said = assert_refused(r, "ru", statuses=(400,))
    assert "U+" in said
    assert not changed(before, fingerprint(*folders_of(store)))


def test_a_bad_upload_file_name_is_refused(store, client):
    import io

    before = fingerprint(*folders_of(store))
    r = client.post("/registrar/import", data={"file": (io.BytesIO(b"{}"), "a\x00b.json")},
                    content_type="multipart/form-data")
    assert_refused(r, statuses=(400,))
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20evil=1", "/%0aLocation:%20https://evil.example",
                                    "/%250d%250aX:%201", "/\r\nSet-Cookie: evil=1"])
def test_crlf_in_next_on_sign_in_is_no_error(store, target):
    """The issue's ``next=/%0d%0a…``: sign-in succeeds and goes home; no header is split."""
    signed_in(store, "t.anat2")  # its password set
    from docservice.demo import DEMO_PASSWORD

    client = store.test_client()
    store.config["WTF_CSRF_ENABLED"] = False
    try:
        r = client.post("/login", query_string=f"next={target}" if "%" in target else {"next": target},
                        data={"login": "t.anat2", "password": DEMO_PASSWORD})
    finally:
        store.config["WTF_CSRF_ENABLED"] = True
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    assert r.headers["Location"] == "/"
    assert "evil" not in str(r.headers)


@pytest.mark.parametrize("method, path, where", [
    ("POST", "/documents/ktp/preview", "form"),      # a row index of 5,000 digits: int()'s limit, a 500 before
    ("POST", "/documents/ktp/check", "form"),
    ("GET", "/api/v1/deadlines", "query"),
    ("GET", "/journals", "query"),
])
def test_a_field_name_of_thousands_of_characters_is_refused(store, client, method, path, where):
    name = "rows." + "9" * 5000 + ".date"
    before = fingerprint(*folders_of(store))
    if where == "form":
        r = client.open(path, method=method, data={"journal": "J0001", name: "2026-09-02"})
    else:
        r = client.open(path, method=method, query_string={name: "1"})
    said = assert_refused(r, statuses=(400,))
    assert "Слишком длинное имя поля (5010" in said
    assert not changed(before, fingerprint(*folders_of(store)))
