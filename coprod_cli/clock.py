"""The one clock every record's time comes from.

Records carry local times with their offset (``2026-11-23T10:00:00+00:00``) so a report read
in another time zone still shows when a session really happened. Everything asks this module,
so a test can move time for the whole app by replacing :func:`system_clock` once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The computer's clock, as an aware local time."""
    return datetime.now().astimezone()


def now() -> datetime:
    """This moment; looked up at call time so tests can replace ``system_clock``."""
    return system_clock()


def now_iso() -> str:
    """This moment as stored in records: to the second, with the offset."""
    return iso(now())


def today() -> date:
    """The local calendar date, from the same replaceable clock."""
    return now().date()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
