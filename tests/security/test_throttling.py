"""Sign-in (issue 11b, item 5): unknown logins cost the same hashing as known ones; guessing is
throttled per login and client, per client, and a login's failures from everywhere slow it
down rather than lock it out."""
import pytest
from sqlalchemy import select
from store import user
from web_client import csrf

from docservice import users
from docservice.errors import DomainError
from docservice.models import LoginFailure, db
from docservice.users import authenticate, create_user

GOOD = "Жаңа-құпия-2026"


@pytest.fixture
def owner(app):
    return create_user(None, "t.owner", "Иесі", ["teacher"], password=GOOD)[0]


@pytest.fixture
def hashing(monkeypatch):
    """Counts the password checks authenticate makes."""
    calls = []
    real = users.check_password_hash

    def counted(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(users, "check_password_hash", counted)
    return calls


def refusal(login, password, remote="10.0.0.1", **kw):
    try:
        authenticate(login, password, remote=remote, **kw)
    except DomainError as err:
        return err.code
    return None


def test_the_probe_an_unknown_login_costs_one_hash_check_as_a_known_one(app, owner, hashing):
    assert refusal("t.owner", "wrong-guess") == "bad_login"
    assert refusal("nobody.here", "wrong-guess") == "bad_login"
    assert len(hashing) == 2


def test_the_dummy_hash_is_made_as_real_ones(app, owner):
    method = owner.password_hash.split("$", 1)[0]
    assert users._dummy_hash().split("$", 1)[0] == method


def test_an_inactive_or_passwordless_account_costs_the_same(app, sample, owner, hashing):
    owner.active = False
    db.session.commit()
    assert refusal("t.owner", GOOD) == "bad_login"
    assert refusal("t.anat2", "anything-at-all") == "bad_login"  # imported, no password yet
    assert len(hashing) == 2


def test_five_failures_refuse_that_client_that_login(app, owner):
    for _ in range(5):
        assert refusal("t.owner", "wrong-guess") == "bad_login"
    assert refusal("t.owner", GOOD) == "login_throttled"


def test_the_probe_nobody_locks_a_login_out_from_another_address(app, owner):
    for _ in range(5):
        refusal("t.owner", "wrong-guess", remote="203.0.113.7")
    assert refusal("t.owner", GOOD, remote="203.0.113.7") == "login_throttled"
    assert refusal("t.owner", GOOD, remote="10.1.2.3") is None


def test_the_probe_one_client_cannot_spray_many_logins(app, owner):
    for n in range(20):
        assert refusal(f"guess.{n}", "wrong-guess", remote="198.51.100.9") == "bad_login"
    assert refusal("t.owner", GOOD, remote="198.51.100.9") == "login_throttled"
    assert refusal("guess.99", "x", remote="198.51.100.9") == "login_throttled"
    assert refusal("t.owner", GOOD, remote="10.1.2.3") is None  # other clients go on


def _fail_from_many(login, count, start=0):
    for n in range(count):
        assert refusal(login, "wrong-guess", remote=f"192.0.2.{start + n}") == "bad_login"


def test_failures_from_many_addresses_slow_the_login_down(app, owner, clock):
    _fail_from_many("t.owner", 10)
    assert refusal("t.owner", GOOD, remote="10.9.9.9") == "login_slowed"
    clock.advance(seconds=3)
    assert refusal("t.owner", GOOD, remote="10.9.9.9") is None


def test_the_wait_grows_but_never_beyond_the_cap(app, owner, clock):
    from datetime import timedelta

    at = clock.now()
    for n in range(40):  # a long distributed attack, each failure from a new address
        db.session.add(LoginFailure(login="t.owner", remote=f"192.0.2.{n}", at=at - timedelta(seconds=40 - n)))
    db.session.commit()
    with pytest.raises(DomainError) as info:
        authenticate("t.owner", GOOD, remote="10.9.9.9")
    assert info.value.code == "login_slowed" and 0 < info.value.params["seconds"] <= 60
    clock.advance(seconds=app.config["LOGIN_SLOWDOWN_MAX_SECONDS"])
    assert refusal("t.owner", GOOD, remote="10.9.9.9") is None


def test_a_browser_that_signed_in_before_is_not_slowed(app, owner):
    _fail_from_many("t.owner", 10)
    assert refusal("t.owner", GOOD, remote="10.9.9.9") == "login_slowed"
    assert refusal("t.owner", GOOD, remote="10.9.9.9", known_device=True) is None


def test_the_window_passes(app, owner, clock):
    for _ in range(5):
        refusal("t.owner", "wrong-guess")
    clock.advance(minutes=app.config["LOGIN_WINDOW_MINUTES"], seconds=1)
    assert refusal("t.owner", GOOD) is None


def test_signing_in_forgives_this_clients_failures(app, owner):
    for _ in range(4):
        refusal("t.owner", "wrong-guess")
    assert refusal("t.owner", GOOD) is None
    for _ in range(4):
        refusal("t.owner", "wrong-guess")
    assert refusal("t.owner", GOOD) is None
    assert db.session.scalars(select(LoginFailure).where(LoginFailure.remote == "10.0.0.1")).all() == []


# --- through the sign-in page -------------------------------------------------------------

def _web(app, addr):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    return client


def _post(client, password, lang="ru"):
    token = csrf(client.get("/login").data)
    with client.session_transaction() as s:
        s["lang"] = lang
    return client.post("/login", data={"login": "t.owner", "password": password, "csrf_token": token})


def test_the_page_counts_the_clients_address(app, owner):
    attacker = _web(app, "203.0.113.50")
    for _ in range(5):
        assert _post(attacker, "wrong-guess").status_code == 401
    assert "15" in _post(attacker, GOOD).get_data(as_text=True)
    assert _post(_web(app, "10.20.30.40"), GOOD).status_code == 302


@pytest.mark.parametrize("lang,words", [("kk", "секундтан кейін"), ("ru", "повторите через")])
def test_the_slowdown_is_told_in_kazakh_and_russian(app, owner, lang, words):
    _fail_from_many("t.owner", 10)
    r = _post(_web(app, "10.20.30.40"), GOOD, lang=lang)
    assert r.status_code == 401 and words in r.get_data(as_text=True)


def test_the_owners_browser_is_remembered_and_passes_the_slowdown(app, owner):
    browser = _web(app, "10.20.30.40")
    assert _post(browser, GOOD).status_code == 302
    assert browser.get_cookie("ds_device") is not None
    browser.post("/logout", data={"csrf_token": csrf(browser.get("/").data)})
    _fail_from_many("t.owner", 10)
    assert _post(browser, GOOD).status_code == 302
    assert _post(_web(app, "10.20.30.41"), GOOD).status_code == 401  # a new browser waits


def test_a_forged_device_cookie_counts_for_nothing(app, owner):
    _fail_from_many("t.owner", 10)
    browser = _web(app, "10.20.30.40")
    browser.set_cookie("ds_device", "WyJ0Lm93bmVyIl0.forged.signature")
    assert _post(browser, GOOD).status_code == 401
    assert user("t.owner").login == "t.owner"
