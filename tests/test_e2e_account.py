"""In the browser: signing in, the wrong password, the language switch."""
import pytest
from browser import chromium, live_server, page, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


def test_sign_in_in_kazakh_then_russian(page, live_server):
    base, _, _ = live_server
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login")
    page.fill("input[name=login]", "t.anat2")
    page.fill("input[name=password]", "wrong")
    page.click("button.primary")
    assert page.locator(".flash.error").inner_text() == "Логин немесе құпиясөз қате"
    sign_in(page, base, "t.anat2", lang="kk")
    assert "Қош келдіңіз" in page.inner_text("h1")
    with page.expect_navigation():
        page.locator("form.lang button[value=ru]").click()
    assert "Добро пожаловать" in page.inner_text("h1")
