"""Issue 18, items 2 to 4 and 6: invitations (one, per person, edited), actions carried to
the next agenda until done, minutes approved at the next meeting, the vote adapter, and
statements a group adopts with their easy-read poster."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from meeting_fixtures import ALL_HERE, DATE, GROUP, NEXT, make_committee, plan, store_of
from page_ends import bad_page_ends
from pypdf import PdfReader

from coprod_cli.meetings import ACTIONS, MEETINGS

ACTIONS_AT_ITEM_5 = ("n\nn\nn\nn\n"
                     "a Book the minibus\nDai\n2027-02-01\n"
                     "a Write to the council\nBryn\n\n" + "n\n" * 4)


def _files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "backups" not in p.parts and not p.name.endswith(".owner")}


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_invitation_says_everything_in_every_style(cli, tmp_path: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    md = tmp_path / "inv.md"
    cli("meeting", "invite", meeting_id, "--out", str(md))
    text = md.read_text(encoding="utf-8")
    for words in ("## Why this meeting matters", "We choose where the spring outings go.",
                  "Siân and Łucja will run the meeting.", "**Where:** Beech House lounge",
                  "**Getting there:** Bus 22 stops outside.",
                  "**Access support:** a BSL interpreter, a quiet room, large print",
                  "**Costs paid:** bus fares repaid, lunch provided",
                  "| 14:25 | 5. Spring outings budget | Dai | 20 |",
                  "Hold up the red card to say: stop, I don't understand.",
                  "[picture card-yellow]", "[picture card-green]"):
        assert words in text, words
    for style in ("easy-read", "standard", "large-print", "dyslexia"):
        pdf = tmp_path / f"inv-{style}.pdf"
        cli("meeting", "invite", meeting_id, "--style", style, "--out", str(pdf))
        assert bad_page_ends(pdf) == [], style
    easy = _pdf_text(tmp_path / "inv-easy-read.pdf")
    assert "It starts at 2pm." in easy and "2:25pm: Spring outings budget." in easy
    assert "STOP" in easy and "SLOW" in easy and "GO" in easy  # the cards carry their words
    html = tmp_path / "inv.html"
    cli("meeting", "invite", meeting_id, "--style", "easy-read", "--format", "html", "--out",
        str(html))
    assert "Costs we pay: bus fares repaid" in html.read_text(encoding="utf-8")


def test_per_person_invitations_in_each_persons_style(cli, tmp_path: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    md = tmp_path / "each.md"
    said = cli("meeting", "invite", meeting_id, "--per-person", "--out", str(md)).text
    assert "Saved 4 invitations" in said
    parts = md.read_text(encoding="utf-8").split("[pagebreak]")
    assert len(parts) == 4
    by_name = {name: part for part in parts for name in ("Bryn", "Dai", "Siân", "Łucja")
               if f" {name}" in part.strip().split("\n\n")[1]}
    assert "[picture name] This invitation is for Siân." in by_name["Siân"]  # easy read
    assert "Dear Łucja," in by_name["Łucja"] and "Dear Bryn," in by_name["Bryn"]
    forced = tmp_path / "forced.md"
    cli("meeting", "invite", meeting_id, "--per-person", "--style", "easy-read", "--out",
        str(forced))
    assert forced.read_text(encoding="utf-8").count("This invitation is for") == 4


def test_edit_changes_only_what_is_given(cli, coprod_home: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    cli("meeting", "edit", meeting_id, "--access", "a hearing loop", "--runs", "Dai")
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["access"] == "a hearing loop"
    assert meeting["why"] == "We choose where the spring outings go."
    assert [r["name"] for r in meeting["runs"]] == ["Dai"] and meeting["runs"][0]["person_id"]
    before = _files(coprod_home)
    bad = cli("meeting", "edit", meeting_id, "--why", "x" * 700, code=2)
    assert "--why is 700 characters; the most is 600." in bad.text
    nothing = cli("meeting", "edit", meeting_id, code=2)
    assert "Nothing to change" in nothing.text
    assert _files(coprod_home) == before


def test_actions_carry_forward_until_done_and_minutes_are_approved(
        cli, clock, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    first = plan(cli)
    cli("meeting", "run", first, input=ALL_HERE + ACTIONS_AT_ITEM_5)
    second = plan(cli, NEXT)
    md = tmp_path / "second.md"
    cli("meeting", "invite", second, "--out", str(md))
    text = md.read_text(encoding="utf-8")
    assert "### Open actions from earlier meetings" in text
    assert "- Book the minibus \\(Dai, by 2027-02-01\\)" in text
    assert "- Write to the council \\(Bryn\\)" in text
    easy = tmp_path / "second-easy.md"
    cli("meeting", "invite", second, "--style", "easy-read", "--out", str(easy))
    assert "Dai: Book the minibus." in easy.read_text(encoding="utf-8")

    listed = json.loads(cli("action", "list", "--open", "--format", "json").output)
    assert [a["what"] for a in listed] == ["Book the minibus", "Write to the council"]
    council = listed[1]["id"]
    assert council.startswith("act-")
    assert "Done: Write to the council (Bryn)." in cli("action", "done", council, "--note",
                                                       "Letter sent").text
    before = _files(coprod_home)
    again = cli("action", "done", council, code=1)
    assert "was already marked done" in again.text and _files(coprod_home) == before
    missing = cli("action", "done", "act-nothere", code=1)
    assert "There is no action 'act-nothere'." in missing.text

    # The next meeting approves the last minutes and marks the open action done.
    typed = ALL_HERE + "n\nn\nn\n" + "y\nSiân\nDai\n" + "x 1\nBooked for 14 March\nq\n"
    said = cli("meeting", "run", second, input=typed).text
    assert "Are the minutes of the meeting on Tuesday 12 January 2027 agreed as a true " \
           "record?" in said
    assert "1. Book the minibus (Dai, by 2027-02-01): open." in said
    assert "Marked done: Book the minibus." in said
    store = store_of(coprod_home)
    minibus = next(a for a in store.all(ACTIONS) if a["what"] == "Book the minibus")
    assert minibus["status"] == "done" and minibus["done_meeting_id"] == second
    assert minibus["done_note"] == "Booked for 14 March"

    old = tmp_path / "first-minutes.md"
    cli("meeting", "minutes", first, "--out", str(old))
    assert ("**Approved at the meeting on Tuesday 9 February 2027, proposed by Siân, "
            "seconded by Dai.**") in old.read_text(encoding="utf-8")
    new = tmp_path / "second-minutes.md"
    cli("meeting", "minutes", second, "--out", str(new))
    minutes = new.read_text(encoding="utf-8")
    assert "Book the minibus \\(Dai, by 2027-02-01\\): done \\(Booked for 14 March\\)" in minutes
    assert "were agreed as a true record" in minutes
    assert "**Draft: not yet approved.**" in minutes

    third = plan(cli, "2027-03-09")
    later = tmp_path / "third.md"
    cli("meeting", "invite", third, "--out", str(later))
    assert "Open actions" not in later.read_text(encoding="utf-8")
    assert "No open actions." in cli("action", "list", "--open").text
    assert "done 20" in cli("action", "list", "--group", GROUP).text


def test_approve_minutes_and_its_bad_input(cli, clock, coprod_home: Path, tmp_path: Path
                                          ) -> None:  # noqa: ANN001
    make_committee(cli)
    first = plan(cli)
    second = plan(cli, NEXT)
    before = _files(coprod_home)
    not_held = cli("meeting", "approve", first, "--at", second, "--proposed-by", "Siân",
                   code=2)
    assert "has not been held yet" in not_held.text and _files(coprod_home) == before
    cli("meeting", "run", first, input=ALL_HERE + "e\ny\n")
    before = _files(coprod_home)
    backwards = cli("meeting", "approve", second, "--at", first, "--proposed-by", "Siân",
                    code=2)
    assert "has not been held yet" in backwards.text
    same = cli("meeting", "approve", first, "--at", first, "--proposed-by", "Siân", code=1)
    assert "Minutes are approved at a later meeting" in same.text
    assert _files(coprod_home) == before
    done = cli("meeting", "approve", first, "--at", NEXT, "--proposed-by", "łucja").text
    assert "Approved at the meeting on Tuesday 9 February 2027, proposed by Łucja." in done
    twice = cli("meeting", "approve", first, "--at", NEXT, "--proposed-by", "Dai", code=1)
    assert "were already approved" in twice.text
    pdf = tmp_path / "approved.pdf"
    cli("meeting", "minutes", first, "--style", "easy-read", "--out", str(pdf))
    assert "Approved at the meeting on Tuesday 9 February 2027" in _pdf_text(pdf)
    assert bad_page_ends(pdf) == []


class FakeVotes:
    """Stands in for coprod_cli.votes.records (built on the votes branch) to show the
    adapter passes a meeting's vote through and brings its result into the minutes."""

    def __init__(self) -> None:
        self.votes: dict[str, dict[str, Any]] = {}

    def module(self) -> types.ModuleType:
        mod = types.ModuleType("coprod_cli.votes.records")
        mod.add_vote = self.add_vote  # type: ignore[attr-defined]
        mod.cast_ballot = self.cast_ballot  # type: ignore[attr-defined]
        mod.close_vote = self.close_vote  # type: ignore[attr-defined]
        mod.votes_for_meeting = self.votes_for_meeting  # type: ignore[attr-defined]
        mod.count_vote = self.count_vote  # type: ignore[attr-defined]
        return mod

    def add_vote(self, tx: Any, *, meeting_id: str, item: str, question: str,
                 options: list[str], method: str, seats: int = 1, secret: bool = False
                 ) -> dict[str, Any]:
        vote = {"id": f"v{len(self.votes) + 1}", "meeting_id": meeting_id, "item": item,
                "question": question, "options": options, "method": method,
                "ballots": [], "open": True}
        self.votes[vote["id"]] = vote
        return vote

    def cast_ballot(self, tx: Any, vote_id: str, *, choice: str | None = None,
                    ranking: list[str] | None = None, voter_id: str | None = None) -> None:
        self.votes[vote_id]["ballots"].append((voter_id, choice, ranking))

    def close_vote(self, tx: Any, vote_id: str) -> None:
        self.votes[vote_id]["open"] = False

    def votes_for_meeting(self, store: Any, meeting_id: str) -> list[dict[str, Any]]:
        return [v for v in self.votes.values() if v["meeting_id"] == meeting_id]

    def count_vote(self, store: Any, vote_id: str) -> Any:
        vote = self.votes[vote_id]
        tally = {o: sum(1 for _, c, _ in vote["ballots"] if c == o) for o in vote["options"]}
        winner = max(tally, key=lambda o: tally[o])
        line = f"{vote['question']}? {winner} won with {tally[winner]} of " \
               f"{len(vote['ballots'])} votes."
        return types.SimpleNamespace(summary_lines=lambda: [line])


