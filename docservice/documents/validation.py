"""Input validation with per-field messages in the user's language.

marshmallow speaks English; its messages are turned into kk/ru here by their patterns.
A plugin's own validator raises ``ValidationError(coded("code", **params))`` with a code
of ``docservice.messages``, and the code is told in the user's language.
"""
from __future__ import annotations

import json
import re

from marshmallow import Schema, ValidationError

from ..errors import DomainError

PATTERNS: list[tuple[re.Pattern, dict]] = [(re.compile(p), t) for p, t in [
    (r"^Missing data for required field\.$", {"kk": "Міндетті өріс", "ru": "Обязательное поле"}),
    (r"^Field may not be null\.$", {"kk": "Бос болмауы керек", "ru": "Не может быть пустым"}),
    (r"^Not a valid string\.$", {"kk": "Мәтін болуы керек", "ru": "Должно быть текстом"}),
    (r"^Not a valid integer\.$", {"kk": "Бүтін сан болуы керек", "ru": "Должно быть целым числом"}),
    (r"^Not a valid number\.$", {"kk": "Сан болуы керек", "ru": "Должно быть числом"}),
    (r"^Not a valid boolean\.$", {"kk": "Иә/жоқ мәні болуы керек", "ru": "Должно быть да/нет"}),
    (r"^Not a valid date\.$", {"kk": "Күні жарамсыз (ЖЖЖЖ-АА-КК)", "ru": "Неверная дата (ГГГГ-ММ-ДД)"}),
    (r"^Not a valid time\.$", {"kk": "Уақыт жарамсыз", "ru": "Неверное время"}),
    (r"^Not a valid email address\.$", {"kk": "Электрондық пошта мекенжайы жарамсыз",
                                        "ru": "Неверный адрес электронной почты"}),
    (r"^Not a valid list\.$", {"kk": "Тізім болуы керек", "ru": "Должно быть списком"}),
    (r"^Invalid input type\.$", {"kk": "Деректер түрі жарамсыз", "ru": "Неверный тип данных"}),
    (r"^Unknown field\.$", {"kk": "Белгісіз өріс", "ru": "Неизвестное поле"}),
    (r"^Must be one of: (?P<choices>.*)\.$", {"kk": "Мүмкін мәндер: {choices}", "ru": "Допустимые значения: {choices}"}),
    (r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$",
     {"kk": "Ұзындығы {min}–{max} таңба", "ru": "Длина от {min} до {max} символов"}),
    (r"^Shorter than minimum length (?P<min>\d+)\.$",
     {"kk": "Кемінде {min} таңба", "ru": "Не короче {min} символов"}),
    (r"^Longer than maximum length (?P<max>\d+)\.$",
     {"kk": "Ең көбі {max} таңба", "ru": "Не длиннее {max} символов"}),
    (r"^Must be greater than or equal to (?P<min>[\d.]+) and less than or equal to (?P<max>[\d.]+)\.$",
     {"kk": "{min}-ден {max}-ге дейін", "ru": "От {min} до {max}"}),
    (r"^Must be greater than or equal to (?P<min>[\d.]+)\.$", {"kk": "Кемінде {min}", "ru": "Не меньше {min}"}),
    (r"^Must be less than or equal to (?P<max>[\d.]+)\.$", {"kk": "Ең көбі {max}", "ru": "Не больше {max}"}),
    (r"^String does not match expected pattern\.$", {"kk": "Пішімі жарамсыз", "ru": "Неверный формат"}),
]]


class coded(str):
    """A validation message given as a message code of ``docservice.messages``."""

    def __new__(cls, code: str, **params):
        obj = super().__new__(cls, code)
        obj.code, obj.params = code, params
        return obj


def say(message, lang: str) -> str:
    if isinstance(message, coded):
        return DomainError(message.code, **message.params).message(lang)
    for pattern, texts in PATTERNS:
        m = pattern.match(str(message))
        if m:
            return texts.get(lang, texts["ru"]).format(**m.groupdict())
    return str(message)


def localize(errors, lang: str):
    """marshmallow's nested error structure with every message in ``lang``."""
    if isinstance(errors, dict):
        return {k: localize(v, lang) for k, v in errors.items()}
    if isinstance(errors, list):
        return [localize(v, lang) for v in errors]
    return say(errors, lang)


class InputInvalid(Exception):
    """Bad document input: ``errors`` maps fields to messages in the requested language."""

    status = 422

    def __init__(self, errors: dict, lang: str):
        self.errors, self.lang = errors, lang
        super().__init__(str(errors))

    def lines(self) -> list[str]:
        """The errors as a person reads them: «field: message», one per line (nested fields
        joined with dots; ``_schema`` — the input as a whole — without a name)."""
        out = []

        def walk(errors, path):
            if isinstance(errors, dict):
                for key, value in errors.items():
                    walk(value, path if key == "_schema" else [*path, str(key)])
            elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
                out.append((".".join(path) + ": " if path else "") + "; ".join(errors))
            elif isinstance(errors, list):
                for n, value in enumerate(errors):
                    walk(value, [*path, str(n)])
            else:
                out.append((".".join(path) + ": " if path else "") + str(errors))

        walk(self.errors, [])
        return out


def validate(schema: type[Schema], data, lang: str) -> dict:
    from ..safe_input import ascii_number_errors

    if not isinstance(data, dict):  # [] or null is no input with every field left out
        found = "[…]" if isinstance(data, list) else json.dumps(data, ensure_ascii=False, default=str)[:40]
        raise InputInvalid({"_schema": [say(coded("input_not_object", found=found), lang)]}, lang)
    instance = schema()
    not_ascii = ascii_number_errors(instance, data)  # "٨٥" is no number here, though int() says 85
    if not_ascii:
        raise InputInvalid(localize(not_ascii, lang), lang)
    try:
        return instance.load(data)
    except ValidationError as exc:
        raise InputInvalid(localize(exc.messages, lang), lang) from None
