"""The explanatory note's form in Chromium (issue 13, item 9): the teacher is chosen among
teachers only — never a dean or the vice-rector — and, once a journal is chosen, among the
teachers of its department and those who teach it."""
import pytest
from browser import chromium, live_server, page, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


def shown_teachers(page) -> list[str]:
    return page.eval_on_selector_all("select[name=teacher] option",
                                     "os => os.filter(o => o.value && !o.hidden).map(o => o.value)")


def test_the_teacher_list_follows_the_chosen_journal(page, live_server):
    base, app, _ = live_server
    sign_in(page, base, "head.anat", lang="kk")
    page.goto(f"{base}/documents/explanatory_note")
    with app.app_context():
        from docservice.models import Journal, User, db

        people = {u.login: (u.roles, u.department.code if u.department else None)
                  for u in db.session.scalars(db.select(User))}
        code = page.eval_on_selector("select[name=journal] option:not([value=''])", "o => o.value")
        journal = db.session.scalar(db.select(Journal).where(Journal.code == code))
        department, its_teachers = journal.department.code, {t.user.login for t in journal.staff}
    everyone = shown_teachers(page)
    assert set(everyone) == {login for login, (roles, _) in people.items() if "teacher" in roles}
    assert {people[login][1] for login in everyone} > {department}  # other departments' teachers too
    page.select_option("select[name=journal]", code)
    shown = set(shown_teachers(page))
    assert shown == {login for login in everyone if people[login][1] == department} | its_teachers
    page.select_option("select[name=journal]", "")
    assert shown_teachers(page) == everyone
