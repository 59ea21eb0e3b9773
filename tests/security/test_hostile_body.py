"""Request bodies over the limit (issue 11a, memory exhaustion): a chunked body (no
Content-Length) bypassed MAX_CONTENT_LENGTH — 50 MB were accepted (Werkzeug silently cut the
body at the limit and the truncated rest was processed). Now a body over the limit, declared or
chunked, is answered 413 with a kk/ru message, read no further than the limit (spooled to disk
past a megabyte: memory stays flat), and nothing is stored; a chunked body within the limit is
an ordinary request."""
from __future__ import annotations

import io
import json
import socket
import threading

import pytest
from hostile_support import (  # noqa: F401
    assert_refused,
    bearer,
    bounded,
    changed,
    fingerprint,
    folders_of,
    store,
)
from werkzeug.serving import make_server


class Endless(io.RawIOBase):
    """``size`` bytes of a JSON-ish filler, produced as they are read (never held whole)."""

    def __init__(self, size: int):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b" " * n
        self.left -= n
        return n


MB = 1024 * 1024
ROUTES = [("POST", "/api/v1/import?format=json", "or.inspector"), ("POST", "/registrar/import", None),
          ("POST", "/api/v1/documents/vedomost/preview?lang=kk&format=pdf", "or.head"),
          ("PUT", "/api/v1/archive/nomenclature", "or.head"), ("POST", "/login", None),
          ("PUT", "/api/v1/journals/J0001/cells", "t.anat2"), ("POST", "/api/v1/verify", None)]


def chunked(client, method, path, size, headers=None):
    """A request whose body has no Content-Length and a server that ends the stream itself
    (``wsgi.input_terminated``), as gunicorn and Werkzeug's server pass a chunked body."""
    return client.open(path, method=method, headers={**(headers or {}), "Content-Type": "application/json"},
                       environ_overrides={"wsgi.input": Endless(size), "wsgi.input_terminated": True,
                                          "CONTENT_LENGTH": ""})


@pytest.mark.parametrize("method, path, login", ROUTES, ids=[p.split("?")[0] for _, p, _ in ROUTES])
def test_a_chunked_body_over_the_limit_gets_413(store, method, path, login):
    headers = {**(bearer(login) if login else {}), "Accept-Language": "kk"}
    before = fingerprint(*folders_of(store))
    with bounded(megabytes=16, seconds=20):
        r = chunked(store.test_client(), method, path, 50 * MB, headers)
    said = assert_refused(r, "kk", statuses=(413,))
    assert "20 МБ" in said and r.headers.get("Connection") == "close"
    assert not changed(before, fingerprint(*folders_of(store)))


@pytest.mark.parametrize("method, path, login", ROUTES[:4], ids=[p.split("?")[0] for _, p, _ in ROUTES[:4]])
def test_a_declared_body_over_the_limit_gets_413_unread(store, method, path, login):
    headers = {**(bearer(login) if login else {}), "Content-Type": "application/json"}
    stream = Endless(21 * MB)
    before = fingerprint(*folders_of(store))
    r = store.test_client().open(path, method=method, headers=headers,
                                 environ_overrides={"wsgi.input": stream, "CONTENT_LENGTH": str(21 * MB)})
    assert_refused(r, statuses=(413,))
    assert stream.left == 21 * MB  # not a byte read
    assert not changed(before, fingerprint(*folders_of(store)))


def test_a_chunked_body_within_the_limit_is_an_ordinary_request(store, sample_data):
    """The dry run of an import sent chunked: counted as from a body with its length."""
    body, headers = json.dumps(sample_data).encode(), bearer("or.inspector")
    before = fingerprint(*folders_of(store))
    r = store.test_client().post("/api/v1/import?format=json&dry_run=true", headers=headers,
                                 content_type="application/json",
                                 environ_overrides={"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True,
                                                    "CONTENT_LENGTH": ""})
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.get_json()["dry_run"] is True and r.get_json()["created"] == {}
    r.close()  # as a WSGI server does: the spooled body goes with the response
    assert not changed(before, fingerprint(*folders_of(store)))


def test_the_issues_50_mb_over_a_real_server(store):
    """The issue's probe against a real HTTP server (Werkzeug's, which de-chunks as gunicorn
    does): 50 MB chunked to the import get 413 once 20 MB have come, not a 422 of a cut body."""
    headers = bearer("or.inspector")["Authorization"]
    before = fingerprint(*folders_of(store))
    server = make_server("127.0.0.1", 0, store, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as conn:
            conn.sendall((f"POST /api/v1/import?format=json HTTP/1.1\r\nHost: x\r\nAuthorization: {headers}\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                          "Accept-Language: ru\r\n\r\n").encode())
            chunk, sent = b" " * MB, 0
            try:
                for _ in range(50):
                    conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                    sent += 1
                conn.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server answered and closed: the rest was never read
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                part = conn.recv(65536)
                if not part:
                    break
                answer += part
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert "не больше 20 МБ" in json.loads(body)["message"]
    assert sent <= 50
    assert not changed(before, fingerprint(*folders_of(store)))


def test_a_form_field_over_werkzeugs_limit_gets_413_saying_which_limit(store):
    """A multipart text field of 700 KB (within the body limit, over MAX_FORM_MEMORY_SIZE)."""
    before = fingerprint(*folders_of(store))
    r = store.test_client().post("/registrar/import", data={"token": "x" * 700_000, "file": (io.BytesIO(b"{}"), "a.json")},
                                 content_type="multipart/form-data")
    r.request.environ["wsgi.input"].close()
    said = assert_refused(r, statuses=(413,))
    assert "не больше 0.5 МБ" in said
    assert not changed(before, fingerprint(*folders_of(store)))
