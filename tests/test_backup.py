"""Backups that restore (issue 9, item 4): ``docservice backup create | verify | restore``.

Every test that takes ``app`` runs on SQLite and on PostgreSQL. The round trip wipes the store
(database and storage folder) and checks that results, the audit trail, the register and every
file come back identical; damaged archives are refused by verify and restore alike and leave
the store as it was.
"""
from __future__ import annotations

import json
import shutil
import tarfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from store import journal, mark, user

from docservice import create_app
from docservice.backup.database import client_tool, libpq_target
from docservice.backup.retention import NAME
from docservice.documents import issuing
from docservice.errors import SetupError
from docservice.journals import set_mark
from docservice.models import IssuedDocument, Journal, MarkHistory, db
from docservice.results import results_json
from docservice.status import migrations_head

LOGIN_REQUEST = {"full_name": "Әбілқасымова Сәуле Нұрланқызы", "position": "ассистент", "department": "ANAT",
                 "email": "s.abilkasymova@kaznmu.example"}
STUDENT, LESSON = "24010001", "2026-09-02"  # J0001, t.anat2's journal (see test_journal_lifecycle)


def invoke(runner, *args, lang="ru"):
    """Run ``docservice …`` through the app's CLI runner. The test's own session is closed
    first: a restore waits for (PostgreSQL) or works under (SQLite) every open transaction."""
    db.session.remove()
    result = runner.invoke(args=[str(a) for a in args], env={"DOCSERVICE_LANG": lang})
    db.session.remove()
    assert "Traceback" not in result.output
    return result


def create_backup(runner, folder: Path) -> Path:
    result = invoke(runner, "backup", "create", "--out", folder)
    assert result.exit_code == 0, result.output
    (path,) = folder.glob("docservice-backup-*.tar")
    return path


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def store_state(app) -> dict:
    """What a restore must give back: every journal's results, the audit trail, the register
    and every stored file, byte for byte."""
    db.session.remove()
    root = Path(app.config["STORAGE_DIR"])
    return {
        "results": {j.code: results_json(j) for j in db.session.scalars(select(Journal).order_by(Journal.code))},
        "history": [tuple(r) for r in db.session.execute(select(MarkHistory.__table__).order_by(MarkHistory.id))],
        "register": [tuple(r) for r in db.session.execute(
            select(IssuedDocument.__table__).order_by(IssuedDocument.id))],
        "files": {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()},
    }


def wipe_store(app, backend: str) -> None:
    """Empty every table (the schema stays, as after ``db upgrade``) and the storage folder."""
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.connect() as conn:
        if backend == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # users and departments name each other
            for table in tables:
                conn.execute(table.delete())
        conn.commit()
    shutil.rmtree(app.config["STORAGE_DIR"], ignore_errors=True)


def issue_documents() -> list[IssuedDocument]:
    head = user("head.anat")
    documents = [issuing.issue(head, "login_request", LOGIN_REQUEST, "ru", "pdf").document,
                 issuing.issue(head, "login_request", dict(LOGIN_REQUEST, full_name="Иванов Пётр"), "kk",
                               "docx").document]
    # A rendition under the first number: its file is in the register too, and in the backup.
    assert issuing.issue(head, "login_request", LOGIN_REQUEST, "kk", "docx").already
    return documents


def member(path: Path, prefix: str) -> tarfile.TarInfo:
    with tarfile.open(path) as tar:
        return next(m for m in tar.getmembers() if m.name.startswith(prefix))


def manifest_of(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


# --- the round trip --------------------------------------------------------------------------

def test_round_trip_gives_back_results_history_register_and_files(app, sample, runner, backend, tmp_path):
    numbers = {d.number for d in issue_documents()}
    teacher = user("t.anat2")
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "91", expected_version=1)
    set_mark(teacher, journal("J0001"), STUDENT, LESSON, "н/б", expected_version=2)
    before = store_state(app)
    assert len(before["files"]) == 3 and len(before["register"]) == 2  # two originals and a rendition

    path = create_backup(runner, tmp_path / "backups")
    manifest = manifest_of(path)
    assert manifest["backend"] == backend and manifest["app_version"] == metadata.version("docservice")
    assert manifest["revision"] == migrations_head()
    assert manifest["counts"] == {"journals": len(before["results"]), "marks": manifest["counts"]["marks"],
                                  "mark_history": len(before["history"]), "issued_documents": 2}
    assert {p["document"] for p in manifest["parts"].values() if "document" in p} == numbers

    verified = invoke(runner, "backup", "verify", path)
    assert verified.exit_code == 0, verified.output
    assert f"{path}: архив цел" in verified.output
    assert "выданных документов 2, файлов 3" in verified.output and manifest["revision"] in verified.output

    wipe_store(app, backend)
    assert store_state(app)["register"] == [] and store_state(app)["files"] == {}
    restored = invoke(runner, "backup", "restore", path)
    assert restored.exit_code == 0, restored.output
    assert "восстановлен и проверен" in restored.output
    assert store_state(app) == before
    # The restored store works on: the next number follows the restored register.
    assert issuing.issue(user("head.anat"), "login_request", dict(LOGIN_REQUEST, full_name="Сәрсенов Нұрлан"),
                         "kk", "docx").document.number == "01-15/2026/0003"


