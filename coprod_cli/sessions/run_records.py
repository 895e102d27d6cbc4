"""Runs as records: their tables, where they are filed, and reading them back.

Kept apart from the engine (which changes a run) so reports, checks and the privacy tools can
read runs without the state machine, and so the engine module stays small.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from coprod_cli.errors import NotFoundError
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Session
    from coprod_cli.store.database import Store

RUNS = "runs"
ATTENDANCE = "attendance"
FEEDBACK = "feedback"
MEASURES = "measures"


def partition_of(run_id: str) -> str:
    """Runs and everything hanging off them are filed by year, taken from the run's id."""
    return run_id[:4]


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def feedback_for(store: Store, run_id: str) -> list[dict[str, Any]]:
    return store.find(FEEDBACK, lambda f: f["run_id"] == run_id, partition=partition_of(run_id))


def summarise_run(store: Store, run: dict[str, Any], session: Session | None) -> dict[str, Any]:
    """The closing screen's figures: time against plan, who came, who led, what people said."""
    attendance = store.find(ATTENDANCE, lambda a: a["run_id"] == run["id"],
                            partition=partition_of(run["id"]))
    log = run["step_log"]
    actual = 0.0
    for entry in log:
        if entry["ended_at"]:
            actual += (_parse(entry["ended_at"]) - _parse(entry["started_at"])).total_seconds() \
                - entry["paused_seconds"]
    done = sorted({e["step"] for e in log if e["outcome"] == "done"})
    skipped = sorted({e["step"] for e in log if e["outcome"] == "skipped"} - set(done))
    feedback = feedback_for(store, run["id"])
    ratings: dict[str, list[int]] = {}
    helpers = Counter[str]()
    for form in feedback:
        for key, value in form["answers"].items():
            if isinstance(value, int) and not isinstance(value, bool):
                ratings.setdefault(key, []).append(value)
            elif key == "help_run" and isinstance(value, str):
                helpers[value] += 1
    return {
        "run_id": run["id"], "session": run["session_title"], "status": run["status"],
        "ended_early": run["ended_early"], "planned_minutes": run["planned_minutes"],
        "actual_minutes": round(actual / 60, 1),
        "steps_done": len(done), "steps_skipped": len(skipped),
        "step_count": run["step_count"],
        "attendance": len(attendance),
        "late": sum(1 for a in attendance if a["late"]),
        "left_early": sum(1 for a in attendance if a["left_at"]),
        "by_role": dict(Counter(a["role"] for a in attendance)),
        "facilitators": run["facilitators"],
        # Any facilitator with lived experience counts, the lead as much as a co-facilitator.
        "co_facilitated_by_lived_experience": any(
            f["lived_experience"] for f in run["facilitators"]),
        "notes": len(run["notes"]),
        "feedback_forms": len(feedback), "feedback_mode": run["feedback_mode"],
        "ratings": {k: {"n": len(v), "mean": round(sum(v) / len(v), 1)}
                    for k, v in ratings.items()},
        "would_help_run": dict(helpers),
    }


def find_run(store: Store, run_id: str) -> dict[str, Any]:
    run_id = run_id.strip()
    partition = partition_of(run_id) if run_id[:4].isdigit() else None
    run = store.get(RUNS, run_id, partition=partition)
    if run is None:
        candidates = [r for r in store.all(RUNS, partition=partition) if r["id"].startswith(run_id)]
        if len(candidates) == 1:
            return candidates[0]
        raise NotFoundError(f"There is no run '{run_id}'.",
                            hint="Run 'coprod session history' to see every run and its id.")
    return run


def unfinished_runs(store: Store, session_id: str | None = None) -> list[dict[str, Any]]:
    """Runs that were stopped part-way (a closed laptop, a killed terminal), newest first."""
    runs = [r for r in store.all(RUNS) if r["status"] == "in-progress"
            and (session_id is None or r["session_id"] == session_id)]
    return sorted(runs, key=lambda r: r["started_at"], reverse=True)


def history(store: Store) -> list[dict[str, Any]]:
    """Every run with its attendance count, newest first."""
    counts = Counter(a["run_id"] for a in store.all(ATTENDANCE))
    runs = sorted(store.all(RUNS), key=lambda r: r["started_at"], reverse=True)
    return [{**r, "attendance": counts.get(r["id"], 0)} for r in runs]


def person_name(store: Store, person_id: str | None) -> str:
    if person_id is None:
        return "someone"
    record = store.get(people.TABLE, person_id)
    return record["name"] if record else "(removed)"
