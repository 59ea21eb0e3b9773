"""Shared by the hostile-input tests (issue 11a): who asks, what a clean refusal looks like,
what the store holds (to see that a refusal changed nothing), bounds on memory and time, and
the hostile workbooks themselves."""
from __future__ import annotations

import hashlib
import io
import re
import resource
import shutil
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from docservice.models import User, db
from docservice.users import issue_token

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
# Tables a refused request may touch without changing anything: sign-in bookkeeping.
VOLATILE = {"login_failure", "api_token"}


def user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def bearer(login: str) -> dict:
    """An Authorization header for ``login`` (its one-time password counts as changed)."""
    account = user(login)
    account.must_change_password = False
    db.session.commit()
    return {"Authorization": f"Bearer {issue_token(None, account)}"}


def message_of(response) -> str:
    """The refusal's message: the JSON ``message`` (or every message of ``errors``), else the page."""
    if response.is_json:
        body = response.get_json()
        parts = [str(body.get("message", ""))]
        errors = body.get("errors")
        if errors:
            parts.append(str(errors))
        return " ".join(parts)
    return response.get_data(as_text=True)


def assert_refused(response, lang: str = "ru", statuses=(400, 413, 415, 422)) -> str:
    """A clean refusal: a 4xx of ``statuses``, no traceback, a message in ``lang`` (kk/ru)."""
    body = response.get_data(as_text=True)
    assert response.status_code in statuses, (response.status_code, body[:600])
    assert "Traceback" not in body and "Internal Server Error" not in body
    said = message_of(response)
    assert CYRILLIC.search(said), said[:600]
    return said


def upload(client, path: str, fields: dict, **kwargs):
    """POST a multipart form; the test client's spooled body (a temporary file over 500 KB) is
    closed afterwards (Werkzeug's test client leaves that to the garbage collector)."""
    response = client.post(path, data=fields, content_type="multipart/form-data", **kwargs)
    stream = response.request.environ.get("wsgi.input")
    if stream is not None and hasattr(stream, "close"):
        stream.close()
    return response


def fingerprint(*folders) -> dict:
    """Every table's rows (but sign-in bookkeeping) and every file under ``folders``, hashed:
    equal before and after means nothing was stored, changed or written."""
    db.session.expire_all()
    tables = {}
    # Plain DB-API rows: SQLAlchemy's Row objects (and their repr) cost ten times more, and a
    # module makes hundreds of fingerprints.
    cursor = db.session.connection().connection.cursor()
    try:
        for table in db.metadata.sorted_tables:
            if table.name in VOLATILE:
                continue
            cursor.execute(f'SELECT * FROM "{table.name}"')
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            tables[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    finally:
        cursor.close()
    files = {}
    for folder in folders:
        folder = Path(folder)
        if folder.exists():
            files.update({str(p): p.stat().st_size for p in folder.rglob("*") if p.is_file()})
    return {"tables": tables, "files": files}


def changed(before: dict, after: dict) -> list[str]:
    diff = [f"table {name}" for name in before["tables"] if before["tables"][name] != after["tables"].get(name)]
    diff += [f"file {name}" for name in set(before["files"]) ^ set(after["files"])]
    return diff


@contextmanager
def bounded(megabytes: int = 64, seconds: float = 15.0):
    """Python's allocations peak under ``megabytes`` (tracemalloc), the process's high-water mark
    grows by less than 4 × that, and the block ends within ``seconds``."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracing = tracemalloc.is_tracing()  # PYTHONTRACEMALLOC: already on, measure from here
    if not tracing:
        tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    started = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] - baseline
        if not tracing:
            tracemalloc.stop()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert grown < megabytes * 4, f"max RSS grew by {grown:.0f} MB"
    assert elapsed < seconds, f"{elapsed:.1f} s"


# --- hostile workbooks -----------------------------------------------------------------------

def plain_workbook(rows=(("date", "topic_kk"), ("2026-09-02", "Кіріспе"))) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewritten(workbook: bytes, replace: dict[str, object], add: dict[str, object] | None = None) -> bytes:
    """``workbook`` with parts replaced or added; a part's content is bytes, or an iterable of
    byte chunks streamed into the ZIP (so a part of hundreds of MB never sits in memory)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = replace.get(info.filename, None)
            _write(target, info.filename, source.read(info.filename) if content is None else content)
        for name, content in (add or {}).items():
            _write(target, name, content)
    return out.getvalue()


def _write(target: zipfile.ZipFile, name: str, content) -> None:
    if isinstance(content, bytes):
        target.writestr(name, content)
        return
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # fast: hundreds of MB of one letter pack small anyway
    with target.open(info, "w", force_zip64=True) as part:
        for chunk in content:
            part.write(chunk)


SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(body: bytes, dimension: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">" + dimension
            + b"<sheetData>" + body + b"</sheetData></worksheet>")


STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(workbook: bytes, content) -> bytes:
    """``workbook`` with a shared-strings part (bytes or chunks) that openpyxl reads."""
    types = zipfile.ZipFile(io.BytesIO(workbook)).read("[Content_Types].xml")
    types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                          + STRINGS_TYPE + b'"/></Types>')
    return rewritten(workbook, {"[Content_Types].xml": types}, {STRINGS: content})


def shared_strings_bomb(megabytes: int = 350) -> bytes:
    """The issue's bomb: about a megabyte packed, ``megabytes`` of shared strings unpacked."""
    chunk = b"A" * (1 << 20)

    def parts():
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b' count="1" uniqueCount="1"><si><t>'
        for _ in range(megabytes):
            yield chunk
        yield b"</t></si></sst>"

    return with_shared_strings(plain_workbook(), parts())


def lying_size(workbook: bytes, name: str = SHEET) -> bytes:
    """``name`` declares a tiny unpacked size but inflates to many MB (a forged central directory)."""
    big = sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"B" * (30 << 20) + b"</t></is></c></row>")
    data = rewritten(workbook, {name: big})
    forged = bytearray(data)
    # Patch the central directory entry of ``name``: its uncompressed size says 1 KB.
    position = 0
    while True:
        position = data.find(b"PK\x01\x02", position)
        if position < 0:
            break
        name_length = int.from_bytes(data[position + 28:position + 30], "little")
        if data[position + 46:position + 46 + name_length] == name.encode():
            forged[position + 24:position + 28] = (1024).to_bytes(4, "little")
        position += 4
    return bytes(forged)


# --- one store for a module's many refusals --------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path_factory, sqlite_template, sample_data):
    """The app on each backend with the sample faculty, made once for a module whose every test
    is a refusal: each test checks that its request changed nothing (``fingerprint``), so they
    can share it. Built as conftest's ``app`` is (its templates and PostgreSQL database)."""
    from conftest import START, _truncate_all

    from docservice import create_app
    from docservice.clock import FrozenClock
    from docservice.importer import import_dataset

    folder = tmp_path_factory.mktemp(f"hostile-{request.param}")
    if request.param == "sqlite":
        shutil.copy(sqlite_template, folder / "test.db")
        url = f"sqlite:///{folder / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_ready")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                      "CLOCK": FrozenClock(START), "STORAGE_DIR": str(folder / "documents"),
                      "JOBS_DIR": str(folder / "jobs"), "UPLOAD_DIR": str(folder / "uploads")})
    app.extensions["hostile.folders"] = [folder / "documents", folder / "jobs", folder / "uploads"]
    with app.app_context():
        if request.param == "postgresql":
            _truncate_all()
        import_dataset(None, sample_data)
        yield app
        db.session.remove()
        db.engine.dispose()


def folders_of(app) -> list[Path]:
    return app.extensions.get("hostile.folders", [])
