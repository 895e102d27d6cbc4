"""How many people moved along the roadmap of involvement, for the report's co-production
section: from coming to sessions to sitting on an interview panel, joining the committee, or
holding an office (chair, co-chair, secretary, treasurer).

Kept apart from ``summary.py`` (which reads runs and attendance in one fast pass): this reads
the governance tables once each. A person counts once per step (DISTINCT people), when they
first came to a session (in the report's filters) on an earlier day than the step, and the
step began within the report's dates. Small numbers are hidden by ``suppression.suppress``
like every other count.
"""

from __future__ import annotations

from typing import Any

#: The keys added to the report's ``coproduction`` section, with their words.
STEPS = {"moved_to_panel_member": "People who moved from attendee to interview panel member",
         "moved_to_committee_member": "People who moved from attendee to committee member",
         "moved_to_officer": "People who moved from attendee to an office (chair, co-chair, "
                             "secretary, treasurer)"}
OFFICES = frozenset({"chair", "co-chair", "secretary", "treasurer"})


def roadmap_counts(store: Any, filters: Any, first_attended: dict[str, str]) -> dict[str, int]:
    """Distinct people per step. ``first_attended`` is each person's first attendance in the
    report (ISO text), as ``summary`` worked it out."""

    def within(day: str) -> bool:
        return ((filters.date_from is None or day >= filters.date_from)
                and (filters.date_to is None or day <= filters.date_to))

    def moved(pid: Any, day: Any) -> bool:
        if not isinstance(pid, str) or not isinstance(day, str) or not within(day[:10]):
            return False
        first = first_attended.get(pid)
        return first is not None and first[:10] < day[:10]

    panel: set[str] = set()
    for p in store.all("panels"):
        panel |= {pid for pid in p.get("members") or [] if moved(pid, p.get("date"))}
    kinds = {g["id"]: g.get("kind") for g in store.all("groups")}
    committee: set[str] = set()
    officer: set[str] = set()
    for term in store.all("group_members"):
        pid, day = term.get("person_id"), term.get("start")
        if not isinstance(pid, str) or not moved(pid, day):
            continue
        if kinds.get(term.get("group_id")) == "committee":
            committee.add(pid)
        if term.get("office") in OFFICES:
            officer.add(pid)
    return {"moved_to_panel_member": len(panel), "moved_to_committee_member": len(committee),
            "moved_to_officer": len(officer)}
