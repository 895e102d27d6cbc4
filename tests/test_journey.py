"""A person's journey, the roadmap of ways to get involved, and the report's roadmap counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from coprod_cli import config
from coprod_cli.evaluation.suppression import Hidden, suppress
from coprod_cli.people import journey
from coprod_cli.store.database import Store
from tests.page_ends import bad_page_ends
from tests.sample_records import build_org, report


@contextmanager
def governance() -> Iterator[None]:
    """Groups and panels are both declared on main now; kept as one place to add more."""
    yield


@pytest.fixture
def home_store(coprod_home: Path) -> Store:
    config.ensure_home(coprod_home)
    return Store.open(config.store_dir(coprod_home))


def add_governance(store: Store, who: dict[str, dict]) -> None:
    from coprod_cli.groups import membership

    ids = {k: v["id"] for k, v in who.items()}
    membership.add_group(store, "Members' committee", "committee")
    membership.add_group(store, "Garden group", "peer-support")
    for group, person, office, start, until in (
            ("Members' committee", "Ana", "member", "2026-03-01", "2026-05-31"),
            ("Members' committee", "Ana", "chair", "2026-06-01", None),
            ("Garden group", "Bo", "treasurer", "2026-04-01", None),
            ("Members' committee", "Dee", "member", "2026-01-01", None),  # before she came
            ("Members' committee", "Sam", "secretary", "2026-03-01", None)):  # never attended
        membership.join(store, group, ids[person], office=office, start=start, until=until)
    from coprod_cli.panels.planning import plan_panel

    plan_panel(store, post="Support worker", day="2026-04-20",
               members=[ids["Ana"], ids["Bo"], ids["Sam"]], questions=[],
               own=["Tell us about a time you listened."])
    plan_panel(store, post="Cook", day="2026-05-20", members=[ids["Ana"]],  # counted once
               questions=[], own=["What would you cook for a birthday?"])


def test_journey_is_their_own_story_first_to_latest(cli, clock, home_store: Store,
                                                     coprod_home: Path) -> None:
    with governance():
        who = build_org(home_store)
        add_governance(home_store, who)
        (coprod_home / "toolkit").mkdir()
        (coprod_home / "toolkit" / "contributions.json").write_text(json.dumps([
            {"title": "Noticing our strengths", "shared_at": "2026-07-01", "added_at":
             "2026-07-02", "credits": [{"name": "ana", "role": "person using services",
                                        "service": "Beech House", "part": "wrote step 2"},
                                       {"name": "Bo", "role": "carer", "service": "",
                                        "part": ""}]}]))
        from coprod_cli.meetings.agenda import plan_meeting

        for day in ("2026-06-10", "2026-12-20"):  # the second is still to come
            met = plan_meeting(home_store, "Members' committee", date=day, time="18:00",
                               place="Lounge", items=["Garden update:10:Ana", "Menus:10:Bo"])
            # as 'meeting run' records who came: Ana there, Dee sent apologies
            home_store.update("meetings", met["id"], {"attendance": [
                {"person_id": who["Ana"]["id"], "status": "present"},
                {"person_id": who["Dee"]["id"], "status": "apologies"}]})
        cli("involve", "log", "Ana", "--activity", "Reviewed the leaflet", "--date",
            "2026-06-15", "--fee", "20")
        cli("involve", "log", "Bo", "--activity", "Stall", "--date", "2026-06-15", "--fee", "5")
        events = journey.journey(home_store, who["Ana"], toolkit_dir=coprod_home / "toolkit")
        assert [(e.date, e.what) for e in events] == [
            ("2026-01-10", "You came to the session \u201cFive ways to wellbeing\u201d."),
            ("2026-02-10", "You helped to lead the session \u201cNoticing our strengths\u201d."),
            ("2026-03-01", "You joined Members' committee."),
            ("2026-04-20", "You sat on the interview panel for Support worker."),
            ("2026-05-20", "You sat on the interview panel for Cook."),
            ("2026-05-31", "You left Members' committee."),
            ("2026-06-01", "You became chair of Members' committee."),
            ("2026-06-10", "You came to the Members' committee meeting."),
            ("2026-06-10", "You led \u201cGarden update\u201d at the Members' committee "
                           "meeting."),
            ("2026-06-15", "You gave your time: Reviewed the leaflet."),
            ("2026-07-01", "You helped make the session \u201cNoticing our strengths\u201d "
                           "(wrote step 2).")]
        out = coprod_home.parent / "ana.md"
        said = cli("people", "journey", "Ana", "--out", str(out)).text
        assert said == f"Wrote {out}: 11 things Ana has done.\n"
        text = out.read_text()
        assert "Bo" not in text and "Stall" not in text and "Garden group" not in text
        assert "Menus" not in text
        assert text.index("10 January 2026") < text.index("1 July 2026")
        for style in ("easy-read", "standard", "large-print"):
            pdf = coprod_home.parent / f"ana-{style}.pdf"
            cli("people", "journey", "Ana", "--style", style, "--out", str(pdf))
            assert bad_page_ends(pdf) == [], style
        html = coprod_home.parent / "ana.html"
        cli("people", "journey", "Ana", "--out", str(html))
        assert "<svg" in html.read_text()  # a picture beside each thing they did


def test_journey_with_nothing_yet_and_forgotten_people(cli, clock, coprod_home: Path) -> None:
    cli("people", "add", "Eli", "--role", "carer")
    out = coprod_home.parent / "eli.md"
    cli("people", "journey", "Eli", "--out", str(out))
    assert "Nothing is recorded yet." in out.read_text()
    cli("involve", "log", "Eli", "--activity", "Panel", "--date", "2026-11-20", "--fee", "5")
    cli("people", "forget", "Eli", "--yes")
    result = cli("people", "journey", "Eli", "--out", str(out), code=1)
    assert "There is nobody called 'Eli' in the register." in result.text


def test_report_counts_people_who_moved_along_the_roadmap(home_store: Store) -> None:
    who = build_org(home_store)
    before = report(home_store)["coproduction"]  # no governance records yet
    assert (before["moved_to_panel_member"], before["moved_to_committee_member"],
            before["moved_to_officer"]) == (0, 0, 0)
    with governance():
        add_governance(home_store, who)
        co = report(home_store)["coproduction"]
        # Ana and Bo came to a session before their panel; Sam never attended: 2 people,
        # Ana counted once for two panels. Committee: Ana (Dee joined before she came).
        # Officers: Ana (chair) and Bo (treasurer); Sam's office is not a move.
        assert (co["moved_to_panel_member"], co["moved_to_committee_member"],
                co["moved_to_officer"]) == (2, 1, 2)
        shared = suppress(report(home_store), 2)
        assert shared["coproduction"]["moved_to_committee_member"] == "fewer than 2"
        assert isinstance(shared["coproduction"]["moved_to_committee_member"], Hidden)
        assert shared["coproduction"]["moved_to_officer"] == 2
        from coprod_cli.evaluation.report_print import to_report_markdown

        text = to_report_markdown(suppress(report(home_store), 5), organisation="",
                                  service="", prepared="")
        assert "People who moved from attendee to interview panel member: fewer than 5" in text


def test_eval_summarise_shows_the_roadmap_counts(cli, home_store: Store) -> None:
    build_org(home_store)
    text = cli("--plain", "eval", "summarise").text
    assert "People who moved from attendee to committee member: 0." in text
    data = json.loads(cli("eval", "summarise", "--format", "json").output)
    assert data["coproduction"]["moved_to_officer"] == 0


def test_roadmap_in_every_style_reads_well(cli, tmp_path: Path) -> None:
    for style in ("easy-read", "standard", "large-print"):
        out = tmp_path / f"ways-{style}.pdf"
        assert cli("involve", "roadmap", "--style", style, "--out", str(out)).text == \
            f"Wrote {out}: 7 steps.\n"
        assert bad_page_ends(out) == [], style
        from pypdf import PdfReader

        words = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
        assert "Step 1 of 7: Come to a session" in words
        assert "Step 7 of 7: Join the committee" in words
    md = tmp_path / "ways.md"
    cli("involve", "roadmap", "--out", str(md))
    assert md.read_text().count("[picture ") == 9  # a picture for each of 7 steps, and 2 more


def test_the_organisations_own_ways_replace_the_built_in(cli, coprod_home: Path,
                                                          tmp_path: Path) -> None:
    own = coprod_home / "data" / "involvement" / "ways.yaml"
    own.parent.mkdir(parents=True)
    own.write_text("ways:\n  - key: garden\n    title: Help in the garden\n    words: [Plant "
                   "bulbs with us.]\n    involves: An hour on Fridays.\n    picture: garden\n")
    out = tmp_path / "ours.md"
    assert "1 steps" in cli("involve", "roadmap", "--out", str(out)).text
    text = out.read_text()
    assert "[picture garden] Plant bulbs with us." in text and "committee" not in text
    own.write_text("ways:\n  - key: garden\n    title: Garden\n    words: [Dig.]\n"
                   "    involves: An hour.\n    picture: spade\n")
    result = cli("involve", "roadmap", "--out", str(tmp_path / "bad.md"), code=1)
    assert "there is no picture called 'spade'" in result.text
    assert "ways.yaml:6" in result.text
    assert not (tmp_path / "bad.md").exists()


def test_journey_sources_are_one_per_table() -> None:
    names = [source.__name__ for source in journey.SOURCES]
    assert names == ["attended", "facilitated", "groups", "meetings", "involvement",
                     "toolkit_credits", "panels"]
    ctx: Any = journey.Context(Store.memory(), {"id": "x", "name": "Nobody"})
    assert all(source(ctx) == [] for source in journey.SOURCES)
