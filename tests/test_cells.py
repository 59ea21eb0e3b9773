"""Journal cell values as people type them (SPEC §3): an integer 0–100, н/б, н/б with a credit
transfer note; anything else is refused with a clear kk/ru message naming the value."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docservice.cells import cell_text, parse_cell
from docservice.errors import Invalid
from docservice.grading import Cell


def refused(raw, note=None, **kw) -> Invalid:
    with pytest.raises(Invalid) as info:
        parse_cell(raw, note, **kw)
    return info.value


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    "raw, expected", [("85", 85), (85, 85), (85.0, 85), (" 100 ", 100), ("\t85\n", 85), (Decimal("85"), 85)]
)
def test_whole_numbers(raw, expected):
    cell = parse_cell(raw)
    assert cell == Cell(score=expected)
    assert not cell.absent and cell.note is None


@pytest.mark.parametrize("raw, expected", [(0, 0), ("0", 0), (100, 100), ("100", 100), (100.0, 100), (0.0, 0)])
def test_bounds_accepted(raw, expected):
    # 0 is a real mark: present but unprepared (KK 19)
    assert parse_cell(raw) == Cell(score=expected)


@pytest.mark.parametrize(
    "raw",
    [101, -1, "101", "-1", 85.5, "85.5", "abc", "8 5", "+85", True, False, float("nan"), float("inf"),
     "²", "1" * 5000, [85], "85%"],
)
def test_refused(raw):
    err = refused(raw)
    assert err.code == "mark_invalid"
    assert err.field == "value"
    assert err.status == 422


@pytest.mark.parametrize("raw", [None, "", "   ", "\t"])
def test_empty_clears(raw):
    assert parse_cell(raw) is None
    assert parse_cell({"value": raw}) is None


def test_field_name_is_reported():
    assert refused("abc", field="exam").field == "exam"


@pytest.mark.parametrize("raw, shown", [(101, "101"), (-1, "-1"), (85.5, "85.5"), ("abc", "abc"), (True, "True")])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_message_names_the_value(raw, shown, lang):
    message = refused(raw).message(lang)
    assert f"«{shown}»" in message
    assert "100" in message and "н/б" in message


def test_messages_differ_by_language():
    err = refused("abc")
    assert err.message("ru") != err.message("kk")
    assert "Недопустимая" in err.message("ru")
    assert "жарамсыз" in err.message("kk")


# --------------------------------------------------------------------------- absent


@pytest.mark.parametrize("raw", ["н/б", "н", " н/б ", "Н/Б", "нб", "НБ", "Н"])
def test_absent_spellings(raw):
    cell = parse_cell(raw)
    assert cell == Cell(absent=True)
    assert not cell.is_transfer
    assert cell_text(cell) == "н/б"


@pytest.mark.parametrize("note", ["перезачет", "қайта есепке алу", " перезачет "])
def test_credit_transfer(note):
    cell = parse_cell("н/б", note)
    assert cell.absent and cell.is_transfer
    assert cell.note == note.strip()
    assert cell_text(cell) == f"н/б ({note.strip()})"


def test_credit_transfer_from_dataset_dict():
    cell = parse_cell({"value": "н/б", "note": "перезачет"})
    assert cell == Cell(absent=True, note="перезачет")
    assert cell.is_transfer
    assert parse_cell({"value": "н", "note": "қайта есепке алу"}).is_transfer
    assert parse_cell({"value": 85}) == Cell(score=85)
    assert parse_cell({"value": "н/б", "note": None}) == Cell(absent=True)


def test_empty_note_is_no_note():
    assert parse_cell("н/б", "  ") == Cell(absent=True)
    assert parse_cell("85", "") == Cell(score=85)


@pytest.mark.parametrize("raw", ["85", 85, 0, {"value": 85, "note": "перезачет"}])
def test_note_with_a_number_is_refused(raw):
    err = refused(raw, "перезачет")
    assert err.code == "mark_note_invalid"
    assert err.field == "note"
    assert "«перезачет»" in err.message("ru")
    assert "«перезачет»" in err.message("kk")


@pytest.mark.parametrize("note", ["болел", "справка", "zachet"])
def test_other_notes_are_refused(note):
    err = refused("н/б", note)
    assert err.code == "mark_note_invalid"
    assert f"«{note}»" in err.message("ru")
    assert f"«{note}»" in err.message("kk")


def test_note_without_value_is_refused():
    assert refused("", "перезачет").code == "mark_note_invalid"
    assert refused({"value": None, "note": "перезачет"}).code == "mark_note_invalid"


# --------------------------------------------------------------------------- properties


@given(st.integers(min_value=0, max_value=100))
def test_every_valid_mark_round_trips(n):
    for raw in (n, str(n), float(n), f"  {n} "):
        cell = parse_cell(raw)
        assert cell == Cell(score=n)
        assert cell_text(cell) == str(n)
        assert parse_cell(cell_text(cell)) == cell


@given(st.integers().filter(lambda n: not 0 <= n <= 100))
def test_every_out_of_range_integer_is_refused(n):
    for raw in (n, str(n)):
        assert refused(raw).code == "mark_invalid"


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not (x == x and x.is_integer() and 0 <= x <= 100)))
def test_non_whole_or_out_of_range_floats_are_refused(x):
    assert refused(x).code == "mark_invalid"


@given(st.text(max_size=12))
def test_any_text_is_a_cell_none_or_a_clear_refusal(text):
    try:
        cell = parse_cell(text)
    except Invalid as err:
        assert err.code == "mark_invalid"
        assert err.message("ru") and err.message("kk")
        return
    if cell is not None:
        assert cell.absent or (cell.score is not None and 0 <= cell.score <= 100)
