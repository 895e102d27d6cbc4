"""The run engine, without a terminal: transitions, timings, and that each one is saved."""

from __future__ import annotations

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
