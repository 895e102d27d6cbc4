"""Kept summaries: a report built from what was kept between runs is the one computed from
scratch, after every kind of change, and what is kept never outlives what it came from."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from coprod_cli.evaluation import kept as kept_parts
from coprod_cli.evaluation import report_text, tally
from coprod_cli.evaluation.sharing import figures_for
from coprod_cli.evaluation.summary import CUMULATIVE, Filters, summarise
from coprod_cli.people import privacy
from coprod_cli.people import register as people
from coprod_cli.sessions.forms import load_form, load_measure
from coprod_cli.store import backups
from coprod_cli.store.bundles import read_bundle
from coprod_cli.store.database import Store
from tests.sample_records import DATA, ONS_A, ONS_B, build_org, run_session

FORM = load_form("peer-evaluation", DATA)
MEASURES = {"ons4": load_measure("ons4", DATA)}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> Store:
    store = Store.open(home / "store")
    who = build_org(store)
    ids = {k: v["id"] for k, v in who.items()}
    run_session(store, "wellbeing-five-ways", "2025-06-02", who["Sam"], who["Dee"],
                [who["Ana"], who["Bo"], who["Ceri"], who["Dee"]],
                {ids["Ana"]: {"enjoyed": 4, "went_well": "Ana laughed a lot",
                              "help_run": "yes"},
                 ids["Ceri"]: {"enjoyed": 2, "even_better": "More time"}},
                {ids["Ana"]: ONS_B, ids["Ceri"]: ONS_A})
    run_session(store, "getting-started-together", "2024-11-20", who["Sam"], None,
                [who["Bo"], who["Dee"]], {ids["Bo"]: {"enjoyed": 5, "went_well": "Tea"}})
    return store


def _summary(store: Store, filters: Filters, keep: bool) -> dict[str, Any]:
    return summarise(store, filters, FORM, MEASURES, min_gap_weeks=4,
                     keep_in=store.derived_dir("summary") if keep else None)


def _shared(report: dict[str, Any]) -> dict[str, str]:
    """Every format's text, from the dict it is made from (small numbers hidden)."""
    figures = figures_for(report, "json", 2)
    return {"json": report_text.to_json(figures), "csv": report_text.to_csv(figures),
            "md": report_text.to_markdown(figures)}


FILTERS = [Filters(), Filters(date_from="2025-01-01"), Filters(date_from="2025-06-01",
           date_to="2026-01-31"), Filters(service="beech  HOUSE"),
           Filters(theme="Wellbeing"), Filters(session="self-esteem-strengths"),
           Filters(date_to="2024-12-31")]


def assert_kept_equals_fresh(store: Store) -> None:
    for filters in FILTERS:
        first = _summary(store, filters, keep=True)  # computes what changed, keeps it
        again = _summary(store, filters, keep=True)  # read back from what was kept
        fresh = _summary(store, filters, keep=False)
        assert first == fresh, filters
        assert again == fresh, filters
        assert _shared(again) == _shared(fresh), filters


def _kept_files(store: Store) -> list[Path]:
    folder = store.derived_dir("summary")
    assert folder is not None
    return sorted(folder.glob("*.json"))


