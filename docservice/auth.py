"""Who is asking: Flask-Login sessions (the web pages) and bearer API tokens (integrators).

Everyone acts under their own login (SPEC §1); there are no shared accounts.

- A valid ``Authorization: Bearer <token>`` names the user of the request, whatever cookie
  comes with it, and is the only thing that exempts a write from the CSRF check: a browser
  never adds that header to a cross-site request, and an invalid token counts for nothing.
- A session (and a remember cookie) carries the user's ``session_epoch`` in its user id
  (``"<id>:<epoch>"``); signing out, changing or resetting the password bumps the epoch, so
  every copy of an older cookie stops working. A session also ends
  ``PERMANENT_SESSION_LIFETIME`` seconds after sign-in and after ``SESSION_IDLE_MINUTES``
  without a request.
- Every other write riding on the session cookie needs the CSRF token: the pages' forms send
  it as ``csrf_token``, their scripts and the Swagger UI page as ``X-CSRFToken`` (one check,
  here, for the pages and for every JSON route under ``/api/``).
- Under ``/api/`` a user who still has to change a one-time password is refused (403) all but
  the password change.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, g, jsonify, request, session
from flask_login import (
    LoginManager,
    current_user,
    logout_user,
    user_loaded_from_cookie,
    user_logged_in,
)

from .models import User, db

login_manager = LoginManager()

# API routes a user who must change a one-time password may still use.
PASSWORD_CHANGE_ENDPOINTS = {"account_api.change_password", "swagger_ui.page", "swagger_ui.files",
                             "api-docs.openapi_json", "status.health"}


@login_manager.user_loader
def _load_user(user_id: str):
    """``"<id>:<epoch>"``: the user, while the session's epoch is still the user's."""
    ident, _, epoch = (user_id or "").partition(":")
    if not ident.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch):
        return None
    return user


@login_manager.request_loader
def _user_from_token(req):
    """``Authorization: Bearer <token>`` for API clients (see ``bearer_user``)."""
    return bearer_user(req)


def bearer_user(req=None) -> User | None:
    """The user of a valid bearer token in the request, or None."""
    from .users import user_for_token

    header = (req or request).headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return user_for_token(token.strip())
    return None


def by_token() -> bool:
    """Whether a valid bearer token authenticated this request."""
    return g.get("bearer_user") is not None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message = None  # the sign-in page says what it is
    # Flask-WTF's own per-view check is replaced by ``_csrf`` below (one rule for pages and API).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def _who_is_asking_anew():
        # Flask-Login caches the user in ``g``, which lives as long as the app context; a
        # request running inside an outer app context (tests, CLI) must not inherit it.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the token in ``g`` the same way
        g.pop("bearer_user", None)
        user = bearer_user()
        if user is not None:  # a real token names the user, whatever session comes along
            g.bearer_user = g._login_user = user
            return
        _session_in_time()
        return

    @app.before_request
    def _csrf():
        return csrf_check()

    @app.before_request
    def _api_password_first():
        user = actor()
        if user is not None and must_change_password(user) and request.path.startswith("/api/") \
                and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            from .errors import Forbidden

            err = Forbidden("password_change_required")
            lang = request_lang()
            return jsonify(err.to_dict(lang)), 403
        return None

    @user_logged_in.connect_via(app)
    @user_loaded_from_cookie.connect_via(app)
    def _signed_in(_app, user, **_):
        now = int(time.time())
        session["auth_at"] = session["seen"] = now

    # Flask-Login's user mixin properties, on our own model.
    User.is_authenticated = property(lambda self: True)
    User.is_anonymous = property(lambda self: False)
    User.is_active = property(lambda self: self.active)
    User.get_id = lambda self: f"{self.id}:{self.session_epoch or 0}"


def must_change_password(user: User) -> bool:
    """A one-time password was issued and is not changed yet. An account that never had a
    password (imported, or an integration's, using only its API token) has none to change."""
    return bool(user.must_change_password and user.password_hash)


def _session_in_time() -> None:
    """End the session when it outlived ``PERMANENT_SESSION_LIFETIME`` since sign-in or was
    idle longer than ``SESSION_IDLE_MINUTES``; otherwise note this request."""
    if "_user_id" not in session:
        return
    config, now = current_app.config, int(time.time())
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    idle = config.get("SESSION_IDLE_MINUTES")
    auth_at, seen = session.get("auth_at"), session.get("seen")
    if not isinstance(auth_at, int) or now - auth_at > lifetime or (
            idle and (not isinstance(seen, int) or now - seen > idle * 60)):
        logout_user()
        for key in ("auth_at", "seen"):
            session.pop(key, None)
        return
    if not isinstance(seen, int) or now - seen >= 60:  # a minute's precision is enough
        session["seen"] = now


def sign_out(user: User | None) -> None:
    """End the user's sessions everywhere (the epoch moves on) and this one."""
    if user is not None and not by_token():
        from .users import end_sessions

        end_sessions(user)
        db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:  # the interface language outlives the session
        session["lang"] = lang


def renew_session(user: User) -> None:
    """After the user's own password change: the epoch has moved on, so this session is made
    anew for the new epoch (the others stay ended); sign-in time is kept."""
    from flask_login import login_user

    if by_token():
        return
    auth_at = session.get("auth_at")
    login_user(user)
    if auth_at is not None:
        session["auth_at"] = auth_at


def csrf_check():
    """Every cookie-authenticated write needs the CSRF token; a valid bearer token is the only
    exemption. A page's form without it is answered 400 by Flask-WTF; a JSON route under
    ``/api/`` answers ``{"code": "csrf", "message"}`` 400 in the requester's language. A
    JSON request with no signed-in session has nothing to ride on and is left to the route
    (401, or a public route such as verify)."""
    from flask_wtf.csrf import CSRFError

    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True) or request.method not in config.get(
            "WTF_CSRF_METHODS", ("POST", "PUT", "PATCH", "DELETE")):
        return None
    if request.endpoint is None or by_token():
        return None
    api = request.path.startswith("/api/")
    if api and actor() is None:
        return None
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError:
        if not api:
            raise
        from .errors import DomainError

        return jsonify(code="csrf", message=DomainError("csrf_missing").message(request_lang())), 400
    return None


def actor() -> User | None:
    """The signed-in user, or None."""
    return current_user if current_user and current_user.is_authenticated else None


def request_lang(default: str = "ru") -> str:
    """The user's language: ``?lang=``, else the browser's preference among kk and ru."""
    for lang in (request.args.get("lang"), session.get("lang")):
        if lang in ("kk", "ru", "en"):
            return lang
    return request.accept_languages.best_match(["kk", "ru", "en"]) or default
