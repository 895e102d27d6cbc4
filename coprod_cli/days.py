"""Reading a day or a time of day that someone typed, with one plain message when it is wrong.

Groups, meetings, panels, payments and rotas all take dates on the command line. One reader
means "today" works everywhere, a slip such as 2026-02-30 is named the same way everywhere,
and what is stored is always the ISO form the schema's date pattern expects.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from coprod_cli import clock
from coprod_cli.errors import UsageError


def parse_day(text: str, what: str = "date") -> str:
    """``YYYY-MM-DD``, ``today`` or ``tomorrow`` as an ISO date."""
    value = text.strip().lower()
    if value == "today":
        return clock.today().isoformat()
    if value == "tomorrow":
        return (clock.today() + timedelta(days=1)).isoformat()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"'{text}' is not a date; write the {what} as YYYY-MM-DD, "
                         "e.g. 2026-03-14.", hint="'today' and 'tomorrow' work too.") from None


def parse_time(text: str, what: str = "time") -> str:
    """A time of day as ``HH:MM`` (24-hour); ``2pm`` and ``14.30`` are read too."""
    value = text.strip().lower().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", value, re.ASCII)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if match[3] == "pm" and hour < 12:
            hour += 12
        elif match[3] == "am" and hour == 12:
            hour = 0
        if (match[2] or match[3]) and hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise UsageError(f"'{text}' is not a time of day; write the {what} as HH:MM, e.g. 14:30.")


def day_before(iso_day: str) -> str:
    return (date.fromisoformat(iso_day) - timedelta(days=1)).isoformat()