def test_a_vote_goes_through_the_adapter_into_the_minutes(
        cli, clock, coprod_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    import coprod_cli.votes

    fake = FakeVotes()
    module = fake.module()
    monkeypatch.setitem(sys.modules, "coprod_cli.votes.records", module)
    monkeypatch.setattr(coprod_cli.votes, "records", module, raising=False)
    make_committee(cli)
    meeting_id = plan(cli)
    typed = ALL_HERE + "n\nn\nn\nn\n" + "V Which trip first\nZoo, Seaside\nmajority\n" \
        "Zoo\nSeaside\nZoo\n\nq\n"
    said = cli("meeting", "run", meeting_id, input=typed).text
    assert "Which trip first? Zoo won with 2 of 3 votes." in said
    (vote,) = fake.votes.values()
    assert vote["item"] == "item-1" and vote["options"] == ["Zoo", "Seaside"]
    assert [c for _, c, _ in vote["ballots"]] == ["Zoo", "Seaside", "Zoo"]
    assert all(voter for voter, _, _ in vote["ballots"]) and vote["open"] is False
    md = tmp_path / "m.md"
    cli("meeting", "minutes", meeting_id, "--out", str(md))
    assert "**Vote:** Which trip first? Zoo won with 2 of 3 votes." in \
        md.read_text(encoding="utf-8")


def test_statements_and_their_poster(cli, coprod_home: Path, tmp_path: Path,
                                     write_file) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    values = write_file("values.txt", "We listen to each other\n\n- We take turns to speak\n"
                                      "Everyone is welcome\nWe keep things private\n")
    said = cli("group", "statement", "add", GROUP, "--title", "Our values", "--kind",
               "values", "--file", str(values), "--adopted", DATE, "--meeting",
               meeting_id).text
    assert "Saved 'Our values' (4 points" in said
    cli("group", "statement", "add", GROUP, "--title", "Visiting policy", "--kind",
        "policy-review", "--text", "Visitors are welcome any time\nWe ask before we visit "
        "a room", "--adopted", "2027-01-20")
    listed = json.loads(cli("group", "statement", "list", "--format", "json").output)
    assert [s["title"] for s in listed] == ["Our values", "Visiting policy"]
    assert listed[0]["points"][1] == "We take turns to speak"
    assert listed[0]["meeting_id"] == meeting_id and listed[0]["id"].startswith("stm-")
    shown = cli("group", "statement", "show", listed[0]["id"]).text
    assert "  - We keep things private" in shown
    assert "Agreed by the Making Days Committee on Tuesday 12 January 2027." in shown
    poster = tmp_path / "poster.pdf"
    cli("group", "statement", "poster", listed[0]["id"], "--style", "easy-read", "--out",
        str(poster))
    text = _pdf_text(poster)
    assert "Our values" in text and "We keep things private" in text
    assert "Agreed by the Making Days Committee on" in text
    assert len(PdfReader(poster).pages) == 1 and bad_page_ends(poster) == []

    before = _files(coprod_home)
    neither = cli("group", "statement", "add", GROUP, "--title", "X", "--adopted", DATE,
                  code=2)
    assert "Give the statement's words with --text or --file" in neither.text
    kind = cli("group", "statement", "add", GROUP, "--title", "X", "--kind", "poem",
               "--text", "A", "--adopted", DATE, code=2)
    assert "'poem' is not a kind of statement." in kind.text
    assert _files(coprod_home) == before


def test_typed_text_prints_as_written_on_every_paper(cli, clock, tmp_path: Path
                                                     ) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = cli("meeting", "plan", GROUP, "--date", DATE, "--time", "14:00", "--place",
                     "# Room [write 3]", "--item", "**Budget** <b>x</b>:10",
                     "--why", "[picture heart] not a picture").text.split("(")[1].split(")")[0]
    typed = ALL_HERE + "n\nn\nn\nn\nt [write 3] *not bold* | a pipe\nd <script>x</script>\n" \
        "[fill A | B]\ne\ny\n"
    cli("meeting", "run", meeting_id, input=typed)
    for kind in ("invite", "minutes"):
        for style in ("standard", "easy-read"):
            md = tmp_path / f"{kind}-{style}.md"
            cli("meeting", kind, meeting_id, "--style", style, "--out", str(md))
            text = md.read_text(encoding="utf-8")
            assert "\n# Room" not in text and "\n[write 3]" not in text
            assert "\n[picture heart] not" not in text
            pdf = tmp_path / f"{kind}-{style}.pdf"
            cli("meeting", kind, meeting_id, "--style", style, "--out", str(pdf))
            shown = _pdf_text(pdf)
            assert "# Room [write 3]" in shown, (kind, style)
            if kind == "minutes":
                assert "[write 3] *not bold* | a pipe" in shown
                assert "<script>x</script>" in shown and "[fill A | B]" in shown
            else:
                assert "**Budget** <b>x</b>" in shown


def test_a_real_vote_in_a_meeting_when_votes_are_in_this_version(
        cli, clock, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    """Runs once the votes feature is merged (it is built on another branch); until then the
    transcript test checks the 'not available' sentence instead."""
    from coprod_cli.meetings import vote_link

    if not vote_link.available():
        pytest.skip("the votes feature is not in this version yet")
    make_committee(cli)
    meeting_id = plan(cli)
    typed = ALL_HERE + "n\nn\nn\nn\n" + "V Spend £400 on the outings?\n\n" \
        "yes\nmaybe\nyes\nno\nyes\nq\n"
    said = cli("meeting", "run", meeting_id, input=typed).text
    assert "Dai's vote (yes, no or abstain)" in said
    store = store_of(coprod_home)
    (vote,) = vote_link._records().votes_for_meeting(store, meeting_id)  # type: ignore[union-attr]
    assert vote["item"] == "item-1" and vote["method"] == "yes-no"
    (item, lines), = vote_link.meeting_results(store, meeting_id)
    assert item == "item-1" and lines and lines[0] in said
    md = tmp_path / "m.md"
    cli("meeting", "minutes", meeting_id, "--out", str(md))
    assert "**Vote:** " in md.read_text(encoding="utf-8")
