"""A large merge checks its bundle files in a worker process (``store/ahead.py``): it must
merge exactly what the one-process merge merges, and refuse exactly what it refuses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coprod_cli.store import ahead
from coprod_cli.store import backups as records
from coprod_cli.store.bundles import BundleReader
from coprod_cli.store.database import Store
from tests.test_bundle_checks import BROKEN, doctor, home_files, make_bundle, person_with


@pytest.fixture
def always_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every merge uses the worker, however small (the real threshold is megabytes)."""
    monkeypatch.setattr(ahead, "PARALLEL_FROM_BYTES", 0)


def _merged(tmp_path: Path, name: str, bundles: list[Path]) -> dict[str, object]:
    store = Store.open(tmp_path / name / "store")
    result = records.merge(store, bundles)
    rows = {t: sorted(json.dumps(r, sort_keys=True) for r in store.all(t))
            for t in ("people", "runs", "attendance", "feedback")}
    return {"added": dict(result.added), "conflicts": result.conflicts, "rows": rows}


def test_worker_merge_equals_the_one_process_merge(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    one, _ = make_bundle(tmp_path / "one", "export")
    two, _ = make_bundle(tmp_path / "two", "export")
    serial = _merged(tmp_path, "serial", [one, two])
    monkeypatch.setattr(ahead, "PARALLEL_FROM_BYTES", 0)
    checks = ahead.AheadChecks([BundleReader(one)], ["people/all.json"])
    assert checks._pool is not None  # the worker really ran
    checks.close()
    assert _merged(tmp_path, "ahead", [one, two]) == serial


@pytest.mark.parametrize(("change", "problem"), BROKEN)
def test_worker_refuses_as_the_merge_would(cli, coprod_home: Path, tmp_path: Path,
                                           always_ahead: None, change: dict,
                                           problem: str) -> None:
    cli("people", "add", "Cy", "--role", "staff")
    good, ana = make_bundle(tmp_path / "beech", "export")
    other, _ = make_bundle(tmp_path / "oak", "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json", person_with(ana, change))
    before = home_files(coprod_home)
    result = cli("data", "merge", str(other), str(bad), code=1)
    assert result.text.startswith(
        f"Error: {bad} was refused, so nothing was changed: in records/people/all.json, the "
        f"people record {ana} is not valid ({problem}).")
    assert home_files(coprod_home) == before


def test_a_dead_worker_means_checking_here(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    good, ana = make_bundle(tmp_path / "beech", "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json",
                 person_with(ana, {"name": KeyError}))
    monkeypatch.setattr(ahead, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(ahead, "_check", _die)
    store = Store.open(tmp_path / "home" / "store")
    with pytest.raises(records.ValidationError) as caught:
        records.merge(store, [bad])
    assert "has no 'name'" in " ".join(caught.value.problems + [caught.value.message])
    assert store.all("people") == []


def _die(path: str, name: str) -> ahead.Verdict:
    os._exit(3)  # the worker process ends without an answer


def test_a_bundle_replaced_during_the_merge_is_refused(cli, coprod_home: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker opens each bundle by its name; the merge read it when it began. If the
    file is replaced between the two, the merge must not add bytes the worker never saw."""
    cli("people", "add", "Cy", "--role", "staff")
    good, _ = make_bundle(tmp_path / "beech", "export")
    replacement, _ = make_bundle(tmp_path / "oak", "export")  # sound, but other people
    monkeypatch.setattr(ahead, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(ahead, "_check", _replaced_first)
    monkeypatch.setitem(_SWAP, "paths", (replacement, good))
    before = home_files(coprod_home)
    result = cli("data", "merge", str(good), code=1)
    assert result.text.startswith(f"Error: {good} is not a bundle coprod can use: "
                                  "people/all.json changed while it was being merged.")
    assert home_files(coprod_home) == before


_SWAP: dict[str, tuple[Path, Path]] = {}
_REAL_CHECK = ahead._check


def _replaced_first(path: str, name: str) -> ahead.Verdict:
    """In the worker (module-level, so it can be sent there): the bundle is replaced by
    another sound one just before the worker opens it."""
    replacement, target = _SWAP["paths"]
    if Path(path) == target and replacement.exists():
        os.replace(replacement, target)
    return _REAL_CHECK(path, name)
