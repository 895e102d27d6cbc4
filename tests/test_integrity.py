"""``coprod data check``: each kind of damage is found with its table and id, and ``--fix``
repairs only the safe ones, leaving reports' numbers as they were."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sample_records import build_org, report

from coprod_cli import config
from coprod_cli.store import check as integrity
from coprod_cli.store import schema
from coprod_cli.store.database import Store

GHOST = "0123456789abcdef0123456789abcdef"  # a person id nobody has


def inject(store: Store, table: str, partition: str, record: dict[str, Any]) -> None:
    """Write a record straight into a file, past every check the store makes (as a hand
    edit or an old version's merge would)."""
    storage = store.backend.file(f"{table}/{partition}.json")
    data = storage.read() or {"records": {}}
    rows = data.setdefault("records", {})
    rows[str(max((int(k) for k in rows), default=0) + 1)] = record
    storage.write(data)


def damage(store: Store) -> dict[str, str]:
    """One of every kind of problem; returns the ids involved."""
    runs = sorted(store.all("runs"), key=lambda r: r["id"])
    first, second = runs[0]["id"], runs[1]["id"]
    attendance = store.all("attendance", partition="2026")[0]
    form = next(f for f in store.all("feedback") if f["answers"].get("went_well"))
    # a person deleted by hand: their attendance and their facilitation now point at nobody
    store.insert("attendance", {**attendance, "id": "att-ghost", "person_id": GHOST},
                 partition="2026")
    store.update("runs", second, {"facilitators": [*runs[1]["facilitators"], {
        "person_id": GHOST, "as": "co-facilitator", "role": "volunteer",
        "lived_experience": False}]})
    inject(store, "feedback", "2026", dict(form))  # an exact copy
    store.insert("feedback", {**form, "id": "fb-no-run", "run_id": "20260301-zzzzzz"},
                 partition="2026")
    # records the store itself refuses (they break their table), as a hand edit leaves them
    inject(store, "measures", "2026", {"id": "m-bad", "run_id": first, "person_id": None,
                                       "measure": "ons4", "answers": {}, "at": "yesterday"})
    inject(store, "people", "all", {"id": "p-boss", "name": "Kit", "role": "boss",
                                    "service": "", "consent": None, "prefers": [],
                                    "created_at": "2026-01-01", "updated_at": "2026-01-01"})
    inject(store, "people", "all", {"id": "p-boss", "name": "Kit B", "role": "staff",
                                    "service": "", "consent": None, "prefers": [],
                                    "created_at": "2026-01-01", "updated_at": "2026-01-01"})
    store.insert("attendance", {**attendance, "id": "att-twice"}, partition="2026")
    store.insert("attendance", {**attendance, "id": "att-misfiled"}, partition="2025")
    inject(store, "erasures", "all", {"id": "e-1", "at": "2026-05-01T10:00:00+00:00",
                                      "counts": {"people": 1}, "texts_removed": 0,
                                      "name": "Jo"})
    grant = store.get("grants", "g-2026-abc123")
    store.update("grants", grant["id"], {"status": "approved", "decision": {
        "outcome": "approved", "by": grant["created_by"], "at": "2026-04-01T10:00:00+00:00",
        "date": "2026-04-01", "reason": "", "conflict": "none declared", "amount_pence": 1000},
        "spending": [{"id": "s1", "date": "2026-04-02", "item": "Bulbs", "pence": 1100,
                      "receipt": None, "by": {"name": "Sam", "person_id": GHOST},
                      "entered_at": "2026-04-02T10:00:00+00:00", "late": False}]})
    return {"first": first, "second": second, "form": form["id"],
            "attendance": attendance["id"]}


def lines(report_: integrity.Report) -> set[tuple[str, str, str, bool]]:
    return {(p.table, p.record_id, p.message, bool(p.fix)) for p in report_.problems}


@pytest.fixture
def store() -> Store:
    return Store.memory()


def test_clean_records_have_no_problems(store: Store) -> None:
    build_org(store)
    checked = integrity.check(store)
    assert checked.problems == []
    assert checked.checked["people"] == 5 and checked.checked["attendance"] == 5
    assert checked.checked["grants"] == 1


def test_every_kind_of_problem_is_found_with_its_table_and_id(store: Store) -> None:
    build_org(store)
    ids = damage(store)
    found = lines(integrity.check(store))
    assert found == {
        ("attendance", "att-ghost", f"its person {GHOST} is not on the register", True),
        ("runs", ids["second"], f"its facilitator {GHOST} is not on the register", True),
        ("grants", "g-2026-abc123", f"its named person {GHOST} is not on the register", True),
        ("feedback", ids["form"], "is an exact copy of another record", True),
        ("feedback", "fb-no-run", "refers to run 20260301-zzzzzz, which does not exist",
         False),
        ("measures", "m-bad", "has no 'when'", False),
        ("measures", "m-bad", "'at' is 'yesterday', which is not a date (YYYY-MM-DD)", False),
        ("people", "p-boss", "'role' is 'boss', which is not one of: staff, volunteer, "
                             "person-using-services, carer, other", False),
        ("people", "p-boss", "2 different records share this id (not fixed: they hold "
                             "different data)", False),
        ("attendance", "att-misfiled", f"is filed under 2025 but its run {ids['first']} is "
                                       "from 2026, so reports for that year miss it", False),
        ("attendance", f"{ids['first']}/{store.get('attendance', ids['attendance'])['person_id']}",
         f"the same person is on the register of run {ids['first']} 3 times under different "
         "ids (not fixed: check which to keep)", False),
        ("erasures", "e-1", "holds fields an erasure record must not have (name); it should "
                            "keep counts only, never personal data", False),
        ("grants", "g-2026-abc123", "has £11.00 spent but only £10.00 approved", False),
    }


def test_fix_repairs_only_the_safe_problems_and_reports_still_add_up(store: Store) -> None:
    build_org(store)
    ids = damage(store)
    before = report(store)
    fixed, after = integrity.fix(store)
    assert sorted((p.table, p.fix) for p in fixed) == [
        ("attendance", "pseudonymise"), ("feedback", "duplicate"), ("grants", "pseudonymise"),
        ("runs", "pseudonymise")]
    assert all(not p.fix for p in after.problems)
    assert lines(after) == lines(integrity.check(store))
    assert len(after.problems) == 9  # the 13 found, less the 4 safe ones
    # the missing person became ONE pseudonym everywhere: still one person in the counts
    ghost = store.get("attendance", "att-ghost")["person_id"]
    assert re.fullmatch(r"anon-[0-9a-f]{12}", ghost)
    second = store.get("runs", ids["second"])
    assert second["facilitators"][-1]["person_id"] == ghost
    spend = store.get("grants", "g-2026-abc123")["spending"][0]
    assert spend["by"] == {"name": "Sam", "person_id": ghost}
    assert GHOST not in json.dumps([store.all(t) for t in schema.names()])
    # one copy of the duplicated form is left; nothing with data was deleted
    assert [f["id"] for f in store.all("feedback")].count(ids["form"]) == 1
    assert store.get("feedback", "fb-no-run") is not None
    assert store.get("attendance", "att-twice") is not None
    after_report = report(store)
    assert after_report["reach"] == before["reach"]
    assert after_report["outcomes"] == before["outcomes"]
    assert after_report["experience"]["questions"]["enjoyed"]["n"] == \
        before["experience"]["questions"]["enjoyed"]["n"] - 1  # the copy no longer counts


def test_fix_with_nothing_safe_to_fix_changes_nothing(store: Store) -> None:
    build_org(store)
    inject(store, "measures", "2026", {"id": "m-bad", "run_id": "x"})
    snapshot = dict(store.backend.files)
    fixed, after = integrity.fix(store)
    assert fixed == [] and after.problems
    assert store.backend.files == snapshot


def _disk_store(home: Path) -> Store:
    config.ensure_home(home)
    return Store.open(config.store_dir(home))


def test_check_command_lists_problems_grouped_and_exits_1(cli, coprod_home: Path) -> None:
    store = _disk_store(coprod_home)
    build_org(store)
    result = cli("data", "check")
    assert result.text == f"All {sum(integrity.check(store).checked.values())} records are " \
                          "in order.\n"
    ids = damage(store)
    result = cli("data", "check", code=1)
    assert result.text.startswith("13 problems in ")
    assert "attendance (3):\n" in result.text
    assert f"\n  att-ghost: its person {GHOST} is not on the register  [safe to fix]\n" \
        in result.text
    assert f"  {ids['form']}: is an exact copy of another record  [safe to fix]" in result.text
    assert "4 can be fixed safely with: coprod data check --fix" in result.text
    assert "The others need a person to decide" in result.text
    assert not (coprod_home / "backups").exists() or not any(
        p.name.endswith("check-fix") for p in (coprod_home / "backups").iterdir())


def test_check_fix_command_says_what_it_fixed_and_why(cli, coprod_home: Path) -> None:
    store = _disk_store(coprod_home)
    build_org(store)
    damage(store)
    result = cli("data", "check", "--fix", code=1)
    assert result.text.startswith("Fixed 4 problems:\n")
    assert "3 x pseudonymise: safe because a reference to someone no longer on the register " \
           "becomes an anonymous id" in result.text
    assert "1 x duplicate: safe because an exact copy of another record" in result.text
    assert "9 problems in " in result.text and "[safe to fix]" not in result.text
    assert any(p.name.endswith("-before-check-fix") for p in (coprod_home / "backups").iterdir())
    assert "can be fixed safely" not in cli("data", "check", code=1).text
