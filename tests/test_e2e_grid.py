"""The journal grid in Chromium (issue 13, items 1–2): used on a 390 × 844 phone (a mark typed
there changes ТК), and at 1366 × 768: the results and the column headers stay in view inside
the grid's own box, one error message at a time that never covers the focused cell, н/б (п)
whole in its cell, an exam mark refused for a student who is not admitted, the user's own
second tab named as such in a conflict, and a print that fits A4 landscape with every column."""
from __future__ import annotations

import subprocess

import pytest
from browser import DEMO_NOW, chromium, live_server, screen, sign_in  # noqa: F401  (fixtures)
from playwright.sync_api import expect
from test_e2e_stories import in_app

pytestmark = [pytest.mark.browser, pytest.mark.rendering]


def longest_open_journal():
    """The open demo journal with an exam and the most columns, and its teacher."""
    from docservice.models import OPEN, Journal, db

    journals = [j for j in db.session.scalars(db.select(Journal))
                if j.state == OPEN and j.holds_exam and j.deadline >= DEMO_NOW.date()
                and any(s.role == "teacher" for s in j.staff)]
    best = max(journals, key=lambda j: (len(j.lessons), j.code))
    return best.code, next(s.user.login for s in best.staff if s.role == "teacher")


def box(locator) -> dict:
    return locator.bounding_box()


def overlaps(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] \
        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def open_grid(page, base, login, code, lang="ru"):
    sign_in(page, base, login, lang=lang)
    page.goto(f"{base}/journals/{code}")
    page.locator("#grid").scroll_into_view_if_needed()


def test_on_a_phone_a_mark_is_in_view_tapped_and_typed_and_tk_changes(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 390, 844, phone=True) as phone:
        open_grid(phone, base, login, code, lang="kk")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
        name = box(phone.locator("tbody th.name").first)
        assert name["x"] + name["width"] <= 390 / 2, name  # № and a short name: the rest of the screen is marks
        first_row = [box(c) for c in phone.locator("tbody tr").first.locator("td.lesson input.cell").all()[:6]]
        assert sum(1 for c in first_row if c["x"] + c["width"] <= 390) >= 3, first_row
        assert phone.locator("tbody th.name .rb").first.is_hidden()
        cell = phone.locator("td.lesson input.cell").first
        at = box(cell)
        assert at["x"] >= name["x"] + name["width"] - 1 and at["x"] + at["width"] <= 390, at  # in view, not under the names
        row = phone.locator(f'table.grid tr[data-student="{cell.get_attribute("data-student")}"]')
        tk = row.locator('[data-out="tk"]')
        before = tk.inner_text()
        typed = "100" if cell.input_value() != "100" else "0"
        cell.tap()
        phone.keyboard.type(typed)
        phone.keyboard.press("Enter")
        expect(phone.locator("#grid-status")).to_have_text("Сақталды")
        expect(cell).to_have_value(typed)
        assert tk.inner_text() != before


def test_at_1366_the_results_and_headers_stay_in_the_grids_box(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code)
        wrap = page.locator(".grid-wrap")
        frame = box(wrap)
        assert frame["x"] + frame["width"] <= 1366 and frame["height"] <= 768
        for header in ("Пропуски", "ТК", "РД", "Итог", "Буква", "Результат"):
            th = box(page.locator("thead th.out", has_text=header))
            assert frame["x"] <= th["x"] and th["x"] + th["width"] <= frame["x"] + frame["width"] + 1, header
        last = page.locator("tbody tr").last
        wrap.evaluate("w => { w.scrollTop = w.scrollHeight; }")
        expect(last.locator('[data-out="status"]')).to_be_in_viewport()
        head = box(page.locator("thead th.name"))
        assert abs(head["y"] - frame["y"]) <= 2, (head, frame)  # the header row stayed on top
        assert overlaps(box(page.locator("thead th.out", has_text="РД")), frame)


def test_one_error_at_a_time_beside_the_wrong_cell_and_off_the_focused_one(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code)
        column = page.locator("td.lesson input.cell").nth(2).get_attribute("data-column")
        cells = page.locator(f'input.cell[data-column="{column}"]')
        first, second, third = cells.nth(3), cells.nth(4), cells.nth(5)
        saved = first.input_value()
        first.click()
        page.keyboard.type("150")
        page.keyboard.press("Enter")             # refused; the focus goes down to the next row
        bubble = page.locator(".cell-msg")
        expect(bubble).to_be_visible()
        expect(bubble).to_contain_text("Недопустимая оценка «150»")
        expect(second).to_be_focused()
        assert not overlaps(box(bubble), box(second))
        wrong = box(first)
        near = box(bubble)
        assert abs(near["y"] + near["height"] - wrong["y"]) <= 8 or abs(near["y"] - wrong["y"] - wrong["height"]) <= 8
        page.keyboard.type("abc")
        page.keyboard.press("Enter")
        expect(bubble).to_contain_text("«abc»")
        expect(third).to_be_focused()
        assert page.locator(".cell-msg:visible").count() == 1 and not overlaps(box(bubble), box(third))
        first.click()                               # the first one's message again, then fixed
        expect(bubble).to_contain_text("«150»")
        page.keyboard.type(saved or "70")
        page.keyboard.press("Tab")
        expect(first).not_to_have_attribute("aria-invalid", "true")
        second.click()
        page.keyboard.press("Escape")               # undone: nothing wrong is left, no message
        expect(bubble).to_be_hidden()


