"""Every page and GET route, walked by every role: nothing breaks, strangers are sent to sign
in, and a role's pages are refused to the other roles."""
import pytest
from web_client import csrf, signed_in

from docservice.web import nav

pytestmark = pytest.mark.rendering  # walks pages; the store is exercised elsewhere on both backends

ROLES_BY_LOGIN = {"t.anat2": "teacher", "head.anat": "head_of_department", "dean.gm": "dean",
                  "or.inspector": "registrar", "or.head": "registrar_head", "it.admin": "it",
                  "methodist": "methodist"}
PUBLIC = ("/login", "/verify", "/api/v1/verify", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/document-types", "/static/",
          "/favicon.ico")
VALUES = {"code": "J0001", "type_id": "login_request", "number": "01-15/2026/0001", "id": "1",
          "request_id": "1", "period": "2026-2027/1", "filename": "app.css", "doc_id": "1", "job_id": "1"}


def status_of(client, path) -> int:
    response = client.get(path)
    response.close()  # static files are streamed: let go of the file
    return response.status_code


def get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        try:
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<{arg}>", VALUES[arg]).replace(f"<path:{arg}>", VALUES[arg]) \
                           .replace(f"<int:{arg}>", VALUES[arg])
        except KeyError as missing:
            pytest.fail(f"the walk has no sample value for <{missing.args[0]}> of {rule.rule}")
        yield rule.endpoint, path


def test_strangers_are_sent_to_sign_in(app, sample):
    client = app.test_client()
    for endpoint, path in get_routes(app):
        status = status_of(client, path)
        assert status < 500, (path, status)
        if not path.startswith(PUBLIC) and endpoint != "account.login":
            assert status in (302, 401), (path, status)


def test_every_role_walks_every_route_without_an_error(app, sample):
    for login in ROLES_BY_LOGIN:
        client = signed_in(app, login)
        for _, path in get_routes(app):
            status = status_of(client, path)
            assert status < 500, (login, path, status)


def test_role_pages_are_refused_to_other_roles(app, sample):
    for login, role in ROLES_BY_LOGIN.items():
        client = signed_in(app, login)
        user_roles = {"head.anat": {"teacher", "head_of_department"}, "or.head": {"registrar", "registrar_head"}}.get(
            login, {role})
        for entry in nav.ENTRIES:
            if not entry.roles:
                continue
            with app.test_request_context():
                from flask import url_for

                path = url_for(entry.endpoint)
            status = status_of(client, path)
            if user_roles & set(entry.roles):
                assert status == 200, (login, path, status)
            else:
                assert status == 403, (login, path, status)


# --- every write route (POST/PUT/PATCH/DELETE) × every role (issue 11b) --------------------

WRITE_VALUES = {**VALUES, "document_id": "1", "period_id": "1", "record_book": "24010001", "login": "t.anat1"}
# Writes anyone may send: signing in, the language, verifying a document.
PUBLIC_WRITES = {"account.login", "account.language", "documents.verify", "docpages.verify", "docpages.verify_any"}
REGISTRAR = frozenset({"registrar", "registrar_head"})
# Role pages' writes and the roles they belong to; every other role is refused (403).
ROLE_WRITES = {
    **dict.fromkeys(["oversight.archive_start", "oversight.archive_resume", "oversight.archive_cancel",
                     "oversight.archive_nomenclature_save", "oversight.archive_nomenclature_delete",
                     "oversight.period_rule", "oversight.journal_deadline"], REGISTRAR),
    **dict.fromkeys(["oversight.import_preview", "oversight.import_confirm", "oversight.import_cancel"],
                    REGISTRAR | {"methodist", "it"}),
    **dict.fromkeys(["oversight.substitute", "oversight.upload_ktp"], frozenset({"head_of_department"})),
    **dict.fromkeys(["oversight.issue_account", "oversight.reject_login_request", "oversight.reset_password",
                     "oversight.issue_student_account", "oversight.issue_group_accounts"], frozenset({"it"})),
    **dict.fromkeys(["oversight.visa", "oversight.decide", "oversight.grant", "oversight.give_back"],
                    REGISTRAR | {"head_of_department", "dean"}),
}
# Their JSON twins: never carried out (2xx/3xx) for another role.
ROLE_API_WRITES = {
    **dict.fromkeys(["archive_api.start", "archive_api.cancel", "archive_api.put_nomenclature",
                     "oversight_api.journal_deadline", "oversight_api.period_rule"], REGISTRAR),
    "oversight_api.import_file": REGISTRAR | {"methodist", "it"},
    **dict.fromkeys(["oversight_api.issue_account", "oversight_api.reject_login_request", "oversight_api.reset_password",
                     "oversight_api.issue_student_account", "oversight_api.issue_group_accounts"], frozenset({"it"})),
}
USER_ROLES = {"head.anat": {"teacher", "head_of_department"}, "or.head": {"registrar", "registrar_head"}}


def write_routes(app):
    """(endpoint, method, path) of every route that writes; signing out comes last."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            path = rule.rule
            for arg in rule.arguments:
                if arg not in WRITE_VALUES:
                    pytest.fail(f"the walk has no sample value for <{arg}> of {rule.rule}")
                for pattern in (f"<{arg}>", f"<path:{arg}>", f"<int:{arg}>"):
                    path = path.replace(pattern, WRITE_VALUES[arg])
            found.append((rule.endpoint, method, path))
    assert len(found) >= 50
    return sorted(found, key=lambda route: route[0] == "account.logout")


def send(client, method, path, token=None):
    """A write as the pages send it: a form with ``csrf_token``, or JSON with ``X-CSRFToken``."""
    if path.startswith("/api/"):
        return client.open(path, method=method, json={}, headers={"X-CSRFToken": token} if token else {})
    return client.open(path, method=method, data={"csrf_token": token} if token else {})


def test_strangers_cannot_write_anywhere(app, sample):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf(client.get("/login").data)  # even with a valid CSRF token of their own session
    for endpoint, method, path in write_routes(app):
        response = send(client, method, path, token)
        status = response.status_code
        assert status < 500, (method, path, status)
        if endpoint not in PUBLIC_WRITES:
            assert status in (302, 401), (method, path, status)
            if status == 302:
                assert "/login" in response.headers.get("Location", ""), (method, path)


def test_cookie_writes_without_the_csrf_token_are_refused_for_every_role(app, sample):
    for login in ROLES_BY_LOGIN:
        client = signed_in(app, login)
        for _, method, path in write_routes(app):
            status = send(client, method, path).status_code
            assert status in (400, 403), (login, method, path, status)


def test_every_role_writes_every_route_without_an_error(app, sample):
    for login in ROLES_BY_LOGIN:
        client = signed_in(app, login)
        token = csrf(client.get("/").data)
        for _, method, path in write_routes(app):
            status = send(client, method, path, token).status_code
            assert status < 500, (login, method, path, status)


def test_role_writes_are_refused_to_other_roles(app, sample):
    for login, role in ROLES_BY_LOGIN.items():
        client = signed_in(app, login)
        token = csrf(client.get("/").data)
        roles = USER_ROLES.get(login, {role})
        for endpoint, method, path in write_routes(app):
            if endpoint in ROLE_WRITES and not roles & ROLE_WRITES[endpoint]:
                status = send(client, method, path, token).status_code
                assert status == 403, (login, method, path, status)
            elif endpoint in ROLE_API_WRITES and not roles & ROLE_API_WRITES[endpoint]:
                status = send(client, method, path, token).status_code
                assert status >= 400, (login, method, path, status)
