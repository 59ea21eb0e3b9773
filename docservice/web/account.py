"""Sign in, sign out, change the password, choose the interface language."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..auth import actor, renew_session, sign_out
from ..errors import DomainError
from ..models import db
from ..users import authenticate, change_password

bp = Blueprint("account", __name__)

# A browser that signed in as a login keeps a signed note of it: its tries are not slowed by
# that login's failures from other addresses (docservice.users.authenticate).
DEVICE_COOKIE = "ds_device"
DEVICE_DAYS = 180


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET" and actor() is not None:
        return redirect(url_for("home.index"))
    if request.method == "POST":
        name = request.form.get("login", "").strip()
        try:
            user = authenticate(name, request.form.get("password", ""), remote=request.remote_addr,
                                known_device=name in _known_logins())
        except DomainError as err:
            flash(err.message(session.get("lang") or "kk"), "error")
            return render_template("web/login.html", login=request.form.get("login", "")), 401
        login_user(user)
        session.permanent = True
        response = redirect(safe_next(request.args.get("next")))
        _remember_device(response, user.login)
        return response
    return render_template("web/login.html", login="")


def safe_next(target: str | None) -> str:
    """Where to go after a form: ``target`` when it is a path of this site, else the home page.

    A path starts with one ``/`` (not ``//``), has no backslash, no control character and no
    whitespace — also after percent-decoding — and urllib finds no scheme or host in it. So
    ``//evil.example``, ``/\\evil.example``, ``/%09/evil.example``, ``https://evil.example``
    and header-splitting ``/%0d%0a…`` all lead home. Used by sign-in, the language switch and
    every other ``next`` parameter."""
    home = url_for("home.index")
    if not isinstance(target, str) or not target:
        return home
    forms, decoded = [target], target
    for _round in range(3):  # nested encodings (%2509 …) too
        decoded = unquote(decoded)
        forms.append(decoded)
    for form in forms:
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return home
        if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in form):
            return home
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return home
    return target


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="docservice-known-device")


def _known_logins() -> set[str]:
    try:
        logins = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return set()
    return set(logins) if isinstance(logins, list) else set()


def _remember_device(response, login: str) -> None:
    logins = [login] + [x for x in sorted(_known_logins()) if x != login][:4]
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(logins), max_age=DEVICE_DAYS * 86400,
                        secure=bool(config.get("SESSION_COOKIE_SECURE")), httponly=True, samesite="Lax")


@bp.post("/logout")
def logout():
    """Ends this session and every other session of the user (another browser, a copied cookie)."""
    sign_out(actor())
    return redirect(url_for("account.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    if request.method == "POST":
        new, again = request.form.get("new", ""), request.form.get("again", "")
        if new != again:
            flash(_("The two new passwords differ."), "error")
        else:
            try:
                user = actor()
                change_password(user, request.form.get("old", ""), new)
                renew_session(user)  # the user's other sessions have ended; this one goes on
                flash(_("Password changed."), "ok")
                return redirect(url_for("home.index"))
            except DomainError as err:
                flash(err.message(session.get("lang") or "kk"), "error")
    return render_template("web/password.html")


@bp.post("/language")
def language():
    lang = request.form.get("lang")
    if lang in ("kk", "ru", "en"):
        session["lang"] = lang
        user = actor()
        if user is not None and lang in ("kk", "ru") and user.language != lang:
            user.language = lang  # the e-mail reminders follow the user's choice (kk or ru)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
