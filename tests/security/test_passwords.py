"""The password policy (issue 11b, item 4), one function for the web, the API and the command
line; a one-time password must be changed before the API answers."""
import pytest
from store import user
from web_client import csrf, flashes, signed_in

from docservice import create_app
from docservice.demo import DEMO_PASSWORD
from docservice.errors import Invalid
from docservice.users import (
    check_new_password,
    common_passwords,
    create_user,
    issue_token,
    reset_password,
)

# The policy is one function of the text; storing a hash is the same on every database.
pytestmark = pytest.mark.one_database

# (password, code) as the probe found them accepted, and their kin.
WEAK = [
    ("12345678", "password_too_short"),
    ("password", "password_too_short"),
    ("        ", "password_blank"),
    ("          ", "password_blank"),
    ("\t\t\t\t\t\t\t\t\t\t", "password_blank"),
    ("short1!", "password_too_short"),
    ("1234567890", "password_common"),
    ("qwertyuiop", "password_common"),
    ("PASSWORD12", "password_common"),
    ("  1234567890  ", "password_common"),
    ("t.anat2-2026!", "password_has_login"),
    ("T.ANAT2T.ANAT2", "password_has_login"),
]


def code_of(password, login="t.anat2", current=None):
    try:
        check_new_password(password, login, current)
    except Invalid as err:
        return err.code
    return None


@pytest.mark.parametrize("password,code", WEAK)
def test_weak_passwords_are_refused_with_the_reason(app, password, code):
    assert code_of(password) == code


def test_the_login_itself_is_refused(app):
    assert code_of("teacher.anatomy", login="teacher.anatomy") == "password_has_login"
    assert code_of("Teacher.Anatomy", login="teacher.anatomy") == "password_has_login"


def test_the_current_password_is_refused(app):
    from werkzeug.security import generate_password_hash

    assert code_of("Жаңа-құпия-2026", current=generate_password_hash("Жаңа-құпия-2026")) == "password_unchanged"
    assert code_of("Жаңа-құпия-2027", current=generate_password_hash("Жаңа-құпия-2026")) is None


@pytest.mark.parametrize("good", [DEMO_PASSWORD, "Жаңа-құпия-2026", "correct-horse-staple", "a b c d e f g"])
def test_reasonable_passwords_pass(app, good):
    assert code_of(good) is None


def test_the_common_list_is_a_real_one(app):
    common = common_passwords()
    assert len(common) > 20000 and {"password", "12345678", "qwerty", "iloveyou"} <= common


@pytest.mark.parametrize("lang,words", [("kk", "кең таралған"), ("ru", "слишком распространён")])
def test_the_message_is_in_kazakh_and_russian(app, lang, words):
    with pytest.raises(Invalid) as info:
        check_new_password("1234567890", "x")
    assert words in info.value.message(lang)


def _change_page(client, old, new):
    return client.post("/password", data={"old": old, "new": new, "again": new,
                                          "csrf_token": csrf(client.get("/password").data)}, follow_redirects=True)


@pytest.mark.parametrize("new,words", [("12345678", "не менее 10"), ("password", "не менее 10"),
                                       ("          ", "только из пробелов"), ("t.anat2t.anat2", "логин"),
                                       ("1234567890", "распространён"), (DEMO_PASSWORD, "отличаться")])
def test_the_probe_the_page_refuses_weak_new_passwords(app, sample, new, words):
    client = signed_in(app, "t.anat2")
    html = _change_page(client, DEMO_PASSWORD, new).get_data(as_text=True)
    assert any(words in f for f in flashes(html)), flashes(html)


@pytest.mark.parametrize("new,code", [("12345678", "password_too_short"), ("t.anat2-secret", "password_has_login"),
                                      ("qwertyuiop", "password_common"), (DEMO_PASSWORD, "password_unchanged")])
