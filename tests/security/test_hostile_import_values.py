"""Import values the store cannot hold (issue 11a, unhandled errors): text longer than its
column (PostgreSQL refuses it mid-import: a 500 before, SQLite kept it), a note that is not
text, a mark that is a list or 10^20, a NUL in a name. Each is refused before anything is
written, with a kk/ru message naming the record and the field."""
from __future__ import annotations

import copy
import json

import pytest
from hostile_support import (  # noqa: F401
    assert_refused,
    bearer,
    changed,
    fingerprint,
    folders_of,
    store,
)


def _set(path: str, value):
    def mutate(data):
        node, *keys = path.split(".")
        target = data
        parts = [node, *keys]
        for part in parts[:-1]:
            name, _, index = part.partition("[")
            target = target[name] if not index else target[name][int(index.rstrip("]"))]
        name, _, index = parts[-1].partition("[")
        if index:
            target[name][int(index.rstrip("]"))] = value
        else:
            target[name] = value
    return mutate


CASES = {  # case: (mutation, where the error points, the field)
    "school_name_301": (_set("schools[0].name.ru", "Ш" * 301), "schools[0].name", "ru"),
    "position_201": (_set("staff[8].position", {"kk": "а" * 201, "ru": "ассистент"}), "staff[8].position", "kk"),
    "email_201": (_set("staff[8].email", "a" * 195 + "@kaznmu.kz"), "staff[8]", "email"),
    "topic_501": (_set("journals[0].lessons[0].topic", {"kk": "т" * 501, "ru": "т"}), "journals[0].lessons[0].topic",
                  "kk"),
    "room_33": (_set("journals[0].lessons[0].room", "5" * 33), "journals[0].lessons[0]", "room"),
    "time_33": (_set("journals[0].lessons[0].time", "9" * 33), "journals[0].lessons[0]", "time"),
    "lesson_type_33": (_set("journals[0].lessons[0].type", "p" * 33), "journals[0].lessons[0]", "type"),
    "control_33": (_set("curriculum[0].control", "e" * 33), "curriculum[0]", "control"),
    "semester_17": (_set("curriculum[0].semester", "1" * 17), "curriculum[0]", "semester"),
    "note_not_text": (_set("marks[3].value", {"value": "н/б", "note": 5}), "marks[3]", "value"),
    "mark_list": (_set("marks[3].value", [85]), "marks[3]", "value"),
    "mark_huge": (_set("marks[3].value", 10 ** 20), "marks[3]", "value"),
    "nul_in_name": (_set("students[0].full_name", "Ерлан\x00"), "students[0]", "full_name"),
    "escape_in_topic": (_set("journals[0].lessons[0].topic", {"kk": "\x1b[2J", "ru": "т"}),
                        "journals[0].lessons[0].topic", "kk"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_value_the_store_cannot_hold_is_refused_naming_it(store, sample_data, case):
    mutate, where, field = CASES[case]
    data = copy.deepcopy(sample_data)
    mutate(data)
    headers = bearer("or.inspector")
    before = fingerprint(*folders_of(store))
    # A body with its own escapes: json.dumps writes the NUL as \u0000, as a client would.
    r = store.test_client().post("/api/v1/import", headers=headers, data=json.dumps(data, ensure_ascii=False),
                                 content_type="application/octet-stream")
    said = assert_refused(r, statuses=(422,))
    # The record and field: as a row's error, or (a character refused as the file is read) as its path.
    assert said.startswith(f"{where} [{field}]: ") or said.startswith("upload.json: ") and f"{where}.{field}" in said, \
        said[:300]
    assert not changed(before, fingerprint(*folders_of(store)))
