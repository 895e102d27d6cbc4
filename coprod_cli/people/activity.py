"""Signs of taking part beyond sessions, for the retention review (``people review``).

Someone who sits on the committee, comes to its meetings, is paid for a panel or votes in an
open vote is taking part even if they have not come to a session for a year; the review must
not offer them for deletion. Each feature table that shows someone taking part is
read here, and a current group membership counts as taking part today.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from coprod_cli import clock


def other_activity(records: Any, on: date | None = None
                   ) -> Iterator[tuple[str | None, str, str]]:
    """(person id, day, what) for every sign of taking part outside sessions, as of ``on``
    (default today)."""
    today = (on or clock.today()).isoformat()
    for term in records.all("group_members"):
        until = term.get("until")
        current = until is None or until >= today
        day = today if current and term.get("start", "") <= today else (until or term["start"])
        yield term.get("person_id"), day, ("a member of a group" if current
                                           else "left a group")
    for meeting in records.all("meetings"):
        day = str(meeting.get("date", ""))[:10]
        if day <= today:
            for seen in meeting.get("attendance") or []:
                if seen.get("status") == "present":
                    yield seen.get("person_id"), day, "came to a meeting"
    for log in records.all("involvement"):
        yield log.get("person_id"), str(log.get("date", ""))[:10], "involvement logged"
    for panel in records.all("panels"):
        day = str(panel.get("date", ""))[:10]
        if day <= today:
            for member in panel.get("members") or []:
                yield member, day, "sat on an interview panel"
