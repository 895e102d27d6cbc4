"""The run engine, without a terminal: transitions, timings, and that each one is saved."""

from __future__ import annotations

import os

import pytest

from coprod_cli import resources
from coprod_cli.errors import UsageError
from coprod_cli.people import register as people
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import (
    ATTENDANCE,
    FEEDBACK,
    MEASURES,
    RUNS,
    FeedbackMode,
    RunEngine,
    find_run,
    history,
    unfinished_runs,
)
from coprod_cli.store.database import Store


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path) -> Store:  # noqa: ANN001
    return Store.memory() if request.param == "memory" else Store.open(tmp_path / "store")


@pytest.fixture
def session():  # noqa: ANN201
    lib = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    return lib.get("wellbeing-five-ways").session


def started(store: Store, session, clock) -> tuple[RunEngine, list[dict]]:  # noqa: ANN001
    engine = RunEngine.start(store, session, service="Beech House", clock=clock)
    lead = people.add_person(store, "Sam", "staff")
    co = people.add_person(store, "Ceri", "person-using-services")
    engine.add_facilitator(lead, "lead")
    engine.add_facilitator(co, "co-facilitator")
    group = [people.add_person(store, n, "person-using-services") for n in ("Ana", "Bo")]
    for person in group:
        engine.add_attendee(person)
    return engine, group


def reloaded(store: Store, engine: RunEngine, session, clock) -> RunEngine:  # noqa: ANN001
    """What a fresh process would see after a kill: only what was saved."""
    return RunEngine.load(store, engine.id, session, clock=clock)


def test_start_saves_the_run_in_its_year(store: Store, session, clock) -> None:
    engine = RunEngine.start(store, session, clock=clock)
    assert engine.id.startswith("20261123-")
    assert store.partitions(RUNS) == ["2026"]
    assert find_run(store, engine.id)["phase"] == "register"
    assert find_run(store, engine.id[:12])["id"] == engine.id
    assert engine.run["measure"] == "ons4"  # the session asks for a check-in


def test_needs_an_attendee(store: Store, session, clock) -> None:
    engine = RunEngine.start(store, session, clock=clock)
    with pytest.raises(UsageError, match="at least one attendee"):
        engine.begin_steps()


def test_steps_timings_and_every_transition_saved(store: Store, session, clock) -> None:
    engine, _ = started(store, session, clock)
    engine.begin_steps()
    clock.advance(minutes=12)
    view = engine.view()
    assert (view.number, view.total) == (1, 8)
    assert view.step_seconds == 720 and view.session_seconds == 720
    engine.next()
    assert reloaded(store, engine, session, clock).step_index == 1
    clock.advance(minutes=3)
    engine.pause()
    clock.advance(minutes=10)
    assert engine.view().paused and engine.view().step_seconds == 180
    engine.resume()
    clock.advance(minutes=1)
    assert engine.view().step_seconds == 240
    assert engine.view().session_seconds == 12 * 60 + 4 * 60
    engine.back()
    assert reloaded(store, engine, session, clock).step_index == 0
    clock.advance(minutes=1)
    assert engine.view().step_seconds == 13 * 60  # time on step 1 adds up across visits
    engine.skip()
    engine.note("Tea urn broke; we used the kettle")
    saved = reloaded(store, engine, session, clock)
    assert saved.run["notes"][0]["text"] == "Tea urn broke; we used the kettle"
    assert saved.run["notes"][0]["step"] == 1
    with pytest.raises(UsageError):
        engine.note("   ")


def test_late_arrival_and_leaver(store: Store, session, clock) -> None:
    engine, group = started(store, session, clock)
    engine.begin_steps()
    late = people.add_person(store, "Cy", "carer")
    clock.advance(minutes=20)
    engine.add_attendee(late)
    engine.person_leaves(group[0]["id"])
    rows = {r["person_id"]: r for r in store.all(ATTENDANCE)}
    assert rows[late["id"]]["late"] is True
    assert rows[group[0]["id"]]["left_at"] is not None
    assert len(engine.present()) == 2
    with pytest.raises(UsageError, match="already on the register"):
        engine.add_attendee(late)


