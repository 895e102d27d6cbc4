"""Rotas and groups through the real command line: make, save, list, show and swap; people
who left a group are never on its rota or suggested and paired in it; bad input refused with
one sentence, a non-zero exit and the store unchanged."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.page_ends import bad_page_ends

GROUP = "Allotment group"
FREE = {"Ceri": "mon-am,wed-pm", "Dai": "", "Eira": "fri-am,mon-pm", "Ffion": "",
        "Gethin": "mon-am,wed-am,fri-am"}


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock.owner"))}


@pytest.fixture
def group(cli) -> str:  # noqa: ANN001
    cli("group", "add", GROUP, "--kind", "peer-support")
    for name, free in FREE.items():
        cli("people", "add", name)
        cli("group", "join", GROUP, name, "--from", "2026-11-01")
        if free:
            cli("people", "edit", name, "--available", free, "--interest", "gardening")
    return GROUP


def _make(cli, *extra: str, code: int = 0):  # noqa: ANN001, ANN202
    return cli("rota", "make", GROUP, "--task", "Watering", "--task", "Weeding:2", "--days",
               "mon,wed,fri", "--weeks", "2", "--start", "2026-12-07", *extra, code=code)


def _saved(cli) -> dict:  # noqa: ANN001
    rota_id = json.loads(cli("rota", "list", "--format", "json").output)[0]["id"]
    return json.loads(cli("rota", "show", rota_id, "--format", "json").output)


def test_rota_make_is_fair_available_and_saved_only_when_asked(cli, group: str,
                                                               coprod_home: Path) -> None:
    before = _snapshot(coprod_home)
    shown = _make(cli).text
    assert "Monday 7 December" in shown and "Turns:" in shown
    assert "No free days recorded, so counted as free every day: Dai, Ffion." in shown
    assert _snapshot(coprod_home) == before  # nothing saved without --save
    assert "Saved as rota" in _make(cli, "--save").text
    rota = _saved(cli)
    names = rota["names"]
    turns = Counter(names[s["person_id"]] for d in rota["dates"] for s in d["shifts"])
    # Dai, Ffion and Gethin are free on every rota day: within one of each other
    full = [turns[n] for n in ("Dai", "Ffion", "Gethin")]
    assert max(full) - min(full) <= 1
    assert sum(turns.values()) == 6 * 3
    for day in rota["dates"]:
        weekday = date.fromisoformat(day["date"]).strftime("%a").lower()
        for shift in day["shifts"]:
            free = FREE[names[shift["person_id"]]]
            assert not free or weekday in free
    assert "Allotment group, from 2026-12-07 for 2 weeks on Mondays, Wednesdays, Fridays" \
        in cli("rota", "list").text
    shown = cli("rota", "show", rota["id"][:6]).text
    assert "Turns: " + ", ".join(f"{n} {turns[n]}" for n in sorted(FREE)) + "." in shown


def test_rota_prints_as_an_easy_read_pdf(cli, group: str, tmp_path: Path) -> None:
    out = tmp_path / "rota.pdf"
    _make(cli, "--format", "pdf", "--out", str(out))
    reader = PdfReader(out)
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    assert "Allotment group rota" in text and "Weeding: 2 people each day." in text
    assert "The whole rota" in text
    assert bad_page_ends(out) == []


def test_rota_swap_changes_one_turn_checks_it_and_keeps_the_change(cli, group: str,
                                                                   coprod_home: Path) -> None:
    _make(cli, "--save")
    rota = _saved(cli)
    rid, names = rota["id"][:6], rota["names"]
    monday = rota["dates"][0]
    waterer = names[next(s["person_id"] for s in monday["shifts"] if s["task"] == "Watering")]
    on_day = {names[s["person_id"]] for s in monday["shifts"]}
    spare = sorted(n for n in ("Dai", "Ffion") if n not in on_day)
    weeder = sorted(names[s["person_id"]] for s in monday["shifts"] if s["task"] == "Weeding")
    cli("people", "add", "Zed")
    before = _snapshot(coprod_home)
    # refused, with nothing changed
    cases = [
        (["--to", "Zed"], "Zed is not a member of Allotment group on 2026-12-07, so nothing "
                          "was changed."),
        (["--date", "2026-12-08"], "The rota has no 2026-12-08, so nothing was changed."),
        (["--task", "Digging"], "The rota has no task 'Digging', so nothing was changed."),
        (["--from", weeder[0], "--to", waterer],
         f"{weeder[0]} is not on Watering on 2026-12-07"),
        (["--to", waterer], "--from and --to are the same person"),
    ]
    for change, message in cases:
        args = {"--date": "2026-12-07", "--task": "Watering", "--from": waterer,
                "--to": weeder[0]}
        args.update(dict(zip(change[::2], change[1::2], strict=True)))
        result = cli("rota", "swap", rid, *[x for kv in args.items() for x in kv], code=None)
        assert result.exit_code in (1, 2)
        assert message in result.output, (change, result.output)
    assert _snapshot(coprod_home) == before
    # Ceri is free on Mondays and Wednesdays only, so never on a Friday, and cannot swap in
    friday = rota["dates"][2]
    fri_waterer = names[next(s["person_id"] for s in friday["shifts"]
                             if s["task"] == "Watering")]
    assert fri_waterer != "Ceri"
    result = cli("rota", "swap", rid, "--date", "2026-12-11", "--task", "Watering",
                 "--from", fri_waterer, "--to", "Ceri", code=1)
    assert "Ceri is not free on Fridays, so nothing was changed." in result.output
    assert _snapshot(coprod_home) == before
    # someone already on another task that day exchanges tasks
    text = cli("rota", "swap", rid, "--date", "2026-12-07", "--task", "Watering",
               "--from", waterer, "--to", weeder[0]).text
    assert f"{weeder[0]} does Watering on 2026-12-07; {waterer} does Weeding instead." in text
    assert spare  # five members, three on each day
    cli("rota", "swap", rid, "--date", "2026-12-07", "--task", "Weeding", "--from",
        waterer, "--to", spare[0])
    after = _saved(cli)
    assert len(after["changes"]) == 2
    monday_after = {after["names"][s["person_id"]] for s in after["dates"][0]["shifts"]}
    assert spare[0] in monday_after and waterer not in monday_after
    assert after["changes"][0]["other_task"] == "Weeding"
    assert "instead of" in cli("rota", "show", rid).text


@pytest.mark.parametrize(("args", "message", "code"), [
    (["--task", "Weeding:6", "--days", "mon"],
     "'Weeding' needs 6 people but Allotment group has 5 current members, so nothing was "
     "saved.", 1),
    (["--task", "Watering:3", "--task", "Weeding:3", "--days", "mon"],
     "The tasks need 6 different people each day but Allotment group has 5 current "
     "members", 1),
    (["--task", "Weeding:3", "--days", "tue"],
     "On Tuesdays only 2 members are free, but the tasks need 3, so nothing was saved.", 1),
    (["--task", "Weeding", "--days", "mon,funday"], "'funday' is not a day of the week.", 2),
    (["--task", "Weeding", "--days", "mon", "--weeks", "0"],
     "A rota runs for at least one week, not 0.", 2),
    (["--task", "Weeding:x", "--days", "mon"], "the number of people after ':' must be", 2),
    (["--task", "Weeding", "--task", "weeding", "--days", "mon"],
     "The task 'weeding' is given twice.", 2),
])
def test_rota_bad_input_is_refused_with_nothing_saved(cli, group: str, coprod_home: Path,
                                                      args: list[str], message: str,
                                                      code: int) -> None:
    before = _snapshot(coprod_home)
    result = cli("rota", "make", GROUP, "--save", *args, code=code)
    assert message in " ".join(result.output.split())
    assert _snapshot(coprod_home) == before


def test_a_day_with_no_free_members_is_refused(cli, coprod_home: Path) -> None:
    cli("group", "add", "Tiny", "--kind", "other")
    for name in ("Ann", "Bob"):
        cli("people", "add", name)
        cli("people", "edit", name, "--available", "mon-am")
        cli("group", "join", "Tiny", name)
    before = _snapshot(coprod_home)
    result = cli("rota", "make", "Tiny", "--task", "Tea", "--days", "mon,sat", "--save",
                 code=1)
    assert "On Saturdays no members are free, but the tasks need 1, so nothing was saved." \
        in " ".join(result.output.split())
    assert _snapshot(coprod_home) == before


def test_people_who_left_the_group_are_left_out_of_rotas_and_pairs(cli, group: str,
                                                                    coprod_home: Path) -> None:
    cli("group", "leave", GROUP, "Ceri", "--on", "2026-11-20")
    _make(cli, "--save")
    assert "Ceri" not in _saved(cli)["names"].values()
    suggested = json.loads(cli("pairs", "suggest", "--group", GROUP, "--format",
                               "json").output)
    assert "Ceri" not in json.dumps(suggested)
    assert {p["name"] for s in suggested["matched"] for p in s["people"]} == {"Eira",
                                                                              "Gethin"}
    before = _snapshot(coprod_home)
    result = cli("pairs", "make", "Ceri", "Eira", "--group", GROUP, code=1)
    assert "Ceri is not a current member of that group (or has left it), so nothing was " \
        "saved." in " ".join(result.output.split())
    assert _snapshot(coprod_home) == before
    cli("pairs", "make", "Eira", "Gethin", "--group", GROUP)


def test_forget_and_export_cover_rotas(cli, group: str, tmp_path: Path) -> None:
    _make(cli, "--save")
    out = tmp_path / "dai.json"
    cli("people", "export", "Dai", "--out", str(out))
    assert len(json.loads(out.read_text(encoding="utf-8"))["rotas"]) == 1
    dai_id = json.loads(out.read_text(encoding="utf-8"))["person"]["id"]
    cli("people", "forget", "Dai", "--yes")
    assert dai_id not in json.dumps(_saved(cli))


def test_rota_show_lists_members_with_no_turns(cli) -> None:
    cli("group", "add", "Tiny", "--kind", "other")
    for name, free in (("Ann", "mon-am"), ("Bob", "tue-am")):
        cli("people", "add", name)
        cli("people", "edit", name, "--available", free)
        cli("group", "join", "Tiny", name, "--from", "2026-11-01")
    cli("rota", "make", "Tiny", "--task", "Tea", "--days", "mon", "--weeks", "2", "--start",
        "2026-12-07", "--save")
    rota_id = json.loads(cli("rota", "list", "--format", "json").output)[0]["id"]
    assert "Turns: Ann 2, Bob 0." in cli("rota", "show", rota_id).text
