"""The session engine: a state machine that runs a session and saves every step at once.

No terminal code lives here, so the same engine can be driven by the terminal runner, by a
test, or by a future screen. Every method that changes something writes it to the store
before returning: if the laptop is closed or the terminal killed, ``resume`` picks the run up
exactly where it was.

A run moves through phases: ``register`` (facilitators and attendees), ``steps`` (one step
at a time), ``closing`` (feedback, measures, reflection) and ``done``. People may arrive or
leave in any phase before ``done``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.people import register as people

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Session
    from coprod_cli.store.database import Store

RUNS = "runs"
ATTENDANCE = "attendance"
FEEDBACK = "feedback"
MEASURES = "measures"

Phase = Literal["register", "steps", "closing", "done"]
Clock = Callable[[], datetime]


def _default_clock() -> datetime:
    """Looked up at call time so tests can replace ``clock.system_clock`` for the whole app."""
    return clock.now()


def now_iso() -> str:
    """This moment as stored in records, from the same (replaceable) clock as runs."""
    return clock.now_iso()


def _iso(moment: datetime) -> str:
    return clock.iso(moment)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def partition_of(run_id: str) -> str:
    """Runs and everything hanging off them are filed by year, taken from the run's id."""
    return run_id[:4]


@dataclass(frozen=True)
class StepView:
    """What a screen needs to show the current step; computed, never stored."""

    number: int
    total: int
    planned_seconds: int
    step_seconds: float
    session_seconds: float
    planned_so_far_seconds: int
    paused: bool


