"""One rule for every name that becomes part of a path: nomenclature indexes, storage keys,
the files of a job's folder and the entries of its ZIP (issue 11).

* A nomenclature **index** (``02-07``, ``01-15.1``) is one path segment: letters and digits
  in groups joined by ``-`` or ``.`` — never ``/``, ``..``, a space or anything a file system
  or a document number reads differently.
* A **relative path** (a storage key ``2026/02-07/0001-vedomost-kk.pdf``, a ZIP entry) is
  made of such plain segments joined by ``/``: not absolute, no ``\\``, no ``.`` or ``..``
  segment, no empty segment, no control character.
* :func:`inside` joins a relative path to a base folder and checks that the resolved path
  (symbolic links followed) is still inside it.

Every refusal is a :class:`~docservice.errors.Invalid` with a kk/ru/en message naming the
value; nothing is written before the check.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Invalid

INDEX_MAX = 32
_LETTERS = "0-9A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
INDEX_RE = re.compile(rf"[{_LETTERS}]+(?:[.\-][{_LETTERS}]+)*\Z")
# The same rule as a JSON Schema / HTML pattern (no \Z there).
INDEX_PATTERN = rf"^[{_LETTERS}]+(?:[.\-][{_LETTERS}]+)*$"
_BAD_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")


def is_index(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= INDEX_MAX and INDEX_RE.match(value) is not None


def check_index(value, field: str = "index") -> str:
    """A nomenclature index, or :class:`Invalid` ``nomenclature_index_invalid``."""
    if not is_index(value):
        raise Invalid("nomenclature_index_invalid", field=field, index=_shown(value))
    return value


def check_relative(key, code: str = "path_unsafe") -> str:
    """A relative ``/``-separated path of plain segments (a storage key, a ZIP entry)."""
    if not isinstance(key, str) or not key or len(key) > 400 or key.startswith("/") or _BAD_IN_PATH.search(key):
        raise Invalid(code, key=_shown(key))
    for segment in key.split("/"):
        if segment in ("", ".", "..") or segment != segment.strip():
            raise Invalid(code, key=_shown(key))
    return key


def inside(base: str | Path, relative: str, code: str = "path_unsafe") -> Path:
    """``base / relative``, checked: the relative path is plain and, resolved, stays in ``base``."""
    check_relative(relative, code)
    root = Path(base).resolve()
    path = (root / relative).resolve()
    if path == root or root not in path.parents:
        raise Invalid(code, key=_shown(relative))
    return path


def zip_entry(folder: Path, path: Path) -> str:
    """The name of ``path`` (a file inside ``folder``) in a ZIP of that folder: relative, with
    ``/``, never absolute nor with ``..`` — checked, not trusted."""
    name = Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
    return check_relative(name)


def _shown(value) -> str:
    """A refused value as it may be printed in a message: control characters made visible, cut."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= 80 else text[:77] + "…"


__all__ = ["INDEX_MAX", "INDEX_PATTERN", "check_index", "check_relative", "inside", "is_index", "zip_entry"]