def test_a_credit_transfer_is_whole_in_its_cell(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code)
        cell = page.locator("td.lesson input.cell").nth(5)
        cell.click()
        page.keyboard.type("п")
        page.keyboard.press("Tab")
        expect(cell).to_have_attribute("data-saved", "н/б (п)")
        assert cell.evaluate("el => el.scrollWidth <= el.clientWidth"), "н/б (п) is clipped"
        page.reload()
        cell = page.locator(f'input.cell[data-student="{cell.get_attribute("data-student")}"]'
                            f'[data-column="{cell.get_attribute("data-column")}"]')
        expect(cell).to_have_value("н/б (п)")
        assert cell.evaluate("el => el.scrollWidth <= el.clientWidth"), "н/б (п) is clipped after a reload"


def test_the_exam_of_a_student_not_admitted_is_refused_on_the_page(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code, lang="kk")
        row = page.locator("tbody tr.st-not_admitted").first
        expect(row).to_have_count(1)
        exam = row.locator('input.cell[data-column="EXAM"]')
        exam.click()
        page.keyboard.type("80")
        page.keyboard.press("Tab")
        expect(page.locator(".cell-msg.bad")).to_contain_text("Білім алушы емтиханға жіберілмеген (ЖРБ ")
        expect(exam).to_have_attribute("aria-invalid", "true")
        expect(exam).to_have_attribute("data-saved", "")
        expect(row.locator('[data-out="status"]')).to_have_text("жіберілмеді")


def test_a_conflict_with_ones_own_other_tab_is_not_another_user(chromium, live_server):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code)
        other = page.context.new_page()            # the same teacher's second tab
        other.goto(f"{base}/journals/{code}")
        first = page.locator("td.lesson input.cell").nth(1)
        twin = other.locator("td.lesson input.cell").nth(1)
        twin.click()
        other.keyboard.type("61" if twin.input_value() != "61" else "62")
        other.keyboard.press("Tab")
        expect(other.locator("#grid-status")).to_have_text("Сохранено")
        first.click()
        page.keyboard.type("77")
        page.keyboard.press("Tab")
        bubble = page.locator(".cell-msg.conflict")
        expect(bubble).to_contain_text("Вы изменили эту ячейку в другой вкладке или окне")
        assert "пользовател" not in bubble.inner_text() and login not in bubble.inner_text()
        expect(bubble.get_by_role("button", name="Записать это значение")).to_be_visible()
        bubble.get_by_role("button", name="Записать это значение").click()
        expect(page.locator("#grid-status")).to_have_text("Сохранено")
        expect(first).to_have_attribute("data-saved", "77")


def test_the_print_fits_a4_landscape_with_every_column(chromium, live_server, tmp_path):
    base, app, _ = live_server
    code, login = in_app(app, longest_open_journal)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, login, code)
        pdf = tmp_path / "grid.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in size.split("Page size:")[1].split("pts")[0].split(" x "))
    assert round(width) == 842 and round(height) == 595, size    # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    header = next(line for line in text.splitlines() if "РК1" in line)
    for word in ("РК2", "Экзамен", "Пропуски", "ТК", "РД", "Итог", "Буква", "Результат"):
        assert word in header, (word, header)                    # every column on the page
    assert "ждёт экзамена" in text


def granted_reopening():
    """A locked demo journal reopened for its teacher: one student's РК1 and exam."""
    from datetime import date

    from store import user

    from docservice import reopen
    from docservice.models import LOCKED, Journal, db
    from docservice.web.teacher.grid import effective_state, unfinished_request

    journal = next(j for j in db.session.scalars(db.select(Journal).order_by(Journal.code))
                   if effective_state(j, DEMO_NOW) == LOCKED and j.holds_exam and unfinished_request(j) is None
                   and len([s for s in j.staff if s.role == "teacher"]) == 1)
    teacher = next(s.user for s in journal.staff if s.role == "teacher")
    student = sorted(s.record_book for s in journal.group.students)[0]
    req = reopen.file_request(teacher, journal, "with_change", "РК1 и экзамен перепутаны",
                              students=[student], columns=["RK1", "EXAM"])
    reopen.visa(journal.department.head, req)
    reopen.decide(journal.group.program.school.dean, req, "7", date(2026, 11, 20))
    access = reopen.grant(user("or.head"), req)
    db.session.commit()
    return {"code": journal.code, "teacher": teacher.login, "until": access.expires_at.strftime("%d.%m.%Y %H:%M")}


def test_the_cells_a_grant_opens_stand_out_and_are_in_view(chromium, live_server):
    base, app, _ = live_server
    case = in_app(app, granted_reopening)
    with screen(chromium, 1366, 768) as page:
        open_grid(page, base, case["teacher"], case["code"], lang="kk")
        expect(page.locator(".legend")).to_have_text(
            f"Белгіленген ұяшықтар сізге журналды қайта ашу өтінімі бойынша {case['until']} дейін ашық.")
        cells = page.locator("td.granted")
        expect(cells).to_have_count(2)
        frame, results = box(page.locator(".grid-wrap")), box(page.locator("thead th.out").first)
        for i in range(2):
            cell = box(cells.nth(i))
            assert frame["x"] <= cell["x"] and cell["x"] + cell["width"] <= results["x"] + 1, (cell, results)
            assert cells.nth(i).evaluate("td => getComputedStyle(td).backgroundColor") != \
                page.locator("td.lesson").first.evaluate("td => getComputedStyle(td).backgroundColor")
        assert case["until"] in cells.first.locator("input").get_attribute("title")
