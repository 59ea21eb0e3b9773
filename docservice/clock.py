"""The service's notion of "now", injectable so tests can move time.

Times are naive local datetimes of the university's time zone (``TIMEZONE``): one
university, one zone, and every deadline is a local calendar date.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


class SystemClock:
    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(self.tz).replace(tzinfo=None, microsecond=0)


class FrozenClock:
    """A clock that stands still until told to move (tests, demos)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self.at = at


def now() -> datetime:
    return current_app.extensions["docservice.clock"].now()


def today() -> date:
    return now().date()
