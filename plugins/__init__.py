"""The built-in document types, each a pluggy plugin registered through the ``docservice``
entry-point group exactly as a third-party package would be."""
from __future__ import annotations

from pathlib import Path

# The top of a checkout, where templates_kk/ and templates_ru/ are kept and edited.
_CHECKOUT = Path(__file__).resolve().parents[1]


def template_folders(plugin_file: str) -> tuple[Path, ...]:
    """The folder holding a built-in type's ``templates_kk/`` and ``templates_ru/``: inside its own
    package when installed from a wheel (the build puts them there), the checkout's top otherwise."""
    own = Path(plugin_file).resolve().parent
    return (own,) if (own / "templates_kk").is_dir() else (_CHECKOUT,)
