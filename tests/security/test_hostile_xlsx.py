"""Hostile workbooks (issue 11a, memory exhaustion): a zip bomb and its cousins sent to every
place that reads a workbook — the import API (body and multipart), the import page, the KTP
upload of the department page and the command line. Each is refused with a kk/ru message
before openpyxl unpacks it; memory and time stay bounded; nothing is stored."""
from __future__ import annotations

import io
import zipfile

import pytest
from hostile_support import (
    SHEET,
    assert_refused,
    bearer,
    bounded,
    changed,
    fingerprint,
    lying_size,
    plain_workbook,
    rewritten,
    shared_strings_bomb,
    sheet_xml,
    upload,
    with_shared_strings,
)
from web_client import csrf, flashes, signed_in

from docservice.errors import DatasetError
from docservice.spreadsheets import XlsxLimits, check_xlsx

# A workbook is refused before it is unpacked, long before any query.
pytestmark = pytest.mark.one_database

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def _many_parts() -> bytes:
    return rewritten(plain_workbook(), {}, {f"xl/media/junk{i}.bin": b"" for i in range(1100)})


def _many_strings() -> bytes:
    """More shared strings than XLSX_MAX_SHARED_STRINGS (set to 10,000 by the test: the default,
    a million, takes the same path and only longer)."""
    strings = b"<si><t>x</t></si>" * 10_001
    return with_shared_strings(plain_workbook(), b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://'
                               b'schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>")


# What each hostile workbook is, and the words of its refusal (ru, kk).
KINDS = {
    "shared_strings_bomb": (None, ("слишком велика", "тым үлкен")),
    "lying_size": (lambda: lying_size(plain_workbook()), ("Не удалось прочитать файл", "Файлды оқу мүмкін емес")),
    "billion_laughs": (lambda: rewritten(plain_workbook(), {SHEET: LAUGHS}), ("DTD", "DTD")),
    "row_1048576": (lambda: rewritten(plain_workbook(), {SHEET: sheet_xml(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row>'
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>')}),
        ("слишком много строк", "жол саны тым көп")),
    "column_xfd": (lambda: rewritten(plain_workbook(), {SHEET: sheet_xml(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c>'
        b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>')}),
        ("слишком много столбцов", "баған саны тым көп")),
    "many_parts": (_many_parts, ("слишком много частей", "бөлік саны тым көп")),
    "many_shared_strings": (_many_strings, ("слишком много общих строк", "ортақ жол саны тым көп")),
}
ROUTES = ["api_body", "api_multipart", "import_page", "ktp_page", "cli"]


@pytest.fixture(scope="session")
def bomb_file(tmp_path_factory):
    """The issue's bomb, made once: ~1 MB packed, 350 MB of shared strings unpacked."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    path.write_bytes(shared_strings_bomb(350))
    return path


def hostile(kind: str, bomb_file) -> bytes:
    make, _ = KINDS[kind]
    return bomb_file.read_bytes() if make is None else make()


@pytest.fixture
def folders(app, tmp_path):
    app.config.update(UPLOAD_DIR=str(tmp_path / "uploads"))
    return [tmp_path / "uploads", tmp_path / "documents"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_hostile_workbook_is_refused_everywhere(app, sample, folders, tmp_path, runner, bomb_file, kind, route):
    content = hostile(kind, bomb_file)
    ru, kk = KINDS[kind][1]
    app.config["XLSX_MAX_SHARED_STRINGS"] = 10_000
    if route in ("import_page", "ktp_page"):
        client = signed_in(app, "or.inspector" if route == "import_page" else "head.anat")
        form_page = client.get("/registrar/import" if route == "import_page" else "/department").data
    elif route.startswith("api"):
        client, headers = app.test_client(), bearer("or.inspector")
    before = fingerprint(*folders)
    with bounded(megabytes=64, seconds=20):
        if route == "api_body":
            r = client.post("/api/v1/import?format=xlsx&lang=kk", data=content, headers=headers,
                            content_type="application/octet-stream")
            said = assert_refused(r, "kk", statuses=(422,))
            assert kk in said, said
        elif route == "api_multipart":
            r = upload(client, "/api/v1/import", {"file": (io.BytesIO(content), "faculty.xlsx")}, headers=headers)
            said = assert_refused(r, statuses=(422,))
            assert ru in said and "faculty.xlsx" in said, said
        elif route == "import_page":
            r = upload(client, "/registrar/import", {"csrf_token": csrf(form_page),
                                                      "file": (io.BytesIO(content), "faculty.xlsx")})
            assert r.status_code == 422
            assert any(ru in line for line in flashes(r.get_data(as_text=True))), flashes(r.get_data(as_text=True))
        elif route == "ktp_page":
            r = upload(client, "/department/journals/J0001/ktp", {"csrf_token": csrf(form_page),
                                                                  "file": (io.BytesIO(content), "ktp.xlsx")})
            assert r.status_code == 302
            page = client.get(r.headers["Location"]).get_data(as_text=True)
            assert any(ru in line for line in flashes(page)), flashes(page)
        else:
            path = tmp_path / "faculty.xlsx"
            path.write_bytes(content)
            out = runner.invoke(args=["journal", "import", str(path), "--as", "or.inspector"])
            assert out.exit_code == 1 and ru in out.output and "Traceback" not in out.output, out.output
    assert not changed(before, fingerprint(*folders))


@pytest.mark.rendering  # no store: the check alone, on SQLite
@pytest.mark.parametrize("limit, value, content", [
    ("rows", 3, sheet_xml(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 5)))),
    ("cells", 5, sheet_xml(b'<row r="1">' + b"<c><v>1</v></c>" * 6 + b"</row>")),
    ("columns", 3, sheet_xml(b'<row r="1"><c r="D1"><v>1</v></c></row>')),
    ("part_bytes", 100, sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c></row>' * 10)),
])
def test_each_limit_is_a_setting(app, limit, value, content):
    app.config[f"XLSX_MAX_{limit.upper()}"] = value
    with pytest.raises(DatasetError) as info:
        check_xlsx(rewritten(plain_workbook(), {SHEET: content}), "f.xlsx")
    assert info.value.code in ("xlsx_too_many", "xlsx_too_large") and info.value.where == "f.xlsx"
    assert info.value.message("ru").startswith("f.xlsx: ") and "Excel" in info.value.message("kk")
    del app.config[f"XLSX_MAX_{limit.upper()}"]
    check_xlsx(rewritten(plain_workbook(), {SHEET: content}), "f.xlsx", XlsxLimits())  # the defaults take it


@pytest.mark.rendering
def test_a_workbook_within_the_limits_still_reads(app):
    """The checks refuse hostile files only: a plain KTP, also one with a wrong used range
    (A1:XFD1048576, which openpyxl would pad every row to), reads as before, quickly."""
    from docservice.ktp_upload import read_ktp_workbook

    plain = plain_workbook()
    assert read_ktp_workbook(io.BytesIO(plain))[0]["topic"]["kk"] == "Кіріспе"
    sheet = zipfile.ZipFile(io.BytesIO(plain)).read(SHEET)
    wide = rewritten(plain, {SHEET: sheet.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')})
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(wide)).read(SHEET)
    with bounded(megabytes=32, seconds=5):
        assert len(read_ktp_workbook(io.BytesIO(wide))) == 1
