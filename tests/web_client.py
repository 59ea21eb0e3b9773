"""Driving the pages as a browser would, in tests: CSRF tokens, signing in."""
from __future__ import annotations

import re

from docservice.demo import DEMO_PASSWORD


def csrf(page: bytes | str) -> str:
    text = page.decode() if isinstance(page, bytes) else page
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def signed_in(app, login: str, password: str = DEMO_PASSWORD, lang: str = "ru"):
    """A test client with CSRF on, signed in as ``login`` (a demo or sample user whose password
    is set in the test), the interface in ``lang``."""
    from docservice.models import User, db
    from docservice.users import set_password

    app.config["WTF_CSRF_ENABLED"] = True
    user = db.session.scalar(db.select(User).where(User.login == login))
    if user.password_hash is None or user.must_change_password:
        set_password(user, password, must_change=False)
        db.session.commit()
    client = app.test_client()
    token = csrf(client.get("/login").data)
    r = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    client.post("/language", data={"lang": lang, "csrf_token": token, "next": "/"})
    return client


def page(client, path) -> str:
    """A page's HTML, which must answer 200."""
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:800])
    return r.get_data(as_text=True)


def post(client, path, data, form_page="/"):
    """POST a form with the CSRF token of a page, as the browser would."""
    token = csrf(client.get(form_page).data)
    return client.post(path, data={**data, "csrf_token": token})


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m) for m in re.findall(r'<p class="flash (?:ok|error)"[^>]*>(.*?)</p>', html, re.S)]
