"""The journal grid as a teacher checks it (issue 13, items 1–2): an exam mark for a student
who is not admitted is refused by the server, in kk and ru; the user's own second tab is not
"another user"; absences among the lessons held, per student; the cells a reopen grant opens
are marked apart, with the date the access ends."""
import re

from store import journal, mark, user
from test_web_teacher import LESSON, STUDENT, granted, put, teacher

from docservice.journals import set_mark
from docservice.models import AccessGrant, db


def version(column):
    cell = mark("J0001", STUDENT, column)
    return cell.version if cell else 0


def test_an_exam_mark_for_a_student_not_admitted_is_refused(app, sample):
    client, token = teacher(app)
    for column in ("RK1", "RK2"):  # РД = mean(ТК, 0, 0): below 50 whatever ТК is
        set_mark(user("t.anat2"), journal("J0001"), STUDENT, column, "0")
    exam_before = mark("J0001", STUDENT, "EXAM")
    before = exam_before.score if exam_before else None
    r = put(client, token, "ru", student=STUDENT, column="EXAM", value="80", version=version("EXAM"))
    assert r.status_code == 422, r.get_json()
    assert re.fullmatch(r"Обучающийся не допущен к экзамену \(РД \d+,\d\d < 50\): оценка за экзамен не ставится",
                        r.get_json()["message"])
    r = put(client, token, "kk", student=STUDENT, column="EXAM", value="н", version=version("EXAM"))
    assert r.status_code == 422 and r.get_json()["message"].startswith("Білім алушы емтиханға жіберілмеген (ЖРБ ")
    db.session.expire_all()
    assert (mark("J0001", STUDENT, "EXAM").score if mark("J0001", STUDENT, "EXAM") else None) == before
    # Admitted again (midterms of 100): the same mark is taken.
    for column in ("RK1", "RK2"):
        assert put(client, token, student=STUDENT, column=column, value="100", version=version(column)).status_code == 200
    r = put(client, token, student=STUDENT, column="EXAM", value="80", version=version("EXAM"))
    assert r.status_code == 200 and r.get_json()["result"]["exam"] == 80


def test_a_conflict_with_ones_own_other_tab_says_so(app, sample):
    client, token = teacher(app)
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "50")  # the same teacher, another tab
    r = put(client, token, student=STUDENT, column=LESSON, value="60", version=1)
    body = r.get_json()
    assert r.status_code == 409 and body["code"] == "mark_conflict_self"
    assert body["message"] == "Вы изменили эту ячейку в другой вкладке или окне (сейчас «50»)"
    assert "пользовател" not in body["message"] and "t.anat2" not in body["message"]
    r = put(client, token, "kk", student=STUDENT, column=LESSON, value="60", version=1)
    assert r.get_json()["message"].startswith("Бұл ұяшықты сіз басқа бетте немесе терезеде өзгерттіңіз")
    page = client.get("/journals/J0001").get_data(as_text=True)
    assert 'data-msg-keep-own="Записать это значение"' in page


def test_absences_among_the_lessons_held_per_student(app, sample, clock):
    client, token = teacher(app)
    data = client.get("/api/v1/journals/J0001?lang=ru").get_json()
    held = [c["key"] for c in data["columns"] if c["kind"] == "lesson" and c["date"] <= clock.now().date().isoformat()]
    assert 0 < len(held)
    row = next(r for r in data["rows"] if r["student"] == STUDENT)
    absent = sum(1 for c in held if row["cells"][c]["value"] == "н/б")
    share = int(100 * absent / len(held) + 0.5)
    assert row["attendance"] == {"absent": absent, "held": len(held), "share": share,
                                 "text": f"{absent} / {len(held)} · {share} %"}
    cell = row["cells"][LESSON]
    assert cell["value"] != "н/б" and LESSON in held
    r = put(client, token, student=STUDENT, column=LESSON, value="н", version=cell["version"])
    share = int(100 * (absent + 1) / len(held) + 0.5)
    assert r.get_json()["attendance"]["text"] == f"{absent + 1} / {len(held)} · {share} %"
    page = client.get("/journals/J0001").get_data(as_text=True)
    mine = page[page.index(f'<tr data-student="{STUDENT}"'):]
    assert f'data-out="attendance">{absent + 1} / {len(held)} · {share} %<' in mine[:mine.index("</tr>")]
    assert ">Пропуски<" in page
    kk = teacher(app, lang="kk")[0].get("/journals/J0001").get_data(as_text=True)
    assert ">Қатыспаған<" in kk


def test_the_cells_a_grant_opens_are_marked_with_the_end_of_the_access(app, sample, clock):
    req = granted(clock)
    client, _ = teacher(app)
    page = client.get("/journals/J0001").get_data(as_text=True)
    grant = db.session.scalar(db.select(AccessGrant).where(AccessGrant.request_id == req.id))
    until = grant.expires_at.strftime("%d.%m.%Y %H:%M")
    granted_cells = re.findall(r'<td class="lesson w granted">\s*<input class="cell[^"]*" value="[^"]*" '
                               r'data-student="(\d+)" data-column="([^"]+)"[^>]*title="([^"]*)"', page)
    assert [(s, c) for s, c, _ in granted_cells] == [(STUDENT, LESSON)]
    assert granted_cells[0][2].endswith(f"открыта для вас по заявке на повторное открытие до {until}")
    assert f"Выделенные ячейки открыты для вас по заявке на повторное открытие журнала до {until}." in page
    assert page.count(" granted") == 1 + 1  # the cell and the legend's swatch


def test_the_excel_export_has_the_absences(app, sample, clock):
    import io

    from openpyxl import load_workbook

    client, _ = teacher(app)
    row = next(r for r in client.get("/api/v1/journals/J0001?lang=ru").get_json()["rows"] if r["student"] == STUDENT)
    sheet = load_workbook(io.BytesIO(client.get("/journals/J0001.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    mine = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == STUDENT)
    assert mine[header.index("Пропуски")].value == row["attendance"]["absent"]
    assert mine[header.index("Пропуски, %")].value == row["attendance"]["share"]