def test_whole_run_to_summary(store: Store, session, clock) -> None:
    engine, group = started(store, session, clock)
    engine.record_measure(group[0]["id"], "ons4", "before",
                          {"satisfied": 4, "worthwhile": 5, "happy": 3, "anxious": 6})
    engine.begin_steps()
    for step in session.steps:
        clock.advance(minutes=step.minutes + 1)
        engine.next()
    assert engine.phase == "closing"
    engine.set_feedback_mode("now")
    engine.record_feedback(group[0]["id"], "peer-evaluation", 1,
                           {"enjoyed": 5, "listened_to": 4, "help_run": "yes"})
    engine.record_feedback(group[1]["id"], "peer-evaluation", 1,
                           {"enjoyed": 4, "listened_to": None, "help_run": "no"})
    engine.reflect("Good energy", "Start on time")
    engine.finish()
    summary = engine.summary()
    assert summary["status"] == "finished" and not summary["ended_early"]
    assert summary["actual_minutes"] == 98.0 and summary["planned_minutes"] == 90
    assert summary["steps_done"] == 8 and summary["attendance"] == 2
    assert summary["co_facilitated_by_lived_experience"] is True
    assert summary["ratings"]["enjoyed"] == {"n": 2, "mean": 4.5}
    assert summary["ratings"]["listened_to"] == {"n": 1, "mean": 4.0}
    assert summary["would_help_run"] == {"yes": 1, "no": 1}
    assert len(store.all(FEEDBACK)) == 2 and len(store.all(MEASURES)) == 1
    assert unfinished_runs(store) == []
    assert history(store)[0]["attendance"] == 2


def test_end_early(store: Store, session, clock) -> None:
    engine, _ = started(store, session, clock)
    engine.begin_steps()
    clock.advance(minutes=5)
    engine.pause()
    engine.end_early("fire alarm")
    saved = reloaded(store, engine, session, clock)
    assert saved.phase == "closing" and saved.run["ended_early"]
    assert saved.run["end_reason"] == "fire alarm"
    assert saved.run["step_log"][-1]["outcome"] == "ended early"
    assert unfinished_runs(store)[0]["id"] == engine.id


def test_wrong_phase_is_refused(store: Store, session, clock) -> None:
    engine, _ = started(store, session, clock)
    with pytest.raises(UsageError):
        engine.next()
    with pytest.raises(UsageError):
        engine.finish()


# -- the closing phase, driven with no terminal --------------------------------------------
def names_of(store: Store, task) -> str | None:  # noqa: ANN001
    return None if task.person_id is None else people.find_person(store, task.person_id)["name"]


def drive_closing(store: Store, engine: RunEngine, mode: FeedbackMode
                  ) -> list[tuple[str, str | None]]:
    """What a second front end would do: ask the engine what is next, answer it, repeat."""
    seen = []
    while (task := engine.closing_task()).kind != "finish":
        seen.append((task.kind, names_of(store, task)))
        if task.kind == "feedback_mode":
            engine.set_feedback_mode(mode)
        elif task.kind == "feedback":
            engine.record_feedback(task.person_id, "peer-evaluation", 1, {"enjoyed": 4})
        elif task.kind == "measure":
            engine.record_measure(task.person_id, "ons4", "after", {"satisfied": 7})
        elif task.kind == "reflection":
            engine.reflect("Warm", "Shorter")
        assert len(seen) < 20, seen  # the flow always moves on
    engine.finish()
    return seen


def test_closing_flow_in_order_and_for_whom(store: Store, session, clock) -> None:
    engine, (ana, bo) = started(store, session, clock)
    assert [r["person_id"] for r in engine.awaiting_measure("before")] == [ana["id"], bo["id"]]
    engine.record_measure(ana["id"], "ons4", "before", {"satisfied": 5})
    engine.record_measure(bo["id"], "ons4", "before", {"satisfied": None})  # declined
    assert engine.awaiting_measure("before") == []
    engine.begin_steps()
    cy = people.add_person(store, "Cy", "carer")
    dee = people.add_person(store, "Dee", "volunteer")
    engine.add_attendee(cy)  # late: missed the check-in, so no check-out
    engine.add_attendee(dee)
    engine.person_leaves(dee["id"])  # gone before the closing: asked for nothing
    with pytest.raises(UsageError, match="cannot be done now"):
        engine.closing_task()
    for _ in session.steps:
        engine.next()
    seen = drive_closing(store, engine, "now")
    assert seen == [("feedback_mode", None), ("feedback", "Ana"), ("feedback", "Bo"),
                    ("feedback", "Cy"), ("measure", "Ana"), ("measure", "Bo"),
                    ("reflection", None)]
    saved = reloaded(store, engine, session, clock)
    assert saved.phase == "done" and saved.run["status"] == "finished"
    assert len(store.all(FEEDBACK)) == 3
    assert sorted(m["when"] for m in store.all(MEASURES)) == ["after", "after", "before",
                                                              "before"]
    assert saved.run["reflection"] == {"went_well": "Warm", "even_better": "Shorter"}


