"""Ids that cannot collide across an organisation, and old short ids that still work.

An organisation merges every service's export into one store, so an id made in one service
must never equal an id made in another. Run, grant, fund and spending ids carry 64 random
bits after their date or year (24 before: merging 100 generated services gave 6 conflicts).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer.testing

from coprod_cli import resources
from coprod_cli.grants import scheme as grants
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RUNS, RunEngine, find_run, partition_of
from coprod_cli.store.database import Store

RANDOM = "[0-9a-f]{16}"  # 64 bits, in hex
SERVICES = 100


@pytest.fixture
def fast_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory where there is one: 200 stores on this machine's disk spend most
    of their time creating files, which is not what this test is about."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="coprod-ids-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_hundred_generated_services_merge_with_no_id_conflicts(
        cli, fast_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Typer rebuilds the whole command tree on every invoke (70 ms); 201 invocations of the
    # same app can share one build, which changes nothing the commands do.
    monkeypatch.setattr(typer.testing, "_get_command",
                        functools.cache(typer.testing._get_command))
    exports = []
    for seed in range(1, SERVICES + 1):
        home = fast_disk / f"service-{seed}"
        cli("--home", str(home), "data", "demo", "--profile", "small", "--seed", str(seed))
        exports.append(str(fast_disk / f"service-{seed}.zip"))
        cli("--home", str(home), "data", "export", "--out", exports[-1])
    org = fast_disk / "organisation"
    result = cli("--home", str(org), "data", "merge", *exports)  # exit 0: no conflict
    assert "differ" not in result.text and "0 already here" in result.text
    store = Store.open(org / "store")
    services = [Store.open(fast_disk / f"service-{seed}" / "store")
                for seed in range(1, SERVICES + 1)]
    for table in ("runs", "grants", "grant_funds", "people", "attendance", "feedback"):
        assert len(store.all(table)) == sum(len(s.all(table)) for s in services), table
    runs, all_grants = store.all(RUNS), store.all("grants")
    assert all(re.fullmatch(rf"\d{{8}}-{RANDOM}", r["id"]) for r in runs)
    assert all(re.fullmatch(rf"g-\d{{4}}-{RANDOM}", g["id"]) for g in all_grants)
    assert all(re.fullmatch(rf"f-\d{{4}}-{RANDOM}", f["id"]) for f in store.all("grant_funds"))
    assert all(re.fullmatch(RANDOM, line["id"]) for g in all_grants for line in g["spending"])


def test_ids_made_while_working_carry_64_random_bits(cli, coprod_home: Path) -> None:
    start = (date.today() + timedelta(days=30)).isoformat()
    out = cli("grant", "apply", "--service", "Oak", "--title", "Garden", "--activity",
              "Plant a garden.", "--link", "wellbeing", "--co-producer",
              "Ceri:person-using-services", "--planners", "1", "--item", "Seeds:£20",
              "--amount", "£20", "--people", "5", "--benefit", "Calm.", "--start", start,
              "--by", "Sam").text
    gid = re.search(rf"g-\d{{4}}-{RANDOM}", out)
    assert gid is not None, out
    cli("grant", "decide", gid.group(), "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "spend", gid.group()[-6:], "2", "--item", "Seeds", "--no-receipt",
        "--by", "Sam")
    cli("grant", "fund", "add", "£5", "--source", "Stall", "--by", "Sam")
    store = Store.open(coprod_home / "store")
    [grant] = store.all("grants")
    assert re.fullmatch(RANDOM, grant["spending"][0]["id"])
    [fund] = store.all("grant_funds")
    assert re.fullmatch(rf"f-\d{{4}}-{RANDOM}", fund["id"])
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]).all()[0]
    ids = {RunEngine.start(store, session.session).id for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(rf"\d{{8}}-{RANDOM}", i) for i in ids)
    assert {partition_of(i) for i in ids} == {str(date.today().year)}


def test_old_short_ids_are_still_read(cli, coprod_home: Path) -> None:
    """Records saved before the change keep their 6-hex ids: found by id, start or end."""
    start = (date.today() + timedelta(days=30)).isoformat()
    cli("grant", "apply", "--service", "Oak", "--title", "New", "--activity", "Plant.",
        "--link", "wellbeing", "--co-producer", "Ceri:person-using-services", "--planners",
        "1", "--item", "Seeds:£20", "--amount", "£20", "--people", "5", "--benefit", "Calm.",
        "--start", start, "--by", "Sam")
    store = Store.open(coprod_home / "store")
    [new] = store.all("grants")
    store.insert("grants", {**new, "id": "g-2025-d4e5f6", "title": "Old"})
    session = Library(resources.sessions_dir(), None, [resources.templates_dir()]).all()[0]
    run = RunEngine.start(store, session.session).run
    old_run = {**run, "id": "20250301-a1b2c3", "started_at": "2025-03-01T10:00:00+00:00"}
    store.insert(RUNS, old_run, partition=partition_of(old_run["id"]))
    assert store.partitions(RUNS) == ["2025", str(date.today().year)]
    assert find_run(store, "20250301-a1b2c3")["started_at"].startswith("2025-03-01")
    assert find_run(store, "20250301-a1")["id"] == "20250301-a1b2c3"
    assert grants.find_grant(store, "g-2025-d4e5f6")["title"] == "Old"
    assert grants.find_grant(store, "d4e5f6")["title"] == "Old"
    shown = json.loads(cli("grant", "list", "--format", "json").output)
    assert sorted(g["id"] for g in shown) == sorted(["g-2025-d4e5f6", new["id"]])
    assert "Old" in cli("grant", "show", "d4e5f6").text
