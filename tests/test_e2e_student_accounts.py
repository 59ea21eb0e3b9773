"""The student accounts' handout in Chromium (issue 13, item 9): IT issues a whole group's
accounts with one confirmed click; the list shows each student's login and one-time password
and prints as the table alone, on a phone as on a desktop."""
import os
import re

import pytest
from browser import chromium, live_server, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.rendering]

# Set DOCSERVICE_SHOTS=/some/folder to keep the screenshots for a person to look at.
SHOTS = os.environ.get("DOCSERVICE_SHOTS")


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.mark.parametrize("lang,title,viewport", [
    ("kk", "тобы білім алушыларының есептік жазбалары", {"width": 1366, "height": 768}),
    ("ru", "Учётные записи обучающихся группы", {"width": 390, "height": 844})])
def test_it_prints_a_groups_accounts(chromium, live_server, lang, title, viewport):
    base, _, _ = live_server
    context = chromium.new_context(viewport=viewport, locale="kk-KZ")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, base, "it.admin", lang=lang)
        page.goto(f"{base}/it/students")
        group = page.locator("select[name=group] option").first.get_attribute("value")
        page.goto(f"{base}/it/students?group={group}")
        shoot(page, f"student-accounts-{lang}.png")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        with page.expect_navigation():
            page.locator("form[data-confirm] button.primary").click()
        assert asked and group in asked[0]
        assert title in page.inner_text("h1") and group in page.inner_text("h1")
        rows = page.locator("table.ov-handout-table tbody tr")
        assert rows.count() > 0
        first = rows.first.locator("td").all_inner_texts()
        assert re.fullmatch(r"st\w+", first[3]) and re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", first[4])
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shoot(page, f"student-accounts-list-{lang}-{viewport['width']}.png")
        # Printed: the table and its heading, no menu, no warning, no button.
        page.emulate_media(media="print")
        assert not page.locator("header.top").is_visible() and not page.locator(".ov-noprint").is_visible()
        assert page.locator("table.ov-handout-table").is_visible()
        shoot(page, f"student-accounts-print-{lang}-{viewport['width']}.png")
        page.emulate_media(media="screen")
        page.goto(f"{base}/it/logins")
        assert page.locator("form[data-confirm] input[name=login]").is_visible()  # the password reset
        shoot(page, f"logins-{lang}-{viewport['width']}.png")
    finally:
        context.close()


def test_a_sent_form_says_it_is_working_and_is_not_sent_twice(chromium, live_server):
    """A group's accounts take seconds (each password is hashed): once sent, the button says so
    and a second click sends nothing (app.js, every posted form)."""
    base, _, _ = live_server
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, base, "it.admin", lang="ru")
        page.goto(f"{base}/it/students")
        group = page.locator("select[name=group] option").first.get_attribute("value")
        page.goto(f"{base}/it/students?group={group}")
        # The answer goes to a frame of the page, so the page stays to be looked at once sent.
        page.evaluate("""() => { const sink = document.createElement('iframe'); sink.name = 'sink';
                                 document.body.append(sink);
                                 document.querySelector('form[data-confirm]').target = 'sink'; }""")
        sent = []
        page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith("/accounts") else None)
        page.once("dialog", lambda dialog: dialog.accept())
        button = page.locator("form[data-confirm] button.primary")
        button.click()
        page.wait_for_function("document.querySelector('form[aria-busy]') !== null")
        assert button.is_disabled() and button.inner_text() == "Создаём учётные записи…"
        button.click(force=True)
        page.wait_for_timeout(300)
        assert len(sent) == 1, sent
    finally:
        context.close()
