"""Accounts: creation with one-time passwords, password changes, API tokens."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import policy
from .clock import now as clock_now
from .errors import DomainError, Invalid
from .models import ROLES, AccountEvent, ApiToken, User, UserRole, db
from .models.login_requests import PASSWORD_RESET


def _check_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    for role in roles:
        if role not in ROLES:
            raise Invalid("role_unknown", field="roles", role=role)
    return roles


# One-time passwords are handed out on paper and typed by hand: letters and digits that cannot
# be taken for one another (no 0/o, 1/l/i), in three groups of four — about 59 bits.
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time_password() -> str:
    return "-".join("".join(secrets.choice(READABLE) for _ in range(4)) for _ in range(3))


def record_account_event(actor: User | None, action: str, subject: str, user: User | None = None,
                         **detail) -> None:
    """One row of the accounts' audit trail (no commit: the caller's transaction; never a password)."""
    db.session.add(AccountEvent(at=clock_now(), actor_id=actor.id if actor else None, action=action,
                                user_id=user.id if user else None, subject=subject[:200], detail=detail))


PASSWORD_MIN_LENGTH = 10  # outside an app (its config says otherwise)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most frequent passwords of public leaks, as the zxcvbn package keeps them
    (MIT licence; ``zxcvbn.frequency_lists``), case-folded."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, login: str | None = None, current_hash: str | None = None) -> None:
    """The password policy, one place for the web, the API and the command line: at least
    ``PASSWORD_MIN_LENGTH`` characters, not only spaces, not containing the login (case-folded),
    not a common password, not the current password. Raises ``Invalid`` saying which."""
    password = password or ""
    if not password.strip():
        raise Invalid("password_blank", field="password")
    minimum = current_app.config["PASSWORD_MIN_LENGTH"] if has_app_context() else PASSWORD_MIN_LENGTH
    if len(password) < minimum:
        raise Invalid("password_too_short", field="password", min=minimum)
    folded, name = password.casefold(), (login or "").strip().casefold()
    if name and (folded.strip() == name or (len(name) >= 3 and name in folded)):
        raise Invalid("password_has_login", field="password")
    common = common_passwords()
    if folded in common or folded.strip() in common or "".join(folded.split()) in common:
        raise Invalid("password_common", field="password")
    if current_hash and check_password_hash(current_hash, password):
        raise Invalid("password_unchanged", field="password")


def set_password(user: User, password: str, must_change: bool) -> None:
    """Hash and set a password (no commit: the caller's transaction)."""
    user.password_hash = _hash(password)
    user.must_change_password = must_change
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Every session of the user made before now stops working (no commit)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def create_user(actor: User | None, login: str, full_name: str, roles, password: str | None = None,
                **fields) -> tuple[User, str]:
    """Create an account. Without ``password`` a one-time password is made and returned
    (shown once); it must be changed at first login."""
    user, secret = new_user(actor, login, full_name, roles, password, **fields)
    db.session.commit()
    return user, secret


def new_user(actor: User | None, login: str, full_name: str, roles, password: str | None = None,
             **fields) -> tuple[User, str]:
    """``create_user`` without the commit: the account joins the caller's transaction (a group's
    accounts are made all or none)."""
    policy.require(actor, "users.manage")
    login = (login or "").strip()
    if not login:
        raise Invalid("field_required", field="login")
    if not (full_name or "").strip():
        raise Invalid("field_required", field="full_name")
    if password is not None:
        check_new_password(password, login)
    if db.session.scalar(select(User).where(User.login == login)):
        raise Invalid("user_exists", field="login", login=login)
    roles = _check_roles(roles)
    secret = password or one_time_password()
    user = User(login=login, full_name=full_name.strip(), **fields)
    set_password(user, secret, must_change=password is None)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.flush()
    return user, secret


def set_roles(user: User, roles) -> None:
    user.role_rows = [UserRole(role=r) for r in _check_roles(roles)]


def _hash(password: str) -> str:
    return generate_password_hash(password, method=_method())


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


def _dummy_hash() -> str:
    """A hash made as real ones are, checked for unknown logins so that they take as long."""
    return _dummy_hash_by(_method())


@functools.cache
def _dummy_hash_by(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(login: str, password: str, remote: str | None = None, known_device: bool = False) -> User:
    """The user with this login and password.

    Guessing is throttled three ways, counted over the last ``LOGIN_WINDOW_MINUTES``:
    ``LOGIN_MAX_FAILURES`` failures of one login from one client address refuse that client
    that login; ``LOGIN_CLIENT_MAX_FAILURES`` failures of one client address over any logins
    refuse that client; ``LOGIN_SLOWDOWN_AFTER`` failures of one login from every address
    slow that login down — each further try waits 2, 4, 8 … seconds (at most
    ``LOGIN_SLOWDOWN_MAX_SECONDS``) after its last failure — rather than lock it, and a
    browser that has signed in as that login before (``known_device``) is not slowed. An
    unknown login costs the same password hashing as a known one."""
    from .models import LoginFailure

    config = current_app.config
    at = clock_now()
    since = at - timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    login, remote = (login or "")[:64], (remote or "")[:64] or None
    recent = select(func.count(LoginFailure.id)).where(LoginFailure.at >= since)
    same_client = LoginFailure.remote.is_(None) if remote is None else LoginFailure.remote == remote
    if db.session.scalar(recent.where(LoginFailure.login == login, same_client)) >= config["LOGIN_MAX_FAILURES"] \
            or db.session.scalar(recent.where(same_client)) >= config["LOGIN_CLIENT_MAX_FAILURES"]:
        raise DomainError("login_throttled", minutes=config["LOGIN_WINDOW_MINUTES"])
    if not known_device:
        wait = _slowdown(login, since, at)
        if wait:
            raise DomainError("login_slowed", seconds=wait)
    user = db.session.scalar(select(User).where(User.login == login))
    stored = user.password_hash if user is not None and user.active and user.password_hash else None
    matches = check_password_hash(stored or _dummy_hash(), password or "")
    if stored is None or not matches:
        db.session.add(LoginFailure(login=login, remote=remote, at=at))
        db.session.commit()
        raise DomainError("bad_login")
    # Signed in: this client's failures on this login are forgiven.
    db.session.execute(LoginFailure.__table__.delete().where(LoginFailure.login == login, same_client))
    db.session.commit()
    return user


def _slowdown(login: str, since, at) -> int:
    """Seconds this login must still wait (0: none) after its failures from every address."""
    from .models import LoginFailure

    config = current_app.config
    count, last = db.session.execute(select(func.count(LoginFailure.id), func.max(LoginFailure.at)).where(
        LoginFailure.login == login, LoginFailure.at >= since)).one()
    if count < config["LOGIN_SLOWDOWN_AFTER"] or last is None:
        return 0
    gap = min(2 ** (count - config["LOGIN_SLOWDOWN_AFTER"] + 1), config["LOGIN_SLOWDOWN_MAX_SECONDS"])
    remaining = gap - (at - last).total_seconds()
    return max(0, int(remaining + 0.999))


def change_password(user: User, old: str, new: str) -> None:
    """The user's own change: the current password, then the policy; every other session ends
    (the caller renews its own, see ``auth.renew_session``)."""
    if not user.password_hash or not check_password_hash(user.password_hash, old or ""):
        raise Invalid("bad_login", field="old_password")
    check_new_password(new, user.login, user.password_hash)
    set_password(user, new, must_change=False)
    db.session.commit()


def reset_password(actor: User | None, user: User) -> str:
    """IT gives the user a new one-time password (returned once, changed at first login)."""
    policy.require(actor, "users.manage")
    secret = one_time_password()
    set_password(user, secret, must_change=True)
    record_account_event(actor, PASSWORD_RESET, user.login, user)
    db.session.commit()
    return secret


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(actor: User | None, user: User, label: str | None = None) -> str:
    """A new API token for ``user`` (asked by the user themselves or by IT); only its hash is kept."""
    if actor is not None and actor.id != user.id:
        policy.require(actor, "users.manage")
    token = "ds_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label, created_at=clock_now()))
    db.session.commit()
    return token


# A token's last use is kept to the minute: written on every request, it doubled the write
# transactions of every API client, and SQLite takes writes one at a time (under load, 50
# clients writing marks: tests/test_register_load.py).
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token or "")))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    at = clock_now()
    if row.last_used_at is None or abs(at - row.last_used_at) >= TOKEN_USE_RESOLUTION:
        row.last_used_at = at
        db.session.commit()
    return row.user