def test_restore_onto_a_new_installation_without_tables(app, sample, runner, backend, tmp_path):
    before = store_state(app)
    path = create_backup(runner, tmp_path / "backups")
    db.session.remove()
    if backend == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.engine.dispose()
        Path(db.engine.url.database).unlink()
    restored = invoke(runner, "backup", "restore", path, lang="en")
    assert restored.exit_code == 0, restored.output
    assert "restored and checked" in restored.output
    assert store_state(app) == before


# --- damaged archives ------------------------------------------------------------------------

def _truncate(path: Path) -> str:
    part = member(path, "database/")
    with path.open("r+b") as f:
        f.truncate(part.offset_data + part.size // 2)
    return f"Архив повреждён: часть {part.name} обрывается (файл неполный)"


def _alter(prefix: str):
    def alter(path: Path) -> str:
        part = member(path, prefix)
        with path.open("r+b") as f:
            f.seek(part.offset_data + part.size // 2)
            byte = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([byte[0] ^ 0xFF]))
        return f"Архив повреждён: SHA-256 части {part.name} не совпадает с указанной в manifest.json"
    return alter


@pytest.mark.parametrize("damage", [_truncate, _alter("database/"), _alter("files/")],
                         ids=["truncated", "database-byte-altered", "file-byte-altered"])
def test_a_damaged_archive_is_refused_and_restore_changes_nothing(app, sample, runner, tmp_path, damage):
    issuing.issue(user("head.anat"), "login_request", LOGIN_REQUEST, "kk", "docx").document
    path = create_backup(runner, tmp_path / "backups")
    # A change after the backup, which a restore would undo.
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "77", expected_version=1)
    # And the issued files gone: a restore that got as far as the files would bring them back.
    shutil.rmtree(Path(app.config["STORAGE_DIR"]))
    before = store_state(app)
    expected = damage(path)

    assert one_line_error(invoke(runner, "backup", "verify", path)) == f"Error: {expected}"
    assert one_line_error(invoke(runner, "backup", "restore", path, "--force")) == f"Error: {expected}"
    assert store_state(app) == before
    assert mark("J0001", STUDENT, LESSON).score == 77


def test_damage_is_told_in_kazakh_and_english_too(app, runner, tmp_path):
    path = create_backup(runner, tmp_path / "backups")
    _alter("database/")(path)
    assert "Архив зақымдалған: database/" in one_line_error(invoke(runner, "backup", "verify", path, lang="kk"))
    english = one_line_error(invoke(runner, "backup", "verify", path, lang="en"))
    assert "The archive is damaged: part database/" in english
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("hello")
    assert "не является резервной копией docservice" in one_line_error(invoke(runner, "backup", "verify", not_a_backup))


# --- the store must be empty --------------------------------------------------------------------

def test_restore_into_a_store_that_is_not_empty_needs_force(app, sample, runner, tmp_path):
    path = create_backup(runner, tmp_path / "backups")
    set_mark(user("t.anat2"), journal("J0001"), STUDENT, LESSON, "77", expected_version=1)
    before = store_state(app)

    refused = one_line_error(invoke(runner, "backup", "restore", path))
    assert refused.startswith("Error: Хранилище не пусто (журналов: 14, пользователей: ")
    assert "добавьте --force" in refused
    assert store_state(app) == before

    forced = invoke(runner, "backup", "restore", path, "--force")
    assert forced.exit_code == 0, forced.output
    assert mark("J0001", STUDENT, LESSON).score == 45  # the backup's value is back
    assert len(store_state(app)["history"]) == len(before["history"]) - 1


