"""Synthetic records for demos and benchmarks: a service's years of sessions, made up.

Everything is invented and deterministic for a seed: a register of names from many
languages (``vocabulary.py``) with people joining and leaving over the years, runs of the
built-in sessions on the service's own days (``days.py``: weekdays, times, holidays),
uneven attendance (a few keen regulars, quiet winters, popular sessions), feedback with
plausible ratings and thousands of different comments, ONS4 answers before and after
wellbeing sessions. Records have exactly the shapes the runner writes, proven by checking
every generated file against the declared schema (one fast pass per file, also for the
bundles benchmarks write straight to disk), and are written in bulk, one transaction per
file, so ten years take seconds rather than hours.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from coprod_cli.demo import days, vocabulary
from coprod_cli.sessions.library import Session
from coprod_cli.store import schema
from coprod_cli.store.database import Store


@dataclass(frozen=True)
class Profile:
    services: int
    years: int
    runs_per_year: int
    people: int
    attendance_per_run: int
    feedback_share: float
    grants_per_year: int


PROFILES = {
    "small": Profile(1, 1, 24, 40, 8, 0.75, 3),
    "service-1y": Profile(1, 1, 200, 500, 10, 0.75, 30),
    "service-10y": Profile(1, 10, 200, 500, 10, 0.75, 30),
    "org-50": Profile(50, 10, 200, 500, 10, 0.75, 30),
}

ROLE_MIX = [("person-using-services", 0.7), ("volunteer", 0.12), ("carer", 0.08),
            ("staff", 0.08), ("other", 0.02)]


def _pick_role(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for role, share in ROLE_MIX:
        total += share
        if roll < total:
            return role
    return "other"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


Tables = dict[tuple[str, str], list[dict[str, Any]]]


def generate(store: Store, profile: Profile, sessions: list[Session], *, seed: int = 1,
             service: str = "Demo service", start_year: int = 2016,
             progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Fill ``store`` with one service's records; returns how many of each were written."""
    tables = generate_tables(profile, sessions, seed=seed, service=service,
                             start_year=start_year, progress=progress, check=False)
    counts: dict[str, int] = defaultdict(int)
    for (table, part), rows in sorted(tables.items()):
        with store.transaction() as tx:
            tx.insert_many(table, rows, partition=part)
        counts[table] += len(rows)
    return dict(counts)


def generate_tables(profile: Profile, sessions: list[Session], *, seed: int = 1,
                    service: str = "Demo service", start_year: int = 2016,
                    progress: Callable[[str], None] | None = None, check: bool = True
                    ) -> Tables:
    """One service's records by (table, partition), in memory, not yet saved. Each file's
    records are checked against the schema; ``check=False`` leaves that to the store, which
    checks whatever it is given to save."""
    rng = random.Random(f"{seed}:{service}")
    people = _people(rng, profile, service, start_year)
    staff = [p for p in people if p["role"] == "staff"] or people[:1]
    staff_ids = {p["id"] for p in staff}
    for person in staff:  # the staff who lead sessions are there from the start
        person["created_at"] = person["updated_at"] = _iso(datetime(start_year, 1, 1,
                                                                    tzinfo=UTC))
        person["consent"]["given_at"] = person["created_at"]
        person["_joined"], person["_left"] = datetime(start_year, 1, 1, tzinfo=UTC), None
    pattern = days.service_pattern(rng, profile.runs_per_year)
    popularity = {s.id: rng.uniform(0.6, 1.4) for s in sessions}
    tables: Tables = defaultdict(list)
    tables[("people", "all")] = people
    for year in range(start_year, start_year + profile.years):
        part = str(year)
        times = days.meeting_times(rng, pattern, year, profile.runs_per_year)
        month_pools: dict[int, tuple[list[dict[str, Any]], list[float]]] = {}
        for n, day in enumerate(times):
            if day.month not in month_pools:
                month_pools[day.month] = _active(people, day)
            pool, weights = month_pools[day.month]
            session = sessions[(n + rng.randrange(3)) % len(sessions)]
            size = _turnout(rng, profile.attendance_per_run, day, popularity[session.id])
            group = _attendees(rng, pool, weights, size)
            lived = [p for p in pool if p["role"] == "person-using-services"]
            _one_run(rng, tables, part, session, day, group, lived,
                     [p for p in pool if p["id"] in staff_ids] or staff, profile, service)
        _grants(rng, tables, profile, year, service, staff,
                [p for p in people if p["role"] == "person-using-services"])
        if progress:
            progress(f"{service}: {year}")
    for person in people:
        person.pop("_left", None)
        person.pop("_joined", None)
        person.pop("_keen", None)
    for (table, part), rows in tables.items() if check else ():
        schema.validate(table, rows, source=("demo data", f"{table}/{part}.json"))
    return tables


