"""The session engine: a state machine that runs a session and saves every step at once.

No terminal code lives here, so the same engine can be driven by the terminal runner, by a
test, or by a future screen. Every method that changes something writes it to the store
before returning: if the laptop is closed or the terminal killed, ``resume`` picks the run up
exactly where it was.

A run moves through phases: ``register`` (facilitators and attendees), ``steps`` (one step
at a time), ``closing`` (feedback, measures, reflection) and ``done``. People may arrive or
leave in any phase before ``done``. The order of the closing phase, and who still has a form
or a measure to fill in, are decided here (``closing_task``) so every front end follows the
same flow and only asks and shows.

One action is one transaction: when an action writes two records (a feedback form and the
run's list of who has given one; an attendee and the run), both land or neither does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from coprod_cli import clock
from coprod_cli.errors import NotFoundError, UsageError
from coprod_cli.sessions.lease import HoldsRun
from coprod_cli.sessions.run_records import (
    ATTENDANCE,
    FEEDBACK,
    MEASURES,
    RUNS,
    feedback_for,
    find_run,
    history,
    partition_of,
    person_name,
    summarise_run,
    unfinished_runs,
)

if TYPE_CHECKING:
    from coprod_cli.sessions.library import Session
    from coprod_cli.store.database import Store, Transaction

# The records' names and read-only look-ups live in run_records; they are re-exported here,
# where callers have always found them.
__all__ = ["ATTENDANCE", "FEEDBACK", "MEASURES", "RUNS", "ClosingKind", "ClosingTask",
           "FeedbackMode", "Phase", "RunEngine", "StepView", "When", "feedback_for", "find_run",
           "history", "now_iso", "partition_of", "person_name", "summarise_run",
           "unfinished_runs"]

Phase = Literal["register", "steps", "closing", "done"]
When = Literal["before", "after"]
FeedbackMode = Literal["now", "later"]
#: The closing phase, in order: how feedback is collected, each form (if now), each
#: check-out measure, the facilitators' reflection, and then the run can finish.
ClosingKind = Literal["feedback_mode", "feedback", "measure", "reflection", "finish"]
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


@dataclass(frozen=True)
class ClosingTask:
    """What the closing phase needs next, and whose it is (``person_id``, for one person's
    feedback form or check-out). Computed from what is saved, so a resumed run, or another
    screen, gets the same answer."""

    kind: ClosingKind
    person_id: str | None = None


class RunEngine(HoldsRun):
    """One run of one session. Create with ``start`` or ``load``; every change is saved."""

    def __init__(self, store: Store, session: Session, run: dict[str, Any],
                 clock: Clock | None = None) -> None:
        self.store = store
        self.session = session
        self.run = run
        self.clock: Clock = clock or _default_clock
        self._tx: Transaction | None = None
        #: This engine's lease token once it holds the run (``hold``); None: it does not.
        self.lease_token: str | None = None
        #: A watching window reads the run but never writes to it.
        self.read_only = False

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
    @contextmanager
    def _change(self) -> Iterator[Transaction]:
        """One action's writes in one transaction (one lock, one commit). Nested use joins
        the outer action. If anything fails, nothing is written and ``self.run`` is put back
        as it was, so the engine never believes in a change the store does not hold."""
        if self._tx is not None:
            yield self._tx
            return
        kept = self.run
        try:
            with self.store.transaction() as tx:
                self._check_lease(tx)
                self._tx = tx
                try:
                    yield tx
                finally:
                    self._tx = None
        except BaseException:
            self.run = kept
            raise

    def _save(self, **changes: Any) -> None:
        changes["updated_at"] = _iso(self.clock())
        if self.lease_token is not None and self.run.get("lease"):
            changes.setdefault("lease", {**self.run["lease"], "refreshed": changes["updated_at"]})
        with self._change() as tx:
            self.run = tx.update(RUNS, self.id, changes, partition=partition_of(self.id))

    def _reader(self) -> Store | Transaction:
        """Inside an action, read through its transaction (under its lock, seeing its own
        writes); outside one, read the store."""
        return self._tx if self._tx is not None else self.store

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
        with self._change() as tx:
            person = self._registered(tx, person)
            entry = {"person_id": person["id"], "as": as_role, "role": person["role"],
                     "lived_experience": person["role"] == "person-using-services"}
            others = [f for f in self.run["facilitators"] if f["person_id"] != person["id"]]
            self._save(facilitators=[*others, entry])

    def _registered(self, tx: Transaction, person: dict[str, Any]) -> dict[str, Any]:
        """Someone new (a dict with a name and role but no ``id`` yet) joins the register in
        the same transaction as the action that needs them, so a crash cannot leave a person
        on the register who never made it onto the run. The caller's dict is left as it is:
        if the action fails, a retry registers them afresh."""
        if person.get("id"):
            return person
        from coprod_cli.people import register

        return register.add_person(tx, person["name"], person["role"],
                                   service=self.run["service"], consent=person.get("consent"))

    def attendance(self) -> list[dict[str, Any]]:
        run_id = self.id
        return self._reader().find(ATTENDANCE, lambda a: a["run_id"] == run_id,
                                   partition=partition_of(run_id))

    def present(self) -> list[dict[str, Any]]:
        return [a for a in self.attendance() if a["left_at"] is None]

    def add_attendee(self, person: dict[str, Any]) -> dict[str, Any]:
        """Register someone (new people join the register first, in the same transaction).
        Arriving after the steps began is recorded as late."""
        self._require("register", "steps", "closing")
        with self._change() as tx:
            person = self._registered(tx, person)
            for row in self.attendance():
                if row["person_id"] == person["id"]:
                    if row["left_at"] is None:
                        raise UsageError(f"{person['name']} is already on the register.")
                    back = tx.update(ATTENDANCE, row["id"], {"left_at": None},
                                     partition=partition_of(self.id))
                    self._save()
                    return back
            now = _iso(self.clock())
            record = {"run_id": self.id, "person_id": person["id"], "role": person["role"],
                      "session_id": self.session.id, "theme": self.session.theme,
                      "service": self.run["service"], "date": self.run["started_at"][:10],
                      "arrived_at": now, "late": self.phase != "register", "left_at": None}
            record["id"] = tx.insert(ATTENDANCE, record, partition=partition_of(self.id))
            self._save()
        return record

    def person_leaves(self, person_id: str) -> None:
        self._require("register", "steps", "closing")
        with self._change() as tx:
            row = next((a for a in self.present() if a["person_id"] == person_id), None)
            if row is None:
                raise NotFoundError("That person is not on today's register.")
            tx.update(ATTENDANCE, row["id"], {"left_at": _iso(self.clock())},
                      partition=partition_of(self.id))
            self._save()

    # -- measures ------------------------------------------------------------------------
    def record_measure(self, person_id: str, measure_id: str, when: When,
                       answers: dict[str, int | None]) -> None:
        """One person's answers (all None when they chose not to answer, so they are not
        asked again). The run itself does not change, so this is one write."""
        self._require("register", "steps", "closing")
        record = {"run_id": self.id, "person_id": person_id, "measure": measure_id,
                  "when": when, "answers": answers, "at": _iso(self.clock())}
        with self._change() as tx:
            tx.insert(MEASURES, record, partition=partition_of(self.id))

    def _measured(self, when: When) -> set[str]:
        run_id = self.id
        return {m["person_id"] for m in self._reader().find(
            MEASURES, lambda m: m["run_id"] == run_id and m["when"] == when,
            partition=partition_of(run_id))}

    def awaiting_measure(self, when: When) -> list[dict[str, Any]]:
        """Who is here and still to be asked the run's measure, in register order. Only
        those asked at check-in are asked at check-out: a lone answer pairs with nothing."""
        if not self.run.get("measure"):
            return []
        done = self._measured(when)
        before = self._measured("before") if when == "after" else None
        return [a for a in self.present() if a["person_id"] not in done
                and (before is None or a["person_id"] in before)]

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
        with self._change():
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

    def jump(self, index: int) -> None:
        """Go straight to a step (from the agenda). The step left is marked ``left``, not
        done, so the summary still counts only what was really done."""
        if not 0 <= index < len(self.session.steps):
            raise UsageError(f"There is no step {index + 1}; this session has "
                             f"{len(self.session.steps)}.")
        if index == self.step_index:
            raise UsageError(f"You are on step {index + 1} already.")
        self._move("left", index)

    def end_early(self, reason: str = "") -> None:
        self._require("register", "steps")
        with self._change():
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
    def closing_task(self) -> ClosingTask:
        """The next thing the closing phase needs, in its fixed order: choose when feedback
        is given; each present person's form (if now); each check-out; the reflection; then
        ``finish``. A front end asks for it, asks the person, saves, and asks again."""
        self._require("closing")
        if self.run["feedback_mode"] is None:
            return ClosingTask("feedback_mode")
        if forms := self.awaiting_feedback():
            return ClosingTask("feedback", forms[0]["person_id"])
        if check_outs := self.awaiting_measure("after"):
            return ClosingTask("measure", check_outs[0]["person_id"])
        if self.run["reflection"] is None:
            return ClosingTask("reflection")
        return ClosingTask("finish")

    def set_feedback_mode(self, mode: FeedbackMode) -> None:
        self._require("closing")
        self._save(feedback_mode=mode)

    def awaiting_feedback(self) -> list[dict[str, Any]]:
        """Who is here and has not given a form yet, when feedback is being given now."""
        if self.run["feedback_mode"] != "now":
            return []
        done = set(self.run.get("feedback_done", []))
        return [a for a in self.present() if a["person_id"] not in done]

    def record_feedback(self, person_id: str | None, form_id: str, form_version: int,
                        answers: dict[str, Any]) -> None:
        """The form and the run's note that this person has given one, in one transaction:
        half of it would either lose the form or ask the person again."""
        self._require("closing")
        record = {"run_id": self.id, "person_id": person_id, "form": form_id,
                  "form_version": form_version, "answers": answers, "entered": "live",
                  "session_id": self.session.id, "theme": self.session.theme,
                  "service": self.run["service"], "at": _iso(self.clock())}
        with self._change() as tx:
            if any(value is not None for value in answers.values()):
                tx.insert(FEEDBACK, record, partition=partition_of(self.id))
            # A form with every question skipped is not a form, but they were asked.
            self._save(feedback_done=[*self.run.get("feedback_done", []), person_id])

    def reflect(self, went_well: str, even_better: str) -> None:
        self._require("closing")
        self._save(reflection={"went_well": went_well.strip(), "even_better": even_better.strip()})

    def finish(self) -> None:
        """Close the run. Front ends call it when ``closing_task`` says ``finish``; records
        built by hand (imports, tests) may finish with parts of the closing left out."""
        self._require("closing")
        self._save(phase="done", status="finished", ended_at=_iso(self.clock()), lease=None)
        self.lease_token = None

    # -- summary -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return summarise_run(self.store, self.run, self.session)
