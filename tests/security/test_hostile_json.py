"""Hostile JSON (issue 11a, unhandled errors): bodies nested a hundred thousand deep (Python's
parser runs out of stack: a 500 before), deeper than MAX_JSON_DEPTH, with a lone surrogate, a
NUL or another control character (PostgreSQL cannot store NUL; no DOCX can carry them), not
UTF-8, or with NaN/Infinity — sent to every JSON route of the API, as import files (API, page,
command line) and as the command line's JSON inputs. Each is refused with 400/422 (or a one-
line error) and a kk/ru message; nothing is stored."""
from __future__ import annotations

import io
import json

import pytest
from hostile_support import (  # noqa: F401
    assert_refused,
    bearer,
    changed,
    fingerprint,
    folders_of,
    store,
    upload,
)
from web_client import csrf, flashes, signed_in

DEEP = b"[" * 100_000 + b"]" * 100_000


def _nested(levels: int) -> bytes:
    return b'{"period": ' * levels + b'"2026-2027/1"' + b"}" * levels


# payload: (body, the refusal's code)
PAYLOADS = {
    "deep_100000": (DEEP, "json_too_deep"),
    "deep_33_objects": (_nested(33), "json_too_deep"),
    "lone_surrogate": (b'{"period": "2026-2027/1", "reason": "\\ud800", "value": "\\udfff"}', "input_bad_character"),
    "nul": (b'{"period": "2026-2027/1\\u0000", "reason": "a\\u0000b"}', "input_bad_character"),
    "control_char": (b'{"reason": "\\u0001\\u001b[31m", "full_name": "x\\u000bx"}', "input_bad_character"),
    "not_utf8": (b'{"reason": "\xff\xfe\xfa"}', "input_not_utf8"),
    "nan": (b'{"days": NaN, "close_within_days": Infinity}', "json_number_invalid"),
    "overflow": (b'{"days": 1e999, "value": -1e999}', "json_number_invalid"),
}

TYPES = ["explanatory_note", "ktp", "login_request", "semester_report", "summary_vedomost", "vedomost"]
# Every route that takes a JSON body, with a user who may use it.
ROUTES = [(f"POST /api/v1/documents/{t}/{op}", "or.head") for t in TYPES for op in ("preview", "issue")] + [
    ("PUT /api/v1/journals/J0001/cells", "t.anat2"),
    ("POST /api/v1/journals/J0001/close", "t.anat2"),
    ("POST /api/v1/journals/J0001/substitutes", "head.anat"),
    ("POST /api/v1/reopen-requests/1/decision", "dean.gm"),
    ("POST /api/v1/reopen-requests/1/grant", "or.head"),
    ("POST /api/v1/reopen-requests/1/return", "or.head"),
    ("POST /api/v1/periods/2026-2027/1/rule", "or.inspector"),
    ("POST /api/v1/journals/J0001/deadline", "or.inspector"),
    ("POST /api/v1/login-requests/01-15/2026/0001/account", "it.admin"),
    ("POST /api/v1/archive/jobs", "or.head"),
    ("PUT /api/v1/archive/nomenclature", "or.head"),
    ("POST /api/v1/account/password", "t.anat2"),
    ("POST /api/v1/import?format=json", "or.inspector"),
]


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("route, login", ROUTES, ids=[r.split(" ")[1] for r, _ in ROUTES])
def test_every_json_route_refuses_hostile_json(store, route, login, payload):
    body, code = PAYLOADS[payload]
    method, path = route.split(" ")
    lang = "kk" if len(path) % 2 else "ru"
    headers = {**bearer(login), "Accept-Language": lang}
    before = fingerprint(*folders_of(store))
    r = store.test_client().open(path, method=method, data=body, headers=headers, content_type="application/json")
    assert_refused(r, lang, statuses=(400,))
    assert r.get_json()["code"] == code
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("payload", ["deep_100000", "lone_surrogate", "nul", "not_utf8", "nan"])
@pytest.mark.parametrize("route", ["api_import_raw", "import_page", "cli_import", "cli_render", "cli_nomenclature"])
def test_json_files_are_read_as_carefully(store, tmp_path, route, payload):
    """The same JSON as a file: the import (API body as a file, page upload, command line),
    ``docs render --data`` and ``archive nomenclature load``. The file is named in the error."""
    body, code = PAYLOADS[payload]
    client = signed_in(store, "or.inspector") if route == "import_page" else None
    before = fingerprint(*folders_of(store))
    if route == "api_import_raw":
        r = store.test_client().post("/api/v1/import?format=json", data=body, headers=bearer("or.inspector"),
                                     content_type="application/octet-stream")
        said = assert_refused(r, statuses=(422,))
        assert r.get_json()["code"] == code and said.startswith("upload.json: ")
    elif route == "import_page":
        token = csrf(client.get("/registrar/import").data)
        r = upload(client, "/registrar/import", {"csrf_token": token, "file": (io.BytesIO(body), "faculty.json")})
        assert r.status_code == 422
        assert any(line.startswith("faculty.json: ") for line in flashes(r.get_data(as_text=True)))
    else:
        path = tmp_path / "input.json"
        path.write_bytes(body)
        args = {"cli_import": ["journal", "import", str(path), "--as", "or.inspector"],
                "cli_render": ["docs", "render", "vedomost", "--lang", "ru", "--format", "pdf", "--data", str(path),
                               "-o", str(tmp_path / "out.pdf")],
                "cli_nomenclature": ["archive", "nomenclature", "load", str(path), "--as", "or.head"]}[route]
        out = store.test_cli_runner().invoke(args=args)
        assert out.exit_code == 1 and "Traceback" not in out.output, out.output
        assert out.output.startswith("Error: input.json: ") and len(out.output.splitlines()) == 1, out.output
        assert not (tmp_path / "out.pdf").exists()
    assert not changed(before, fingerprint(*folders_of(store)))


def test_malformed_json_still_gets_the_routes_own_answer(store):
    """Not JSON at all is not hostile: each route answers as before (the cell route: no object)."""
    r = store.test_client().put("/api/v1/journals/J0001/cells", data=b"{not json", headers=bearer("t.anat2"),
                                content_type="application/json")
    assert r.status_code == 422 and r.get_json()["code"] == "field_invalid"


def test_a_deep_but_allowed_body_is_read(store):
    """MAX_JSON_DEPTH levels are fine: a vedomost preview with its input nested as deep as the
    limit lets through is answered by the document's own validation, not refused at the door."""
    body = json.dumps({"journal": "J0001", "x": json.loads(_nested(30))})
    r = store.test_client().post("/api/v1/documents/vedomost/preview?lang=ru&format=pdf", data=body,
                                 headers=bearer("or.head"), content_type="application/json")
    assert r.status_code in (200, 422), r.get_data(as_text=True)[:300]