def _people(rng: random.Random, profile: Profile, service: str, start_year: int
            ) -> list[dict[str, Any]]:
    """The register: about a third there from the start, the rest joining over the years;
    half of those who join leave again after a while. ``_keen`` is how often each comes
    (a few come to nearly everything, most now and then)."""
    span = timedelta(days=365 * profile.years)
    begin = datetime(start_year, 1, 1, 9, tzinfo=UTC)
    people = []
    for n in range(profile.people):
        joined = begin if n < profile.people // 3 else begin + span * rng.random() ** 1.3
        left = joined + timedelta(days=rng.randrange(120, 1500)) if rng.random() < 0.5 \
            else None
        people.append({"id": _id(rng), "name": vocabulary.person_name(rng),
                       "role": _pick_role(rng), "service": service,
                       "consent": {"text": "attendance and anonymous feedback",
                                   "given_at": _iso(joined)},
                       "prefers": rng.choice([[], [], [], ["easy-read"], ["large-print"]]),
                       "created_at": _iso(joined), "updated_at": _iso(joined),
                       "_joined": joined, "_left": left,
                       "_keen": min(30.0, rng.paretovariate(1.2))})
    return people


def _active(people: list[dict[str, Any]], day: datetime
            ) -> tuple[list[dict[str, Any]], list[float]]:
    """Who is on the register on ``day`` (joined, not yet left), with cumulative weights."""
    pool = [p for p in people if p["_joined"] <= day and (p["_left"] is None or day < p["_left"])]
    total, cumulative = 0.0, []
    for person in pool:
        total += person["_keen"]
        cumulative.append(total)
    return pool, cumulative


def _turnout(rng: random.Random, usual: int, day: datetime, popularity: float) -> int:
    """Uneven attendance: fewer in winter and August, more for a popular session, and the
    odd very quiet or very full day."""
    season = {12: 0.7, 1: 0.75, 2: 0.85, 7: 0.9, 8: 0.75}.get(day.month, 1.08)
    size = usual * season * popularity * rng.lognormvariate(0, 0.35)
    return max(2, min(usual * 3, round(size)))


def _attendees(rng: random.Random, pool: list[dict[str, Any]], weights: list[float],
               size: int) -> list[dict[str, Any]]:
    if len(pool) <= size:
        return list(pool)
    chosen: dict[str, dict[str, Any]] = {}
    for _ in range(4):  # keen people are drawn often; draw again to fill the places
        for person in rng.choices(pool, cum_weights=weights, k=size * 2):
            chosen.setdefault(person["id"], person)
            if len(chosen) == size:
                return list(chosen.values())
    return list(chosen.values())


