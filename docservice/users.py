"""Accounts: creation with one-time passwords, password changes, API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import policy
from .clock import now as clock_now
from .errors import DomainError, Invalid
from .models import ROLES, ApiToken, User, UserRole, db


def _check_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    for role in roles:
        if role not in ROLES:
            raise Invalid("role_unknown", field="roles", role=role)
    return roles


def one_time_password() -> str:
    return secrets.token_urlsafe(9)


def _check_password(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise Invalid("password_too_short", field="password", min=minimum)


def set_password(user: User, password: str, must_change: bool) -> None:
    """Hash and set a password (no commit: the caller's transaction)."""
    user.password_hash = generate_password_hash(password)
    user.must_change_password = must_change


def create_user(actor: User | None, login: str, full_name: str, roles, password: str | None = None,
                **fields) -> tuple[User, str]:
    """Create an account. Without ``password`` a one-time password is made and returned
    (shown once); it must be changed at first login."""
    policy.require(actor, "users.manage")
    login = (login or "").strip()
    if not login:
        raise Invalid("field_required", field="login")
    if not (full_name or "").strip():
        raise Invalid("field_required", field="full_name")
    if password is not None:
        _check_password(password)
    if db.session.scalar(select(User).where(User.login == login)):
        raise Invalid("user_exists", field="login", login=login)
    roles = _check_roles(roles)
    secret = password or one_time_password()
    user = User(login=login, full_name=full_name.strip(), **fields)
    set_password(user, secret, must_change=password is None)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.commit()
    return user, secret


def set_roles(user: User, roles) -> None:
    user.role_rows = [UserRole(role=r) for r in _check_roles(roles)]


def authenticate(login: str, password: str, remote: str | None = None) -> User:
    """The user with this login and password. After ``LOGIN_MAX_FAILURES`` failures within
    ``LOGIN_WINDOW_MINUTES`` a login is refused for that while, whatever the password."""
    from datetime import timedelta

    from .models import LoginFailure

    at = clock_now()
    since = at - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    failures = db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.login == login, LoginFailure.at >= since))
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise DomainError("login_throttled", minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None or not user.active or not user.password_hash or not check_password_hash(
            user.password_hash, password or ""):
        db.session.add(LoginFailure(login=login[:64], remote=remote, at=at))
        db.session.commit()
        raise DomainError("bad_login")
    return user


def change_password(user: User, old: str, new: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, old or ""):
        raise Invalid("bad_login", field="old_password")
    _check_password(new)
    set_password(user, new, must_change=False)
    db.session.commit()


def reset_password(actor: User | None, user: User) -> str:
    """IT gives the user a new one-time password (returned once, changed at first login)."""
    policy.require(actor, "users.manage")
    secret = one_time_password()
    set_password(user, secret, must_change=True)
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
