"""Accounts and the policy: one-time passwords, tokens, who may touch which journal."""
import pytest
from store import journal, user

from docservice import policy
from docservice.errors import DomainError, Forbidden, Invalid
from docservice.users import authenticate, change_password, create_user, issue_token, user_for_token

# Who may do what is decided in code over a few rows; accounts and sessions are stored on both
# databases in tests/security (sessions, throttling, import privileges).
pytestmark = pytest.mark.one_database


def test_one_time_password_must_be_changed(app):
    created, secret = create_user(None, "t.first", "Бірінші Оқытушы", ["teacher"])
    assert created.must_change_password
    assert authenticate("t.first", secret).login == "t.first"
    with pytest.raises(Invalid):
        change_password(created, secret, "short")
    change_password(created, secret, "a-longer-one")
    assert not created.must_change_password
    with pytest.raises(DomainError) as info:
        authenticate("t.first", secret)
    assert info.value.message("kk") == "Логин немесе құпиясөз қате"


def test_account_fields_are_checked(app):
    with pytest.raises(Invalid) as info:
        create_user(None, "t.blank", "  ", ["teacher"])
    assert info.value.field == "full_name"
    with pytest.raises(Invalid) as info:
        create_user(None, "t.short", "Қысқа", ["teacher"], password="abc")
    assert "10" in info.value.message("kk")


def test_only_it_resets_passwords_and_gives_tokens_to_others(sample):
    from docservice.users import reset_password

    with pytest.raises(Forbidden):
        reset_password(user("head.anat"), user("t.anat2"))
    secret = reset_password(user("it.admin"), user("t.anat2"))
    assert authenticate("t.anat2", secret).must_change_password
    with pytest.raises(Forbidden):
        issue_token(user("head.anat"), user("t.anat2"))
    assert user_for_token(issue_token(user("t.anat2"), user("t.anat2"))).login == "t.anat2"


def test_monitoring_is_for_the_registrar_and_the_vice_rector(sample):
    from docservice.monitoring import report

    with pytest.raises(Forbidden):
        report(user("t.anat2"), "2026-2027")
    assert report(user("or.inspector"), "2026-2027") == {"teachers": [], "departments": []}


def test_only_it_creates_accounts(sample):
    with pytest.raises(Forbidden):
        create_user(user("head.anat"), "t.x", "X", ["teacher"])
    create_user(user("it.admin"), "t.x", "X", ["teacher"])


def test_tokens_are_stored_hashed(app):
    created, _ = create_user(None, "api.user", "API", ["registrar"])
    token = issue_token(created, created)
    from docservice.models import ApiToken, db

    assert token not in {t.token_hash for t in db.session.query(ApiToken)}
    assert user_for_token(token).login == "api.user"
    assert user_for_token(token + "x") is None


@pytest.mark.parametrize("login, action, expected", [
    ("t.anat2", "journal.enter", True),       # own journal
    ("t.anat1", "journal.enter", False),      # colleague of the same department
    ("head.anat", "journal.view", True),      # the department's head
    ("head.anat", "journal.enter", False),    # … does not enter marks for others
    ("head.phys", "journal.view", False),     # another department's head
    ("dean.gm", "journal.view", True),        # the students' school
    ("dean.ph", "journal.view", False),
    ("or.inspector", "journal.view", True),
    ("or.inspector", "journal.deadline", True),
    ("or.inspector", "reopen.grant", False),  # only the head of the registrar's office
    ("or.head", "reopen.grant", True),
    ("methodist", "journal.enter", False),
    ("it.admin", "journal.view", False),
])
def test_policy_for_journal_j0001(sample, login, action, expected):
    assert policy.allowed(user(login), action, journal("J0001")) is expected


def test_inactive_user_may_do_nothing(sample):
    teacher = user("t.anat2")
    teacher.active = False
    assert not policy.allowed(teacher, "journal.enter", journal("J0001"))
