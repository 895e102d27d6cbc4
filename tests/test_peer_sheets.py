"""The printed easy-read papers of peer support: the "about your pairing" sheet and the
rota, read back with pypdf, checked for pages that end on a bare heading, and escaped."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from coprod_cli.peer.rota_print import rota_markdown, task_picture
from coprod_cli.peer.rotas import make_plan, member
from coprod_cli.peer.sheets import picture_for
from tests.page_ends import bad_page_ends


def _text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages)
                    .split())


def _pair(cli) -> str:  # noqa: ANN001
    for name, interests, free in (("Ceri", ["gardening", "football (Wrexham)"], "thu-pm"),
                                  ("Dai", ["allotment", "footy"], "thu-pm,fri-am")):
        cli("people", "add", name)
        args = ["people", "edit", name, "--available", free]
        for i in interests:
            args += ["--interest", i]
        cli(*args)
    cli("people", "add", "Sam", "--role", "staff")
    cli("pairs", "make", "Ceri", "Dai", "--facilitator", "Sam", "--agreed-on", "2026-11-02")
    return json.loads(cli("pairs", "list", "--format", "json").output)[0]["id"][:6]


def test_pairing_sheet_is_easy_read_with_what_they_like_when_and_who_to_call(
        cli, tmp_path: Path) -> None:
    pid = _pair(cli)
    out = tmp_path / "our-pairing.pdf"
    assert "Wrote" in cli("pairs", "sheet", pid, "--style", "easy-read", "--out",
                          str(out)).text
    text = _text(out)
    for said in ("About your pairing", "Ceri and Dai are a pair.",
                 "You both said yes on Monday 2 November 2026.",
                 "You both like gardening.", "You both like football.",
                 "You are both free on Thursday afternoons.", "Call Sam if you need help.",
                 "The first time is on Sunday 2 May 2027.", "You can stop at any time."):
        assert said in text, said
    assert len(PdfReader(out).pages) <= 2
    assert bad_page_ends(out) == []


def test_a_long_pairing_sheet_never_ends_a_page_on_a_heading(cli, tmp_path: Path) -> None:
    likes = ["gardening", "football", "music", "walking", "cooking", "reading", "history"]
    for name in ("Ann", "Bob"):
        cli("people", "add", name)
        cli("people", "edit", name, "--available", "mon-am,tue-pm,thu-pm,sat-eve",
            *[x for like in likes for x in ("--interest", like)])
    cli("people", "add", "Sam", "--role", "staff")
    cli("pairs", "make", "Ann", "Bob", "--facilitator", "Sam")
    pid = json.loads(cli("pairs", "list", "--format", "json").output)[0]["id"][:6]
    for style in ("easy-read", "large-print"):
        out = tmp_path / f"{style}.pdf"
        cli("pairs", "sheet", pid, "--style", style, "--out", str(out))
        assert bad_page_ends(out) == [], style
        assert "You both like history." in _text(out)


def test_pairing_sheet_refuses_a_file_it_cannot_write(cli, tmp_path: Path) -> None:
    pid = _pair(cli)
    result = cli("pairs", "sheet", pid, "--out", str(tmp_path / "sheet.docx"), code=2)
    assert "'sheet.docx' does not end in .pdf, .html or .md, so nothing was written." in \
        result.output
    assert not (tmp_path / "sheet.docx").exists()


def test_pairing_sheet_escapes_what_people_typed(cli, tmp_path: Path) -> None:
    for name in ("Ann **star**", "[write 3] Bob"):
        cli("people", "add", name)
        cli("people", "edit", name, "--interest", "gardening")
    cli("pairs", "make", "Ann **star**", "[write 3] Bob")
    pid = json.loads(cli("pairs", "list", "--format", "json").output)[0]["id"][:6]
    out = tmp_path / "sheet.md"
    cli("pairs", "sheet", pid, "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert "Ann \\*\\*star\\*\\* and \\[write 3\\] Bob are a pair." in text
    assert "[write 3] Bob" not in text.replace("\\[write 3\\] Bob", "")


def test_pictures_are_chosen_by_what_the_words_mean() -> None:
    assert [picture_for(k) for k in ("gardening", "football", "music", "chess")] == \
        ["garden", "ball", "music", "heart"]
    assert [task_picture(t) for t in ("Watering", "Weeding", "Harvest", "Making the tea",
                                      "Sweeping", "Counting")] == \
        ["watering", "trowel", "basket", "food", "broom", "job"]


def test_rota_prints_easy_read_with_a_picture_per_task_and_a_table(tmp_path: Path) -> None:
    from coprod_cli import render

    members = [member("a", "Ceri", ["mon-am", "wed-pm"]), member("b", "Dai", []),
               member("c", "Eira", ["fri-am", "mon-pm"]), member("d", "Ffion", [])]
    plan = make_plan(["Watering", "Weeding:2"], ["mon,wed,fri"], 2, date(2026, 12, 7),
                     members, group="Allotment group")
    record = {"group_name": "Allotment group", "start": "2026-12-07", "weeks": 2,
              "tasks": [{"name": t.name, "people": t.people} for t in plan.tasks],
              "days": plan.days,
              "dates": [{"date": d.isoformat(),
                         "shifts": [{"task": t, "person_id": p} for t, p in shifts]}
                        for d, shifts in plan.dates]}
    markdown = rota_markdown(record, {m.person_id: m.name for m in members})
    assert "[picture watering] Watering: 1 person each day." in markdown
    assert "[picture trowel] Weeding: 2 people each day." in markdown
    assert "| Day | Watering | Weeding |" in markdown
    out = render.render_document(markdown, out=tmp_path / "rota.pdf", fmt="pdf",
                                 style="easy-read", title="Allotment group rota")
    text = _text(out)
    assert "Monday 7 December" in text and "The whole rota" in text and "Turns each" in text
    assert bad_page_ends(out) == []
