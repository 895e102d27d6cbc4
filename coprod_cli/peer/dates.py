"""Days as peer support reads and counts them: a date option, and months ahead of a date."""

from __future__ import annotations

import calendar
from datetime import date

from coprod_cli import clock
from coprod_cli.days import parse_day


def parse_date(text: str | None, what: str = "date") -> date:
    """A ``YYYY-MM-DD`` date ("today" and "tomorrow" too, read by ``coprod_cli.days``);
    today when ``text`` is None."""
    if text is None:
        return clock.today()
    return date.fromisoformat(parse_day(text, what))


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def long_date(day: str | date) -> str:
    """``Thursday 3 June 2027``: how a date reads on a printed sheet."""
    value = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return f"{value:%A} {value.day} {value:%B %Y}"
