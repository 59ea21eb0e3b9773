"""Reminders e-mailed by ``docservice reminders send``: what went to whom, on which day.

A row is written only after the SMTP server took the message, so a failed send is tried
again by the next run; the unique key makes a second run the same day send nothing."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class ReminderSent(db.Model):
    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "item_key", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # What the reminder was about, stable from day to day: "due:J0001", "request:5:visa" …
    item_key: Mapped[str] = mapped_column(String(64))
    day: Mapped[date]                 # the service's local day of the run
    sent_at: Mapped[datetime]
