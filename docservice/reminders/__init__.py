"""Reminders: what is waiting for whom (``waiting``), said in the user's language, shown on
the home page and e-mailed once a day by ``docservice reminders send`` (``mail``, ``cli``).

Journals lock by themselves at their deadline, reopen grants run out, each approval step
has two days; a reminder comes before that happens, or says that it has."""
from .waiting import Waiting, describe, waiting_for, waiting_for_everyone

__all__ = ["Waiting", "describe", "waiting_for", "waiting_for_everyone"]
