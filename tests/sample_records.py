"""A small service's records built through the real runner, shared by the privacy and
integrity tests: five people, two finished runs, feedback, ONS4 pairs and one grant."""

from __future__ import annotations

from datetime import datetime

from coprod_cli import resources
from coprod_cli.evaluation.summary import Filters, summarise
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import load_form, load_measure
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RunEngine
from coprod_cli.store.database import Store

DATA = [resources.data_dir()]
ONS_A = ({"satisfied": 4, "worthwhile": 5, "happy": 5, "anxious": 6},
         {"satisfied": 6, "worthwhile": 6, "happy": 7, "anxious": 3})
ONS_B = ({"satisfied": 7, "worthwhile": 8, "happy": 9, "anxious": 1},
         {"satisfied": 7, "worthwhile": 6, "happy": 8, "anxious": 2})


class Clock:
    def __init__(self, day: str) -> None:
        self.now = datetime.fromisoformat(f"{day}T10:00:00+00:00")

    def __call__(self) -> datetime:
        return self.now


def run_session(store: Store, session_id: str, day: str, lead: dict, co: dict | None,
                attendees: list[dict], feedback: dict[str, dict],
                measures: dict[str, tuple[dict, dict]] | None = None,
                note: str | None = None, reflection: tuple[str, str] | None = None) -> str:
    """A whole run through the real engine, so records have exactly the runner's shape."""
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]
                      ).get(session_id).session
    engine = RunEngine.start(store, session, service="Beech House", clock=Clock(day))
    engine.add_facilitator(lead, "lead")
    if co:
        engine.add_facilitator(co, "co-facilitator")
    for person in attendees:
        engine.add_attendee(person)
    for pid, (before, _) in (measures or {}).items():
        engine.record_measure(pid, "ons4", "before", before)
    engine.begin_steps()
    if note:
        engine.note(note)
    for _ in session.steps:
        engine.next()
    for pid, answers in feedback.items():
        engine.record_feedback(pid, "peer-evaluation", 1, answers)
    for pid, (_, after) in (measures or {}).items():
        engine.record_measure(pid, "ons4", "after", after)
    if reflection:
        engine.reflect(*reflection)
    engine.finish()
    return engine.id


def build_org(store: Store) -> dict[str, dict]:
    """Ana attends, answers, is named by others, then co-facilitates; Ceri's 'Anagram' comment
    must survive her erasure (whole words only)."""
    who = {name: people.add_person(store, name, role, service="Beech House") for name, role in (
        ("Sam", "staff"), ("Ana", "person-using-services"), ("Bo", "person-using-services"),
        ("Ceri", "person-using-services"), ("Dee", "volunteer"))}
    ids = {k: v["id"] for k, v in who.items()}
    run_session(store, "wellbeing-five-ways", "2026-01-10", who["Sam"], None,
                [who["Ana"], who["Bo"], who["Ceri"]],
                {ids["Ana"]: {"enjoyed": 5, "went_well": "Good tea"},
                 ids["Bo"]: {"enjoyed": 4, "went_well": "ANA made the tea!"},
                 ids["Ceri"]: {"enjoyed": 3, "even_better": "The Anagram game was hard"},
                 None: {"enjoyed": 2}},  # type: ignore[dict-item]
                {ids["Ana"]: ONS_A, ids["Bo"]: ONS_B},
                note="Ana is new and was welcomed", reflection=("Ana spoke up", "Start on time"))
    run_session(store, "self-esteem-strengths", "2026-02-10", who["Sam"], who["Ana"],
                [who["Bo"], who["Dee"]],
                {ids["Bo"]: {"enjoyed": 5}, ids["Dee"]: {"enjoyed": 4, "help_run": "maybe"}},
                {ids["Bo"]: ONS_A})  # Bo's latest answers, 4 weeks after his first
    store.insert("grants", {  # the shape grants.apply writes, with a known id and date
        "id": "g-2026-abc123", "year": 2026, "status": "submitted", "service": "Beech House",
        "title": "Memory garden", "activity": "Ana will plant bulbs with the group",
        "link": {"kind": "theme", "value": "wellbeing"},
        "coproducers": [{"name": "Ana", "person_id": ids["Ana"],
                         "role": "person-using-services"}],
        "planners_using_services": 1, "items": [{"item": "Bulbs", "pence": 1200}],
        "amount_pence": 1200, "people_expected": 6, "benefit": "Colour in the spring",
        "start_date": "2026-04-01", "created_at": "2026-03-01T10:00:00+00:00",
        "created_by": {"name": "Sam", "person_id": ids["Sam"]},
        "history": [{"status": "submitted", "at": "2026-03-01T10:00:00+00:00",
                     "by": {"name": "Sam", "person_id": ids["Sam"]}}],
        "decision": None, "conflicts": [], "spend_by": None, "spending": [], "closure": None,
        "updated_at": "2026-03-01T10:00:00+00:00"})
    return who


def report(store: Store) -> dict:
    return summarise(store, Filters(), load_form("peer-evaluation", DATA),
                     {"ons4": load_measure("ons4", DATA)})


