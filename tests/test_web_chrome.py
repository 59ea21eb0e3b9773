"""What every page carries whoever the user is (issue 13, item 10): the site's icon, a skip link
in the user's language, the menu marking the page one is on; and the public verify page saying
plainly that a number is not in the register."""
import re

import pytest
from web_client import page, signed_in

pytestmark = pytest.mark.demo


def current_entries(html: str) -> list[str]:
    nav = re.search(r"<nav>(.*?)</nav>", html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_browsers_find_the_icon_at_its_usual_address_and_in_every_page(app):
    client = app.test_client()
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    login = client.get("/login").get_data(as_text=True)
    linked = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', login).group(1)
    with client.get(linked) as linked_icon:
        assert linked_icon.status_code == 200 and linked_icon.data == icon.data


@pytest.mark.parametrize("lang, words", [("kk", "Негізгі мазмұнға өту"), ("ru", "Перейти к содержанию")])
def test_the_skip_link_leads_to_the_content_in_the_users_language(app, lang, words):
    html = page(signed_in(app, "t.anat2", lang=lang), "/")
    assert re.search(rf'<a class="skip" href="#main">{words}</a>', html)
    assert '<main id="main"' in html


def test_the_menu_marks_the_page_the_user_is_on_and_only_it(app):
    client = signed_in(app, "or.inspector")
    assert current_entries(page(client, "/")) == []
    assert current_entries(page(client, "/registrar/register")) == ["/registrar/register"]
    assert current_entries(page(client, "/registrar/deadlines")) == ["/registrar/deadlines"]


def test_a_teachers_journal_page_marks_my_journals(app):
    client = signed_in(app, "t.anat2")
    journals = page(client, "/journals")
    assert current_entries(journals) == ["/journals"]
    first = re.search(r'href="(/journals/[^"/]+)"', journals).group(1)
    assert current_entries(page(client, first)) == ["/journals"]


@pytest.mark.parametrize("lang, said", [("kk", "02-07/2026/9999 нөмірімен тіркелген құжат жоқ."),
                                        ("ru", "Документ под номером 02-07/2026/9999 не зарегистрирован.")])
def test_an_unknown_number_on_the_verify_page_is_said_so_with_the_file_check_offered(app, lang, said):
    r = app.test_client().get("/verify/02-07/2026/9999", headers={"Accept-Language": lang})
    html = r.get_data(as_text=True)
    assert r.status_code == 404
    assert said in html
    assert 'type="file" name="file"' in html  # the file can still be checked by its contents
