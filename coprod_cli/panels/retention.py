"""How long candidate data from an interview panel is kept, and deleting it after.

Candidates' codes, any names and every score are kept for the organisation's retention
period (``panel_retention_months`` after the panel's date, 6 by default), then offered for
deletion by ``coprod people review``. Deleting keeps the panel itself (its post, date,
members and questions, which people who sat on it may want in their story) and removes
what is about the candidates, in one change.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, Any

from coprod_cli import clock
from coprod_cli.panels import PANELS, PARTITION, SCORES
from coprod_cli.panels.questions import short

if TYPE_CHECKING:
    from coprod_cli.store.database import Store


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_panels(store: Any, months: int, *, today: date | None = None) -> list[dict[str, Any]]:
    """Panels past their retention period that still hold candidate data, oldest first."""
    today = today or clock.today()
    scored = {s["panel_id"] for s in store.all(SCORES)}
    due = []
    for panel in store.all(PANELS):
        keep_until = add_months(date.fromisoformat(panel["date"][:10]), months)
        holds = bool(panel["candidates"]) or panel["id"] in scored
        if holds and today > keep_until:
            due.append({"kind": "panel", "id": panel["id"], "short_id": short(panel["id"]),
                        "name": f"Interview panel: {panel['post']} ({panel['date']})",
                        "post": panel["post"], "date": panel["date"],
                        "candidates": len(panel["candidates"]),
                        "scores": sum(1 for s in store.all(SCORES)
                                      if s["panel_id"] == panel["id"]),
                        "kept_until": keep_until.isoformat()})
    return sorted(due, key=lambda p: (p["date"], p["id"]))


def delete_candidate_data(store: Store, months: int, *, today: date | None = None
                          ) -> dict[str, int]:
    """Delete the candidate data and scores of every panel past its period, in one change.
    Worked out again inside the change, so what is deleted is what is due at that moment."""
    with store.transaction() as tx:
        due = due_panels(tx, months, today=today)
        ids = {p["id"] for p in due}
        scores = [s for s in tx.all(SCORES) if s["panel_id"] in ids]
        for score in scores:
            tx.delete(SCORES, score["id"], partition=PARTITION)
        now = clock.now_iso()
        for panel_id in sorted(ids):
            tx.update(PANELS, panel_id, {"candidates": [], "candidate_data_deleted_at": now,
                                         "updated_at": now}, partition=PARTITION)
    return {"panels": len(ids), "scores": len(scores)}