def _one_run(rng: random.Random, tables: Tables, part: str, session: Session, day: datetime,
             group: list[dict[str, Any]], lived: list[dict[str, Any]],
             staff: list[dict[str, Any]], profile: Profile, service: str) -> None:
    """A finished run with its attendance, feedback forms and wellbeing answers."""
    run_id = f"{day:%Y%m%d}-{rng.getrandbits(64):016x}"  # as many bits as real runs
    co = rng.choice(lived) if lived and rng.random() < 0.6 else None
    minutes = session.planned_minutes + rng.randrange(-10, 15)
    step_log, clock = [], day
    for index, step in enumerate(session.steps):
        end = clock + timedelta(minutes=step.minutes + rng.randrange(-2, 3))
        step_log.append({"step": index, "started_at": _iso(clock), "ended_at": _iso(end),
                         "paused_seconds": 0.0, "outcome": "done"})
        clock = end
    facilitators = [{"person_id": rng.choice(staff)["id"], "as": "lead", "role": "staff",
                     "lived_experience": False}]
    if co:
        facilitators.append({"person_id": co["id"], "as": "co-facilitator",
                             "role": co["role"], "lived_experience": True})
    measured = bool(session.measures)
    first_names = [p["name"].split(" ")[0] for p in group]
    tables[("runs", part)].append({
        "id": run_id, "session_id": session.id, "session_version": session.version,
        "session_title": session.title, "theme": session.theme, "service": service,
        "planned_minutes": session.planned_minutes, "step_count": len(session.steps),
        "status": "finished", "phase": "done", "ended_early": False,
        "started_at": _iso(day), "updated_at": _iso(clock),
        "ended_at": _iso(day + timedelta(minutes=minutes)),
        "measure": "ons4" if measured else None, "facilitators": facilitators,
        "step_index": len(session.steps) - 1, "step_log": step_log,
        "notes": [{"at": _iso(day), "step": 1, "phase": "steps",
                   "text": rng.choice(vocabulary.RUN_NOTES)}] if rng.random() < 0.3 else [],
        "paused_at": None, "paused_seconds": 0.0, "feedback_mode": "now",
        "feedback_planned": None, "reflection": {
            "went_well": vocabulary.went_well(rng, first_names),
            "even_better": vocabulary.even_better(rng)},
        "feedback_done": []})
    share = min(1.0, profile.feedback_share * rng.uniform(0.6, 1.25))
    for person in group:
        late = rng.random() < 0.1
        tables[("attendance", part)].append({
            "id": _id(rng), "run_id": run_id, "person_id": person["id"],
            "role": person["role"], "session_id": session.id, "theme": session.theme,
            "service": service, "date": _iso(day)[:10],
            "arrived_at": _iso(day + timedelta(minutes=rng.randrange(10, 30) if late else 0)),
            "late": late, "left_at": None})
        if rng.random() < share:
            base = rng.choice([2, 3, 4, 4, 4, 5, 5, 5])
            answers: dict[str, int | str] = {
                q: max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1])))
                for q in ("enjoyed", "listened_to", "everyone_had_a_say", "learned_something")}
            answers.update({"went_well": vocabulary.went_well(rng, first_names),
                            "even_better": vocabulary.even_better(rng),
                            "help_run": rng.choice(["yes", "maybe", "no", "no"])})
            tables[("feedback", part)].append({
                "id": _id(rng), "run_id": run_id, "person_id": person["id"],
                "form": "peer-evaluation", "form_version": 1, "answers": answers,
                "entered": "live", "session_id": session.id, "theme": session.theme,
                "service": service, "at": _iso(clock)})
        if measured and rng.random() < 0.6:
            before = {k: rng.randrange(2, 9) for k in ("satisfied", "worthwhile", "happy")}
            before["anxious"] = rng.randrange(1, 9)
            after = {k: max(0, min(10, v + rng.choice([-1, 0, 1, 1, 2])))
                     for k, v in before.items()}
            after["anxious"] = max(0, before["anxious"] - rng.choice([-1, 0, 1, 2]))
            for when, answers_ in (("before", before), ("after", after)):
                tables[("measures", part)].append({
                    "id": _id(rng), "run_id": run_id, "person_id": person["id"],
                    "measure": "ons4", "when": when, "answers": answers_,
                    "at": _iso(day if when == "before" else clock)})


GRANT_IDEAS = [("Memory garden", "wellbeing", [("Compost", 1250), ("Plants", 6000),
                                              ("Seeds", 900)]),
               ("Bicycles for residents", "wellbeing", [("Second-hand bike", 7500),
                                                        ("Locks and lights", 2400)]),
               ("Cookery club", "personal-development", [("Ingredients", 4000),
                                                         ("Aprons", 1800)]),
               ("Art materials", "self-esteem", [("Paints", 2200), ("Canvas", 3100)]),
               ("Walking group flasks", "relationships", [("Flasks", 3600)])]


