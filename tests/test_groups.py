"""Issue 18, items 1 and 2 (the agenda): groups, members with offices and terms, and planning a
meeting with its standing items. Through the real command line, bad input included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coprod_cli.days import parse_time

GROUP = "Making Days Committee"


def _files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "backups" not in p.parts and not p.name.endswith(".owner")}


@pytest.fixture
def committee(cli) -> None:  # noqa: ANN001
    cli("people", "add", "Siân", "--role", "person-using-services")
    cli("people", "add", "Dai", "--role", "staff")
    cli("people", "add", "Łucja", "--role", "carer")
    cli("group", "add", GROUP, "--kind", "committee")


def test_a_group_with_officers_and_terms(cli, committee) -> None:  # noqa: ANN001
    out = cli("group", "join", "making days committee", "Siân", "--office", "chair",
              "--from", "2026-01-05", "--until", "2027-01-04").text
    assert "Siân is chair of Making Days Committee from 2026-01-05 until 2027-01-04." in out
    assert "lived experience" in out
    cli("group", "join", GROUP, "Dai", "--from", "2026-01-05")
    cli("group", "join", GROUP, "Łucja", "--office", "co-chair", "--from", "2026-02-01")
    shown = cli("group", "show", GROUP, "--on", "2026-06-01").text
    assert "3 members on 2026-06-01; a meeting needs 2 of them (more than half the members)." \
        in shown
    lines = [line.strip() for line in shown.splitlines() if line.startswith("  ")]
    assert lines == ["Siân, chair (lived experience), since 2026-01-05, term ends 2027-01-04",
                     "Łucja, co-chair, since 2026-02-01", "Dai, member, since 2026-01-05"]
    # Before Łucja's term started she is not a member; after Siân's ended, nor is she.
    early = json.loads(cli("group", "show", GROUP, "--on", "2026-01-20", "--format",
                           "json").output)
    assert sorted(m["name"] for m in early["members"]) == ["Dai", "Siân"]
    late = json.loads(cli("group", "show", GROUP, "--on", "2027-02-01", "--format",
                          "json").output)
    assert sorted(m["name"] for m in late["members"]) == ["Dai", "Łucja"]
    listed = json.loads(cli("group", "list", "--format", "json").output)
    assert [g["name"] for g in listed] == [GROUP] and listed[0]["id"].startswith("grp-")


def test_a_member_taking_an_office_keeps_their_old_term(cli, committee) -> None:  # noqa: ANN001
    cli("group", "join", GROUP, "Dai", "--from", "2026-01-05")
    out = cli("group", "join", GROUP, "Dai", "--office", "secretary", "--from",
              "2026-03-01").text
    assert "Their term as member ends the day before." in out
    from coprod_cli.groups.membership import find_group, terms
    from coprod_cli.store.database import Store

    store = Store.open(Path(__import__("os").environ["COPROD_HOME"]) / "store")
    held = [(t["office"], t["start"], t["until"])
            for t in terms(store, find_group(store, GROUP)["id"])]
    assert held == [("member", "2026-01-05", "2026-02-28"), ("secretary", "2026-03-01", None)]
    cli("group", "leave", GROUP, "Dai", "--on", "2026-05-31")
    gone = json.loads(cli("group", "show", GROUP, "--on", "2026-06-01", "--format",
                          "json").output)
    assert gone["members"] == []


@pytest.mark.parametrize("args, message", [
    (("group", "add", GROUP), "There is already a group called 'Making Days Committee'"),
    (("group", "add", "Board", "--kind", "club"), "'club' is not a kind of group."),
    (("group", "add", "Board", "--quorum", "0"), "A quorum of 0 is not possible"),
    (("group", "join", "Nope", "Dai"), "There is no group called 'Nope'."),
    (("group", "join", GROUP, "Nobody"), "There is nobody called 'Nobody'"),
    (("group", "join", GROUP, "Dai", "--office", "king"), "'king' is not an office"),
    (("group", "join", GROUP, "Dai", "--office", "chair"),
     "Making Days Committee already has a chair: Siân; nothing was saved."),
    (("group", "join", GROUP, "Siân", "--office", "chair"),
     "Siân is already the chair of Making Days Committee; nothing was changed."),
    (("group", "join", GROUP, "Dai", "--from", "2026-05-01", "--until", "2026-04-01"),
     "The term would end (2026-04-01) before it starts (2026-05-01)"),
    (("group", "join", GROUP, "Dai", "--from", "2026-02-30"), "'2026-02-30' is not a date"),
    (("group", "leave", GROUP, "Łucja"), "Łucja is not a member of Making Days Committee"),
    (("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "14:00", "--place", "Lounge",
      "--item", "Budget"), "The item 'Budget' needs its minutes"),
    (("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "25:00", "--place",
      "Lounge"), "'25:00' is not a time of day"),
    (("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "14:00", "--place", " "),
     "Say where the meeting is with --place"),
    (("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "14:00", "--place", "L",
      "--item", "Budget:999"), "planned for 999 minutes"),
    (("meeting", "plan", "Nope", "--date", "2027-01-12", "--time", "14:00", "--place", "L"),
     "There is no group called 'Nope'."),
])
def test_bad_input_is_one_sentence_and_saves_nothing(cli, committee, coprod_home: Path,
                                                     args: tuple[str, ...],
                                                     message: str) -> None:  # noqa: ANN001
    cli("group", "join", GROUP, "Siân", "--office", "chair")
    before = _files(coprod_home)
    result = cli(*args, code=None)
    assert result.exit_code != 0
    assert message in " ".join(result.text.split()), result.text
    assert "Traceback" not in result.output
    assert _files(coprod_home) == before


def test_a_meeting_gets_the_standing_items_around_its_own(cli, committee) -> None:  # noqa: ANN001
    out = cli("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "2pm", "--place",
              "Beech House lounge", "--item", "Our values: a first draft:20:Siân",
              "--item", "Garden budget:15").text
    assert "Planned the meeting on 2027-01-12 at 14:00 in Beech House lounge" in out
    assert "About 75 minutes in all." in out
    meetings = json.loads(cli("meeting", "list", "--format", "json").output)
    assert len(meetings) == 1 and meetings[0]["id"].startswith("mtg-20270112-")
    items = meetings[0]["items"]
    assert [i["title"] for i in items] == [
        "Welcome", "Apologies", "Declarations of interest",
        "Last meeting's minutes and open actions", "Our values: a first draft",
        "Garden budget", "Any other business", "Date of the next meeting"]
    values = items[4]
    assert values["minutes"] == 20 and values["lead"] == "Siân" and values["lead_id"]
    assert not values["standing"] and items[0]["standing"]
    shown = cli("meeting", "show", "2027-01-12").text
    assert "5. Our values: a first draft: 20 min (led by Siân)" in shown


def test_forget_and_export_cover_groups_and_meetings(cli, committee,
                                                     coprod_home: Path) -> None:  # noqa: ANN001
    cli("group", "join", GROUP, "Siân", "--office", "chair")
    cli("meeting", "plan", GROUP, "--date", "2027-01-12", "--time", "14:00", "--place",
        "Lounge", "--item", "Our values:20:Siân")
    exported = coprod_home.parent / "export.json"
    cli("people", "export", "Siân", "--out", str(exported))
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["group_memberships"][0]["office"] == "chair"
    assert data["meetings"][0]["items"][4]["lead"] == "Siân"
    person_id = json.loads(cli("people", "show", "Siân", "--format", "json").output)["id"]
    cli("people", "forget", "Siân", "--yes")
    store_files = b"".join(p.read_bytes() for p in (coprod_home / "store").rglob("*.json"))
    assert "Siân".encode() not in store_files
    # no file under the home keeps the id either: group and meeting records, the audit
    # trail (its entries from 'people add' and from the forget itself) and the backups
    holding = [p.relative_to(coprod_home).as_posix() for p in coprod_home.rglob("*")
               if p.is_file() and person_id.encode() in p.read_bytes()]
    assert holding == []
    assert json.loads(cli("group", "show", GROUP, "--format", "json").output)["members"] == []


@pytest.mark.parametrize("text, expected", [("14:00", "14:00"), ("2pm", "14:00"),
                                            ("9.30", "09:30"), ("12am", "00:00"),
                                            ("10:05 am", "10:05")])
def test_times_of_day_read_the_way_people_write_them(text: str, expected: str) -> None:
    assert parse_time(text) == expected


def test_people_review_counts_a_current_member_as_taking_part(cli) -> None:  # noqa: ANN001
    """A committee member who has come to no session for years is still taking part: the
    retention review must not offer them for deletion while they are a member."""
    from datetime import date

    from coprod_cli.groups import membership
    from coprod_cli.people import privacy
    from coprod_cli.store.database import Store

    store = Store.memory()
    from coprod_cli.people import register

    ann = register.add_person(store, "Ann", "person-using-services")
    bo = register.add_person(store, "Bo", "person-using-services")
    membership.add_group(store, GROUP, "committee")
    membership.join(store, GROUP, ann["id"], start="2027-01-01")
    membership.join(store, GROUP, bo["id"], start="2027-01-01", until="2027-06-30")
    later = date(2030, 1, 1)  # the register entries are from today, years before
    due = {p["name"]: (p["last_activity"], p["last_activity_was"])
           for p in privacy.due_for_review(store, 365, today=later)}
    assert "Ann" not in due  # still a member on the day of the review
    assert due["Bo"] == ("2027-06-30", "left a group")


def test_the_light_names_match_the_declarations() -> None:
    """The fixed words domain code reads from the package (so a read loads no declarations)
    are exactly the words the declarations accept."""
    from typing import get_args

    import coprod_cli.groups as groups
    import coprod_cli.votes as votes
    from coprod_cli.groups import tables as group_tables
    from coprod_cli.votes import tables as vote_tables

    assert get_args(group_tables.Kind) == groups.KINDS
    assert get_args(group_tables.Office) == groups.OFFICES
    assert get_args(group_tables.StatementKind) == groups.STATEMENT_KINDS
    assert get_args(vote_tables.Method) == votes.METHODS
