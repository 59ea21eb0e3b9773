"""Domain errors: a stable code plus parameters, told to the user in kk, ru or en.

Services raise these; the web, API and CLI boundaries render ``err.message(lang)``.
Nothing is written when one is raised inside a service transaction.
"""
from __future__ import annotations

from .messages import LANGUAGES, MESSAGES, NOUNS


class DomainError(Exception):
    """A refusal the user can understand and act on."""

    status = 400

    def __init__(self, code: str, **params):
        if code not in MESSAGES:
            raise KeyError(f"no message for error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "ru") -> str:
        lang = lang if lang in LANGUAGES else "ru"
        return MESSAGES[self.code][lang].format(**_localized(self.params, lang))

    def to_dict(self, lang: str = "ru") -> dict:
        return {"code": self.code, "message": self.message(lang), **_plain(self.params)}


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    """Bad input: HTTP 422. ``field`` names the offending field when there is one."""

    status = 422

    def __init__(self, code: str, field: str | None = None, **params):
        self.field = field
        super().__init__(code, **params)


class SetupError(DomainError):
    """The installation cannot start or run a command: a folder, a URL or a program is wrong."""


class DatasetError(Invalid):
    """A row of an imported dataset is wrong; ``where`` says which (sheet/row or JSON path)."""

    def __init__(self, code: str, where: str, field: str | None = None, **params):
        self.where = where
        super().__init__(code, field=field, where=where, **params)

    def message(self, lang: str = "ru") -> str:
        field = f" [{self.field}]" if self.field else ""
        return f"{self.where}{field}: {super().message(lang)}"


def _localized(params: dict, lang: str) -> dict:
    """``what`` names a kind of record, ``state`` a journal state: say them in the user's language;
    a name given in both languages (``{"kk": …, "ru": …}``, a discipline) is said in the user's."""
    def say(key, value):
        if _bilingual(value):
            return value.get(lang) or value["ru"]
        return NOUNS[value][lang] if key in ("what", "state") and value in NOUNS else value
    return {k: say(k, v) for k, v in params.items()}


def _bilingual(value) -> bool:
    return isinstance(value, dict) and "ru" in value


def _plain(params: dict) -> dict:
    return {k: v if isinstance(v, (int, float, str, bool, type(None))) or _bilingual(v) else str(v)
            for k, v in params.items()}
