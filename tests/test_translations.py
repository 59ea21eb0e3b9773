"""Every string of the interface has a Kazakh and a Russian translation."""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("docservice/**.py", "python"), ("docservice/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None}


def used_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(lang: str) -> dict[str, str]:
    merged = {}
    for po in (ROOT / "docservice" / "translations").glob(f"*/{lang}/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            for message in read_po(f):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message.string
    return merged


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_interface_string_is_translated(lang):
    used, translated = used_msgids(), catalogue(lang)
    assert len(used) > 100
    missing = sorted(used - set(translated))
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:10]}"
