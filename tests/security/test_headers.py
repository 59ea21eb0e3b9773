"""Security headers on every response (issue 11b, item 6)."""
import pytest
from web_client import signed_in

from docservice import create_app
from docservice.models import db

pytestmark = pytest.mark.rendering  # the headers do not depend on the database

EVERYWHERE = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PATHS = ["/login", "/", "/api/v1/openapi.json", "/api/v1/document-types", "/api/v1/journals",
         "/static/app.css", "/no-such-page", "/api/v1/health"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(client, path):
    r = client.get(path)
    r.close()
    for name, value in EVERYWHERE.items():
        assert value in r.headers.get(name, ""), (path, name, r.headers.get(name))
    policy = r.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_signed_in_pages_and_refusals_carry_them_too(app, sample):
    client = signed_in(app, "t.anat2")
    for r in (client.get("/journals"), client.get("/registrar/archive"), client.post("/logout")):
        assert r.headers["Referrer-Policy"] == "same-origin" and "Permissions-Policy" in r.headers


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_when_served_over_https(app):
    secure = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SECRET_KEY": "test", "PUBLIC_URL": "https://journal.university.example"})
    r = secure.test_client().get("/login", base_url="https://journal.university.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with secure.app_context():
        db.session.remove()
        db.engine.dispose()
