"""Alphabetical order of names as a registrar expects it: the Kazakh alphabet, which
contains the Russian one (Ә after А, Ғ after Г, І after Ы …), not Unicode code points."""
from __future__ import annotations

ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
# A word ends before any letter: "Оразбеков Бекзат" comes before "Оразбекова Мадина".
_RANK[" "], _RANK["-"] = -2, -1


def name_key(name: str) -> tuple:
    """Sort key: letters of the alphabet by their rank, anything else after, case-insensitive."""
    return tuple((_RANK.get(ch, len(ALPHABET) + ord(ch))) for ch in name.lower())
