"""Made-up records that look like a real service's: varied, deterministic, mergeable.

Benchmarks and demos are only honest if the data is as untidy as life: thousands of
different comments, names from many languages, each service on its own days with holidays
off, uneven attendance. And an organisation must be able to merge many generated services
without one id colliding.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from coprod_cli import resources
from coprod_cli.demo import days
from coprod_cli.demo.records import PROFILES, generate_tables
from coprod_cli.sessions.library import Library
from coprod_cli.store.bundles import write_tables_bundle
from coprod_cli.store.database import Store


@pytest.fixture(scope="module")
def sessions() -> list:
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    return [s.session for s in library.all()]


def rows(tables: dict, table: str) -> list[dict]:
    return [r for (name, _), found in sorted(tables.items()) if name == table for r in found]


def test_the_same_seed_makes_the_same_records_and_another_seed_others(sessions) -> None:
    one = generate_tables(PROFILES["small"], sessions, seed=7)
    again = generate_tables(PROFILES["small"], sessions, seed=7)
    other = generate_tables(PROFILES["small"], sessions, seed=8)
    assert one == again
    assert rows(one, "people") != rows(other, "people")
    assert {r["id"] for r in rows(one, "runs")}.isdisjoint(r["id"] for r in rows(other, "runs"))


def test_a_year_of_a_busy_service_is_as_varied_as_life(sessions) -> None:
    tables = generate_tables(PROFILES["service-1y"], sessions, check=False)
    feedback = rows(tables, "feedback")
    went_well = Counter(f["answers"]["went_well"] for f in feedback)
    even_better = Counter(f["answers"]["even_better"] for f in feedback)
    assert len(went_well) > 700 and len(even_better) > 250
    assert went_well.most_common(1)[0][1] > 10  # and a few stock answers recur
    names = [p["name"] for p in rows(tables, "people")]
    assert len(set(names)) > 450
    letters = set("".join(names))
    assert letters & set("ŵŷ") and letters & set("łśżą") and letters & set("áéíóú")
    sizes = Counter(a["run_id"] for a in rows(tables, "attendance")).values()
    assert min(sizes) <= 4 and max(sizes) >= 20  # quiet days and full ones
    keen = Counter(a["person_id"] for a in rows(tables, "attendance"))
    assert max(keen.values()) > 10 * (sorted(keen.values())[len(keen) // 2])


def test_attendance_only_while_someone_is_on_the_register(sessions) -> None:
    tables = generate_tables(PROFILES["service-10y"], sessions, check=False)
    joined = {p["id"]: p["created_at"][:10] for p in rows(tables, "people")}
    assert all(joined[a["person_id"]] <= a["date"] for a in rows(tables, "attendance"))
    assert len(set(joined.values())) > 100  # people join over the years


def test_services_meet_on_their_own_days_and_never_on_holidays(sessions) -> None:
    patterns = set()
    for n in range(1, 6):
        tables = generate_tables(PROFILES["service-1y"], sessions, service=f"Service {n}",
                                 check=False)
        started = [datetime.fromisoformat(r["started_at"]) for r in rows(tables, "runs")]
        patterns.add(frozenset(s.weekday() for s in started))
        dates = {s.date() for s in started}
        assert not dates & days.bank_holidays(2016)
        assert date(2016, 12, 25) not in dates and date(2016, 12, 28) not in dates
        assert len(started) == PROFILES["service-1y"].runs_per_year
    assert len(patterns) >= 3


def test_easter_is_right() -> None:
    assert [days.easter(y) for y in (2016, 2019, 2024, 2025)] == [
        date(2016, 3, 27), date(2019, 4, 21), date(2024, 3, 31), date(2025, 4, 20)]


def test_several_generated_services_merge_with_every_record_and_no_conflict(
        cli, coprod_home: Path, sessions, tmp_path: Path) -> None:
    bundles, expected = [], Counter()
    for n in range(1, 7):
        tables = generate_tables(PROFILES["small"], sessions, seed=n, service=f"Service {n}")
        for (table, _), found in tables.items():
            expected[table] += len(found)
        bundles.append(tmp_path / f"service-{n}.zip")
        write_tables_bundle(tables, bundles[-1], service=f"Service {n}")
    result = cli("data", "merge", *map(str, bundles))  # exit 0: no record differed
    assert "Merged 6 files" in result.text and "0 already here" in result.text
    assert f"added {expected['attendance']:,} attendance" in result.text  # 1,234: read aloud
    assert expected["attendance"] >= 1000
    store = Store.open(coprod_home / "store")
    assert {t: len(store.all(t)) for t in expected} == dict(expected)
    assert {r["service"] for r in store.all("runs")} == {f"Service {n}" for n in range(1, 7)}
