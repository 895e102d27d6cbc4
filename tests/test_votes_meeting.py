"""Issue 18, item 5, as a transcript: plan a meeting, add votes to it, print ballots, cast,
close and count; and every bad vote refused at the command line with nothing saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GROUP = "Making Days Committee"
DAY = "2027-01-12"


def _files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "backups" not in p.parts and not p.name.endswith(".owner")}


@pytest.fixture
def meeting(cli) -> str:  # noqa: ANN001
    for name in ("Siân", "Dev", "Ceri"):
        cli("people", "add", name, "--role", "person-using-services")
    cli("group", "add", GROUP, "--kind", "committee")
    for name in ("Siân", "Dev", "Ceri"):
        cli("group", "join", GROUP, name)
    cli("meeting", "plan", GROUP, "--date", DAY, "--time", "14:00", "--place",
        "Beech House lounge", "--item", "Electing our officers:30", "--item",
        "Garden budget:15")
    return str(json.loads(cli("meeting", "list", "--format", "json").output)[0]["id"])


def _vote_id(added: str) -> str:
    return added.split("vote ", 1)[1].split(":", 1)[0]


def test_a_meeting_elects_its_chair_by_secret_irv_and_decides_by_yes_no(
        cli, meeting: str, tmp_path: Path, coprod_home: Path) -> None:  # noqa: ANN001
    added = cli("vote", "add", DAY, "--question", "Who should be Chair?", "--option", "Siân",
                "--option", "Dev", "--option", "Ceri", "--method", "irv", "--secret",
                "--item", "electing our officers").text
    assert "Added secret vote v-" in added and "(irv; options: Siân, Dev, Ceri)" in added
    chair = _vote_id(added)
    budget = _vote_id(cli("vote", "add", meeting, "--question", "Spend £200 on the garden?",
                          "--method", "yes-no", "--item", "6").text)
    listed = json.loads(cli("vote", "list", "--meeting", DAY, "--format", "json").output)
    assert [(v["id"], v["item"], v["method"], v["secret"]) for v in listed] == [
        (chair, "item-1", "irv", True), (budget, "item-2", "yes-no", False)]

    out = tmp_path / "chair.pdf"
    cli("vote", "ballots", chair, "--style", "easy-read", "--copies", "5", "--out", str(out))
    assert out.stat().st_size > 0

    for ranking in ("Siân>Dev", "Dev>Siân", "Ceri>Siân", "siân", "2>1>3"):
        cli("vote", "cast", chair, "--ranking", ranking)
    for voter, choice in (("Siân", "yes"), ("Dev", "1"), ("Ceri", "NO")):
        cli("vote", "cast", budget, "--choice", choice, "--voter", voter)
    twice = cli("vote", "cast", budget, "--choice", "no", "--voter", "Dev", code=1)
    assert "Error: Dev has already voted in 'Spend £200 on the garden?'." in twice.text
    cli("vote", "close", chair)
    cli("vote", "close", budget)

    shown = cli("--plain", "vote", "count", chair).text
    assert "Round 1 (quota 3): Dev 2, Siân 2, Ceri 1." in shown
    assert "Ceri is excluded; their 1 vote passes on: 1 to Siân." in shown
    assert "Who should be Chair? Siân was elected in round 2 with 3 of 5 votes (quota 3)." \
        in shown

    from coprod_cli import config
    from coprod_cli.store.database import Store
    from coprod_cli.votes import count_vote, votes_for_meeting

    store = Store.open(config.store_dir(coprod_home))
    assert [v["id"] for v in votes_for_meeting(store, meeting)] == [chair, budget]
    result = count_vote(store, budget)
    assert result.summary_lines() == [
        "Spend £200 on the garden? Carried, with 2 for, 1 against and 0 abstaining."]


@pytest.mark.parametrize(("args", "message", "code"), [
    (["--option", "Siân", "--method", "majority"],
     "A vote needs at least two options, and this one has only one option ('Siân').", 1),
    (["--option", "Siân", "--option", "Dev", "--method", "stv", "--seats", "3"],
     "There are 3 seats but only 2 candidates, so everyone would be elected without a vote.",
     1),
    (["--option", "Siân", "--option", "Dev", "--method", "irv", "--seats", "1"],
     "--seats is only for an STV vote; an IRV vote fills one place.", 2),
    (["--option", "Siân", "--option", "Dev", "--method", "borda"],
     "'borda' is not a way of voting coprod knows.", 2),
    (["--option", "Siân", "--option", "Dev", "--method", "majority", "--picture",
      "Dev=/no/such/dev.png"], "The picture for 'Dev' (/no/such/dev.png) does not exist.", 1),
    (["--option", "Siân", "--option", "Dev", "--method", "majority", "--item", "Cake"],
     "The meeting on 2027-01-12 has no agenda item 'Cake'.", 1),
])
def test_a_bad_vote_at_the_cli_is_one_sentence_and_saves_nothing(
        cli, meeting: str, coprod_home: Path, args: list[str], message: str,  # noqa: ANN001
        code: int) -> None:
    before = _files(coprod_home)
    result = cli("vote", "add", meeting, "--question", "Who should be Chair?", *args,
                 code=code)
    assert f"Error: {message}" in result.text
    assert "Hint: " in result.text
    assert "Traceback" not in result.output
    assert _files(coprod_home) == before


def test_a_vote_for_a_meeting_that_does_not_exist_is_refused(cli, coprod_home: Path) -> None:
    cli("people", "add", "Siân")
    before = _files(coprod_home)
    result = cli("vote", "add", "mtg-nope", "--question", "Q", "--method", "yes-no", code=1)
    assert "Error: There is no meeting 'mtg-nope'." in result.text
    assert _files(coprod_home) == before
