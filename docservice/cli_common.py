"""What every command group shares: the user's language, domain errors told in it, ``--as``.

Command modules import this and the core, never each other; ``docservice/cli.py`` is the one
place that puts the groups together.
"""
from __future__ import annotations

import functools
import os

import click

from .errors import DomainError


def cli_lang() -> str:
    """The language of the command line's messages: ``DOCSERVICE_LANG`` (kk, ru or en; ru by default)."""
    return os.environ.get("DOCSERVICE_LANG", "ru")


def domain_errors(fn):
    """Print a DomainError in the user's language and exit with status 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as err:
            # A command given --lang speaks it; the others DOCSERVICE_LANG.
            raise click.ClickException(err.message(kwargs.get("lang") or cli_lang())) from None
    return wrapper


def acting_user(login: str | None):
    """The user a command acts as (``--as LOGIN``), or None: the system itself."""
    from .journals import find_user

    return find_user(login) if login else None


as_option = click.option("--as", "as_login", metavar="LOGIN", help="Act as this user (their permissions apply).")


def read_json_file(path) -> object:
    """A JSON file given on the command line, read as any input from outside is
    (``safe_input.loads``: UTF-8, depth, characters); a malformed one is a one-line error."""
    import json
    from pathlib import Path

    from .errors import DatasetError
    from .safe_input import loads

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError("dataset_unreadable", where=path.name, detail=exc.strerror or type(exc).__name__) from None
    if not raw.strip():
        raise DatasetError("json_file_empty", where=path.name)
    try:
        return loads(raw)
    except json.JSONDecodeError as exc:
        raise DatasetError("json_file_invalid", where=path.name, line=exc.lineno, column=exc.colno) from None
    except DomainError as err:
        raise DatasetError(err.code, where=path.name, **err.params) from None


def write_output(path, content: bytes) -> None:
    """A file a command was asked to write (``-o``): its folder made when missing; a place that
    cannot be written is a one-line error, not a traceback."""
    from pathlib import Path

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise DomainError("output_unwritable", path=str(path), detail=exc.strerror or type(exc).__name__) from None
