"""The command line as an operator uses it."""
import json

import pytest
from docs_reading import docx_text
from store import journal, user

from conftest import SAMPLE

# The commands' words and exits; what they call runs on both databases in the store's own tests.
pytestmark = pytest.mark.one_database

KEYS = {"student_id", "full_name", "tk", "rk1", "rk2", "rd", "exam", "final", "letter", "gpa",
        "traditional_kk", "traditional_ru", "status"}


def test_import_then_results_as_json(runner, app):
    out = runner.invoke(args=["journal", "import", str(SAMPLE)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["created"]["students"] == 48
    out = runner.invoke(args=["journal", "results", "J0001", "--json"])
    rows = json.loads(out.output)
    assert len(rows) == 12 and all(set(r) == KEYS for r in rows)
    row = next(r for r in rows if r["student_id"] == "24010007")
    assert row["full_name"] == "Төлеуов Нұрсұлтан Әлиханұлы"
    assert isinstance(row["rd"], float) and isinstance(row["final"], int)
    assert row["status"] in {"ok", "not_admitted", "absent", "fail"}
    # Block 1 of an integrated discipline: its exam is in the last block's journal.
    block = json.loads(runner.invoke(args=["journal", "results", "J0002", "--json"]).output)
    assert all(r["exam"] is None and r["final"] is None for r in block)


def test_bad_import_prints_the_row_in_the_users_language(runner, app, tmp_path, monkeypatch):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["students"][3]["group"] = "ЖОҚ-01"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("DOCSERVICE_LANG", "kk")
    out = runner.invoke(args=["journal", "import", str(path)])
    assert out.exit_code == 1
    assert "students[3]" in out.output and "ЖОҚ-01" in out.output and "табылмады (топ)" in out.output
    monkeypatch.setenv("DOCSERVICE_LANG", "ru")
    out = runner.invoke(args=["journal", "import", str(path)])
    assert "Не найдено" in out.output and "группа" in out.output


def test_close_and_history(runner, sample):
    out = runner.invoke(args=["journal", "close", "J0001"])
    assert out.exit_code == 0 and "closed" in out.output
    assert journal("J0001").state == "closed"
    out = runner.invoke(args=["journal", "close", "J0001"])
    assert out.exit_code == 1 and "уже закрыт" in out.output
    out = runner.invoke(args=["journal", "history", "J0003"])
    assert "import" in out.output and out.output.count("\n") >= 100


def test_close_as_someone_else_is_refused(runner, sample):
    out = runner.invoke(args=["journal", "close", "J0001", "--as", "t.anat1"])
    assert out.exit_code == 1 and "нет прав" in out.output
    assert journal("J0001").state == "open"


def test_unknown_journal(runner, sample):
    out = runner.invoke(args=["journal", "results", "J9999", "--json"])
    assert out.exit_code == 1 and "J9999" in out.output


def test_users_create_and_token(runner, app):
    out = runner.invoke(args=["users", "create", "t.new", "--name", "Жаңа Оқытушы", "--role", "teacher"])
    assert out.exit_code == 0, out.output
    login, secret = out.output.strip().split("\t")
    assert login == "t.new" and len(secret) >= 10
    assert user("t.new").must_change_password
    token = runner.invoke(args=["users", "token", "t.new"]).output.strip()
    from docservice.users import user_for_token

    assert user_for_token(token).login == "t.new"
    out = runner.invoke(args=["users", "create", "t.new", "--name", "X", "--role", "teacher"])
    assert out.exit_code == 1 and "уже существует" in out.output
    out = runner.invoke(args=["users", "create", "t.x", "--name", "X", "--role", "wizard"])
    assert out.exit_code == 1 and "wizard" in out.output


def test_users_students_issues_a_groups_accounts_once(runner, sample):
    from docservice.models import Group, db
    from docservice.users import authenticate

    group = db.session.scalars(db.select(Group).order_by(Group.code)).first()
    out = runner.invoke(args=["users", "students", "--group", group.code])
    assert out.exit_code == 0, out.output
    lines = [line.split("\t") for line in out.output.strip().splitlines()]
    assert sorted(book for _, book, *_ in lines) == sorted(s.record_book for s in group.students)
    code, book, name, login, secret = lines[0]
    assert code == group.code and login == f"st{book}" and authenticate(login, secret).login == login
    assert user(login).must_change_password
    again = runner.invoke(args=["users", "students", "--group", group.code])
    assert again.exit_code == 0 and again.output == ""  # everyone has one now: nothing issued twice
    one = runner.invoke(args=["users", "students", "--record-book", book])
    assert one.exit_code == 1 and login in one.output  # refused: the student has this account
    assert runner.invoke(args=["users", "students"]).exit_code == 2


@pytest.mark.parametrize("day, expected", [(13, []), (14, ["J0003", "J0008", "J0009", "J0010", "J0011"])])
def test_lock_overdue(runner, sample, clock, day, expected):
    clock.set(clock.now().replace(day=day))
    out = runner.invoke(args=["journal", "lock-overdue"])
    assert out.output.split() == expected


def _render(runner, tmp_path, body: str, *extra):
    return runner.invoke(args=["docs", "render", "vedomost", "--format", "pdf", "--data", str(_write(tmp_path, body)),
                               "-o", str(tmp_path / "out.pdf"), *extra])


@pytest.mark.parametrize("body, kk, ru", [
    ("", "input.json: Файл бос: JSON объектісі күтілген", "input.json: Файл пуст: ожидался объект JSON"),
    ("  \n", "input.json: Файл бос", "input.json: Файл пуст"),
    ("{journal: J0001}", "input.json: Файл JSON емес (1-жол, 2-баған)",
     "input.json: Файл не является JSON (строка 1, столбец 2)"),
    ("[]", "Деректер JSON объектісі болуы керек ({…}), ал келгені: […]",
     "Данные должны быть объектом JSON ({…}), а получено: […]"),
    ("null", "ал келгені: null", "а получено: null"),
    ('"J0001"', 'ал келгені: "J0001"', 'а получено: "J0001"'),
])
def test_docs_render_refuses_an_input_that_is_no_json_object_in_the_language_asked(runner, sample, tmp_path,
                                                                                  body, kk, ru):
    for lang, expected in (("kk", kk), ("ru", ru)):
        out = _render(runner, tmp_path, body, "--lang", lang)
        assert out.exit_code == 1 and expected in out.output, out.output
        assert "Traceback" not in out.output and "Expecting value" not in out.output
        assert not (tmp_path / "out.pdf").exists()


def _write(tmp_path, body: str):
    path = tmp_path / "input.json"
    path.write_text(body, encoding="utf-8")
    return path


def test_docs_render_says_what_is_wrong_field_by_field_and_refusals_in_the_language_asked(runner, sample,
                                                                                        tmp_path, monkeypatch):
    monkeypatch.delenv("DOCSERVICE_LANG", raising=False)  # --lang alone decides
    out = _render(runner, tmp_path, '{"journal": "J9999", "exam_date": "вчера"}', "--lang", "kk")
    assert out.exit_code == 1
    lines = out.output.strip().splitlines()
    assert any(line.startswith("Error: journal: «J9999» табылмады (журнал)") or
               line.startswith("journal: «J9999» табылмады (журнал)") for line in lines), out.output
    assert any(line.startswith("exam_date: ") for line in lines) and "{" not in out.output
    # A domain refusal (issuing from a journal still open) follows --lang too.
    out = _render(runner, tmp_path, '{"journal": "J0001"}', "--lang", "kk", "--issue")
    assert out.exit_code == 1 and "ашық" in out.output, out.output
    out = _render(runner, tmp_path, '{"journal": "J0001"}', "--lang", "ru", "--issue")
    assert out.exit_code == 1 and "открыт" in out.output, out.output


def test_docs_check_renders_what_it_can_and_names_each_failure(runner, sample, tmp_path, monkeypatch):
    """`docs check` tries every type's example in every language and format; on the sample
    (not the demo the examples name) what needs the demo's journals is named with why, the
    rest is written."""
    monkeypatch.setenv("DOCSERVICE_LANG", "ru")
    out = runner.invoke(args=["docs", "check", "--out", str(tmp_path / "check")])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "Не удалось подготовить:" in out.output
    assert "vedomost-kk.pdf: journal: " in out.output and "ktp-ru.docx: journal: Не найдено" in out.output
    written = {p.name for p in (tmp_path / "check").iterdir()}
    named = {line.split(":")[0] for line in out.output.splitlines() if line.endswith(")")}
    assert "login_request-ru.docx" in written and "vedomost-kk.pdf" in named
    assert not written & named and len(written | named) == 24  # each file written or said why not
    assert "НАЦИОНАЛЬНЫЙ МЕДИЦИНСКИЙ" in docx_text((tmp_path / "check" / "login_request-ru.docx").read_bytes()).upper()


def test_docs_render_writes_into_a_new_folder_and_says_when_it_cannot_write(runner, sample, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSERVICE_LANG", "ru")
    data = _write(tmp_path, '{"journal": "J0001"}')
    made = runner.invoke(args=["docs", "render", "vedomost", "--lang", "ru", "--format", "pdf", "--data", str(data),
                               "-o", str(tmp_path / "new" / "folder" / "J0001.pdf")])
    assert made.exit_code == 0 and (tmp_path / "new" / "folder" / "J0001.pdf").read_bytes().startswith(b"%PDF")
    (tmp_path / "a-file").write_text("x")
    for lang, words in (("kk", "файлын жазу мүмкін емес"), ("ru", "Не удалось записать файл")):
        refused = runner.invoke(args=["docs", "render", "vedomost", "--lang", lang, "--format", "pdf", "--data",
                                      str(data), "-o", str(tmp_path / "a-file" / "J0001.pdf")])
        assert refused.exit_code == 1 and words in refused.output and "Traceback" not in refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output
