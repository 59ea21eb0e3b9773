"""Every page and GET route, walked by every role: nothing breaks, strangers are sent to sign
in, and a role's pages are refused to the other roles."""
import pytest
from web_client import signed_in

from docservice.web import nav

pytestmark = pytest.mark.rendering  # walks pages; the store is exercised elsewhere on both backends

ROLES_BY_LOGIN = {"t.anat2": "teacher", "head.anat": "head_of_department", "dean.gm": "dean",
                  "or.inspector": "registrar", "or.head": "registrar_head", "it.admin": "it",
                  "methodist": "methodist"}
PUBLIC = ("/login", "/verify", "/api/v1/verify", "/api/v1/health", "/api/v1/openapi.json", "/api/v1/document-types", "/static/")
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
