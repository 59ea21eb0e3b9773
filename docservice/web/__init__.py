"""The web pages: sign-in, the language switch and every role's pages.

Interface language: ``kk``, ``ru`` or ``en`` (Flask-Babel catalogues in
``docservice/translations``), chosen by the user and kept in the session; the language
of a document is chosen apart from it. Every form carries a CSRF token (Flask-WTF).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_babel import Babel, gettext, refresh
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from ..auth import actor
from .numbers import decimal_text

babel = Babel()
csrf = CSRFProtect()
# Browser features no page of the service uses, denied to it and to anything it could embed.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
                      "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
                      "display-capture=()")


def interface_language() -> str:
    chosen = session.get("lang")
    if chosen in ("kk", "ru", "en"):
        return chosen
    return request.accept_languages.best_match(["kk", "ru", "en"]) or "kk"


def translation_directories() -> str:
    """Each area of the pages keeps its own catalogue (``translations/<area>/<lang>/…``);
    Flask-Babel merges them."""
    root = Path(__file__).resolve().parents[1] / "translations"
    return ";".join(str(p) for p in sorted(root.iterdir()) if p.is_dir())


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    babel.init_app(app, locale_selector=interface_language)
    # One CSRF rule for pages and the JSON API alike, applied by docservice.auth.csrf_check:
    # every write riding on the session cookie carries the token; a valid bearer token is the
    # only exemption.
    csrf.init_app(app)

    from . import account, docpages, home, nav, oversight, teacher

    for area in (account, home, teacher, oversight, docpages):
        app.register_blueprint(area.bp)
    teacher.init_api(app)
    oversight.init_api(app)
    docpages.init_api(app)
    app.jinja_env.globals["nav_items"] = nav.items_for
    app.jinja_env.filters["decimal"] = decimal_text

    _error_pages(app)

    @app.route("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico whatever a page links to: the same icon."""
        return app.send_static_file("favicon.svg")

    @app.before_request
    def _password_first():
        """A one-time password must be changed before anything else (SPEC §4.4)."""
        refresh()  # Flask-Babel caches the locale on the app context, which may outlive a request
        user = actor()
        if user is not None and user.must_change_password and request.endpoint not in (
                "account.password", "account.logout", "account.language", "static", "favicon") \
                and not request.path.startswith("/api/"):
            return redirect(url_for("account.password"))
        g.lang = interface_language()
        return None

    https = str(app.config.get("PUBLIC_URL", "")).startswith("https://")
    hsts = f"max-age={int(app.config.get('HSTS_MAX_AGE') or 31536000)}"

    @app.after_request
    def _security_headers(response):
        # Nothing is loaded from outside the app; pages cannot be framed, nor opened by another
        # site's window; no address leaves for another site; no camera, microphone, place …
        headers = response.headers
        headers.setdefault("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if https:  # served over https (PUBLIC_URL): browsers keep to https from then on
            headers.setdefault("Strict-Transport-Security", hsts)
        return response


def _error_pages(app: Flask) -> None:
    """An address that does not exist, a form sent twice or too late, a method a page does not
    take: a page in the user's language. The API (``/api/``) keeps flask-smorest's JSON."""
    api_errors = app.error_handler_spec[None][None].get(HTTPException)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if request.path.startswith("/api/") and api_errors is not None:
            return api_errors(err)
        g.lang = interface_language()  # a refusal may come before the request looked it up (CSRF)
        return render_template("web/oversight/refused.html", message=http_error_message(err), status=err.code), \
            err.code


def http_error_message(err: HTTPException) -> str:
    if isinstance(err, CSRFError):
        return gettext("The form was open too long or was sent from another page: reload the page and send it again.")
    if err.code == 404:
        return gettext("There is no such page: check the address or start from the menu.")
    if err.code == 405:
        return gettext("This address is not opened that way: start from the menu.")
    return gettext("The request could not be carried out (error %(code)s).", code=err.code)
