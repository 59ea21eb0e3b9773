"""What every document shows and is computed once for both formats: the university
header, the document's number/date/draft mark and verify QR code, people's names."""
from __future__ import annotations

import io
from datetime import date, datetime
from functools import lru_cache

from ..models import Setting, db

MONTHS = {
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
           "қазан", "қараша", "желтоқсан"],
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"],
}
DRAFT = {"kk": "ЖОБА", "ru": "ПРОЕКТ"}


def setting(key: str, default=None):
    row = db.session.get(Setting, key)
    return row.value if row else default


def university(lang: str) -> dict:
    value = setting("university", {}) or {}
    return {"name": (value.get("name") or {}).get(lang, ""), "short": (value.get("short") or {}).get(lang, "")}


def addressee(key: str, lang: str) -> dict:
    """An addressee from settings (``it_department_head``, ``registrar_head``, ``vice_rector``).
    ``to`` is the line a letter is addressed with, as the form prints it (ru in the dative:
    «Руководителю Департамента цифровизации»): declension cannot be computed reliably, so it is
    data beside the nominative ``position``, and settings without it print the position."""
    value = setting(f"addressee.{key}", {}) or {}
    position = (value.get("position") or {}).get(lang, "")
    return {"full_name": (value.get("full_name") or {}).get(lang, ""), "position": position,
            "to": (value.get("to") or {}).get(lang) or position}


# The head word of a school's or department's name, as the forms put the name after another
# word. A Russian name is its head word and a genitive («Кафедра анатомии», «Школа общей
# медицины»), so only the head word is declined; a Kazakh name ends in a possessive («Анатомия
# кафедрасы», «… мектебі») that takes the genitive ending after its vowel. A name of another
# shape is quoted after a generic word, so the sentence still reads.
RU_HEAD_WORDS = {"кафедра": ("кафедры", "кафедрой"), "курс": ("курса", "курсом"),
                 "школа": ("Школы", "Школой"), "факультет": ("факультета", "факультетом")}
KK_GENITIVE = {"ы": "ның", "і": "нің"}
# The head word as a label says it (a sheet's «Кафедра | патологической физиологии»: the word once).
KK_HEAD_WORDS = {"кафедрасы": "Кафедра", "курсы": "Курс", "мектебі": "Мектеп", "факультеті": "Факультет"}


def unit_forms(name: str, lang: str) -> dict:
    """A school's or department's name in the forms' cases: ``of`` the genitive (ru «от …
    кафедры анатомии», «Декану Школы общей медицины»; kk «Жалпы медицина мектебінің деканы»),
    ``head`` as its head's title takes it (ru «заведующий кафедрой анатомии», kk «Анатомия
    кафедрасының меңгерушісі»); ``kind`` its head word as a label («Кафедра», «Мектеп»; "" for
    another shape) and ``proper`` the rest, the name a label of that word is filled with."""
    if lang == "kk":
        ending = KK_GENITIVE.get(name[-1:]) if len(name.split()) > 1 else None
        of = name + ending if ending else f"«{name}» бөлімшесінің"
        rest, _, head = name.rpartition(" ")
        kind = KK_HEAD_WORDS.get(head.casefold(), "") if rest else ""
        return {"name": name, "of": of, "head": of, "kind": kind, "proper": rest if kind else name}
    head, _, rest = name.partition(" ")
    words = RU_HEAD_WORDS.get(head.casefold())
    if words is None or not rest:
        return {"name": name, "of": f"подразделения «{name}»", "head": f"подразделением «{name}»",
                "kind": "", "proper": name}
    return {"name": name, "of": f"{words[0]} {rest}", "head": f"{words[1]} {rest}",
            "kind": head[0].upper() + head[1:].casefold(), "proper": rest}


def folded(text: str) -> str:
    """A name as a subject key compares it: NFC, case folded, spaces collapsed — so «Әбілқасымова
    Сәуле» and «әбілқасымова  сәуле» are one person."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def short_name(full_name: str) -> str:
    """«Сейітов Ерлан Мұратұлы» → «Сейітов Е. М.» (as names are signed under documents)."""
    parts = (full_name or "").split()
    if len(parts) < 2:
        return full_name or ""
    return " ".join([parts[0]] + [f"{p[0]}." for p in parts[1:3]])


def person(user, lang: str) -> dict:
    if user is None:
        return {"full_name": "", "short_name": "", "position": "", "position_from": ""}
    return {"full_name": user.full_name, "short_name": short_name(user.full_name), "position": user.position(lang),
            "position_from": user.position_from(lang)}


def long_date(d: date | None, lang: str) -> str:
    """«23» қараша 2026 ж. / «23» ноября 2026 г."""
    if d is None:
        return ""
    suffix = "ж." if lang == "kk" else "г."
    return f"«{d.day:02d}» {MONTHS[lang][d.month - 1]} {d.year} {suffix}"


def short_date(d: date | datetime | None) -> str:
    return "" if d is None else f"{d:%d.%m.%Y}"


# The verify address as a QR code, made by the engine that prints it, in the form it reads:
# an SVG data URI (HTML), SVG text (Typst), PNG bytes (Word). A document renders once per
# format, so making every form for every render would triple the cost (≈ 10 ms each).
@lru_cache(maxsize=16)
def _qr(url: str):
    import segno

    return segno.make(url, error="m")


def qr_svg_uri(url: str) -> str:
    return _qr(url).svg_data_uri(scale=3, border=2) if url else ""


def qr_svg_text(url: str) -> str:
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=3, border=2)
    return out.getvalue().decode("utf-8")


def qr_png(url: str) -> bytes | None:
    if not url:
        return None
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=5, border=2)
    return out.getvalue()


def document_block(doc_type, lang: str, number: str | None, issued_on: date, verify_url: str | None) -> dict:
    """The ``doc`` part of every context: title, number, date, draft mark, QR code."""
    block = {"title": doc_type.title(lang), "number": number or "", "draft": number is None,
             "draft_mark": DRAFT[lang] if number is None else "", "date": short_date(issued_on),
             "long_date": long_date(issued_on, lang), "verify_url": verify_url or ""}
    return block
