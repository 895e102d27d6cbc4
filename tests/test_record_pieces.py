"""A store file read a piece at a time (``store/chunks.py``) gives exactly the records a whole
read gives, in the same order, whatever the records hold; what cannot be cut is read whole,
and damage is reported in the same words. A report totalled over many small pieces equals
one totalled over whole files."""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
import pytest

from coprod_cli import resources
from coprod_cli.demo.records import Profile, generate
from coprod_cli.errors import StoreCorruptError
from coprod_cli.evaluation.summary import Filters, summarise
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import load_form, load_measure
from coprod_cli.sessions.library import Library
from coprod_cli.store import chunks
from coprod_cli.store.database import Store
from coprod_cli.store.storage import AtomicJSONStorage, dump_file

DATA = [resources.data_dir()]


def _file(tmp_path: Path, content: bytes) -> AtomicJSONStorage:
    path = tmp_path / "t" / "2025.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return AtomicJSONStorage(path)


def _records(n: int, extra: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    return {str(i): {"id": f"r{i}", "n": i, **(extra or {})} for i in range(1, n + 1)}


def _pieces(storage: AtomicJSONStorage, monkeypatch: pytest.MonkeyPatch,
            size: int) -> list[list[dict[str, Any]]]:
    monkeypatch.setattr(chunks, "PIECE_BYTES", size)
    return list(storage.pieces())


HARD_VALUES = [
    {},  # nothing awkward
    {"nested": {"1": {"a": 1}, "2": {"b": {"3": {}}}}},  # digit keys with object values
    {"text": 'he said },"7":{"id":"x" and left'},  # the cut's own bytes, inside a string
    {"text": "ends in a backslash \\", "more": "},\"9\":{"},
    {"name": "Siân Łucja Ó Dónaill", "emoji": "🙂"},
]


@pytest.mark.parametrize("extra", HARD_VALUES)
@pytest.mark.parametrize("size", [1, 40, 333, 1 << 20])
def test_pieces_are_the_whole_files_records_in_order(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     extra: dict[str, Any], size: int) -> None:
    data = {"records": _records(57, extra)}
    storage = _file(tmp_path, dump_file(data))
    pieces = _pieces(storage, monkeypatch, size)
    assert list(chain.from_iterable(pieces)) == list(data["records"].values())
    if size == 1:
        assert len(pieces) > 1 and all(pieces)


@pytest.mark.parametrize("content", [
    b"",  # an empty file reads as no records
    b'{"records":{}}',
    json.dumps({"records": _records(5)}, indent=2).encode(),  # indented by hand
    b'{"records":' + orjson.dumps(_records(6)) + b',"note":{"x":{}}}',  # another key
    b'{"other":{}}',
])
def test_what_cannot_be_cut_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          content: bytes) -> None:
    storage = _file(tmp_path, content)
    whole = list(((storage.read() or {}).get("records") or {}).values())
    assert list(chain.from_iterable(_pieces(storage, monkeypatch, 30))) == whole


@pytest.mark.parametrize("cut", [10, 200, -40, -2, -1])
def test_a_damaged_file_is_reported_as_a_whole_read_reports_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int) -> None:
    good = dump_file({"records": _records(20)})
    storage = _file(tmp_path, good[:cut])
    with pytest.raises(StoreCorruptError) as whole:
        storage.read()
    with pytest.raises(StoreCorruptError) as pieces:
        _pieces(storage, monkeypatch, 50)
    assert pieces.value.message == whole.value.message
    assert "has been left exactly as it is" in pieces.value.message


def test_a_record_number_twice_is_damage(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    one = orjson.dumps(_records(3))[1:-1]
    storage = _file(tmp_path, b'{"records":{' + one + b"," + one + b"}}")
    with pytest.raises(StoreCorruptError, match="the same record number twice"):
        _pieces(storage, monkeypatch, 20)
    path = storage.path
    assert path.read_bytes().startswith(b'{"records":{')  # left exactly as it was


def test_a_missing_file_has_no_pieces(tmp_path: Path) -> None:
    assert list(AtomicJSONStorage(tmp_path / "none.json").pieces()) == []


def test_store_pieces_inside_a_transaction_see_its_own_changes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    people.add_person(store, "Ana", "volunteer", service="Oak")
    with store.transaction() as tx:
        people.add_person(tx, "Bo", "carer", service="Oak")
        names = [r["name"] for rows in tx.pieces("people", "all") for r in rows]
    assert names == ["Ana", "Bo"]
    assert [r["name"] for rows in store.pieces("people", "all") for r in rows] == ["Ana", "Bo"]


@pytest.fixture(scope="module")
def busy_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Two years of two services: a few thousand records in each year's files."""
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    sessions = [s.session for s in library.all()]
    store = Store.open(tmp_path_factory.mktemp("busy") / "store")
    profile = Profile(1, 2, 40, 60, 8, 0.75, 2)
    generate(store, profile, sessions, seed=3, service="Oak", start_year=2024)
    generate(store, profile, sessions, seed=4, service="Ash", start_year=2024)
    return store


@pytest.mark.parametrize("filters", [
    Filters(), Filters(date_from="2024-05-01", date_to="2025-03-31"), Filters(service="Ash"),
    Filters(theme="wellbeing")])
def test_a_report_over_small_pieces_equals_one_over_whole_files(
        busy_store: Store, monkeypatch: pytest.MonkeyPatch, filters: Filters) -> None:
    form = load_form("peer-evaluation", DATA)
    measures = {"ons4": load_measure("ons4", DATA)}
    attendance = busy_store.file_path("attendance", "2024")
    assert attendance is not None and attendance.stat().st_size > 50_000

    def report(size: int) -> dict[str, Any]:
        monkeypatch.setattr(chunks, "PIECE_BYTES", size)
        return summarise(busy_store, filters, form, measures, min_gap_weeks=4, processes=1)

    whole = report(1 << 30)
    assert whole["reach"]["sessions"] > 0
    assert report(2_000) == whole  # hundreds of pieces a file


def test_on_windows_the_file_is_read_at_once(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows cannot rename a new file over one held open, which every writer does, so
    there the file is read whole when the pieces are asked for and closed at once."""
    from coprod_cli.store import storage

    data = {"records": _records(30)}
    store_file = _file(tmp_path, dump_file(data))
    monkeypatch.setattr(storage.os, "name", "nt")
    monkeypatch.setattr(chunks, "PIECE_BYTES", 50)
    pieces = store_file.pieces()
    store_file.path.write_bytes(dump_file({"records": _records(2)}))  # changed in place
    assert list(chain.from_iterable(pieces)) == list(data["records"].values())
