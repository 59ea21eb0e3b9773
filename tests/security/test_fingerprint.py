"""The hostile tests' witness: a fingerprint sees what another connection stored (as a request's
own session would), and that reverting it undid it."""
from __future__ import annotations

from hostile_support import changed, fingerprint, folders_of, store  # noqa: F401
from sqlalchemy import text

from docservice.models import db


def test_the_fingerprint_sees_a_write_made_by_another_connection(store):
    before = fingerprint(*folders_of(store))
    with db.engine.begin() as other:  # as a request's own session would write
        old = other.execute(text("SELECT full_name FROM student ORDER BY id LIMIT 1")).scalar_one()
        other.execute(text("UPDATE student SET full_name = :n WHERE id = (SELECT min(id) FROM student)"),
                      {"n": old + " (изменено)"})
    try:
        assert changed(before, fingerprint(*folders_of(store))) == ["table student"]
    finally:
        with db.engine.begin() as other:
            other.execute(text("UPDATE student SET full_name = :n WHERE id = (SELECT min(id) FROM student)"),
                          {"n": old})
    assert not changed(before, fingerprint(*folders_of(store)))
