"""Issue 19, item 2: typing in an interview panel's scores (one per call, or question by
question from answers read one a line) and the summary: totals per candidate, per member and
overall, against figures the test adds up itself."""

from __future__ import annotations

import json
from pathlib import Path

from tests.panel_helpers import bank, plan, refused


def _packed(cli, tmp_path: Path, candidates: int = 4) -> str:  # noqa: ANN001
    pid = plan(cli, bank(cli))
    cli("panel", "pack", pid, "--candidates", str(candidates), "--out",
        str(tmp_path / "pack.pdf"))
    return pid


def _score(cli, pid: str, code: str, member: str, question: int, value: int):  # noqa: ANN001, ANN202
    return cli("panel", "score", pid, "--candidate", code, "--member", member, "--question",
               str(question), "--score", str(value), "--format", "json")


def test_scripted_scores_and_the_summary(cli, tmp_path: Path) -> None:  # noqa: ANN001
    pid = _packed(cli, tmp_path)
    given = {("C1", "Ceri"): [3, 2, 2], ("C1", "Sam"): [2, 2, 1], ("C2", "Ceri"): [1, 0, 1]}
    for (code, member), scores in given.items():
        for number, value in enumerate(scores, start=1):
            result = _score(cli, pid, code, member, number, value)
    first = result.text.splitlines()[0]
    assert first == "Saved: C2, question 3, 1 (some evidence)."
    summary = json.loads(result.text.split("\n", 1)[1])
    by_code = {c["code"]: c for c in summary["candidates"]}
    assert list(by_code) == ["C1", "C2", "C3", "C4"]
    for code in ("C1", "C2"):
        mine = {m["member"]: m for m in by_code[code]["by_member"]}
        for member in ("Ceri", "Sam"):
            expected = given.get((code, member), [])
            assert mine[member]["total"] == sum(expected)
            assert mine[member]["scored"] == len(expected)
            assert mine[member]["out_of"] == 3 * 3
        assert by_code[code]["total"] == sum(sum(v) for (c, _), v in given.items()
                                             if c == code)
        assert by_code[code]["out_of"] == 3 * 3 * 2
    assert by_code["C1"]["complete"] and not by_code["C2"]["complete"]
    assert by_code["C3"]["total"] == 0 and by_code["C3"]["scored"] == 0
    # a score given again replaces the old one
    again = json.loads(_score(cli, pid, "C1", "Ceri", 1, 0).text.split("\n", 1)[1])
    assert again["candidates"][0]["total"] == sum(given[("C1", "Ceri")]) - 3 + sum(
        given[("C1", "Sam")])
    plain = cli("--plain", "panel", "score", pid, "--summary").text
    assert "C1: Ceri 4 (3 of 3 scored); Sam 5 (3 of 3 scored); overall 9 out of 18." in plain
    assert "C2: Ceri 2 (3 of 3 scored); Sam 0 (0 of 3 scored); overall 2 out of 18 (not " \
           "all scored yet)." in plain


def test_interactive_scoring_transcript(cli, tmp_path: Path) -> None:  # noqa: ANN001
    pid = _packed(cli, tmp_path, candidates=2)
    # Sam, C1: 3, skip, 2; C2: 1, 1, 0. "9" and "x" are explained and asked again.
    answers = "3\n\n9\nx\n2\n1\n1\n0\n"
    result = cli("--plain", "panel", "score", pid, "--member", "Sam", input=answers)
    lines = result.text.splitlines()
    assert lines[0] == ("Scores from 0 to 3: 0 no evidence; 1 some evidence; 2 good evidence; "
                        "3 excellent evidence. Press Enter to skip a question (a score "
                        "already typed in is kept).")
    assert lines[1:8] == [
        "Sam's scores for C1:",
        "  Question 1: Tell us about a time you really listened to someone.",
        "  Score: 3",
        "  Question 2: What would you do if someone said no to their support?",
        "  Score: ",
        "  Question 3: What would you do on your first day?",
        "  Score: 9"]
    assert lines.count("  Please type a score from 0 to 3, or press Enter to skip.") == 2
    assert "  Saved 2 scores for C1 from Sam." in lines
    assert "  Saved 3 scores for C2 from Sam." in lines
    assert "C1: Ceri - " not in result.text
    assert "C1: Ceri 0 (0 of 3 scored); Sam 5 (2 of 3 scored); overall 5 out of 18 (not " \
           "all scored yet)." in result.text
    assert "C2: Ceri 0 (0 of 3 scored); Sam 2 (3 of 3 scored); overall 2 out of 18 (not " \
           "all scored yet)." in result.text