def test_stored_files_alone_make_the_store_not_empty(app, runner, tmp_path):
    path = create_backup(runner, tmp_path / "backups")  # an empty store: nothing in the database
    stray = Path(app.config["STORAGE_DIR"]) / "2026" / "left-over.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF-1.7")
    refused = one_line_error(invoke(runner, "backup", "restore", path, lang="en"))
    assert refused.startswith("Error: The store is not empty (journals: 0, users: 0, issued documents: 0, files: 1)")
    assert invoke(runner, "backup", "restore", path, "--force").exit_code == 0
    assert stray.exists()  # files the backup does not name are left alone


def test_a_backup_of_one_backend_is_refused_by_the_other(app, sample, runner, backend, tmp_path, request,
                                                        sqlite_template):
    path = create_backup(runner, tmp_path / "backups")
    if backend == "postgresql":
        shutil.copy(sqlite_template, tmp_path / "other.db")
        url, names = f"sqlite:///{tmp_path / 'other.db'}", ("PostgreSQL", "SQLite")
    else:
        url, names = request.getfixturevalue("pg_ready"), ("SQLite", "PostgreSQL")
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t",
                        "STORAGE_DIR": str(tmp_path / "other-documents")})
    with other.app_context():
        result = invoke(other.test_cli_runner(), "backup", "restore", path, "--force")
        db.engine.dispose()
    assert one_line_error(result) == (f"Error: Это резервная копия базы {names[0]}, её нельзя восстановить "
                                      f"в базу {names[1]}: восстанавливайте в установку, где DATABASE_URL "
                                      f"указывает на базу {names[0]}")


# --- retention ----------------------------------------------------------------------------------

def _month(now: datetime, back: int) -> str:
    year, month = divmod(now.year * 12 + now.month - 1 - back, 12)
    return f"{year:04d}-{month + 1:02d}"


def test_keep_leaves_the_newest_archive_of_each_recent_month(app, runner, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime.now(ZoneInfo(app.config["TIMEZONE"]))
    old = {name: folder / f"docservice-backup-{name}.tar" for name in (
        f"{_month(now, 0)}-01T000000",                                    # this month, before the new one
        f"{_month(now, 1)}-03T020000", f"{_month(now, 1)}-28T020000",     # last month: the 28th is newest …
        f"{_month(now, 1)}-28T020000-2",                                  # … no: its second archive that second
        f"{_month(now, 2)}-05T020000",
        f"{_month(now, 3)}-05T020000",
    )}
    others = [folder / "notes.tar", folder / "docservice-backup-manual.tar", folder / "db.sqlite3",
              folder / f"docservice-backup-{_month(now, 4)}-01T000000.tar.part"]
    for path in [*old.values(), *others]:
        path.write_bytes(b"x")

    result = invoke(runner, "backup", "create", "--out", folder, "--keep", 3)
    assert result.exit_code == 0, result.output
    created = Path(result.output.split("Резервная копия записана: ")[1].split(" (")[0])
    kept = {created, old[f"{_month(now, 1)}-28T020000-2"], old[f"{_month(now, 2)}-05T020000"]}
    removed = {path for path in old.values() if path not in kept}
    assert {p for p in folder.iterdir() if NAME.fullmatch(p.name)} == kept
    assert all(p.exists() for p in others)
    assert "удалено: 4" in result.output
    for path in removed:
        assert f"  удалён: {path.name}" in result.output


# --- PostgreSQL's client programs ---------------------------------------------------------------

def test_a_missing_client_program_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SetupError) as info:
        client_tool("pg_dump")
    assert info.value.message("ru") == ("Программа pg_dump не найдена: установите пакет Debian postgresql-client "
                                        "(apt-get install postgresql-client)")
    assert "postgresql-client Debian пакетін орнатыңыз" in info.value.message("kk")


def test_create_without_pg_dump_on_the_path(app, runner, backend, tmp_path, monkeypatch):
    """PostgreSQL: one line naming the package, and no archive left behind. SQLite needs no
    client program at all."""
    folder = tmp_path / "backups"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = invoke(runner, "backup", "create", "--out", folder, lang="en")
    if backend == "postgresql":
        assert one_line_error(result) == ("Error: pg_dump is not installed: install the Debian package "
                                          "postgresql-client (apt-get install postgresql-client)")
        assert list(folder.iterdir()) == []
    else:
        assert result.exit_code == 0, result.output
        assert len(list(folder.glob("docservice-backup-*.tar"))) == 1


def test_the_password_travels_in_the_environment_not_on_the_command_line():
    uri, env = libpq_target("postgresql+psycopg://journal:s%40cret@db.example:5433/docservice?sslmode=require")
    assert uri == "postgresql://journal@db.example:5433/docservice?sslmode=require"
    assert env["PGPASSWORD"] == "s@cret" and "cret" not in uri