def test_closing_with_feedback_later_and_no_measure(store: Store, session, clock) -> None:
    engine = RunEngine.start(store, session, measure="", clock=clock)
    engine.add_attendee(people.add_person(store, "Ana", "person-using-services"))
    assert engine.awaiting_measure("before") == []  # --measure none
    engine.end_early("snow")
    assert drive_closing(store, engine, "later") == [("feedback_mode", None),
                                                     ("reflection", None)]
    assert store.all(FEEDBACK) == [] and store.all(MEASURES) == []


def test_closing_resumes_at_the_same_task(store: Store, session, clock) -> None:
    """A killed terminal mid-closing: a fresh engine is asked for exactly what was next."""
    engine, (ana, bo) = started(store, session, clock)
    engine.end_early()
    engine.set_feedback_mode("now")
    engine.record_feedback(ana["id"], "peer-evaluation", 1, {"enjoyed": 5})
    fresh = reloaded(store, engine, session, clock)
    task = fresh.closing_task()
    assert (task.kind, task.person_id) == ("feedback", bo["id"])
    assert [r["person_id"] for r in fresh.awaiting_feedback()] == [bo["id"]]
    fresh.record_feedback(bo["id"], "peer-evaluation", 1, {"enjoyed": 3})
    fresh.reflect("", "")
    assert fresh.closing_task().kind == "finish"


# -- one action, one transaction -----------------------------------------------------------
class Crash(Exception):
    """Stands in for a full disk or a bug between an action's two writes."""


def crash_on(monkeypatch: pytest.MonkeyPatch, table: str, nth: int = 1) -> None:
    """Make the ``nth`` update of ``table`` inside a transaction fail, after earlier writes."""
    from coprod_cli.store.database import Transaction

    real = Transaction.update
    calls = {"n": 0}

    def update(self, name, id, changes, *, partition=None):  # noqa: ANN001, ANN202
        if name == table:
            calls["n"] += 1
            if calls["n"] == nth:
                raise Crash(f"crashed updating {name}")
        return real(self, name, id, changes, partition=partition)

    monkeypatch.setattr(Transaction, "update", update)


def test_feedback_form_and_feedback_done_land_together(store: Store, session, clock,
                                                        monkeypatch) -> None:  # noqa: ANN001
    engine, (ana, _) = started(store, session, clock)
    engine.end_early()
    engine.set_feedback_mode("now")
    before = dict(engine.run)
    crash_on(monkeypatch, RUNS)  # the form is written, then the run's update fails
    with pytest.raises(Crash):
        engine.record_feedback(ana["id"], "peer-evaluation", 1, {"enjoyed": 5})
    assert store.all(FEEDBACK) == []
    assert "feedback_done" not in reloaded(store, engine, session, clock).run
    assert engine.run == before  # the engine does not believe in the lost write either
    assert engine.closing_task().person_id == ana["id"]  # so Ana is asked again, once
    monkeypatch.undo()
    engine.record_feedback(ana["id"], "peer-evaluation", 1, {"enjoyed": 5})
    assert len(store.all(FEEDBACK)) == 1
    assert reloaded(store, engine, session, clock).run["feedback_done"] == [ana["id"]]


def test_attendee_and_run_land_together(store: Store, session, clock,
                                        monkeypatch) -> None:  # noqa: ANN001
    engine = RunEngine.start(store, session, clock=clock)
    ana = people.add_person(store, "Ana", "person-using-services")
    stamp = engine.run["updated_at"]
    clock.advance(minutes=1)
    crash_on(monkeypatch, RUNS)
    with pytest.raises(Crash):
        engine.add_attendee(ana)
    assert store.all(ATTENDANCE) == [] and engine.present() == []
    assert reloaded(store, engine, session, clock).run["updated_at"] == stamp
    monkeypatch.undo()
    engine.add_attendee(ana)
    assert len(store.all(ATTENDANCE)) == 1
    assert reloaded(store, engine, session, clock).run["updated_at"] != stamp


def test_someone_new_joins_the_register_with_the_run_or_not_at_all(
        store: Store, session, clock, monkeypatch) -> None:  # noqa: ANN001
    """A person added on the spot is registered in the same transaction as their arrival
    (and as a facilitator), so a failure cannot leave them on the register but not the run."""
    engine = RunEngine.start(store, session, clock=clock)
    crash_on(monkeypatch, RUNS)
    newcomer = {"name": "Dŵr", "role": "person-using-services"}
    with pytest.raises(Crash):
        engine.add_attendee(newcomer)
    assert store.all(people.TABLE) == [] and store.all(ATTENDANCE) == []
    monkeypatch.undo()
    crash_on(monkeypatch, RUNS)
    with pytest.raises(Crash):
        engine.add_facilitator({"name": "Sam", "role": "staff"}, "lead")
    assert store.all(people.TABLE) == []
    monkeypatch.undo()
    engine.add_attendee(newcomer)
    assert [p["name"] for p in store.all(people.TABLE)] == ["Dŵr"]
    assert "id" not in newcomer  # the caller's dict is not changed by a failed attempt
    assert store.all(people.TABLE)[0]["id"] == store.all(ATTENDANCE)[0]["person_id"]


