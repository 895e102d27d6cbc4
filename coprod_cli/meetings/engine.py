"""The meeting engine: a meeting run item by item, every action saved the moment it happens.

The same shape as the session engine (``sessions/runner.py``), so ``meeting run`` feels the
same as ``session run``: attendance first (who came, who sent apologies, guests by name, and
whether the meeting is quorate), then one agenda item at a time with its own clock, and on
any item a note, a decision with its reason, an action, a declaration of interest or a vote.
No terminal code lives here, so a second front end could drive it; each method is one
transaction on the meeting record (and the actions table), so a killed terminal loses
nothing and ``meeting run`` again carries on at the same item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coprod_cli import clock
from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.groups import membership
from coprod_cli.meetings import MEETINGS
from coprod_cli.meetings import actions as action_records
from coprod_cli.meetings.agenda import find_meeting, previous_meeting
from coprod_cli.meetings.details import clean_text, named
from coprod_cli.store.database import Store, Transaction

Clock = Callable[[], datetime]
MAX_TEXT = 1000


def _now() -> datetime:
    return clock.now()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class ItemView:
    """What a screen needs to show the current item; computed, never stored."""

    number: int
    total: int
    planned_seconds: int
    item_seconds: float
    meeting_seconds: float
    planned_so_far_seconds: int
    paused: bool


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    needed: int

    @property
    def met(self) -> bool:
        return self.present >= self.needed

    def sentence(self) -> str:
        """The quorum said plainly, with what it means when it is not met."""
        if self.met:
            return (f"{self.present} of the {self.members} members are here; this group needs "
                    f"{self.needed}, so its decisions count.")
        only = "Only " if self.present else ""
        verb = "is" if self.present == 1 else "are"
        return (f"{only}{self.present} of the {self.members} members {verb} here; this group "
                f"needs {self.needed} for its decisions to count. You can still meet and "
                "talk; decisions will be marked 'not quorate'.")

    def past_sentence(self) -> str:
        """The same, as the minutes say it afterwards."""
        if self.met:
            return (f"{self.present} of the {self.members} members were there; the group "
                    f"needs {self.needed}, so its decisions count.")
        only = "Only " if self.present else ""
        verb = "was" if self.present == 1 else "were"
        return (f"{only}{self.present} of the {self.members} members {verb} there; the group "
                f"needs {self.needed} for its decisions to count, so its decisions are marked "
                "'not quorate'.")


def members_on_the_day(store: Store | Transaction, meeting: dict[str, Any]
                       ) -> list[membership.Member]:
    return membership.members(store, meeting["group_id"], on=meeting["date"])


def check_can_run(store: Store | Transaction, meeting: dict[str, Any]) -> list[Any]:
    """The members the register is taken from; a group with none cannot hold a meeting."""
    group = membership.find_group(store, meeting["group_id"])
    found = members_on_the_day(store, meeting)
    if not found:
        raise ValidationError(
            f"{group['name']} has no members on {meeting['date']}, so there is nobody to "
            "take the register of; nothing was saved.",
            hint=f"Add members first: coprod group join \"{group['name']}\" PERSON")
    if meeting["status"] == "finished":
        raise UsageError(f"The meeting on {meeting['date']} has finished.",
                         hint=f"Print its minutes: coprod meeting minutes {meeting['id']} "
                              "--out minutes.pdf")
    return found


class MeetingEngine:
    """One meeting being run. Create with ``load``; every change is saved at once."""

    def __init__(self, store: Store, meeting: dict[str, Any], clock: Clock | None = None
                 ) -> None:
        self.store = store
        self.meeting = meeting
        self.clock: Clock = clock or _now
        self._tx: Transaction | None = None

    @classmethod
    def load(cls, store: Store, ref: str) -> MeetingEngine:
        return cls(store, find_meeting(store, ref))

    # -- saving --------------------------------------------------------------------------
    @contextmanager
    def _change(self) -> Iterator[Transaction]:
        """One action's writes in one transaction; if anything fails, nothing is written and
        ``self.meeting`` is put back as it was."""
        if self._tx is not None:
            yield self._tx
            return
        kept = self.meeting
        try:
            with self.store.transaction() as tx:
                self._tx = tx
                try:
                    yield tx
                finally:
                    self._tx = None
        except BaseException:
            self.meeting = kept
            raise

    def _save(self, **changes: Any) -> None:
        changes["updated_at"] = clock.iso(self.clock())
        with self._change() as tx:
            self.meeting = tx.update(MEETINGS, self.id, changes)

    def _reader(self) -> Store | Transaction:
        return self._tx if self._tx is not None else self.store

    def _stamp(self) -> str:
        return clock.iso(self.clock())

    @property
    def id(self) -> str:
        return str(self.meeting["id"])

    @property
    def run(self) -> dict[str, Any]:
        return self.meeting.get("run") or {}

    @property
    def phase(self) -> str:
        return str(self.run.get("phase", "attendance"))

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.meeting["items"])

    @property
    def item_index(self) -> int:
        return int(self.run.get("item_index", 0))

    @property
    def item(self) -> dict[str, Any]:
        return self.items[self.item_index]

    def _require(self, *phases: str) -> None:
        if self.phase not in phases:
            raise UsageError(f"That cannot be done now: the meeting is at '{self.phase}'.")

    # -- attendance ----------------------------------------------------------------------
    def members(self) -> list[membership.Member]:
        return members_on_the_day(self._reader(), self.meeting)

    def quorum(self) -> Quorum:
        present = sum(1 for a in self.meeting.get("attendance", []) if a["status"] == "present")
        count = int(self.run.get("members") or len(self.members()))
        group = membership.find_group(self._reader(), self.meeting["group_id"])
        return Quorum(present, count, int(self.run.get("quorum")
                                          or membership.quorum(group, count)))

    def begin(self, present: list[str], apologies: list[str], guests: list[str]) -> Quorum:
        """Take the register (member ids present, member ids sending apologies, guests'
        names) and start the first item, all in one transaction."""
        self._require("attendance")
        with self._change() as tx:
            found = check_can_run(tx, self.meeting)
            ids = {m.person_id for m in found}
            unknown = [p for p in [*present, *apologies] if p not in ids]
            if unknown:
                raise ValidationError("Only the group's members are on its register; add "
                                      "anyone else as a guest.")
            if set(present) & set(apologies):
                raise ValidationError("Someone cannot be both here and sending apologies.")
            clean_guests = [named(tx, g)["name"] for g in guests if g.strip()]
            attendance = [{"person_id": m.person_id,
                           "status": "present" if m.person_id in present else
                           "apologies" if m.person_id in apologies else "absent"}
                          for m in found]
            group = membership.find_group(tx, self.meeting["group_id"])
            needed = membership.quorum(group, len(found))
            now = self._stamp()
            quorate = len(set(present)) >= needed
            self._save(status="in-progress", attendance=attendance, guests=clean_guests,
                       notes=self.meeting.get("notes", []),
                       decisions=self.meeting.get("decisions", []),
                       declarations=self.meeting.get("declarations", []),
                       run={"phase": "items", "item_index": 0,
                            "item_log": [self._log_entry(0)], "paused_at": None,
                            "paused_seconds": 0.0, "started_at": now, "ended_at": None,
                            "members": len(found), "quorum": needed, "quorate": quorate})
        return self.quorum()

    def names(self, status: str) -> list[str]:
        """Members with this status (present, apologies, absent) by name, in register order."""
        by_id = {m.person_id: m.name for m in self.members()}
        return [by_id.get(a["person_id"], "someone no longer on the register")
                for a in self.meeting.get("attendance", []) if a["status"] == status]

    def arrives(self, person_id: str) -> Quorum:
        """A member who arrives late is marked present; the quorum is worked out again."""
        self._require("items")
        rows = [dict(a) for a in self.meeting.get("attendance", [])]
        row = next((a for a in rows if a["person_id"] == person_id), None)
        if row is None:
            raise ValidationError("Only the group's members are on its register; add anyone "
                                  "else as a guest.")
        if row["status"] == "present":
            raise UsageError("They are already marked as here.")
        row["status"] = "present"
        with self._change():
            present = sum(1 for a in rows if a["status"] == "present")
            run = {**self.run, "quorate": present >= int(self.run["quorum"])}
            self._save(attendance=rows, run=run)
        return self.quorum()

    # -- items ---------------------------------------------------------------------------
    def _log_entry(self, index: int) -> dict[str, Any]:
        return {"item": index, "started_at": self._stamp(), "ended_at": None,
                "paused_seconds": 0.0, "outcome": None}

    def _closed_log(self, outcome: str) -> list[dict[str, Any]]:
        log = [dict(e) for e in self.run["item_log"]]
        if log and log[-1]["ended_at"] is None:
            log[-1]["ended_at"] = self._stamp()
            log[-1]["outcome"] = outcome
        return log

    def _move(self, outcome: str, target: int) -> None:
        self._require("items")
        with self._change():
            if self.run["paused_at"]:
                self.resume()
            log = self._closed_log(outcome)
            if target >= len(self.items):
                self._save(run={**self.run, "item_log": log, "phase": "done",
                                "ended_at": self._stamp()}, status="finished")
                return
            self._save(run={**self.run, "item_index": target,
                            "item_log": [*log, self._log_entry(target)]})

    def next(self) -> None:
        """This item done; on to the next (after the last, the meeting is finished)."""
        self._move("done", self.item_index + 1)

    def skip(self) -> None:
        self._move("skipped", self.item_index + 1)

    def back(self) -> None:
        if self.item_index == 0:
            raise UsageError("This is the first item; there is nothing before it.")
        self._move("left", self.item_index - 1)

    def jump(self, index: int) -> None:
        if not 0 <= index < len(self.items):
            raise UsageError(f"There is no item {index + 1}; this agenda has "
                             f"{len(self.items)}.")
        if index == self.item_index:
            raise UsageError(f"You are on item {index + 1} already.")
        self._move("left", index)

    def pause(self) -> None:
        self._require("items")
        if self.run["paused_at"]:
            raise UsageError("The meeting is already paused.")
        self._save(run={**self.run, "paused_at": self._stamp()})

    def resume(self) -> None:
        if not self.run.get("paused_at"):
            return
        gap = (self.clock() - _parse(self.run["paused_at"])).total_seconds()
        log = [dict(e) for e in self.run["item_log"]]
        if log and log[-1]["ended_at"] is None:
            log[-1]["paused_seconds"] += gap
        self._save(run={**self.run, "paused_at": None, "item_log": log,
                        "paused_seconds": self.run["paused_seconds"] + gap})

    def view(self) -> ItemView:
        now = self.clock()
        run = self.run
        paused_now = (now - _parse(run["paused_at"])).total_seconds() \
            if run.get("paused_at") else 0.0
        item_seconds = 0.0
        for entry in run["item_log"]:
            if entry["item"] == self.item_index:
                end = _parse(entry["ended_at"]) if entry["ended_at"] else now
                item_seconds += (end - _parse(entry["started_at"])).total_seconds() \
                    - entry["paused_seconds"]
        item_seconds -= paused_now
        first = _parse(run["item_log"][0]["started_at"]) if run["item_log"] else now
        meeting_seconds = (now - first).total_seconds() - run["paused_seconds"] - paused_now
        planned = sum(int(i["minutes"]) for i in self.items[: self.item_index + 1]) * 60
        return ItemView(number=self.item_index + 1, total=len(self.items),
                        planned_seconds=int(self.item["minutes"]) * 60,
                        item_seconds=max(item_seconds, 0.0),
                        meeting_seconds=max(meeting_seconds, 0.0),
                        planned_so_far_seconds=planned, paused=bool(run.get("paused_at")))

    # -- what happens on an item ---------------------------------------------------------
    def note(self, text: str) -> dict[str, Any]:
        self._require("items")
        clean = clean_text(text, "The note", MAX_TEXT)
        if not clean:
            raise UsageError("The note is empty, so nothing was added.")
        entry = {"item": self.item["key"], "text": clean, "at": self._stamp()}
        self._save(notes=[*self.meeting.get("notes", []), entry])
        return entry

    def decide(self, text: str, reason: str) -> dict[str, Any]:
        """A decision with its reason, marked not quorate when too few members are here."""
        self._require("items")
        clean = clean_text(text, "The decision", MAX_TEXT)
        if not clean:
            raise UsageError("Say what was decided, so nothing was added.")
        entry = {"item": self.item["key"], "text": clean,
                 "reason": clean_text(reason, "The reason", MAX_TEXT),
                 "quorate": bool(self.run["quorate"]), "at": self._stamp()}
        self._save(decisions=[*self.meeting.get("decisions", []), entry])
        return entry

    def declare(self, who: str, what: str) -> dict[str, Any]:
        self._require("items")
        person = named(self._reader(), who)
        clean = clean_text(what, "The interest", MAX_TEXT)
        if not clean:
            raise UsageError("Say what the interest is, so nothing was added.")
        entry = {"item": self.item["key"], "name": person["name"],
                 "person_id": person["person_id"], "what": clean, "at": self._stamp()}
        self._save(declarations=[*self.meeting.get("declarations", []), entry])
        return entry

    def action(self, what: str, owner: str, due: str | None) -> dict[str, Any]:
        """A new action on this item; the meeting's clock entry is saved with it."""
        self._require("items")
        with self._change() as tx:
            record = action_records.new_action(tx, self.meeting, self.item["key"], what=what,
                                               owner=owner, due=due)
            self._save()
        return record

    def open_actions(self) -> list[dict[str, Any]]:
        """Actions from earlier meetings still open (and those marked done here)."""
        return action_records.carried_forward(self._reader(), self.meeting)

    def action_done(self, ref: str, note: str = "") -> dict[str, Any]:
        self._require("items")
        with self._change() as tx:
            done = action_records.mark_done(tx, ref, note=note, meeting_id=self.id)
            self._save()
        return done

    def previous(self) -> dict[str, Any] | None:
        return previous_meeting(self._reader(), self.meeting)

    def approve_previous(self, proposed_by: str, seconded_by: str | None) -> dict[str, Any]:
        """The last meeting's minutes agreed as a true record at this one."""
        from coprod_cli.meetings.minutes import approve

        self._require("items")
        with self._change() as tx:
            earlier = self.previous()
            if earlier is None:
                raise UsageError("This is the group's first meeting; there are no earlier "
                                 "minutes to approve.")
            done = approve(tx, earlier["id"], at=self.id, proposed_by=proposed_by,
                           seconded_by=seconded_by)
            self._save()
        return done

    def vote(self, question: str, options: list[str], method: str,
             ballots: list[tuple[str | None, str]], *, seats: int = 1,
             secret: bool = False) -> list[str]:
        """Add a vote on this item, cast the ballots given (voter id or None, choice), close
        it and return the result in sentences, all in one transaction."""
        from coprod_cli.meetings import vote_link

        self._require("items")
        with self._change() as tx:
            vote_id = vote_link.hold_vote(tx, meeting_id=self.id, item=self.item["key"],
                                          question=question, options=options, method=method,
                                          ballots=ballots, seats=seats, secret=secret)
            self._save()
        return vote_link.result_lines(self.store, vote_id)

    def finish(self) -> None:
        """End the meeting now (from any item); the minutes can then be printed."""
        self._require("items")
        with self._change():
            if self.run["paused_at"]:
                self.resume()
            self._save(run={**self.run, "item_log": self._closed_log("done"), "phase": "done",
                            "ended_at": self._stamp()}, status="finished")
