"""The demo's calendar: the demo faculty is drawn for one reference day and laid out on any
other day, so that whenever the demo is loaded it is in the middle of a semester.

Every date moves by the same whole number of weeks (lessons keep their weekday, final
controls stay off weekends, a short course still runs Monday to Friday), and the academic
year, the term, the groups' entry years and the record-book numbers are those of the day the
demo is laid out on. On the reference day itself nothing moves: that is the demo the tests
know (their frozen clock, ``tests/browser.py``'s DEMO_NOW, is that Monday).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The day the demo's data are drawn for: a Monday of the first term of 2026-2027, when about
# half of the journals are past their final control and the others run until mid-December.
REFERENCE_DAY = date(2026, 11, 23)
REFERENCE_YEAR = 2026       # the academic year 2026-2027 starts in it


@dataclass(frozen=True)
class DemoCalendar:
    """Where the demo drawn for REFERENCE_DAY lands when laid out on ``today``."""

    today: date

    @property
    def shift(self) -> timedelta:
        return timedelta(weeks=(self.today - REFERENCE_DAY).days // 7)

    @property
    def start_year(self) -> int:
        """The academic year runs from September; August already belongs to the coming one."""
        return self.today.year if self.today.month >= 8 else self.today.year - 1

    @property
    def term(self) -> int:
        """The autumn term, with its exams in January; then the spring (and summer) term."""
        return 1 if self.today.month >= 8 or self.today.month == 1 else 2

    @property
    def academic_year(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def period(self) -> str:
        return f"{self.academic_year}/{self.term}"

    def day(self, iso: str) -> str:
        return (date.fromisoformat(iso) + self.shift).isoformat()

    def lay_out(self, data: dict) -> dict:
        """``data`` (a demo dataset drawn for the reference day) moved to this calendar, in place."""
        years = self.start_year - REFERENCE_YEAR
        data["academic_year"] = self.academic_year
        for group in data["groups"]:
            group["code"] = _entry_moved(group["code"], years)
        for student in data["students"]:
            student["id"], student["group"] = _record_book_moved(student["id"], years), _entry_moved(
                student["group"], years)
        for item in data["curriculum"]:
            item["semester"] = self.term
        for journal in data["journals"]:
            journal.update(period=self.period, group=_entry_moved(journal["group"], years),
                           final_control=self.day(journal["final_control"]))
            for lesson in journal["lessons"]:
                lesson["date"] = self.day(lesson["date"])
        for mark in data["marks"]:
            mark["student"] = _record_book_moved(mark["student"], years)
            if _is_date(mark["column"]):
                mark["column"] = self.day(mark["column"])
        return data


def _entry_moved(group: str, years: int) -> str:
    """ОМ-26-01к is group 01 of those who entered in 2026: a year later they entered in 2027."""
    prefix, entry, rest = group.split("-", 2)
    return f"{prefix}-{(int(entry) + years) % 100:02d}-{rest}"


def _record_book_moved(record_book: str, years: int) -> str:
    """A record-book number starts with the entry year's two digits (26010001)."""
    return f"{(int(record_book[:2]) + years) % 100:02d}{record_book[2:]}"


def _is_date(column: str) -> bool:
    return len(column) == 10 and column[4] == "-" and column[7] == "-"
