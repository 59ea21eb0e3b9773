"""Sessions (issue 11b, item 2): a session ends on sign-out, on a password change or reset (the
user's epoch moves on, so a copied cookie dies too), after 12 hours, and when idle."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from store import user
from web_client import csrf, signed_in

from docservice import auth, create_app
from docservice.demo import DEMO_PASSWORD
from docservice.models import db

NEW = "Жаңа-құпия-2026-сөз"


def cookie(client, name="session"):
    found = client.get_cookie(name)
    return found.value if found else None


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie(client))
    return other


def signed_in_now(client) -> bool:
    return client.get("/").status_code == 200


class Clock:
    """Stands in for the ``time`` module in docservice.auth: the sessions' own clock."""

    def __init__(self):
        self.now = datetime.now(UTC).timestamp()

    def time(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta).total_seconds()


@pytest.fixture
def session_clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "time", clock)
    return clock


def test_the_probe_a_cookie_copied_before_sign_out_is_dead_after_it(app, sample):
    client = signed_in(app, "t.anat2")
    thief = copy_of(app, client)
    assert signed_in_now(thief)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").data)})
    assert not signed_in_now(client)
    r = thief.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert thief.get("/api/v1/journals").status_code == 401


def test_signing_in_again_does_not_revive_the_old_cookie(app, sample):
    client = signed_in(app, "t.anat2")
    thief = copy_of(app, client)
    client.post("/logout", data={"csrf_token": csrf(client.get("/").data)})
    signed_in(app, "t.anat2")
    assert not signed_in_now(thief)


def test_the_probe_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, sample):
    laptop, phone = signed_in(app, "t.anat2"), signed_in(app, "t.anat2")
    r = laptop.post("/password", data={"old": DEMO_PASSWORD, "new": NEW, "again": NEW,
                                       "csrf_token": csrf(laptop.get("/password").data)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    assert signed_in_now(laptop)
    assert not signed_in_now(phone)


def test_a_password_change_through_the_api_ends_the_other_sessions(app, sample):
    laptop, phone = signed_in(app, "t.anat2"), signed_in(app, "t.anat2")
    token = csrf(laptop.get("/").data)
    r = laptop.post("/api/v1/account/password", json={"old": DEMO_PASSWORD, "new": NEW}, headers={"X-CSRFToken": token})
    assert r.status_code == 204
    assert signed_in_now(laptop) and not signed_in_now(phone)


def test_a_reset_by_it_ends_every_session(app, sample):
    from docservice.users import reset_password

    client = signed_in(app, "t.anat2")
    reset_password(user("it.admin"), user("t.anat2"))
    assert not signed_in_now(client)


def test_a_deactivated_account_loses_its_session(app, sample):
    client = signed_in(app, "t.anat2")
    user("t.anat2").active = False
    db.session.commit()
    assert not signed_in_now(client)


def test_the_probe_sessions_last_twelve_hours_not_a_month(app, sample):
    assert app.permanent_session_lifetime <= timedelta(hours=12)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = csrf(client.get("/login").data)
    user_ = user("t.anat2")
    from docservice.users import set_password

    set_password(user_, DEMO_PASSWORD, must_change=False)
    db.session.commit()
    r = client.post("/login", data={"login": "t.anat2", "password": DEMO_PASSWORD, "csrf_token": token})
    header = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(UTC) <= timedelta(hours=12, minutes=1)


def test_a_session_ends_twelve_hours_after_sign_in_even_when_busy(app, sample, session_clock):
    app.config["SESSION_IDLE_MINUTES"] = None
    client = signed_in(app, "t.anat2")
    for _ in range(11):
        session_clock.advance(hours=1)
        assert signed_in_now(client)
    session_clock.advance(hours=1, minutes=1)
    assert not signed_in_now(client)


def test_an_idle_session_ends(app, sample, session_clock):
    client = signed_in(app, "t.anat2")
    session_clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    assert not signed_in_now(client)


def test_a_used_session_is_not_idle(app, sample, session_clock):
    client = signed_in(app, "t.anat2")
    for _ in range(5):
        session_clock.advance(minutes=app.config["SESSION_IDLE_MINUTES"] - 10)
        assert signed_in_now(client)


def test_the_lifetime_is_configurable(app, sample, session_clock):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    client = signed_in(app, "t.anat2")
    session_clock.advance(minutes=61)
    assert not signed_in_now(client)


def _remember(app, user_id: str):
    from flask_login.utils import encode_cookie

    client = app.test_client()
    with app.test_request_context():
        client.set_cookie("remember_token", encode_cookie(user_id))
    return client


@pytest.fixture
def teacher(sample):
    """t.anat2, free to use the pages (no one-time password to change)."""
    found = user("t.anat2")
    found.must_change_password = False
    db.session.commit()
    return found


def test_a_remember_cookie_of_an_old_epoch_is_refused(app, teacher):
    old = f"{teacher.id}:{teacher.session_epoch}"
    assert signed_in_now(_remember(app, old))  # the remember cookie itself works …
    from docservice.auth import sign_out

    with app.test_request_context():
        sign_out(teacher)
    assert not signed_in_now(_remember(app, old))  # … until the epoch moves on


def test_a_cookie_without_an_epoch_is_refused(app, teacher):
    assert signed_in_now(_remember(app, f"{teacher.id}:{teacher.session_epoch}"))
    assert not signed_in_now(_remember(app, str(teacher.id)))


def test_a_forged_epoch_is_refused(app, teacher):
    assert not signed_in_now(_remember(app, f"{teacher.id}:{teacher.session_epoch + 1}"))


def test_cookies_are_secure_when_served_over_https(app, sample):
    secure = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SECRET_KEY": "test", "PUBLIC_URL": "https://journal.university.example"})
    assert secure.config["SESSION_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SECURE"]
    client = secure.test_client()
    r = client.get("/login", base_url="https://journal.university.example")
    session_header = next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in session_header and "HttpOnly" in session_header
    with secure.app_context():
        db.session.remove()
        db.engine.dispose()


def test_sign_out_of_an_api_token_request_leaves_the_sessions_alone(app, sample):
    from docservice.users import issue_token

    client = signed_in(app, "t.anat2")
    bearer = {"Authorization": "Bearer " + issue_token(None, user("t.anat2"))}
    app.test_client().post("/logout", headers=bearer)  # a script holding a token ends no browser session
    assert signed_in_now(client)
