"""The declared record schema: the store refuses records that break it, the check, forget and
export read it, and a field declared once is covered by all three."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import pytest
from typing_extensions import TypedDict

from coprod_cli import config, resources
from coprod_cli.demo.records import PROFILES, generate_tables
from coprod_cli.errors import StoreError
from coprod_cli.people import privacy
from coprod_cli.people import register as people
from coprod_cli.sessions.library import Library
from coprod_cli.store import schema
from coprod_cli.store.database import Store
from coprod_cli.store.schema.declarations import DATE_PATTERN, Date

GHOST = "0123456789abcdef0123456789abcdef"  # a person id nobody has
STAMP = "2026-03-01T10:00:00+00:00"


def person(**changes: object) -> dict[str, object]:
    return {"name": "Ana", "role": "volunteer", "service": "", "consent": None,
            "prefers": [], "created_at": STAMP, "updated_at": STAMP, **changes}


def files(store: Store) -> dict[str, str]:
    return dict(store.backend.files)  # type: ignore[attr-defined]


# -- the store refuses what breaks a table ------------------------------------------------

@pytest.mark.parametrize(("bad", "field", "words"), [
    ({"name": None}, "name", "'name' should be text, not null"),
    ({"name": {"first": "Ana"}}, "name", "'name' should be text, not {\"first\": \"Ana\"}"),
    ({"name": "  "}, "name", "'name' is '  ', which is blank or holds a line break or "
                             "another control character"),
    ({"name": "x" * 81}, "name", "'name' is longer than 80 characters"),
    ({"name": "Ana\x1b[2J"}, "name", "'name' is 'Ana\\u001b[2J', which is blank or holds"),
    ({"role": "admin<script>"}, "role", "'role' is 'admin<script>', which is not one of: "
                                         "staff, volunteer, person-using-services, carer, "
                                         "other"),
    ({"created_at": "2026-02-30"}, "created_at", "'created_at' is '2026-02-30', which is "
                                                 "not a date (YYYY-MM-DD)"),
    ({"consent": {"text": "yes"}}, "consent.given_at", "has no 'consent.given_at'"),
    ({"prefers": ["huge-print"]}, "prefers[0]", "'prefers[0]' is 'huge-print'"),
])
def test_insert_and_update_refuse_a_record_that_breaks_its_table(bad: dict, field: str,
                                                                 words: str) -> None:
    store = Store.memory()
    rid = store.insert("people", person(id="p-ok"))
    before = files(store)
    with pytest.raises(schema.InvalidRecords) as caught:
        store.insert("people", person(id="p-bad", **bad))
    assert caught.value.message.startswith("Nothing was saved: the people record p-bad is "
                                           "not valid (")
    assert words in caught.value.message and caught.value.found[0].field == field
    with pytest.raises(schema.InvalidRecords, match=re.escape(words)):
        store.update("people", rid, bad)
    with pytest.raises(schema.InvalidRecords, match="record p-many"):
        with store.transaction() as tx:
            tx.insert_many("people", [person(id="p-fine"), person(id="p-many", **bad)])
    assert files(store) == before


def test_a_missing_field_is_named_and_nothing_in_the_transaction_lands() -> None:
    store = Store.memory()
    before = files(store)
    record = person(id="p-1")
    del record["name"]
    with pytest.raises(schema.InvalidRecords, match=r"people record p-1 is not valid "
                                                    r"\(has no 'name'\)"):
        with store.transaction() as tx:
            tx.insert("people", person(id="p-0"))  # fine on its own, and not saved either
            tx.insert("people", record)
    assert files(store) == before


def test_an_undeclared_table_is_refused_but_reads_as_empty() -> None:
    store = Store.memory()
    with pytest.raises(StoreError, match="coprod has no table called 'visits', so nothing "
                                         "was saved"):
        store.insert("visits", {"name": "x"})
    assert store.all("visits") == [] and files(store) == {"meta.json": files(store)["meta.json"]}


def test_extra_fields_are_kept_except_on_closed_tables() -> None:
    store = Store.memory()
    rid = store.insert("people", person(nickname="A"))
    assert store.get("people", rid)["nickname"] == "A"
    with pytest.raises(schema.InvalidRecords, match=r"holds fields an erasure record must "
                                                    r"not have \(name\)"):
        store.insert(privacy.ERASURES, {"at": STAMP, "counts": {}, "texts_removed": 0,
                                        "name": "Jo"})


def test_problems_names_each_record_and_field_for_reuse() -> None:
    """The plain function other commands (toolkit add, an import) can call."""
    found = schema.problems("people", [person(id="a"), person(id="b", role=3), "junk",
                                       {"id": "c"}])
    assert [(p.index, p.record_id, p.field) for p in found[:3]] == [
        (1, "b", "role"), (2, "(no id)", ""), (3, "c", "name")]
    assert str(found[0]) == "b: 'role' is 3, which is not one of: staff, volunteer, " \
                            "person-using-services, carer, other"
    assert found[1].message == "is not a mapping (a JSON object)"
    assert schema.problems("people", [person(id="ok")]) == []


def test_the_date_pattern_agrees_with_the_calendar() -> None:
    pattern = re.compile(DATE_PATTERN)
    for year in (1, 4, 100, 400, 1900, 2000, 2024, 2026, 2100, 9999):
        for month in range(0, 14):
            for day in (0, 1, 28, 29, 30, 31, 32):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    date.fromisoformat(text)
                    real = True
                except ValueError:
                    real = False
                assert bool(pattern.match(text)) is real, text
    assert not pattern.match("0000-01-01") and pattern.match("2026-03-01T10:00:00+00:00")


def test_demo_data_is_checked_against_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = [s.session for s in Library(resources.sessions_dir(), None,
                                           [resources.templates_dir()]).all()]
    tables = generate_tables(PROFILES["small"], sessions)
    assert {t for t, _ in tables} <= set(schema.names())
    monkeypatch.setattr("coprod_cli.demo.records.ROLE_MIX", [("admin", 1.0)])
    with pytest.raises(schema.InvalidRecords, match=r"demo data was refused.*'role' is "
                                                    r"'admin'"):
        generate_tables(PROFILES["small"], sessions)


# -- one declaration covers check, export and forget --------------------------------------

Visitor = TypedDict("Visitor", {"person_id": Annotated[str, schema.Person("visitor")],
                                "as": str})


class Visit(schema.Record):
    """A table a later feature might add: people nested in a list, and free text."""

    at: Date
    visitors: list[Visitor]
    summary: Annotated[str, schema.Text("visit summary")]


@pytest.fixture
def visits() -> Iterator[schema.Table]:
    with schema.registered(schema.Table("visits", Visit, ("home visit", "home visits"),
                                        export_heading="Home visits")) as table:
        yield table


def test_a_newly_declared_table_is_checked_exported_and_forgotten(cli, coprod_home: Path,
                                                                  visits: schema.Table
                                                                  ) -> None:
    cli("people", "add", "Ana Jones")
    cli("people", "add", "Bo")
    config.ensure_home(coprod_home)
    store = Store.open(config.store_dir(coprod_home))
    ana, bo = (people.find_person(store, n)["id"] for n in ("Ana Jones", "Bo"))
    store.insert("visits", {"id": "v-1", "at": STAMP, "summary": "Ana Jones was cheerful",
                            "visitors": [{"person_id": bo, "as": "lead"},
                                         {"person_id": ana, "as": "friend"}]})
    store.insert("visits", {"id": "v-2", "at": STAMP, "summary": "Bo asked after Ana Jones",
                            "visitors": [{"person_id": GHOST, "as": "lead"}]})

    checked = cli("data", "check", code=1).text
    assert "visits (1):\n" in checked
    assert f"  v-2: its visitor {GHOST} is not on the register  [safe to fix]" in checked

    out = coprod_home.parent / "ana.json"
    cli("people", "export", "Ana Jones", "--out", str(out))
    export = json.loads(out.read_text(encoding="utf-8"))
    assert export["visits"] == [store.get("visits", "v-1")]
    assert [m["text"] for m in export["mentions"]] == ["Bo asked after Ana Jones"]
    assert export["mentions"][0]["where"] == "visit summary"

    said = cli("people", "forget", "Ana Jones", "--yes").text
    assert "in: 2 home visits" in said and "2 notes or comments removed" in said
    v1, v2 = store.get("visits", "v-1"), store.get("visits", "v-2")
    assert re.fullmatch(r"anon-[0-9a-f]{12}", v1["visitors"][1]["person_id"])
    assert v1["visitors"][0] == {"person_id": bo, "as": "lead"}
    assert v1["summary"] == v2["summary"] == privacy.REMOVED_TEXT
    assert ana not in json.dumps(store.all("visits")) and "Ana" not in json.dumps(
        store.all("visits"))

    fixed = cli("data", "check", "--fix").text
    assert "1 x pseudonymise" in fixed
    assert re.fullmatch(r"anon-[0-9a-f]{12}",
                        store.get("visits", "v-2")["visitors"][0]["person_id"])


def test_a_record_is_refused_once_its_declared_shape_is_broken(visits: schema.Table) -> None:
    store = Store.memory()
    with pytest.raises(schema.InvalidRecords, match=r"'visitors\[0\]\.person_id' should be "
                                                    r"text, not 7"):
        store.insert("visits", {"at": STAMP, "summary": "", "visitors": [{"person_id": 7,
                                                                          "as": "lead"}]})


def test_forget_stops_cleanly_at_a_record_that_breaks_its_table(cli, coprod_home: Path) -> None:
    """A hand-edited record that names the person cannot be saved again as it is: forgetting
    says which, changes nothing, and points at data check."""
    cli("people", "add", "Ana Jones")
    config.ensure_home(coprod_home)
    store = Store.open(config.store_dir(coprod_home))
    ana = people.find_person(store, "Ana Jones")["id"]
    grant = {"id": "g-1", "title": "Ana Jones's garden", "coproducers": [
        {"name": "Ana Jones", "person_id": ana, "role": "volunteer"}]}  # most fields missing
    storage = store.backend.file("grants/all.json")
    storage.write({"records": {"1": grant}})
    before = {p: p.read_bytes() for p in (coprod_home / "store").rglob("*.json")}
    result = cli("people", "forget", "Ana Jones", "--yes", code=1)
    assert "Error: Nothing was saved: the grants record g-1 is not valid (has no 'year')." \
        in result.text
    assert "'coprod data check' lists every record that breaks its table" in result.text
    assert {p: p.read_bytes() for p in (coprod_home / "store").rglob("*.json")} == before
