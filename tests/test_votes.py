"""Votes in the store and at the command line: bad input refused with nothing saved, ballot
secrecy, casting and counting, forget and export of open votes' voters, ballot papers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coprod_cli import config
from coprod_cli.errors import CoprodError
from coprod_cli.store.database import Store
from coprod_cli.votes import BALLOTS, VOTES, records

MEETING = "m-test"


def _store(home: Path) -> Store:
    config.ensure_home(home)
    return Store.open(config.store_dir(home))


def _add(store: Store, **given: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"meeting_id": MEETING, "item": None, "question": "Who chairs?",
                              "options": ["Siân", "Dev", "Ceri"], "method": "irv"}
    fields.update(given)
    with store.transaction() as tx:
        return records.add_vote(tx, **fields)


def _cast(store: Store, vote_id: str, **ballot: Any) -> None:
    with store.transaction() as tx:
        records.cast_ballot(tx, vote_id, **ballot)


def _picture(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (60, 80), (200, 120, 80)).save(path)
    return path


# -- bad input: a clear sentence, nothing saved ---------------------------------------------

@pytest.mark.parametrize(("given", "message"), [
    ({"options": ["Siân"]}, "A vote needs at least two options, and this one has only one "
                            "option ('Siân')."),
    ({"method": "stv", "seats": 4}, "There are 4 seats but only 3 candidates, so everyone "
                                    "would be elected without a vote."),
    ({"method": "irv", "seats": 2}, "--seats is only for an STV vote; an IRV vote fills one "
                                    "place."),
    ({"method": "ranked-choice"}, "'ranked-choice' is not a way of voting coprod knows."),
    ({"pictures": {"Dev": "/no/such/dev.png"}}, "The picture for 'Dev' (/no/such/dev.png) "
                                                "does not exist."),
    ({"options": ["Siân", "siân"]}, "Two options are both called 'siân'."),
])
def test_a_bad_vote_is_refused_with_one_sentence_and_nothing_saved(
        tmp_path: Path, given: dict[str, Any], message: str) -> None:
    store = _store(tmp_path / "home")
    before = store.snapshot()
    with pytest.raises(CoprodError) as caught:
        _add(store, **given)
    assert caught.value.message == message
    assert caught.value.hint
    assert store.snapshot() == before


def test_a_ranked_ballot_with_a_repeated_or_unknown_candidate_is_refused(tmp_path: Path) -> None:
    store = _store(tmp_path / "home")
    vote = _add(store)
    before = store.snapshot()
    with pytest.raises(CoprodError) as caught:
        _cast(store, vote["id"], ranking=["Dev", "Siân", "dev"])
    assert caught.value.message == ("The ranking names Dev twice; each candidate can be "
                                    "ranked only once.")
    with pytest.raises(CoprodError) as caught:
        _cast(store, vote["id"], ranking=["Dev", "Figs"])
    assert caught.value.message == "'Figs' in the ranking is not one of this vote's options."
    assert caught.value.hint == "The options are: 1. Siân, 2. Dev, 3. Ceri (a name or its number)."
    assert store.snapshot() == before


def test_casting_after_the_vote_is_closed_is_refused(tmp_path: Path) -> None:
    store = _store(tmp_path / "home")
    vote = _add(store)
    _cast(store, vote["id"], ranking=["2", "1"])
    with store.transaction() as tx:
        records.close_vote(tx, vote["id"])
    before = store.snapshot()
    with pytest.raises(CoprodError) as caught:
        _cast(store, vote["id"], choice="Dev")
    assert caught.value.message == ("The vote 'Who chairs?' is closed, so no more ballots can "
                                    "be cast. Nothing was saved.")
    with pytest.raises(CoprodError) as caught, store.transaction() as tx:
        records.close_vote(tx, vote["id"])
    assert caught.value.message == "The vote 'Who chairs?' is already closed."
    assert store.snapshot() == before


def test_options_are_matched_by_name_ignoring_case_or_by_number(tmp_path: Path) -> None:
    store = _store(tmp_path / "home")
    vote = _add(store, secret=True)
    _cast(store, vote["id"], ranking=[" ceri ", "1"])
    _cast(store, vote["id"], choice="DEV")
    assert store.get(VOTES, vote["id"])["secret_ballots"] == [[1], [2, 0]]


# -- secrecy --------------------------------------------------------------------------------

def test_a_secret_ballot_has_no_voter_time_or_order_and_no_record_of_its_own(
        cli, coprod_home: Path) -> None:
    from coprod_cli.people.register import add_person
    from coprod_cli.store.database import AUDIT_TABLE

    store = _store(coprod_home)
    ana = add_person(store, "Ana", "volunteer")
    vote = _add(store, secret=True)
    with pytest.raises(CoprodError) as caught:  # a voter is refused, not silently kept
        _cast(store, vote["id"], choice="Siân", voter_id=ana["id"])
    assert caught.value.message == ("This is a secret vote, so a ballot cannot be linked to a "
                                    "voter.")
    refused = cli("vote", "cast", vote["id"], "--choice", "Siân", "--voter", "Ana", code=2)
    assert "a ballot cannot be linked to a voter" in refused.text
    for ranking in ("3>1", "1", "2>3>1", "1>2"):
        cli("vote", "cast", vote["id"], "--ranking", ranking)
    saved = _store(coprod_home).get(VOTES, vote["id"])
    # sorted, so the order they were cast in is gone; only option numbers, nothing else
    assert saved["secret_ballots"] == [[0], [0, 1], [1, 2, 0], [2, 0]]
    assert _store(coprod_home).all(BALLOTS) == []
    # the audit trail says only that the vote changed: no ballot record, no ballot id
    changes = [c for e in _store(coprod_home).all(AUDIT_TABLE) for c in e["changes"]]
    assert len(changes) == 4
    assert {(c["table"], c["action"], c["id"]) for c in changes} == {
        (VOTES, "update", vote["id"])}


def test_only_the_register_holds_a_person_in_a_secret_vote(tmp_path: Path) -> None:
    from coprod_cli.people.register import add_person

    store = _store(tmp_path / "home")
    ana = add_person(store, "Ana", "volunteer")
    vote = _add(store, secret=True)
    _cast(store, vote["id"], choice="Siân")
    files = store.snapshot()
    holding = [name for name, data in files.items() if ana["id"].encode() in data]
    assert holding and all(name.startswith("people") for name in holding), holding


def test_an_open_vote_records_its_voters_and_refuses_a_second_ballot(tmp_path: Path) -> None:
    from coprod_cli.people.register import add_person

    store = _store(tmp_path / "home")
    ana = add_person(store, "Ana", "volunteer")
    vote = _add(store)
    _cast(store, vote["id"], ranking=["Dev"], voter_id=ana["id"])
    before = store.snapshot()
    with pytest.raises(CoprodError) as caught:
        _cast(store, vote["id"], ranking=["Siân"], voter_id=ana["id"])
    assert caught.value.message == "Ana has already voted in 'Who chairs?'. Nothing was saved."
    assert store.snapshot() == before
    (ballot,) = store.all(BALLOTS)
    assert ballot["voter_id"] == ana["id"] and ballot["ranking"] == [1]


def test_forget_and_export_cover_an_open_votes_voter(cli, coprod_home: Path,
                                                      tmp_path: Path) -> None:
    from coprod_cli.people.register import add_person

    store = _store(coprod_home)
    ana = add_person(store, "Ana", "volunteer")
    ben = add_person(store, "Ben", "volunteer")
    vote = _add(store)
    _cast(store, vote["id"], ranking=["Dev", "Ceri"], voter_id=ana["id"])
    _cast(store, vote["id"], ranking=["Siân"], voter_id=ben["id"])
    out = tmp_path / "ana.json"
    cli("people", "export", "Ana", "--out", str(out))
    export = json.loads(out.read_text(encoding="utf-8"))
    (mine,) = export["ballots_cast"]
    assert mine["voter_id"] == ana["id"] and mine["ranking"] == [1, 2]  # hers, not Ben's
    cli("people", "forget", "Ana", "--yes")
    held = {b["ranking"][0]: b["voter_id"] for b in _store(coprod_home).all(BALLOTS)}
    assert held[0] == ben["id"]
    assert held[1] != ana["id"] and held[1] is not None  # a pseudonym, the ballot kept
    files = _store(coprod_home).snapshot()
    assert [n for n, data in files.items() if ana["id"].encode() in data] == []


# -- the command line ---------------------------------------------------------------------

def test_cast_close_count_and_list_through_the_cli(cli, coprod_home: Path) -> None:
    vote = _add(_store(coprod_home), method="stv", seats=2, options=["Ann", "Bo", "Cy"])
    for ranking in ("Ann>Bo", "ann>bo", "1>2", "Ann>Cy", "Bo", "3>2"):
        result = cli("vote", "cast", vote["id"], "--ranking", ranking)
    assert result.text.strip() == "Ballot saved. Ballots so far: 6."
    listed = json.loads(cli("vote", "list", "--format", "json").output)
    assert [(v["id"], v["ballots"], v["status"]) for v in listed] == [(vote["id"], 6, "open")]
    refused = cli("vote", "count", vote["id"], code=1)
    assert "is still open, so it cannot be counted yet" in refused.text
    assert "Closed 'Who chairs?' with 6 ballots." in cli("vote", "close", vote["id"]).text
    shown = cli("--plain", "vote", "count", vote["id"]).text
    assert "Round 1 (quota 3): Ann 4, Bo 1, Cy 1." in shown
    assert "Ann's surplus of 1 vote passes on: 0.75 to Bo, 0.25 to Cy." in shown
    assert "Ann was elected in round 1 with 4 of 6 votes (quota 3)." in shown
    table = cli("vote", "count", vote["id"]).text  # 200 columns: the table fits
    assert "Quota: 3." in table and "┃ Candidate ┃" in table and "4 elected" in table
    assert "Round 1: Ann's surplus of 1 vote passes on: 0.75 to Bo, 0.25 to Cy." in table
    data = json.loads(cli("vote", "count", vote["id"], "--format", "json").output)
    assert data["elected"] == ["Ann", "Bo"] and data["quota"] == 3
    assert data["rounds"][0]["transfer"] == {"from": "Ann", "kind": "surplus", "amount": 1,
                                             "to": {"Bo": 0.75, "Cy": 0.25}, "exhausted": 0}
    assert data["tie_seed"] is not None
    before = _store(coprod_home).snapshot()
    late = cli("vote", "cast", vote["id"], "--choice", "Ann", code=1)
    assert "is closed, so no more ballots can be cast" in late.text
    assert _store(coprod_home).snapshot() == before


def test_bad_ballots_at_the_cli_say_why_and_save_nothing(cli, coprod_home: Path) -> None:
    store = _store(coprod_home)
    vote = _add(store)
    before = store.snapshot()
    repeated = cli("vote", "cast", vote["id"], "--ranking", "Dev>Siân>DEV", code=1)
    assert "Error: The ranking names Dev twice; each candidate can be ranked only once." \
        in repeated.text
    unknown = cli("vote", "cast", vote["id"], "--ranking", "Dev>Figs", code=1)
    assert "Error: 'Figs' in the ranking is not one of this vote's options." in unknown.text
    assert store.snapshot() == before


def test_paper_ballots_typed_in_show_a_running_count_never_the_tally(cli,
                                                                      coprod_home: Path) -> None:
    vote = _add(_store(coprod_home), method="majority", secret=True)
    typed = "Siân\n2\nspoilt\nFigs\nsiân\nend\n"
    shown = cli("vote", "cast", vote["id"], input=typed).text
    assert "Saved. Ballots entered: 1." in shown
    assert "Saved. Ballots entered: 3." in shown
    assert "Set aside as spoilt. Spoilt papers: 1." in shown
    assert "Not saved: 'Figs' in the ballot is not one of this vote's options." in shown
    assert "Entered 3 ballots, 1 set aside as spoilt. The vote now has 3." in shown
    assert "Siân 2" not in shown and "Siân: 2" not in shown
    saved = _store(coprod_home).get(VOTES, vote["id"])
    assert saved["secret_ballots"] == [[0], [0], [1]]


def test_at_the_laptop_the_screen_is_cleared_between_voters(cli, coprod_home: Path) -> None:
    from coprod_cli.cli.vote_cast import CLEAR

    vote = _add(_store(coprod_home), secret=True)
    typed = "\n3 1\ny\n\n\n2\nn\n1 2\ny\n\nend\n"
    result = cli("vote", "cast", vote["id"], "--at-laptop", input=typed)
    screens = result.output.split(CLEAR)
    first_voter = next(s for s in screens if "You chose: 1st Ceri, 2nd Siân." in s)
    second_voter = next(s for s in screens if "You chose: 1st Siân, 2nd Dev." in s)
    assert "Ceri" not in second_voter.split("Your vote:")[1]
    after = screens[screens.index(second_voter) + 1:]
    assert all("You chose" not in s and "1 2" not in s for s in after)
    assert "Ballots cast so far: 1." in screens[screens.index(first_voter) + 1]
    assert "The vote has 2 ballots and is still open" in screens[-1]
    assert _store(coprod_home).get(VOTES, vote["id"])["secret_ballots"] == [[0, 1], [2, 0]]


def test_at_the_laptop_an_open_vote_asks_who_and_stops_a_second_ballot(
        cli, coprod_home: Path) -> None:
    from coprod_cli.people.register import add_person

    store = _store(coprod_home)
    add_person(store, "Ana", "volunteer")
    vote = _add(store, method="majority")
    typed = "\nAna\n2\ny\n\n\nAna\n\nend\n"
    shown = cli("vote", "cast", vote["id"], "--at-laptop", input=typed).text
    assert "Ana, you have already voted in this vote. Each person has one vote." in shown
    (ballot,) = _store(coprod_home).all(BALLOTS)
    assert ballot["ranking"] == [1] and ballot["entered"] == "laptop"


# -- ballot papers --------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["standard", "easy-read", "large-print", "dyslexia"])
def test_ballot_papers_are_numbered_with_every_option_and_no_page_ends_on_a_heading(
        cli, coprod_home: Path, tmp_path: Path, style: str) -> None:
    from pypdf import PdfReader

    from tests.page_ends import bad_page_ends

    photo = _picture(tmp_path / "sian.png")
    vote = _add(_store(coprod_home), secret=True, pictures={"Siân": str(photo)})
    out = tmp_path / f"{style}.pdf"
    said = cli("vote", "ballots", vote["id"], "--style", style, "--copies", "3", "--out",
               str(out)).text
    assert f"Wrote 3 ballot papers ({style})" in said
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Ballot paper {number} of 3" in text
        assert all(name in text for name in ("Siân", "Dev", "Ceri"))
        assert "1" in text and ("Write 1" in text or "write 1" in text)
        assert "secret" in text
        assert page.images, "the photo is on every paper"
    assert bad_page_ends(out) == []


def test_a_yes_no_ballot_says_put_an_x_and_several_papers_share_a_page(
        cli, coprod_home: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from tests.page_ends import bad_page_ends

    vote = _add(_store(coprod_home), method="yes-no", options=[],
                question="Should we meet monthly?")
    out = tmp_path / "yn.pdf"
    cli("vote", "ballots", vote["id"], "--copies", "4", "--several-per-page", "--out",
        str(out))
    reader = PdfReader(out)
    assert len(reader.pages) == 2  # two fit whole on a page
    text = reader.pages[0].extract_text()
    assert "Ballot paper 1 of 4" in text and "Ballot paper 2 of 4" in text
    assert "Ballot paper 3 of 4" in reader.pages[1].extract_text()
    assert "Put an X in the box beside one option only." in text
    assert all(word in text for word in ("Yes", "No", "Abstain"))
    assert bad_page_ends(out) == []


def test_ballot_papers_as_html_carry_the_photo_inside_and_a_labelled_box(
        cli, coprod_home: Path, tmp_path: Path) -> None:
    photo = _picture(tmp_path / "dev.png")
    vote = _add(_store(coprod_home), pictures={"dev": str(photo)})
    out = tmp_path / "b.html"
    cli("vote", "ballots", vote["id"], "--style", "easy-read", "--format", "html", "--out",
        str(out))
    page = out.read_text(encoding="utf-8")
    assert page.count('src="data:image/jpeg;base64,') == 1
    assert 'aria-label="Your mark for Dev"' in page
    assert str(photo) not in page


def test_ballots_refuse_a_picture_that_has_gone(cli, coprod_home: Path,
                                                tmp_path: Path) -> None:
    photo = _picture(tmp_path / "dev.png")
    vote = _add(_store(coprod_home), pictures={"Dev": str(photo)})
    photo.unlink()
    out = tmp_path / "b.pdf"
    result = cli("vote", "ballots", vote["id"], "--out", str(out), code=1)
    assert "is no longer there, so the ballot papers were not made" in result.text
    assert not out.exists()


@pytest.mark.parametrize("style", ["easy-read", "large-print"])
def test_a_long_ballot_keeps_each_paper_on_one_sheet(cli, coprod_home: Path, tmp_path: Path,
                                                     style: str) -> None:
    from pypdf import PdfReader

    from tests.page_ends import bad_page_ends

    names = ["Siân Roberts", "Dev Patel", "Ceri Jones", "Łucja Nowak", "Dai Evans",
             "Aisha Khan", "Tom O'Brien", "Mair Hughes"]
    photo = _picture(tmp_path / "p.png")
    vote = _add(_store(coprod_home), method="stv", seats=3, options=names, secret=True,
                question="Who should sit on the shadow board for a year?",
                pictures={n: str(photo) for n in names[::2]})
    out = tmp_path / "long.pdf"
    cli("vote", "ballots", vote["id"], "--style", style, "--copies", "2", "--out", str(out))
    pages = [p.extract_text() for p in PdfReader(out).pages]
    papers = [t for t in pages if "Ballot paper" in t]
    assert len(papers) == 2  # each paper is one page, whole
    for number, text in enumerate(papers, start=1):
        assert f"Ballot paper {number} of 2" in text
        assert all(name in text for name in names)
    if style == "easy-read":  # the guide is a page of its own at the front
        assert len(pages) == 3 and "How to fill in your ballot paper" in pages[0]
        assert "We are choosing 3 people." in pages[0]
    assert bad_page_ends(out) == []


def test_hostile_text_prints_literally_on_ballots_and_the_store_checks(
        cli, coprod_home: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    cli("group", "add", "Board", "--kind", "board")
    cli("meeting", "plan", "Board", "--date", "2027-01-12", "--time", "14:00", "--place", "Hall")
    meeting = json.loads(cli("meeting", "list", "--format", "json").output)[0]["id"]
    vote = _add(_store(coprod_home), question="# Chair [write 3] *now*", meeting_id=meeting,
                options=["**Bold**", "[pagebreak]", "&amp; <i Ceri"])
    out = tmp_path / "h.pdf"
    cli("vote", "ballots", vote["id"], "--out", str(out))
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for literal in ("# Chair [write 3] *now*", "**Bold**", "[pagebreak]", "&amp; <i Ceri"):
        assert literal in text
    cli("vote", "cast", vote["id"], "--ranking", "[pagebreak]>**bold**")
    cli("vote", "close", vote["id"])
    assert "[pagebreak] was elected" in cli("vote", "count", vote["id"]).text
    before = _store(coprod_home).snapshot()
    refused = cli("vote", "cast", vote["id"], "--choice", "1", code=1)
    assert "closed" in refused.text and _store(coprod_home).snapshot() == before
    assert "records are in order." in cli("data", "check").text


def test_a_choice_line_shows_only_photos_its_caller_named() -> None:
    from coprod_cli.errors import ValidationError
    from coprod_cli.render.markdown import Choice, parse

    (row,) = parse("[choice agree] **Yes**")
    assert isinstance(row, Choice) and row.icon == "agree" and row.photo is None
    (row,) = parse("[choice photo-0] Dev", photos={"photo-0": "/p/dev.jpg"})
    assert isinstance(row, Choice) and row.photo == "/p/dev.jpg" and row.icon is None
    with pytest.raises(ValidationError) as caught:  # a template cannot name a file
        parse("[choice photo-0] Dev")
    assert caught.value.message == "There is no picture file called 'photo-0'."