def test_leaving_and_run_land_together(store: Store, session, clock,
                                       monkeypatch) -> None:  # noqa: ANN001
    engine, (ana, _) = started(store, session, clock)
    crash_on(monkeypatch, RUNS)  # the attendance row is updated, then the run fails
    with pytest.raises(Crash):
        engine.person_leaves(ana["id"])
    assert all(row["left_at"] is None for row in store.all(ATTENDANCE))
    assert len(engine.present()) == 2


def test_ending_early_from_the_register_is_one_change(store: Store, session, clock,
                                                       monkeypatch) -> None:  # noqa: ANN001
    """Ending before the steps begins them and ends them: a crash in between leaves the run
    at the register, not half-started."""
    engine, _ = started(store, session, clock)
    crash_on(monkeypatch, RUNS, nth=2)  # begin_steps is written, then the ending fails
    with pytest.raises(Crash):
        engine.end_early("fire alarm")
    saved = reloaded(store, engine, session, clock)
    assert saved.phase == "register" and saved.run["step_log"] == []
    assert engine.phase == "register"


def test_each_action_is_one_commit(store: Store, session, clock) -> None:
    """The audit trail gets one entry per transaction: a feedback form is one entry that
    lists both the form and the run."""
    engine, (ana, _) = started(store, session, clock)
    engine.end_early()
    engine.set_feedback_mode("now")
    store.audit_command = "session run"
    engine.record_feedback(ana["id"], "peer-evaluation", 1, {"enjoyed": 5})
    (entry,) = store.all("audit")
    assert sorted((c["table"], c["action"]) for c in entry["changes"]) == [
        (FEEDBACK, "insert"), (RUNS, "update")]


# -- one run, one window ---------------------------------------------------------------------
def test_second_engine_is_refused_while_the_first_holds_the_run(store: Store, session,
                                                                 clock) -> None:
    from coprod_cli.sessions.lease import RunHeldError, RunTakenOverError

    first, _ = started(store, session, clock)
    first.hold()
    first.begin_steps()
    second = reloaded(store, first, session, clock)
    with pytest.raises(RunHeldError) as held:
        second.hold()
    assert f"process {os.getpid()}" in held.value.message and "since 10:00" in held.value.message
    with pytest.raises(RunHeldError):
        second.note("From window B")  # not holding: refused, nothing written
    assert find_run(store, first.id)["notes"] == []
    second.watch()
    with pytest.raises(UsageError, match="only watching"):
        second.next()
    first.next()
    second.reload()
    assert second.step_index == 1  # the watcher follows the holder
    clock.advance(minutes=3)
    second.hold(take_over=True)
    assert not first.still_held() and second.still_held()
    with pytest.raises(RunTakenOverError, match="taken over by another window"):
        first.note("From window A")  # A notices before writing
    with pytest.raises(RunTakenOverError):
        first.next()  # and keeps stopping: it is read-only now
    saved = find_run(store, first.id)
    assert saved["notes"] == [] and saved["step_index"] == 1
    second.note("From window B")
    assert [n["step"] for n in find_run(store, first.id)["notes"]] == [1]


def test_lease_is_refreshed_and_let_go(store: Store, session, clock) -> None:
    engine, _ = started(store, session, clock)
    engine.hold()
    since = find_run(store, engine.id)["lease"]["since"]
    clock.advance(seconds=45)
    engine.refresh()
    lease = find_run(store, engine.id)["lease"]
    assert lease["since"] == since and lease["refreshed"] > since
    engine.release()
    assert find_run(store, engine.id)["lease"] is None
    other = reloaded(store, engine, session, clock)
    other.hold()  # nobody holds it now: no question
    assert other.still_held()


def test_a_dead_holder_is_taken_over_without_asking(store: Store, session, clock) -> None:
    engine, _ = started(store, session, clock)
    engine.hold()
    run = find_run(store, engine.id)
    store.update(RUNS, engine.id, {"lease": {**run["lease"], "pid": 2 ** 22 + 12345}},
                 partition=run["id"][:4])
    fresh = reloaded(store, engine, session, clock)
    fresh.hold()
    assert fresh.still_held()