def _person_ref(person: dict[str, Any]) -> dict[str, str]:
    return {"name": person["name"], "person_id": person["id"]}


def _grants(rng: random.Random, tables: Tables, profile: Profile, year: int, service: str,
            staff: list[dict[str, Any]], lived: list[dict[str, Any]]) -> None:
    """Small grants in the exact shape ``grants.py`` writes: most approved and spent, some
    approved in part, some rejected, the older ones closed with any unspent money returned."""
    for n in range(profile.grants_per_year):
        title, theme, items = GRANT_IDEAS[n % len(GRANT_IDEAS)]
        amount = sum(p for _, p in items)
        applied = datetime(year, 1 + n % 12, 5, 11, tzinfo=UTC)
        decided = applied + timedelta(days=14)
        by, decider = rng.choice(staff), rng.choice(staff)
        co = rng.choice(lived) if lived else by
        outcome = rng.choices(["approved", "part", "rejected"], [0.75, 0.15, 0.1])[0]
        approved = 0 if outcome == "rejected" else amount if outcome == "approved" \
            else amount - items[-1][1]
        history: list[dict[str, Any]] = [
            {"status": "submitted", "at": _iso(applied), "by": _person_ref(by)},
            {"status": "rejected" if outcome == "rejected" else "approved",
             "at": _iso(decided), "by": _person_ref(decider)}]
        spending: list[dict[str, Any]] = []
        left = approved
        for item, pence in items:
            if left <= 0:
                break
            paid = min(pence, left)
            left -= paid
            spending.append({"id": f"{rng.getrandbits(64):016x}",
                             "date": (decided + timedelta(days=20)).date().isoformat(),
                             "item": item, "pence": paid,
                             "receipt": {"kind": "ref", "ref": f"till {rng.randrange(999)}"},
                             "by": _person_ref(by), "entered_at": _iso(decided), "late": False})
        spent = sum(line["pence"] for line in spending)
        closed = outcome != "rejected" and rng.random() < 0.8
        if closed:
            history.append({"status": "closed", "at": _iso(decided + timedelta(days=200)),
                            "by": _person_ref(by)})
        tables[("grants", "all")].append({
            "id": f"g-{year}-{rng.getrandbits(64):016x}", "year": year,
            "status": "closed" if closed else history[1]["status"], "service": service,
            "title": title, "activity": f"{title}, planned together", "link": {
                "kind": "theme", "value": theme},
            "coproducers": [{"name": co["name"], "person_id": co["id"], "role": co["role"]}],
            "planners_using_services": rng.randrange(1, 6),
            "items": [{"item": i, "pence": p} for i, p in items], "amount_pence": amount,
            "people_expected": rng.randrange(5, 25), "benefit": "Something to look forward to",
            "start_date": (applied + timedelta(days=30)).date().isoformat(),
            "created_at": _iso(applied), "created_by": _person_ref(by), "history": history,
            "decision": {"outcome": "rejected" if outcome == "rejected" else "approved",
                         "by": _person_ref(decider), "at": _iso(decided),
                         "date": decided.date().isoformat(),
                         "reason": "Over this year's budget" if outcome == "rejected" else "",
                         "conflict": "none declared", "amount_pence": approved},
            "conflicts": [], "spending": spending,
            "spend_by": None if outcome == "rejected" else
            (decided + timedelta(days=365)).date().isoformat(),
            "closure": {"at": _iso(decided + timedelta(days=200)), "by": _person_ref(by),
                        "what_happened": "It went ahead as planned.",
                        "people_benefited": rng.randrange(4, 20), "learning": "",
                        "spent_pence": spent, "returned_pence": approved - spent}
            if closed else None,
            "updated_at": _iso(decided)})
    tables[("grant_funds", "all")].append({
        "id": f"f-{year}-{rng.getrandbits(64):016x}", "date": f"{year}-06-30", "year": year,
        "pence": rng.randrange(2000, 60000),
        "source": "Donation stall takings", "by": _person_ref(rng.choice(staff)),
        "entered_at": _iso(datetime(year, 6, 30, tzinfo=UTC))})