def test_interactive_scoring_keeps_what_was_typed_before(cli, tmp_path: Path) -> None:  # noqa: ANN001
    pid = _packed(cli, tmp_path, candidates=1)
    _score(cli, pid, "C1", "Ceri", 2, 1)
    result = cli("--plain", "panel", "score", pid, "--member", "Ceri", "--candidate", "c1",
                 input="2\n\n3\n")
    assert "  Score [1]: " in result.text  # the score already there is offered and kept
    assert "  Saved 2 scores for C1 from Ceri." in result.text
    assert "C1: Ceri 6 (3 of 3 scored)" in result.text


def test_running_out_of_answers_names_the_flag(cli, coprod_home: Path, tmp_path: Path
                                               ) -> None:  # noqa: ANN001
    pid = _packed(cli, tmp_path, candidates=1)
    text = refused(cli, coprod_home, "panel", "score", pid, "--member", "Sam",
                   input="2\n", code=2)
    assert "Pass --score to answer it." in text


def test_scoring_bad_input_saves_nothing(cli, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    pid = plan(cli, bank(cli))
    text = refused(cli, coprod_home, "panel", "score", pid, "--candidate", "C1", "--member",
                   "Ceri", "--question", "1", "--score", "2")
    assert f"Error: Panel {pid} has no candidates yet, so C1 cannot be scored. Nothing was " \
           "saved." in text and "coprod panel pack" in text
    cli("panel", "pack", pid, "--candidates", "4", "--out", str(tmp_path / "p.pdf"))
    text = refused(cli, coprod_home, "panel", "score", pid, "--candidate", "C9", "--member",
                   "Ceri", "--question", "1", "--score", "2")
    assert f"Error: C9 is not a candidate on panel {pid}: it has 4 (C1 to C4). Nothing was " \
           "saved." in text
    for bad in ("4", "-1", "2.5", "two"):
        text = refused(cli, coprod_home, "panel", "score", pid, "--candidate", "C1",
                       "--member", "Ceri", "--question", "1", "--score", bad)
        assert f"Error: A score is a whole number from 0 to 3, not '{bad}'. Nothing was " \
               "saved." in text
        assert "0 no evidence, 1 some evidence, 2 good evidence, 3 excellent evidence" in text
    assert "Dee is not a member of panel" in refused(
        cli, coprod_home, "panel", "score", pid, "--candidate", "C1", "--member", "Dee",
        "--question", "1", "--score", "2")
    assert "has no question '5'" in refused(
        cli, coprod_home, "panel", "score", pid, "--candidate", "C1", "--member", "Ceri",
        "--question", "5", "--score", "2")
    assert "A score needs --member and --question as well, so nothing was saved." in refused(
        cli, coprod_home, "panel", "score", pid, "--candidate", "C1", "--score", "2", code=2)
    summary = json.loads(cli("panel", "score", pid, "--summary", "--format", "json").text)
    assert all(c["scored"] == 0 for c in summary["candidates"])


def test_fewer_candidates_cannot_drop_one_with_scores(cli, coprod_home: Path, tmp_path: Path
                                                      ) -> None:  # noqa: ANN001
    pid = _packed(cli, tmp_path)
    _score(cli, pid, "C3", "Ceri", 1, 2)
    text = refused(cli, coprod_home, "panel", "pack", pid, "--candidates", "2", "--out",
                   str(tmp_path / "again.pdf"))
    assert "C3 already has scores, so the panel cannot go down to 2 candidates. Nothing " \
           "was saved." in text
    assert not (tmp_path / "again.pdf").exists()