def test_the_api_refuses_weak_new_passwords(app, sample, new, code):
    client = signed_in(app, "t.anat2")
    r = client.post("/api/v1/account/password?lang=kk", json={"old": DEMO_PASSWORD, "new": new},
                    headers={"X-CSRFToken": csrf(client.get("/").data)})
    assert r.status_code == 422 and r.get_json()["code"] == code


@pytest.mark.parametrize("password", ["12345678", "password", "t.cli", "        ", "1234567890"])
def test_the_probe_the_command_line_refuses_weak_passwords(app, runner, password):
    r = runner.invoke(args=["users", "create", "t.cli", "--name", "Тест", "--role", "teacher", "--password", password])
    assert r.exit_code != 0 and user("t.cli") is None


def test_the_command_line_takes_a_good_password(app, runner):
    r = runner.invoke(args=["users", "create", "t.cli", "--name", "Тест", "--role", "teacher",
                            "--password", "Жаңа-құпия-2026"])
    assert r.exit_code == 0 and user("t.cli") is not None


def test_one_time_passwords_meet_the_policy(app):
    _, secret = create_user(None, "t.once", "Бір реттік", ["teacher"])
    check_new_password(secret, "t.once")


@pytest.fixture
def one_time(app, sample):
    """t.new with a one-time password issued, not changed yet; a token and a session."""
    created, secret = create_user(None, "t.new", "Жаңа Оқытушы", ["teacher"])
    token = {"Authorization": "Bearer " + issue_token(None, created)}
    return secret, token


@pytest.mark.parametrize("lang,words", [("kk", "Бір реттік құпиясөзді"), ("ru", "одноразовый пароль")])
def test_the_probe_a_one_time_password_must_be_changed_before_the_api_answers(app, one_time, lang, words):
    _, token = one_time
    r = app.test_client().get(f"/api/v1/journals?lang={lang}", headers=token)
    assert r.status_code == 403 and r.get_json()["code"] == "password_change_required"
    assert words in r.get_json()["message"]


def test_the_api_password_change_is_open_to_them_and_then_everything_is(app, one_time):
    secret, token = one_time
    client = app.test_client()
    assert client.post("/api/v1/documents/login_request/preview?lang=ru&format=pdf", json={},
                       headers=token).status_code == 403
    r = client.post("/api/v1/account/password", json={"old": secret, "new": "Жаңа-құпия-2026"}, headers=token)
    assert r.status_code == 204
    assert client.get("/api/v1/journals", headers=token).status_code == 200


def test_a_reset_by_it_closes_the_api_again_until_changed(app, one_time):
    secret, token = one_time
    client = app.test_client()
    client.post("/api/v1/account/password", json={"old": secret, "new": "Жаңа-құпия-2026"}, headers=token)
    reset_password(user("it.admin"), user("t.new"))
    assert client.get("/api/v1/journals", headers=token).status_code == 403


def test_an_account_without_any_password_keeps_its_api_token(app, sample):
    """Imported accounts and integrations have no password to change: their token works."""
    assert user("or.inspector").password_hash is None
    token = {"Authorization": "Bearer " + issue_token(None, user("or.inspector"))}
    assert app.test_client().get("/api/v1/journals", headers=token).status_code == 200


def test_passwords_are_hashed_with_scrypt_unless_configured(tmp_path):
    """Production hashes with scrypt; only the suite (conftest) asks for a cheap method."""
    import os

    from docservice import config
    from docservice.users import _hash

    assert config.PASSWORD_HASH_METHOD == "scrypt"
    assert os.environ["DOCSERVICE_PASSWORD_HASH_METHOD"].startswith("pbkdf2")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t",
                      "PASSWORD_HASH_METHOD": "scrypt"})
    with app.app_context():
        assert _hash("Жаңа-құпия-2026").startswith("scrypt:")
    assert _hash("Жаңа-құпия-2026").startswith("scrypt:")  # outside an app: the safe default
