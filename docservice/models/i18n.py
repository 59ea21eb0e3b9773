"""Columns for texts kept in Kazakh and Russian."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Named:
    """A record with a name in kk and ru; ``name(lang)`` picks one, falling back to ru."""

    name_kk: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str] = mapped_column(String(300))

    def name(self, lang: str = "ru") -> str:
        return self.name_kk if lang == "kk" and self.name_kk else self.name_ru