def _read_kept(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A kept file's heading (what it was computed from) and its encoded part."""
    heading, part = path.read_bytes().split(b"\n")
    return orjson.loads(heading), orjson.loads(part)


def _write_kept(path: Path, heading: dict[str, Any], part: dict[str, Any]) -> None:
    path.write_bytes(orjson.dumps(heading) + b"\n" + orjson.dumps(part))


def _year_files(store: Store) -> list[Path]:
    """The kept parts of single years (not the merge of the years before the latest)."""
    return [p for p in _kept_files(store) if not p.name.startswith(CUMULATIVE)]


def _assert_only_the_fresh_pass_computes(store: Store, monkeypatch) -> None:
    """A kept summary and a fresh one agree, and only the fresh one (three years) read the
    records again."""
    calls: list[int] = []
    real = tally.year_part
    monkeypatch.setattr("coprod_cli.evaluation.summary.year_part",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    assert _summary(store, Filters(), keep=True) == _summary(store, Filters(), keep=False)
    assert len(calls) == 3


def test_kept_parts_are_read_back_not_recomputed(store: Store, monkeypatch) -> None:
    _summary(store, Filters(), keep=True)
    assert len(_year_files(store)) == 6  # two halves a year: 2024, 2025, 2026
    assert len(_kept_files(store)) == 7  # and 2024-2025 merged
    _assert_only_the_fresh_pass_computes(store, monkeypatch)


def test_kept_equals_fresh_with_every_filter(store: Store) -> None:
    assert_kept_equals_fresh(store)


def test_an_added_run_and_an_edited_form_are_seen_at_once(store: Store) -> None:
    assert_kept_equals_fresh(store)
    before = _summary(store, Filters(), keep=True)
    everyone = {p["name"]: p for p in store.all("people")}
    run_session(store, "relationships-trust", "2025-09-09", everyone["Sam"], None,
                [everyone["Bo"]], {everyone["Bo"]["id"]: {"enjoyed": 1}})
    after = _summary(store, Filters(), keep=True)
    assert after["reach"]["sessions"] == before["reach"]["sessions"] + 1
    assert_kept_equals_fresh(store)
    form = next(f for f in store.all("feedback", partition="2026")
                if f["answers"].get("enjoyed") == 5)
    store.update("feedback", form["id"], {"answers": {**form["answers"], "enjoyed": 1}},
                 partition="2026")
    edited = _summary(store, Filters(), keep=True)
    assert edited["experience"]["questions"]["enjoyed"]["distribution"]["1"] == \
        after["experience"]["questions"]["enjoyed"]["distribution"]["1"] + 1
    assert_kept_equals_fresh(store)


def test_a_forgotten_person_leaves_no_trace_in_what_is_kept(store: Store, home: Path) -> None:
    assert_kept_equals_fresh(store)
    ana = people.find_person(store, "Ana")
    assert any(ana["id"].encode() in p.read_bytes() for p in _kept_files(store))
    privacy.forget(store, ana["id"], home=home)
    assert _kept_files(store) == []  # the bulk change deleted everything kept
    assert_kept_equals_fresh(store)
    cache = home / "cache"
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert ana["id"].encode() not in data, path
            assert b"Ana " not in data and b'"Ana' not in data, path


def test_merge_and_restore_leave_no_stale_figure(store: Store, home: Path,
                                                 tmp_path: Path) -> None:
    assert_kept_equals_fresh(store)
    saved = tmp_path / "backup.zip"
    backups.backup(store, saved, service="Beech House", organisation="")
    other = Store.open(tmp_path / "other" / "store")
    lead = people.add_person(other, "Fay", "staff", service="Oak Lodge")
    guest = people.add_person(other, "Gil", "carer", service="Oak Lodge")
    run_session(other, "wellbeing-five-ways", "2025-06-03", lead, None, [guest],
                {guest["id"]: {"enjoyed": 3, "went_well": "The walk"}})
    export = tmp_path / "oak.zip"
    backups.export(other, export, service="Oak Lodge", organisation="")
    before = _summary(store, Filters(), keep=True)
    result = backups.merge(store, [export], home=home)
    assert result.changed
    merged = _summary(store, Filters(), keep=True)
    assert merged["reach"]["sessions"] == before["reach"]["sessions"] + 1
    assert_kept_equals_fresh(store)
    backups.restore(store, read_bundle(saved), home=home)
    assert _kept_files(store) == []
    assert _summary(store, Filters(), keep=True) == before
    assert_kept_equals_fresh(store)


@pytest.mark.parametrize("damage", [b"{not json", b"[]", b'{"format": 1}', b'{"format": 2}\n{}',
                                    "foreign", "heading only"])
def test_a_damaged_or_foreign_kept_file_is_ignored_and_rebuilt(store: Store,
                                                                damage: Any) -> None:
    fresh = _summary(store, Filters(), keep=False)
    _summary(store, Filters(), keep=True)
    for path in _kept_files(store):
        if damage == "foreign":  # another coprod's part, with made-up figures
            heading, part = _read_kept(path)
            heading["coprod"] = "0.0.1"
            part["sessions"] = 999
            _write_kept(path, heading, part)
        elif damage == "heading only":  # cut short after the first line
            path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n")
        else:
            path.write_bytes(damage)
    assert _summary(store, Filters(), keep=True) == fresh
    for path in _kept_files(store):  # rebuilt whole
        assert _read_kept(path)[0]["coprod"] != "0.0.1"


def test_kept_files_are_owner_only(store: Store, home: Path) -> None:
    _summary(store, Filters(), keep=True)
    files = _kept_files(store)
    assert files
    for path in files:
        assert os.stat(path).st_mode & 0o777 == 0o600
    for folder in (home / "cache", home / "cache" / "summary"):
        assert os.stat(folder).st_mode & 0o777 == 0o700


def test_kept_summaries_are_not_in_a_backup_or_export(store: Store, tmp_path: Path) -> None:
    _summary(store, Filters(), keep=True)
    for kind in ("backup", "export"):
        out = tmp_path / f"{kind}.zip"
        getattr(backups, kind)(store, out, service="Beech House", organisation="")
        manifest = read_bundle(out).manifest
        assert not any("cache" in name or "summary" in name for name in manifest["files"])


def test_progress_is_told_each_year(store: Store) -> None:
    seen: list[tuple[int, int, str]] = []
    summarise(store, Filters(), FORM, MEASURES, progress=lambda *a: seen.append(a))
    assert seen == [(0, 3, "2024"), (1, 3, "2025"), (2, 3, "2026"), (3, 3, "")]


def test_summarise_command_keeps_its_parts_and_reports_the_same(cli, coprod_home: Path
                                                                ) -> None:
    cli("data", "demo", "--profile", "small")
    first = json.loads(cli("eval", "summarise", "--format", "json").output)
    kept = sorted((coprod_home / "cache" / "summary").glob("*.json"))
    assert kept
    again = json.loads(cli("eval", "summarise", "--format", "json").output)
    assert again == first
    for path in kept:
        path.write_bytes(b"garbage")
    assert json.loads(cli("eval", "summarise", "--format", "json").output) == first


def test_merge_tells_progress_for_each_file(store: Store, home: Path, tmp_path: Path) -> None:
    other = Store.open(tmp_path / "other" / "store")
    lead = people.add_person(other, "Fay", "staff", service="Oak Lodge")
    run_session(other, "wellbeing-five-ways", "2025-06-03", lead, None, [lead], {})
    export = tmp_path / "oak.zip"
    backups.export(other, export, service="Oak Lodge", organisation="")
    names = read_bundle(export).files.keys()
    seen: list[tuple[int, int, str]] = []
    backups.merge(store, [export], home=home, progress=lambda *a: seen.append(a))
    merged = sorted(n for n in names if not n.startswith("audit/"))
    assert seen == [*((n, len(merged), name) for n, name in enumerate(merged)),
                    (len(merged), len(merged), "")]


def test_no_progress_bar_when_output_is_not_a_terminal(cli, coprod_home: Path) -> None:
    cli("data", "demo", "--profile", "small")
    shown = cli("eval", "summarise", "--format", "csv").output
    assert shown.startswith("section,group,measure,value,suppressed\n")
    assert "Summarising" not in shown and "\x1b" not in shown


def test_people_forget_on_the_command_line_empties_what_is_kept(cli, coprod_home: Path
                                                                ) -> None:
    cli("data", "demo", "--profile", "small")
    cli("eval", "summarise", "--format", "json")
    person = json.loads(cli("people", "list", "--format", "json").output)[0]
    kept = list((coprod_home / "cache").rglob("*.json"))
    assert any(person["id"].encode() in p.read_bytes() for p in kept)
    cli("people", "forget", person["id"], "--yes")
    cli("eval", "summarise", "--format", "json")  # kept again, from the records as they are
    for path in (coprod_home / "cache").rglob("*"):
        if path.is_file():
            assert person["id"].encode() not in path.read_bytes(), path
            assert person["name"].encode() not in path.read_bytes(), path


def test_a_kept_part_damaged_inside_is_computed_again(store: Store) -> None:
    """A file whose heading matches (format, version, sources) but whose part will not
    decode is only found wanting when merged: that year is computed and kept afresh."""
    fresh = _summary(store, Filters(), keep=False)
    _summary(store, Filters(), keep=True)
    for path in _kept_files(store):
        heading, part = _read_kept(path)
        part["ids"] = [["a"], []]
        _write_kept(path, heading, part)
    assert _summary(store, Filters(), keep=True) == fresh
    for path in _kept_files(store):
        part = _read_kept(path)[1]
        assert len(part["ids"][0]) == len(part["ids"][1])  # rebuilt whole


def _in_processes(store: Store, filters: Filters, keep: bool, processes: int
                  ) -> dict[str, Any]:
    return summarise(store, filters, FORM, MEASURES, min_gap_weeks=4, processes=processes,
                     keep_in=store.derived_dir("summary") if keep else None)


def test_the_same_figures_on_one_core_or_two(store: Store) -> None:
    """Years computed by a forked worker (every other year) and sent back encoded are
    merged into exactly the figures one process makes, kept or not, in every filter set."""
    for filters in FILTERS:
        alone = _in_processes(store, filters, keep=False, processes=1)
        assert _in_processes(store, filters, keep=False, processes=2) == alone, filters
        assert _in_processes(store, filters, keep=True, processes=2) == alone, filters
        assert _in_processes(store, filters, keep=True, processes=2) == alone, filters
        assert _shared(_in_processes(store, filters, keep=True, processes=1)) == \
            _shared(alone), filters


def test_the_worker_keeps_its_years_owner_only(store: Store, monkeypatch) -> None:
    _in_processes(store, Filters(), keep=True, processes=2)
    files = _kept_files(store)
    assert len(_year_files(store)) == 6  # 2024 and 2026 by the parent, 2025 by the worker
    assert all(os.stat(path).st_mode & 0o777 == 0o600 for path in files)
    calls: list[int] = []
    real = tally.year_part
    monkeypatch.setattr("coprod_cli.evaluation.summary.year_part",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    assert _in_processes(store, Filters(), keep=True, processes=2) == \
        _in_processes(store, Filters(), keep=False, processes=1)
    assert len(calls) == 3  # only the pass that keeps nothing read the records again


def test_a_failing_worker_costs_time_not_figures(store: Store, monkeypatch) -> None:
    """The worker cannot compute its years (here: a memory error in it): the parent computes
    them itself, and keeps them."""
    from coprod_cli.evaluation import summary

    parent = os.getpid()
    real = summary.year_part

    def compute_in_parent_only(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise MemoryError
        return real(*args, **kwargs)

    alone = _in_processes(store, Filters(), keep=False, processes=1)
    monkeypatch.setattr(summary, "year_part", compute_in_parent_only)
    assert _in_processes(store, Filters(), keep=True, processes=2) == alone
    assert len(_year_files(store)) == 6


def test_a_worker_that_cannot_keep_costs_time_next_time(store: Store, monkeypatch) -> None:
    """The worker sends each part before keeping it: if keeping fails there (a full disk,
    here a memory error), the figures are the same, that year is not kept, and the next
    summary computes it again and keeps it."""
    from coprod_cli.evaluation import kept as kept_parts

    parent = os.getpid()
    real = kept_parts.encode

    def encode_in_parent_only(part: dict[str, Any]) -> dict[str, Any]:
        if os.getpid() != parent:
            raise MemoryError
        return real(part)

    alone = _in_processes(store, Filters(), keep=False, processes=1)
    monkeypatch.setattr(kept_parts, "encode", encode_in_parent_only)
    assert _in_processes(store, Filters(), keep=True, processes=2) == alone
    assert len(_year_files(store)) == 4  # the worker's year (2025) was not kept
    monkeypatch.setattr(kept_parts, "encode", real)
    computed = _counting(monkeypatch)
    (run,) = [r for r in store.all("runs", partition="2025")]
    store.update("runs", run["id"], {"notes": run.get("notes", [])}, partition="2025")
    assert _in_processes(store, Filters(), keep=True, processes=2) == alone
    # its runs changed, so both halves: the worker computes one, this process the other
    assert computed == ["2025.attendance"]
    assert len(_year_files(store)) == 6


def _counting(monkeypatch) -> list[str]:
    years: list[str] = []
    real = tally.year_part

    def counted(read: Any, *args: Any, **kwargs: Any) -> Any:
        half = kwargs.get("half")
        years.append(read.args[1] + (f".{half}" if half else ""))  # partial(_read, store, year)
        return real(read, *args, **kwargs)

    monkeypatch.setattr("coprod_cli.evaluation.summary.year_part", counted)
    return years


def test_a_change_in_the_latest_year_reads_the_merged_earlier_years(store: Store,
                                                                    monkeypatch) -> None:
    """The years before the latest are kept merged too: after a change in the latest year
    only that year is computed, and no earlier year's part is even read."""
    everyone = {p["name"]: p for p in store.all("people")}
    run_session(store, "relationships-trust", "2026-02-09", everyone["Sam"], None,
                [everyone["Bo"]], {everyone["Bo"]["id"]: {"enjoyed": 1}})
    assert_kept_equals_fresh(store)
    merged = [p for p in _kept_files(store) if p.name.startswith(CUMULATIVE)]
    assert len(merged) == len({str(f.service) + str(f.theme) + str(f.session)
                               for f in FILTERS if not f.date_from and not f.date_to})
    assert all(os.stat(path).st_mode & 0o777 == 0o600 for path in merged)
    form = next(f for f in store.all("feedback", partition="2026"))
    store.update("feedback", form["id"], {"answers": {**form["answers"], "enjoyed": 2}},
                 partition="2026")
    years = _counting(monkeypatch)
    read: list[str] = []
    real_find = kept_parts.KeptParts.find
    monkeypatch.setattr(kept_parts.KeptParts, "find",
                        lambda self, year, *a: read.append(year) or real_find(self, year, *a))
    assert _summary(store, Filters(), keep=True) == _summary(store, Filters(), keep=False)
    # the kept run (feedback changed: that half alone), then from scratch
    assert years == ["2026.feedback", "2024", "2025", "2026"]
    assert read == [CUMULATIVE, "2026.attendance", "2026.feedback"]


def test_a_change_in_an_earlier_year_is_seen(store: Store, monkeypatch) -> None:
    assert_kept_equals_fresh(store)
    form = next(f for f in store.all("feedback", partition="2024"))
    store.update("feedback", form["id"], {"answers": {**form["answers"], "enjoyed": 1}},
                 partition="2024")
    years = _counting(monkeypatch)
    assert _summary(store, Filters(), keep=True) == _summary(store, Filters(), keep=False)
    assert years == ["2024.feedback", "2024", "2025", "2026"]  # 2024's feedback, then all
    assert_kept_equals_fresh(store)


def test_the_merged_years_are_those_totals_exactly(store: Store) -> None:
    """Totals.as_part added to new totals gives the same report as the parts it merged."""
    from coprod_cli.evaluation.totals import Totals

    parts = [tally.year_part(lambda table, y=year: store.pieces(table, y),
                             Filters().keeps, FORM, MEASURES, {}, privacy.REMOVED_TEXT)
             for year in ("2024", "2025", "2026")]

    def report(totals: Totals) -> list[Any]:
        return [totals.reach(), totals.coproduction(), totals.experience(),
                totals.trend_report(), totals.outcome_report(), totals.comments,
                totals.first_attended, totals.period()]

    one_by_one = Totals(FORM, MEASURES, {}, 4, {})
    earlier = Totals(FORM, MEASURES, {}, 4, {})
    for part in parts:
        one_by_one.add(part)
    for part in parts[:2]:
        earlier.add(part)
    merged = Totals(FORM, MEASURES, {}, 4, {})
    merged.add(kept_parts.decode(orjson.loads(orjson.dumps(kept_parts.encode(
        earlier.as_part())))))
    merged.add(parts[2])
    assert report(merged) == report(one_by_one)


def test_the_latest_year_on_a_worker_while_the_earlier_years_are_read(store: Store) -> None:
    """After a change in the latest year, a worker computes it while the parent reads the
    merged earlier years; the worker keeps it, and the figures are the fresh ones."""
    assert _in_processes(store, Filters(), keep=True, processes=2) == \
        _in_processes(store, Filters(), keep=False, processes=1)
    form = next(f for f in store.all("feedback", partition="2026"))
    store.update("feedback", form["id"], {"answers": {**form["answers"], "enjoyed": 3}},
                 partition="2026")
    latest = [p for p in _year_files(store) if p.name.startswith("2026.feedback-")]
    attended = [p for p in _year_files(store) if p.name.startswith("2026.attendance-")]
    before = [_read_kept(p) for p in latest]
    unchanged = [_read_kept(p) for p in attended]
    assert latest and attended
    fresh = _in_processes(store, Filters(), keep=False, processes=1)
    assert _in_processes(store, Filters(), keep=True, processes=2) == fresh
    assert [_read_kept(p) for p in latest] != before  # kept afresh, by the worker
    assert [_read_kept(p) for p in attended] == unchanged  # its files did not change
    assert _in_processes(store, Filters(), keep=True, processes=1) == fresh


def test_the_daily_backup_keeps_what_was_summarised(store: Store, home: Path,
                                                    monkeypatch) -> None:
    """The first write of a day hard-links every record file into the day's backup, which
    changes each file's change time but not a byte: nothing kept may be thrown away for it,
    and the write itself is still seen."""
    _summary(store, Filters(), keep=True)
    for folder in (home / "backups").glob("*"):
        shutil.rmtree(folder)  # as at midnight: the next write is the first of its day
    pid = store.all("people")[0]["id"]
    store.update("people", pid, {"name": "Renamed"})  # not a table any part reads
    assert list((home / "backups").glob("*")), "the write made the day's backup"
    _assert_only_the_fresh_pass_computes(store, monkeypatch)


def test_a_years_two_halves_join_to_the_whole_year(store: Store) -> None:
    """A year kept in halves (tally.HALVES) is the whole year's part exactly, in every
    filter set: joined from halves computed apart, and split from the whole."""
    for filters in FILTERS:
        for year in ("2024", "2025", "2026"):
            def part(half: str | None, year: str = year,
                     filters: Filters = filters) -> dict[str, Any]:
                return tally.year_part(lambda table: store.pieces(table, year),
                                       filters.keeps, FORM, MEASURES, {},
                                       privacy.REMOVED_TEXT, half=half)

            whole, attended, rated = part(None), part("attendance"), part("feedback")
            assert tally.join(attended, rated) == whole, (year, filters)
            assert tally.split(whole) == (attended, rated), (year, filters)
            assert "forms" not in attended and "seen" not in rated


def test_one_changed_year_is_shared_by_the_two_processes(store: Store, monkeypatch) -> None:
    """A session added in the latest year changes its runs, so both halves of that year
    are computed again: one here, one in the worker at the same time; the figures are the
    fresh ones and both halves are kept afresh."""
    assert _in_processes(store, Filters(), keep=True, processes=2) == \
        _in_processes(store, Filters(), keep=False, processes=1)
    halves = {p.name.split("-")[0]: _read_kept(p) for p in _year_files(store)
              if p.name.startswith("2026.")}
    everyone = {p["name"]: p for p in store.all("people")}
    run_session(store, "relationships-trust", "2026-03-09", everyone["Sam"], None,
                [everyone["Bo"], everyone["Ana"]], {everyone["Bo"]["id"]: {"enjoyed": 2}})
    fresh = _in_processes(store, Filters(), keep=False, processes=1)
    computed = _counting(monkeypatch)
    assert _in_processes(store, Filters(), keep=True, processes=2) == fresh
    assert computed == ["2026.attendance"]  # and the worker the feedback half
    after = {p.name.split("-")[0]: _read_kept(p) for p in _year_files(store)
             if p.name.startswith("2026.")}
    assert after.keys() == halves.keys() == {"2026.attendance", "2026.feedback"}
    assert all(after[name] != halves[name] for name in halves)
    computed.clear()
    assert _in_processes(store, Filters(), keep=True, processes=2) == fresh
    assert computed == []  # both halves read back as kept
