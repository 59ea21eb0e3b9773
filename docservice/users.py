"""Accounts: creation with one-time passwords, password changes, API tokens."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
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


def create_user(actor: User | None, login: str, full_name: str, roles, password: str | None = None,
                **fields) -> tuple[User, str]:
    """Create an account. Without ``password`` a one-time password is made and returned
    (shown once); it must be changed at first login."""
    policy.require(actor, "users.manage")
    login = (login or "").strip()
    if not login:
        raise Invalid("field_required", field="login")
    if db.session.scalar(select(User).where(User.login == login)):
        raise Invalid("user_exists", field="login", login=login)
    roles = _check_roles(roles)
    secret = password or one_time_password()
    user = User(login=login, full_name=full_name, must_change_password=password is None, **fields)
    user.password_hash = generate_password_hash(secret)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    db.session.commit()
    return user, secret


def set_roles(user: User, roles) -> None:
    user.role_rows = [UserRole(role=r) for r in _check_roles(roles)]


def authenticate(login: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None or not user.active or not user.password_hash or not check_password_hash(
            user.password_hash, password or ""):
        raise DomainError("bad_login")
    return user


def change_password(user: User, old: str, new: str) -> None:
    authenticate(user.login, old)
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(new or "") < minimum:
        raise Invalid("password_too_short", field="password", min=minimum)
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    db.session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, label: str | None = None) -> str:
    """A new API token for ``user``; only its hash is kept."""
    token = "ds_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_digest(token), label=label, created_at=clock_now()))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token or "")))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = clock_now()
    db.session.commit()
    return row.user