class RunEngine:
    """One run of one session. Create with ``start`` or ``load``; every change is saved."""

    def __init__(self, store: Store, session: Session, run: dict[str, Any],
                 clock: Clock | None = None) -> None:
        self.store = store
        self.session = session
        self.run = run
        self.clock: Clock = clock or _default_clock

    # -- creating and finding runs -------------------------------------------------------
    @classmethod
    def start(cls, store: Store, session: Session, *, service: str = "",
              measure: str | None = None, feedback: str | None = None,
              clock: Clock | None = None) -> RunEngine:
        now = (clock or _default_clock)()
        import secrets

        run_id = f"{now:%Y%m%d}-{secrets.token_hex(8)}"  # 64 random bits: unique across services
        run: dict[str, Any] = {
            "id": run_id, "session_id": session.id, "session_version": session.version,
            "session_title": session.title, "theme": session.theme, "service": service,
            "planned_minutes": session.planned_minutes, "step_count": len(session.steps),
            "status": "in-progress", "phase": "register", "ended_early": False,
            "started_at": _iso(now), "updated_at": _iso(now), "ended_at": None,
            # None: the session's own measure; "" (from --measure none): no measure at all
            "measure": (measure or None) if measure is not None else
            (session.measures[0] if session.measures else None),
            "facilitators": [], "step_index": 0, "step_log": [], "notes": [],
            "paused_at": None, "paused_seconds": 0.0, "feedback_mode": None,
            "feedback_planned": feedback,
            "reflection": None,
        }
        store.insert(RUNS, run, partition=partition_of(run_id))
        return cls(store, session, run, clock)

    @classmethod
    def load(cls, store: Store, run_id: str, session: Session,
             clock: Clock | None = None) -> RunEngine:
        run = find_run(store, run_id)
        return cls(store, session, run, clock)

    # -- saving --------------------------------------------------------------------------
    def _save(self, **changes: Any) -> None:
        changes["updated_at"] = _iso(self.clock())
        self.run = self.store.update(RUNS, self.run["id"], changes,
                                     partition=partition_of(self.run["id"]))

    def _require(self, *phases: Phase) -> None:
        if self.run["phase"] not in phases:
            raise UsageError(f"That cannot be done now: the run is at '{self.run['phase']}'.")

    @property
    def id(self) -> str:
        return str(self.run["id"])

    @property
    def phase(self) -> Phase:
        return self.run["phase"]  # type: ignore[no-any-return]

    # -- people --------------------------------------------------------------------------
    def add_facilitator(self, person: dict[str, Any], as_role: Literal["lead", "co-facilitator"]
                        ) -> None:
        self._require("register", "steps", "closing")
        entry = {"person_id": person["id"], "as": as_role, "role": person["role"],
                 "lived_experience": person["role"] == "person-using-services"}
        others = [f for f in self.run["facilitators"] if f["person_id"] != person["id"]]
        self._save(facilitators=[*others, entry])

    def attendance(self) -> list[dict[str, Any]]:
        run_id = self.id
        return self.store.find(ATTENDANCE, lambda a: a["run_id"] == run_id,
                               partition=partition_of(run_id))

    def present(self) -> list[dict[str, Any]]:
        return [a for a in self.attendance() if a["left_at"] is None]

    def add_attendee(self, person: dict[str, Any]) -> dict[str, Any]:
        """Register someone. Arriving after the steps began is recorded as late."""
        self._require("register", "steps", "closing")
        for row in self.attendance():
            if row["person_id"] == person["id"]:
                if row["left_at"] is None:
                    raise UsageError(f"{person['name']} is already on the register.")
                return self.store.update(ATTENDANCE, row["id"], {"left_at": None},
                                         partition=partition_of(self.id))
        now = _iso(self.clock())
        record = {"run_id": self.id, "person_id": person["id"], "role": person["role"],
                  "session_id": self.session.id, "theme": self.session.theme,
                  "service": self.run["service"], "date": self.run["started_at"][:10],
                  "arrived_at": now, "late": self.phase != "register", "left_at": None}
        record["id"] = self.store.insert(ATTENDANCE, record, partition=partition_of(self.id))
        self._save()
        return record

    def person_leaves(self, person_id: str) -> None:
        self._require("register", "steps", "closing")
        row = next((a for a in self.present() if a["person_id"] == person_id), None)
        if row is None:
            raise NotFoundError("That person is not on today's register.")
        self.store.update(ATTENDANCE, row["id"], {"left_at": _iso(self.clock())},
                          partition=partition_of(self.id))
        self._save()

    # -- measures ------------------------------------------------------------------------
    def record_measure(self, person_id: str, measure_id: str, when: Literal["before", "after"],
                       answers: dict[str, int | None]) -> None:
        record = {"run_id": self.id, "person_id": person_id, "measure": measure_id,
                  "when": when, "answers": answers, "at": _iso(self.clock())}
        self.store.insert(MEASURES, record, partition=partition_of(self.id))

    # -- steps ---------------------------------------------------------------------------
    def begin_steps(self) -> None:
        self._require("register")
        if not self.present():
            raise UsageError("A session needs at least one attendee.",
                             hint="Add someone to the register first.")
        self._save(phase="steps", step_index=0, step_log=[self._log_entry(0)])

    def _log_entry(self, index: int) -> dict[str, Any]:
        return {"step": index, "started_at": _iso(self.clock()), "ended_at": None,
                "paused_seconds": 0.0, "outcome": None}

    def _close_entry(self, outcome: str) -> list[dict[str, Any]]:
        log = [dict(e) for e in self.run["step_log"]]
        if log and log[-1]["ended_at"] is None:
            log[-1]["ended_at"] = _iso(self.clock())
            log[-1]["outcome"] = outcome
        return log

    @property
    def step_index(self) -> int:
        return int(self.run["step_index"])

    def _move(self, outcome: str, target: int) -> None:
        self._require("steps")
        if self.run["paused_at"]:
            self.resume()
        log = self._close_entry(outcome)
        if target >= len(self.session.steps):
            self._save(step_log=log, phase="closing")
            return
        self._save(step_index=target, step_log=[*log, self._log_entry(target)])

    def next(self) -> None:
        """Mark this step done and go to the next (after the last, on to closing)."""
        self._move("done", self.step_index + 1)

    def skip(self) -> None:
        self._move("skipped", self.step_index + 1)

    def back(self) -> None:
        if self.step_index == 0:
            raise UsageError("This is the first step; there is nothing before it.")
        self._move("left", self.step_index - 1)

    def end_early(self, reason: str = "") -> None:
        self._require("register", "steps")
        if self.phase == "register":
            self.begin_steps()
        if self.run["paused_at"]:
            self.resume()
        self._save(step_log=self._close_entry("ended early"), phase="closing",
                   ended_early=True, end_reason=reason.strip())

    def note(self, text: str) -> None:
        text = text.strip()
        if not text:
            raise UsageError("The note is empty, so nothing was added.")
        step = self.step_index if self.phase == "steps" else None
        entry = {"at": _iso(self.clock()), "step": step, "phase": self.phase, "text": text}
        self._save(notes=[*self.run["notes"], entry])

    def pause(self) -> None:
        self._require("steps")
        if self.run["paused_at"]:
            raise UsageError("The session is already paused.")
        self._save(paused_at=_iso(self.clock()))

    def resume(self) -> None:
        if not self.run["paused_at"]:
            return
        gap = (self.clock() - _parse(self.run["paused_at"])).total_seconds()
        log = [dict(e) for e in self.run["step_log"]]
        if log and log[-1]["ended_at"] is None:
            log[-1]["paused_seconds"] = log[-1]["paused_seconds"] + gap
        self._save(paused_at=None, paused_seconds=self.run["paused_seconds"] + gap,
                   step_log=log)

    def view(self) -> StepView:
        """Times for the screen: this step, the session so far, and the plan so far."""
        now = self.clock()
        paused_now = (now - _parse(self.run["paused_at"])).total_seconds() \
            if self.run["paused_at"] else 0.0
        log = self.run["step_log"]
        step_seconds = 0.0
        for entry in log:
            if entry["step"] == self.step_index:
                end = _parse(entry["ended_at"]) if entry["ended_at"] else now
                step_seconds += (end - _parse(entry["started_at"])).total_seconds() \
                    - entry["paused_seconds"]
        step_seconds -= paused_now
        first = _parse(log[0]["started_at"]) if log else now
        session_seconds = (now - first).total_seconds() - self.run["paused_seconds"] - paused_now
        planned = sum(s.minutes for s in self.session.steps[: self.step_index + 1]) * 60
        return StepView(number=self.step_index + 1, total=len(self.session.steps),
                        planned_seconds=self.session.steps[self.step_index].minutes * 60,
                        step_seconds=max(step_seconds, 0.0),
                        session_seconds=max(session_seconds, 0.0),
                        planned_so_far_seconds=planned, paused=bool(self.run["paused_at"]))

    # -- closing -------------------------------------------------------------------------
    def set_feedback_mode(self, mode: Literal["now", "later"]) -> None:
        self._require("closing")
        self._save(feedback_mode=mode)

    def record_feedback(self, person_id: str | None, form_id: str, form_version: int,
                        answers: dict[str, Any]) -> None:
        self._require("closing")
        record = {"run_id": self.id, "person_id": person_id, "form": form_id,
                  "form_version": form_version, "answers": answers, "entered": "live",
                  "session_id": self.session.id, "theme": self.session.theme,
                  "service": self.run["service"], "at": _iso(self.clock())}
        self.store.insert(FEEDBACK, record, partition=partition_of(self.id))
        self._save(feedback_done=[*self.run.get("feedback_done", []), person_id])

    def reflect(self, went_well: str, even_better: str) -> None:
        self._require("closing")
        self._save(reflection={"went_well": went_well.strip(), "even_better": even_better.strip()})

    def finish(self) -> None:
        self._require("closing")
        self._save(phase="done", status="finished", ended_at=_iso(self.clock()))

    # -- summary -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return summarise_run(self.store, self.run, self.session)


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
        "co_facilitated_by_lived_experience": any(
            f["as"] == "co-facilitator" and f["lived_experience"] for f in run["facilitators"]),
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
