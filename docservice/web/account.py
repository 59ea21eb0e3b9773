"""Sign in, sign out, change the password, choose the interface language."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from ..auth import actor
from ..errors import DomainError
from ..models import db
from ..users import authenticate, change_password

bp = Blueprint("account", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET" and actor() is not None:
        return redirect(url_for("home.index"))
    if request.method == "POST":
        try:
            user = authenticate(request.form.get("login", "").strip(), request.form.get("password", ""),
                                remote=request.remote_addr)
        except DomainError as err:
            flash(err.message(session.get("lang") or "kk"), "error")
            return render_template("web/login.html", login=request.form.get("login", "")), 401
        login_user(user)
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("web/login.html", login="")


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site (no scheme, no host): never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.post("/logout")
def logout():
    logout_user()
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
                change_password(actor(), request.form.get("old", ""), new)
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
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))
