"""Import of the exchange format: the sample as it is, all-or-nothing, errors that name the row."""
import copy
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from docservice.errors import DatasetError
from docservice.importer import import_dataset
from docservice.models import Journal, Mark, MarkHistory, Student, User, db
from docservice.results import results_json


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_sample_imports_unchanged(sample, sample_data):
    assert count(Student) == len(sample_data["students"]) == 48
    assert count(Journal) == 14
    assert count(Mark) == len(sample_data["marks"])
    # Every imported mark is in the audit trail, marked as imported.
    assert count(MarkHistory) == len(sample_data["marks"])
    head = db.session.scalar(select(User).where(User.login == "head.anat"))
    assert head.roles == {"teacher", "head_of_department"}
    assert head.department.head_id == head.id


def test_reimport_changes_only_what_changed(sample, sample_data):
    data = copy.deepcopy(sample_data)
    mark = next(m for m in data["marks"] if m["journal"] == "J0001" and m["column"] == "EXAM")
    mark["value"] = 99
    summary = import_dataset(None, data)
    assert summary.marks_changed == 1
    assert summary.created == {}
    row = next(r for r in results_json(db.session.scalar(select(Journal).where(Journal.code == "J0001")))
               if r["student_id"] == mark["student"])
    assert row["exam"] == 99


@pytest.mark.parametrize("mutate, code, where, field", [
    (lambda d: d["students"][5].__setitem__("group", "NO-SUCH"), "reference_unknown", "students[5]", "group"),
    (lambda d: d["marks"][100].__setitem__("value", 101), "mark_invalid", "marks[100]", "value"),
    (lambda d: d["marks"][7].__setitem__("value", "5+"), "mark_invalid", "marks[7]", "value"),
    (lambda d: d["journals"][2]["lessons"][1].__setitem__("date", "2026-13-01"), "field_invalid",
     "journals[2].lessons[1]", "date"),
    (lambda d: d["groups"][0].pop("course"), "field_required", "groups[0]", "course"),
    (lambda d: d["students"].append(dict(d["students"][0])), "duplicate_key", "students[48]", "id"),
    (lambda d: d["marks"].append({"journal": "J0002", "student": "24010001", "column": "EXAM", "value": 70}),
     "exam_not_here", "marks[1824]", "column"),
])
def test_one_bad_row_changes_nothing(app, sample_data, mutate, code, where, field):
    data = copy.deepcopy(sample_data)
    mutate(data)
    with pytest.raises(DatasetError) as info:
        import_dataset(None, data)
    err = info.value
    assert (err.code, err.where, err.field) == (code, where, field)
    assert where in err.message("ru") and where in err.message("kk")
    assert count(Student) == 0 and count(Mark) == 0 and count(User) == 0


def test_bad_row_in_a_later_import_keeps_the_earlier_data(sample, sample_data):
    data = copy.deepcopy(sample_data)
    data["marks"][0]["value"] = 55
    data["marks"][-1]["value"] = "abc"
    with pytest.raises(DatasetError):
        import_dataset(None, data)
    first = sample_data["marks"][0]
    row = db.session.scalar(select(Mark).join(Student).where(
        Student.record_book == first["student"], Mark.column == first["column"]))
    assert row.score == first["value"]


def test_wrong_format_is_refused(app, sample_data):
    data = dict(sample_data, format="something-else/2")
    with pytest.raises(DatasetError) as info:
        import_dataset(None, data)
    assert "docservice-dataset/1" in info.value.message("ru")


def test_dry_run_counts_and_stores_nothing(app, sample_data):
    summary = import_dataset(None, sample_data, dry_run=True)
    assert summary.created["students"] == 48
    assert count(Student) == 0


def test_xlsx_import_gives_the_same_results(app, sample_data, tmp_path):
    from docservice.dataset_xlsx import write_workbook
    from docservice.importer import import_file

    path = tmp_path / "faculty.xlsx"
    write_workbook(sample_data, path)
    import_file(None, path)
    journal = db.session.scalar(select(Journal).where(Journal.code == "J0001"))
    assert count(Mark) == len(sample_data["marks"])
    assert json.dumps(results_json(journal))  # plain JSON


