"""Signing in as a person does: own login, forced password change, throttling, language."""
import re

import pytest
from store import user

from docservice.users import create_user


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def sign_in(client, login, password):
    token = csrf(client.get("/login").data)
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token})


@pytest.fixture
def web(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_pages_need_a_sign_in(web):
    r = web.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_one_time_password_must_be_changed_first(web, app):
    _, secret = create_user(None, "t.new", "Жаңа Оқытушы", ["teacher"])
    r = sign_in(web, "t.new", secret)
    assert r.status_code == 302
    r = web.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/password")
    page = web.get("/password").data
    r = web.post("/password", data={"old": secret, "new": "жаңа-құпия-сөз", "again": "жаңа-құпия-сөз",
                                    "csrf_token": csrf(page)})
    assert r.status_code == 302 and not user("t.new").must_change_password
    assert "Жаңа Оқытушы" in web.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_and_guessing_is_throttled(web, app):
    create_user(None, "t.x", "X", ["teacher"], password="correct-horse")
    r = sign_in(web, "t.x", "wrong")
    assert r.status_code == 401 and "Логин немесе құпиясөз қате" in r.get_data(as_text=True)
    for _ in range(5):
        sign_in(web, "t.x", "wrong")
    r = sign_in(web, "t.x", "correct-horse")
    assert r.status_code == 401 and "15" in r.get_data(as_text=True)


def test_forms_without_the_csrf_token_are_refused(web, app):
    create_user(None, "t.y", "Y", ["teacher"], password="correct-horse")
    assert web.post("/login", data={"login": "t.y", "password": "correct-horse"}).status_code == 400


def test_the_interface_speaks_kk_ru_en(web, app):
    create_user(None, "t.z", "Зейнеп", ["teacher"], password="correct-horse")
    sign_in(web, "t.z", "correct-horse")
    page = web.get("/").data
    assert "Қош келдіңіз".encode() in page
    web.post("/language", data={"lang": "ru", "csrf_token": csrf(page), "next": "/"})
    assert "Добро пожаловать".encode() in web.get("/").data
    web.post("/language", data={"lang": "en", "csrf_token": csrf(page), "next": "/"})
    assert b"Welcome" in web.get("/").data


def test_the_home_page_names_each_role_in_the_users_language(web, app):
    create_user(None, "h.r", "Рахимова Гүлнар", ["teacher", "head_of_department"], password="correct-horse")
    sign_in(web, "h.r", "correct-horse")
    page = web.get("/").get_data(as_text=True)
    roles = re.findall(r'<li class="role">([^<]*)</li>', page)
    assert sorted(roles) == ["Кафедра меңгерушісі", "Оқытушы"]
    web.post("/language", data={"lang": "ru", "csrf_token": csrf(page.encode()), "next": "/"})
    roles = re.findall(r'<li class="role">([^<]*)</li>', web.get("/").get_data(as_text=True))
    assert sorted(roles) == ["Заведующий кафедрой", "Преподаватель"]


def test_no_open_redirect_after_sign_in(web, app):
    create_user(None, "t.w", "W", ["teacher"], password="correct-horse")
    token = csrf(web.get("/login").data)
    r = web.post("/login?next=//evil.example/x", data={"login": "t.w", "password": "correct-horse",
                                                        "csrf_token": token})
    assert r.headers["Location"] == "/"


def test_security_headers_and_cookie_flags(web, app):
    r = web.get("/login")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    create_user(None, "t.v", "V", ["teacher"], password="correct-horse")
    r = sign_in(web, "t.v", "correct-horse")
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
