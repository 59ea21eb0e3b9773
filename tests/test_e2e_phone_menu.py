"""The menu on a 390 × 844 phone (issue 13): one line under the title that scrolls sideways,
with the entry of the page one is on in view — it took half the screen as a column."""
import pytest
from browser import chromium, live_server, screen, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


def phone_page(chromium):
    """A page in a browser context of its own: a 390 × 844 phone."""
    return screen(chromium, 390, 844, phone=True)


@pytest.fixture
def phone(chromium):
    with phone_page(chromium) as page:
        yield page


def test_the_menu_is_one_line_with_the_current_page_in_view(phone, live_server):
    base, _, _ = live_server
    sign_in(phone, base, "or.inspector", lang="kk")
    phone.goto(f"{base}/registrar/register")
    header = phone.locator("header.top").bounding_box()
    assert header["height"] < 160, header  # was ≈ 360 px
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
    current = phone.locator('header.top nav a[aria-current="page"]')
    box = current.bounding_box()
    assert current.inner_text().startswith("Тіркеу журналы")
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390, box  # scrolled into view


def test_what_a_step_did_stays_in_sight_when_the_page_is_scrolled(phone, live_server):
    from playwright.sync_api import expect

    base, _, _ = live_server
    sign_in(phone, base, "or.inspector", lang="ru")
    phone.goto(f"{base}/registrar/deadlines")
    phone.locator("form.ov-inline").first.locator("button").first.click()  # set the deadline it shows
    phone.wait_for_load_state()
    message = phone.locator(".flash.ok")
    expect(message).to_be_visible()
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(message).to_be_in_viewport()


def test_my_journals_and_my_grades_fit_the_phone(chromium, live_server):
    """Their tables scroll inside their box; the page itself does not scroll sideways.
    Each user in a browser of their own: clearing cookies between them raced with the first
    page's last responses, which set the session cookie again (a CI failure)."""
    base, app, _ = live_server
    with app.app_context():
        from docservice.models import Student, db
        from docservice.users import create_user

        account, _ = create_user(None, "st.phone", "Студент", ["student"], password="student-pass-1")
        account.must_change_password = False
        db.session.scalars(db.select(Student)).first().user_id = account.id
        db.session.commit()
    for login, password, path in (("t.anat2", None, "/journals"), ("st.phone", "student-pass-1", "/my-grades")):
        with phone_page(chromium) as phone:
            sign_in(phone, base, login, **({"password": password} if password else {}), lang="kk")
            phone.goto(f"{base}{path}")
            assert phone.locator("main table").count() >= 1, path
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