def test_xlsx_error_names_sheet_and_row(app, sample_data, tmp_path):
    import openpyxl

    from docservice.dataset_xlsx import write_workbook
    from docservice.importer import import_file

    path = tmp_path / "faculty.xlsx"
    write_workbook(sample_data, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["students"]
    header = [c.value for c in ws[1]]
    ws.cell(row=4, column=header.index("group") + 1, value="ХХ-99")
    wb.save(path)
    with pytest.raises(DatasetError) as info:
        import_file(None, path)
    message = info.value.message("ru")
    assert "students" in message and "4" in message and "ХХ-99" in message
    assert count(Student) == 0


def test_an_items_own_scheme_is_used(app, sample_data):
    data = copy.deepcopy(sample_data)
    item = next(i for i in data["curriculum"] if i["code"] == "ANA2101")
    item["scheme"] = {"admission_components": {"tk": 2, "RK1": 1, "RK2": 1}, "rd_weight": 0.5, "exam_weight": 0.5}
    import_dataset(None, data)
    row = results_json(db.session.scalar(select(Journal).where(Journal.code == "J0001")))[0]
    assert abs(row["rd"] - (2 * row["tk"] + row["rk1"] + row["rk2"]) / 4) < 0.006
    if row["status"] == "ok":
        assert abs(row["final"] - (row["rd"] + row["exam"]) / 2) <= 0.5


def test_a_broken_scheme_is_refused(app, sample_data):
    data = copy.deepcopy(sample_data)
    data["curriculum"][0]["scheme"] = {"rd_weight": 0.7, "exam_weight": 0.4}
    with pytest.raises(DatasetError) as info:
        import_dataset(None, data)
    assert (info.value.where, info.value.field) == ("curriculum[0]", "scheme")


def test_only_it_or_the_operator_gives_roles_and_posts(sample, sample_data):
    from store import user

    data = copy.deepcopy(sample_data)
    me = next(s for s in data["staff"] if s["login"] == "methodist")
    me["roles"] = ["methodist", "registrar_head"]
    with pytest.raises(DatasetError) as info:
        import_dataset(user("methodist"), data)
    assert (info.value.where, info.value.field) == (f"staff[{data['staff'].index(me)}]", "roles")
    assert user("methodist").roles == {"methodist"}
    data = copy.deepcopy(sample_data)
    data["departments"][0]["head"] = "methodist"
    with pytest.raises(DatasetError):
        import_dataset(user("or.inspector"), data)
    import_dataset(user("it.admin"), data)  # IT may
    from docservice.models import Department

    assert db.session.scalar(select(Department).where(Department.code == "ANAT")).head.login == "methodist"


def test_a_closed_journal_is_not_changed_by_import(sample, sample_data):
    from store import journal, mark, user

    from docservice.journals import close_journal

    close_journal(user("t.anat2"), journal("J0001"))
    data = copy.deepcopy(sample_data)
    row = next(m for m in data["marks"] if m["journal"] == "J0001" and m["column"] == "EXAM")
    row["value"] = 100
    with pytest.raises(DatasetError) as info:
        import_dataset(user("or.inspector"), data)
    # The journal named as people name it (discipline, group), the deadline as they write dates.
    assert info.value.code == "import_journal_closed"
    assert info.value.message("ru").startswith("marks[")
    assert "Журнал «Анатомия человека» (ОМ-24-01к) закрыт, срок закрытия 14.11.2026" in info.value.message("ru")
    assert "«Адам анатомиясы» (ОМ-24-01к) журналы жабық, жабу мерзімі 14.11.2026" in info.value.message("kk")
    assert mark("J0001", row["student"], "EXAM").score != 100


def _as_new_journals(data: dict) -> dict:
    """The sample with its journals under codes the store does not know yet (K0001…)."""
    data = copy.deepcopy(data)
    for row in data["journals"] + data["marks"]:
        key = "id" if "id" in row else "journal"
        row[key] = row[key].replace("J", "K")
    return data


def test_the_registrar_loads_new_journals_past_their_deadline_and_is_told_so(sample, sample_data, clock):
    """A dataset is records the registrar loads, not a teacher's late edit: journals the file
    creates take their marks whatever the date; the preview lists them with their deadline."""
    from store import user

    clock.set(datetime(2027, 5, 3, 9, 0))      # long after every deadline of the sample
    data = _as_new_journals(sample_data)
    preview = import_dataset(user("or.inspector"), data, dry_run=True)
    assert preview.marks_changed == len(data["marks"])
    first = next(j for j in preview.journals if j["code"] == "K0001")
    assert first["name"] == {"kk": "Адам анатомиясы", "ru": "Анатомия человека"} and first["group"] == "ОМ-24-01к"
    assert first["new"] and first["past_deadline"] and first["deadline"] == "2026-11-14"
    assert first["students"] == 12 and first["marks"] == sum(1 for m in data["marks"] if m["journal"] == "K0001")
    assert len(preview.journals) == 14 and all(j["past_deadline"] for j in preview.journals)
    assert count(Journal) == 14                                     # the dry run stored nothing
    import_dataset(user("or.inspector"), data)
    assert count(Journal) == 28 and count(Mark) == 2 * len(sample_data["marks"])
    # Once loaded, such a journal is like any other past its deadline: a change needs a reopening.
    row = next(m for m in data["marks"] if m["journal"] == "K0001" and m["column"] == "EXAM")
    row["value"] = 100 if row["value"] != 100 else 99
    with pytest.raises(DatasetError) as info:
        import_dataset(user("or.inspector"), data)
    assert info.value.code == "import_journal_closed" and "заблокирован по сроку" in info.value.message("ru")


def test_reimport_keeps_the_registrars_deadline_and_drops_unlisted_teachers(sample, sample_data):
    from datetime import date

    from store import journal, user

    from docservice.journals import set_deadline

    set_deadline(user("or.inspector"), journal("J0001"), date(2026, 12, 20))
    data = copy.deepcopy(sample_data)
    next(j for j in data["journals"] if j["id"] == "J0001")["teachers"] = ["t.anat1"]
    import_dataset(None, data)
    assert journal("J0001").deadline == date(2026, 12, 20)
    assert [t.user.login for t in journal("J0001").staff] == ["t.anat1"]


def test_a_cell_given_twice_is_an_error(app, sample_data):
    data = copy.deepcopy(sample_data)
    data["marks"].append(dict(data["marks"][0], value=1))
    with pytest.raises(DatasetError) as info:
        import_dataset(None, data)
    assert info.value.code == "duplicate_key" and info.value.where == f"marks[{len(data['marks']) - 1}]"


@pytest.mark.demo
@pytest.mark.parametrize("day", [datetime(2026, 12, 7, 9, 0), datetime(2027, 4, 14, 9, 0)], ids=str)
def test_the_registrar_imports_the_projects_sample_into_the_demo_on_any_date(app, clock, sample_data, day):
    """Issue 13: the dry run refused the sample with «marks[0] [journal]: Журнал закрыт …»."""
    from store import user

    clock.set(day)
    preview = import_dataset(user("or.inspector"), sample_data, dry_run=True)
    assert len(preview.journals) == 14 and all(j["new"] and j["past_deadline"] for j in preview.journals)
    assert preview.marks_changed == len(sample_data["marks"])
    import_dataset(user("or.inspector"), sample_data)
    assert db.session.scalar(select(func.count()).select_from(Mark).join(Journal).where(
        Journal.code.like("J%"))) == len(sample_data["marks"])


def _not_admitted_warning(summary, journal_code: str, record_book: str) -> dict:
    return next(w for w in summary.warnings if (w["journal"], w["student"]) == (journal_code, record_book))


def test_the_preview_names_the_exam_marks_of_students_not_admitted(sample, sample_data):
    """The grid refuses an exam mark below the admission minimum; the sample (records of the old
    system) has nine such marks, so the import keeps them and the preview names each one, in the
    grid's words, with the journal (discipline, group) and the student."""
    from store import journal, user

    preview = import_dataset(user("or.inspector"), sample_data, dry_run=True)
    assert len(preview.warnings) == 9
    said = _not_admitted_warning(preview, "J0005", "24010009")["message"]
    assert "Ғабдуллин Аңсаған Дәулетұлы (24010009)" in said["ru"] and "(ОМ-24-01к)" in said["ru"]
    assert "Основы молекулярной биологии" in said["ru"]
    assert "обучающийся не допущен к экзамену (РД 48,79 < 50)" in said["ru"]
    assert "в файле есть оценка за экзамен (39)" in said["ru"]
    assert "Молекулалық биология негіздері" in said["kk"] and "Ғабдуллин Аңсаған Дәулетұлы (24010009)" in said["kk"]
    assert "білім алушы емтиханға жіберілмеген (ЖРБ 48,79 < 50)" in said["kk"]
    assert "файлда емтихан бағасы бар (39)" in said["kk"]
    # Loaded as the record it is, and shown as the grid shows it: not admitted, no exam.
    row = next(r for r in results_json(journal("J0005")) if r["student_id"] == "24010009")
    assert (row["status"], row["exam"], row["traditional_ru"]) == ("not_admitted", None, "не допущен")


def test_a_file_that_lowers_the_admission_rating_is_told_so(sample, sample_data):
    """Not a list kept somewhere: the warning follows the file's own РК marks."""
    from store import user

    data = copy.deepcopy(sample_data)
    admitted = import_dataset(user("or.inspector"), data, dry_run=True).warnings
    exam = next(m for m in data["marks"] if m["journal"] == "J0001" and m["column"] == "EXAM"
                and m["value"] is not None)
    assert all(w["student"] != exam["student"] or w["journal"] != "J0001" for w in admitted)
    for m in data["marks"]:
        if (m["journal"], m["student"]) == ("J0001", exam["student"]) and m["column"] in ("RK1", "RK2"):
            m["value"] = 0
    preview = import_dataset(user("or.inspector"), data, dry_run=True)
    assert len(preview.warnings) == len(admitted) + 1
    said = _not_admitted_warning(preview, "J0001", exam["student"])["message"]
    assert said["ru"].startswith("«Анатомия человека» (ОМ-24-01к), ")
    assert said["kk"].startswith("«Адам анатомиясы» (ОМ-24-01к), ")
    assert f"оценка за экзамен ({exam['value']})" in said["ru"]


@pytest.mark.parametrize("lang, heading, line", [
    ("ru", "Оценки за экзамен у не допущенных обучающихся",
     "Ғабдуллин Аңсаған Дәулетұлы (24010009): обучающийся не допущен к экзамену (РД 48,79 &lt; 50)"),
    ("kk", "Емтиханға жіберілмеген білім алушылардың емтихан бағалары",
     "Ғабдуллин Аңсаған Дәулетұлы (24010009): білім алушы емтиханға жіберілмеген (ЖРБ 48,79 &lt; 50)"),
])
def test_the_import_page_shows_the_warnings_in_the_users_language(sample, sample_data, tmp_path, lang, heading,
                                                                   line):
    import io

    from flask import current_app
    from web_client import csrf, signed_in

    current_app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    client = signed_in(current_app, "or.inspector", lang=lang)
    token = csrf(client.get("/registrar/import").data)
    r = client.post("/registrar/import", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(json.dumps(sample_data, ensure_ascii=False).encode()), "s.json")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and heading in html and line in html
    assert html.count("<li>«") == 9
