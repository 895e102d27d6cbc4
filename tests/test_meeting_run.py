"""Issue 18, items 2 to 4: a whole meeting (plan, invite, run with a decision, an action, a
declaration and the vote adapter, minutes) through the real command line, in-process and as
a piped --plain subprocess; resume after a real SIGKILL; quorum not met; no members."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from meeting_fixtures import DATE, GROUP, make_committee, plan, store_of
from page_ends import bad_page_ends
from pypdf import PdfReader

from coprod_cli.meetings import MEETINGS
from coprod_cli.meetings.actions import list_actions

#: Bryn here, Dai here, Siân apologies, Łucja here; one guest, then no more.
ATTENDANCE = "h\nh\na\nh\nAnn Guest\n\n"
ITEMS = ("t Welcome to Ann\nn\n"                              # 1 welcome
         "n\n"                                                # 2 apologies
         "i Dai\nDai drives for the minibus firm\nn\n"        # 3 declarations
         "n\n"                                                # 4 last minutes
         "d Spend £400 on the spring outings\nIt fits the budget and people chose it\n"
         "a Book the minibus\nDai\n2027-02-01\n"
         "V Spend £400 on the outings\n\nyes\nyes\nno\nn\n"        # 5 budget, a yes-no vote
         "t We agreed four values\nn\n"                       # 6 values
         "n\n"                                                # 7 any other business
         "n\n")                                               # 8 next meeting


def _files(home: Path) -> dict[str, bytes]:
    return {p.relative_to(home).as_posix(): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and "backups" not in p.parts and not p.name.endswith(".owner")}


def test_a_whole_meeting_through_the_cli(cli, clock, coprod_home: Path, tmp_path: Path
                                         ) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    out = tmp_path / "invitation.pdf"
    assert "Saved the invitation" in cli("meeting", "invite", DATE, "--style", "easy-read",
                                         "--out", str(out)).text
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Siân and Łucja will run the meeting." in text
    assert bad_page_ends(out) == []

    result = cli("meeting", "run", meeting_id, input=ATTENDANCE + ITEMS)
    said = result.text
    assert "3 of the 4 members are here; this group needs 3, so its decisions count." in said
    assert "Item 5 of 8: Spring outings budget" in said
    assert "Decision saved." in said
    assert "Action saved for Dai, by 2027-02-01." in said
    assert "Spend £400 on the outings: carried, with 2 for, 1 against and 0 abstaining." \
        in said
    assert "Declaration of interest saved for Dai." in said
    assert "The meeting has finished" in said

    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["status"] == "finished"
    assert meeting["guests"] == ["Ann Guest"]
    assert [(d["item"], d["text"], d["quorate"]) for d in meeting["decisions"]] == \
        [("item-1", "Spend £400 on the spring outings", True)]
    assert meeting["declarations"][0]["what"] == "Dai drives for the minibus firm"
    assert meeting["declarations"][0]["person_id"] is not None
    (action,) = list_actions(store_of(coprod_home))
    assert (action["what"], action["owner"], action["due"], action["status"]) == \
        ("Book the minibus", "Dai", "2027-02-01", "open")

    minutes = tmp_path / "minutes.md"
    cli("meeting", "minutes", meeting_id, "--out", str(minutes))
    md = minutes.read_text(encoding="utf-8")
    assert "**Members here:** Bryn, Dai, Łucja" in md
    assert "**Apologies:** Siân" in md and "**Guests:** Ann Guest" in md
    assert "**Decision:** Spend £400 on the spring outings" in md
    assert "**Reason:** It fits the budget and people chose it" in md
    assert "**Action:** Book the minibus \\(Dai, by 2027-02-01\\)" in md
    assert "**Interest declared:** Dai: Dai drives for the minibus firm" in md
    assert "**Vote:** Spend £400 on the outings: carried, with 2 for, 1 against and 0 " \
        "abstaining." in md
    assert "**Draft: not yet approved.**" in md
    for style in ("easy-read", "standard", "large-print", "dyslexia"):
        pdf = tmp_path / f"minutes-{style}.pdf"
        cli("meeting", "minutes", meeting_id, "--style", style, "--out", str(pdf))
        assert bad_page_ends(pdf) == [], style
    easy = " ".join(p.extract_text() for p in PdfReader(tmp_path / "minutes-easy-read.pdf")
                    .pages)
    assert "We decided: Spend £400 on the spring outings" in easy
    assert "Dai will do this: Book the minibus" in easy
    html = tmp_path / "minutes.html"
    cli("meeting", "minutes", meeting_id, "--style", "easy-read", "--out", str(html))
    assert "We decided: Spend £400" in html.read_text(encoding="utf-8")


def test_a_whole_meeting_piped_and_plain(cli, coprod_home: Path, tmp_path: Path
                                         ) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    env = {**os.environ, "COPROD_HOME": str(coprod_home)}
    done = subprocess.run([sys.executable, "-m", "coprod_cli", "--plain", "meeting", "run",
                           meeting_id], input=ATTENDANCE + ITEMS, capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "== Item 5 of 8: Spring outings budget ==" in done.stdout
    assert "> d Spend £400 on the spring outings" in done.stdout  # piped commands echoed
    assert "\x1b[" not in done.stdout  # plain: no colour, no cursor moves
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["status"] == "finished"
    assert len(meeting["decisions"]) == 1 and len(list_actions(store_of(coprod_home))) == 1


def test_a_killed_meeting_resumes_with_everything_kept(cli, coprod_home: Path
                                                       ) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    env = {**os.environ, "COPROD_HOME": str(coprod_home)}
    proc = subprocess.Popen([sys.executable, "-m", "coprod_cli", "meeting", "run", meeting_id],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(ATTENDANCE + "n\nn\nn\nn\nd Buy a kettle\nThe old one broke\n"
                     "a Buy the kettle\nBryn\n\n")
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 30
    while "Action saved for Bryn." not in seen and time.monotonic() < deadline:
        seen += proc.stdout.readline()
    assert "Action saved for Bryn." in seen
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["status"] == "in-progress"
    assert meeting["run"]["item_index"] == 4
    assert meeting["decisions"][0]["text"] == "Buy a kettle"

    again = subprocess.run([sys.executable, "-m", "coprod_cli", "meeting", "run", meeting_id],
                           input="y\n" + "n\n" * 4, capture_output=True, text=True, env=env,
                           timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "stopped at item 5, Spring outings budget. Carry on with it?" in again.stdout
    assert "Decision: Buy a kettle\n" in again.stdout
    assert "    Reason: The old one broke" in again.stdout
    assert "Action: Buy the kettle (Bryn)" in again.stdout
    assert "The meeting has finished" in again.stdout
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["status"] == "finished"
    assert [d["text"] for d in meeting["decisions"]] == ["Buy a kettle"]
    assert [a["what"] for a in list_actions(store_of(coprod_home))] == ["Buy the kettle"]
    # every item's time was kept across the kill: the log has one entry per item visited
    assert [e["item"] for e in meeting["run"]["item_log"]] == list(range(8))


def test_quorum_not_met_is_said_plainly_and_decisions_marked(cli, clock, coprod_home: Path,
                                                             tmp_path: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    typed = "h\nh\na\nn\n\n" + "n\n" * 4 + "d Move to Thursdays\nMore people can come\nq\n"
    said = cli("meeting", "run", meeting_id, "--apologies", "Nobody", input=typed).text
    assert ("Only 2 of the 4 members are here; this group needs 3 for its decisions to count. "
            "You can still meet and talk; decisions will be marked 'not quorate'.") in said
    assert "NOT QUORATE." in said
    assert "Decision saved, marked 'not quorate'." in said
    assert "Saved. Carry on later with: coprod meeting run" in said
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["decisions"][0]["quorate"] is False
    minutes = tmp_path / "m.md"
    cli("meeting", "minutes", meeting_id, "--out", str(minutes))
    md = minutes.read_text(encoding="utf-8")
    assert "**Decision (not quorate):** Move to Thursdays" in md
    assert "Only 2 of the 4 members were there" in md


def test_apologies_given_as_options(cli, clock, coprod_home: Path) -> None:  # noqa: ANN001
    make_committee(cli)
    meeting_id = plan(cli)
    said = cli("meeting", "run", meeting_id, "--apologies", "siân", "--guest", "Ann",
               input="h\nh\nh\nq\n").text
    assert "Siân: apologies." in said
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None and meeting["guests"] == ["Ann"]
    assert sorted(a["status"] for a in meeting["attendance"]) == \
        ["apologies", "present", "present", "present"]
    again = cli("meeting", "resume", meeting_id, input="n\nq\n").text
    assert "Carrying on with the meeting on 2027-01-12 at item 1, Welcome." in again
    assert "Item 2 of 8: Apologies" in again
    other = plan(cli, "2027-03-09")
    not_started = cli("meeting", "resume", other, code=2)
    assert "The meeting on 2027-03-09 has not been started." in not_started.text


def test_a_group_with_no_members_cannot_run_a_meeting(cli, coprod_home: Path
                                                      ) -> None:  # noqa: ANN001
    make_committee(cli, with_members=False)
    meeting_id = plan(cli)
    before = _files(coprod_home)
    result = cli("meeting", "run", meeting_id, input="h\n", code=1)
    assert (f"{GROUP} has no members on {DATE}, so there is nobody to take the register of; "
            "nothing was saved.") in result.text
    assert "coprod group join" in result.text
    assert _files(coprod_home) == before


def test_keys_move_pause_jump_and_explain(cli, clock, coprod_home: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from coprod_cli.meetings import vote_link

    monkeypatch.setattr(vote_link, "_records", lambda: None)  # a version without votes
    make_committee(cli)
    meeting_id = plan(cli)
    typed = ALL = "h\nh\nh\nh\n\n"
    typed = ALL + "p\nx\nj 6\nb\ns\nzz\n?\nc\nt\n\nV\nq\n"
    clock.advance(minutes=1)
    said = cli("meeting", "run", meeting_id, input=typed).text
    assert "Paused. The clock has stopped." in said
    assert "Carrying on. The clock is running again." in said
    assert "Item 6 of 8: Our values" in said and "Item 5 of 8: Spring outings budget" in said
    assert "Skipped that item." in said
    assert "'zz' is not a key here. Press ? to see the keys." in said
    assert "V: a vote" in said
    assert "The note is empty, so nothing was added." in said
    assert "Votes are not available in this version." in said
    meeting = store_of(coprod_home).get(MEETINGS, meeting_id)
    assert meeting is not None
    outcomes = [(e["item"], e["outcome"]) for e in meeting["run"]["item_log"]]
    assert outcomes == [(0, "left"), (5, "left"), (4, "skipped"), (5, None)]
