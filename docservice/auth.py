"""Who is asking: Flask-Login sessions (the web pages) and bearer API tokens (integrators).

Everyone acts under their own login (SPEC §1); there are no shared accounts.
"""
from __future__ import annotations

from flask import Flask, g, request
from flask_login import LoginManager, current_user

from .models import User, db

login_manager = LoginManager()


@login_manager.user_loader
def _load_user(user_id: str):
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def _user_from_token(req):
    """``Authorization: Bearer <token>`` for API clients."""
    from .users import user_for_token

    header = req.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return user_for_token(header[len("Bearer "):].strip())
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message = None  # the sign-in page says what it is

    @app.before_request
    def _who_is_asking_anew():
        # Flask-Login caches the user in ``g``, which lives as long as the app context; a
        # request running inside an outer app context (tests, CLI) must not inherit it.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF caches the token in ``g`` the same way

    # Flask-Login's user mixin properties, on our own model.
    User.is_authenticated = property(lambda self: True)
    User.is_anonymous = property(lambda self: False)
    User.is_active = property(lambda self: self.active)
    User.get_id = lambda self: str(self.id)


def actor() -> User | None:
    """The signed-in user, or None."""
    return current_user if current_user and current_user.is_authenticated else None


def request_lang(default: str = "ru") -> str:
    """The user's language: ``?lang=``, else the browser's preference among kk and ru."""
    from flask import session

    for lang in (request.args.get("lang"), session.get("lang")):
        if lang in ("kk", "ru", "en"):
            return lang
    return request.accept_languages.best_match(["kk", "ru", "en"]) or default
