"""Issue 19, items 1 and 2: the co-produced question bank, planning a panel and its printed
pack, through the real command line. Bad input is refused with one sentence, a non-zero
exit and the records exactly as they were."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.page_ends import bad_page_ends
from tests.panel_helpers import bank as _bank
from tests.panel_helpers import plan as _plan
from tests.panel_helpers import refused

# -- the question bank ---------------------------------------------------------------------

def test_question_bank_credits_each_author_as_they_agreed(cli) -> None:  # noqa: ANN001
    ids = _bank(cli)
    listed = json.loads(cli("panel", "question", "list", "--format", "json").text)
    assert [q["by"] for q in listed] == ["Ceri", "a person who uses services",
                                        "a member of staff"]
    assert all(re.fullmatch(r"q-[0-9a-f]{16}", q["id"]) for q in listed)
    assert listed[0]["good"] == "A real example; checks back what they heard"
    table = cli("--plain", "panel", "question", "list", "--topic", "values").text
    assert f"{ids['listen']} (values, by Ceri): Tell us about a time" in table
    assert "Dee" not in cli("panel", "question", "list").text  # not named without consent


def test_edit_and_retire_a_question(cli) -> None:  # noqa: ANN001
    ids = _bank(cli)
    assert "Updated question" in cli("panel", "question", "edit", ids["skills"], "--good",
                                     "Names a skill and when they used it").text
    assert f"Retired question {ids['skills']}" in cli("panel", "question", "retire",
                                                      ids["skills"]).text
    offered = json.loads(cli("panel", "question", "list", "--format", "json").text)
    assert ids["skills"] not in {q["short_id"] for q in offered}
    every = json.loads(cli("panel", "question", "list", "--all", "--format", "json").text)
    [retired] = [q for q in every if q["short_id"] == ids["skills"]]
    assert retired["status"] == "retired"
    assert retired["good"] == "Names a skill and when they used it"


def test_bank_bad_input_saves_nothing(cli, coprod_home: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    assert "'feelings' is not a topic, so nothing was saved." in refused(
        cli, coprod_home, "panel", "question", "add", "Why?", "--topic", "feelings", code=2)
    assert "There is nobody called 'Zed' in the register." in refused(
        cli, coprod_home, "panel", "question", "add", "Why?", "--by", "Zed")
    assert "The question cannot be empty, so nothing was saved." in refused(
        cli, coprod_home, "panel", "question", "add", "   ", code=2)
    assert "control or invisible characters" in refused(
        cli, coprod_home, "panel", "question", "add", "Why\x1b[2J?", code=2)
    assert "There is no question in the bank 'q-ffffff', so nothing was saved." in refused(
        cli, coprod_home, "panel", "question", "edit", "q-ffffff", "--text", "New")
    assert "Nothing to change, so nothing was saved." in refused(
        cli, coprod_home, "panel", "question", "edit", ids["no"], code=2)


# -- planning ------------------------------------------------------------------------------

def test_plan_list_and_show_transcript(cli) -> None:  # noqa: ANN001
    ids = _bank(cli)
    out = cli("panel", "plan", "--post", "Support worker", "--date", "2027-01-15",
              "--member", "Ceri", "--member", "Sam", "--question", ids["listen"],
              "--question", ids["no"], "--own", "What would you do on your first day?").text
    pid = re.search(r"Planned panel (p-[0-9a-f]{6})", out).group(1)
    assert out.splitlines() == [
        f"Planned panel {pid}: Support worker on 2027-01-15, 2 members, 3 questions.",
        f"Print its pack with: coprod panel pack {pid} --candidates 4 --out panel.pdf"]
    assert cli("panel", "assign", pid, "--question", "2", "--member", "Ceri").text == \
        f"Question 2 of panel {pid} is asked by Ceri.\n"
    shown = cli("panel", "show", pid).text.splitlines()
    assert shown[:4] == [f"Panel {pid}: Support worker on 2027-01-15.",
                         "Members: Ceri, Sam.",
                         "Candidates: none yet (they are added when the pack is printed).",
                         "Questions:"]
    assert shown[4] == ("  1. Tell us about a time you really listened to someone. [values] "
                        "(by Ceri).")
    assert shown[6] == ("  2. What would you do if someone said no to their support? "
                        "[scenario] (by a person who uses services). Asked by Ceri.")
    assert shown[8] == "  3. What would you do on your first day? [other] (the panel's own)."
    [listed] = json.loads(cli("panel", "list", "--format", "json").text)
    assert re.fullmatch(r"p-[0-9a-f]{16}", listed["id"]) and listed["short_id"] == pid
    assert (listed["post"], listed["date"], len(listed["questions"])) == (
        "Support worker", "2027-01-15", 3)
    assert [m["name"] for m in listed["members"]] == ["Ceri", "Sam"]
    assert f"{pid}: Support worker on 2027-01-15, 2 members, 3 questions" in cli(
        "--plain", "panel", "list").text


def test_the_panel_record_has_the_shape_others_count(cli, coprod_home: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    _plan(cli, ids)
    people = {p["name"]: p["id"] for p in json.loads(cli("people", "list", "--format",
                                                         "json").text)}
    [panel] = json.loads((coprod_home / "store" / "panels" / "all.json").read_text(
        ))["records"].values()
    assert panel["members"] == [people["Ceri"], people["Sam"]]
    assert (panel["post"], panel["date"]) == ("Support worker", "2027-01-15")
    assert [q["by"] for q in panel["questions"]] == [people["Ceri"], people["Dee"], None]


def test_plan_bad_input_saves_nothing(cli, coprod_home: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    text = refused(cli, coprod_home, "panel", "plan", "--post", "Support worker", "--date",
                   "2027-01-15", "--member", "Ceri", code=2)
    assert "Error: A panel needs at least one question, so nothing was saved." in text
    assert "--own" in text  # the hint says how to add one
    assert "There is no question in the bank 'q-123456', so nothing was saved." in refused(
        cli, coprod_home, "panel", "plan", "--post", "Support worker", "--date",
        "2027-01-15", "--question", ids["listen"], "--question", "q-123456")
    assert "There is nobody called 'Zed' in the register." in refused(
        cli, coprod_home, "panel", "plan", "--post", "Cook", "--date", "2027-01-15",
        "--member", "Zed", "--question", ids["listen"])
    assert "'15/01/2027' is not a date coprod can read, so nothing was saved." in refused(
        cli, coprod_home, "panel", "plan", "--post", "Cook", "--date", "15/01/2027",
        "--question", ids["listen"], code=2)
    cli("panel", "question", "retire", ids["skills"])
    assert "is retired and no longer offered, so nothing was saved." in refused(
        cli, coprod_home, "panel", "plan", "--post", "Cook", "--date", "2027-01-15",
        "--question", ids["skills"])
    assert json.loads(cli("panel", "list", "--format", "json").text) == []
    pid = _plan(cli, ids)
    assert "Zed" not in refused(cli, coprod_home, "panel", "assign", pid, "--question", "1",
                                "--member", "Dee")  # Dee is not on this panel
    assert "Panel " + pid + " has no question '7'" in refused(
        cli, coprod_home, "panel", "assign", pid, "--question", "7", "--member", "Ceri")


# -- the pack ------------------------------------------------------------------------------

def _pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


@pytest.mark.parametrize("style", ["standard", "easy-read", "large-print"])
def test_pack_holds_every_sheet_with_nothing_orphaned(cli, tmp_path: Path, style: str
                                                      ) -> None:  # noqa: ANN001
    ids = _bank(cli)
    pid = _plan(cli, ids)
    cli("panel", "assign", pid, "--question", "1", "--member", "Ceri")
    out = tmp_path / f"panel-{style}.pdf"
    text = cli("panel", "pack", pid, "--candidates", "3", "--style", style, "--out",
               str(out)).text
    # the plan, 2 members' questions, 3 candidates x 2 members' sheets, the summary
    assert f"Saved {out}: 10 documents for panel {pid} (Support worker), candidates C1 to " \
           "C3." in text
    assert bad_page_ends(out) == []
    pages = _pages(out)
    whole = " ".join(pages)
    for code in ("C1", "C2", "C3"):
        assert sum(f"Scoring sheet: {code}" in p for p in pages) == 2  # one per member
    assert "Questions for Ceri" in whole and "Questions for Sam" in whole
    assert "You ask this one." in whole and "Ceri asks this." in whole
    assert "checks back what they heard" in whole  # the agreed indicators
    assert "Respects the no; asks why; keeps them safe" in whole
    for words in ("No evidence", "Some evidence", "Good evidence", "Excellent evidence"):
        assert whole.count(words) >= 6 * 3  # the scale under every question of every sheet
    summary = pages[-1] if "Summary" in pages[-1] else " ".join(
        p for p in pages if "Summary: Support worker" in p or "signs" in p)
    assert "Ceri signs" in whole and "Sam signs" in whole and "Date" in summary
    assert "Panel total" in whole
    assert ("We do not write their names." if style == "easy-read" else
            "Candidates are written as codes, not names, on every sheet.") in whole
    reader = PdfReader(out)
    assert reader.metadata.title == "Interview panel: Support worker"
    shown = json.loads(cli("panel", "show", pid, "--format", "json").text)
    assert shown["candidates"] == ["C1", "C2", "C3"] and shown["candidate_names"] == {}


def test_easy_read_pack_has_faces_and_pictures(cli, tmp_path: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    pid = _plan(cli, ids)
    html = tmp_path / "panel.html"
    cli("panel", "pack", pid, "--candidates", "2", "--style", "easy-read", "--format",
        "html", "--out", str(html))
    page = html.read_text(encoding="utf-8")
    assert 'class="scale faces"' in page and 'aria-label="very happy face"' in page
    assert page.count("Tick one face for each answer.") == 4  # 2 candidates x 2 members


def test_pack_escapes_what_people_typed(cli, tmp_path: Path) -> None:  # noqa: ANN001
    cli("people", "add", "Ceri", "--role", "person-using-services")
    out = cli("panel", "question", "add", "[write 9] # Heading? <b>bold</b>", "--by",
              "Ceri").text
    qid = re.search(r"question (q-[0-9a-f]{6})", out).group(1)
    pid = _plan_one(cli, qid)
    md = tmp_path / "panel.md"
    cli("panel", "pack", pid, "--candidates", "1", "--format", "md", "--out", str(md))
    text = md.read_text(encoding="utf-8")
    assert "\\[write 9\\]" in text and "\n[write 9]" not in text
    assert "<b>" not in text.replace("\\<b\\>", "")


def _plan_one(cli, qid: str) -> str:  # noqa: ANN001
    out = cli("panel", "plan", "--post", "Cook", "--date", "2027-02-01", "--member", "Ceri",
              "--question", qid).text
    return re.search(r"Planned panel (p-[0-9a-f]{6})", out).group(1)


def test_candidates_are_codes_unless_the_organisation_allows_names(
        cli, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    pid = _plan(cli, ids)
    out = tmp_path / "named.pdf"
    text = refused(cli, coprod_home, "panel", "pack", pid, "--candidates", "2",
                   "--candidate", "Jo Bloggs", "--candidate", "Al Smith", "--out", str(out),
                   code=2)
    assert "Candidates are recorded by a code (C1, C2 ...), not by name, so nothing was " \
           "saved." in text and "panel_candidate_names: true" in text
    assert not out.exists()
    (coprod_home / "config.yaml").write_text("panel_candidate_names: true\n", encoding="utf-8")
    cli("panel", "pack", pid, "--candidates", "2", "--candidate", "Jo Bloggs",
        "--candidate", "Al Smith", "--out", str(out))
    named = " ".join(_pages(out))
    assert "Scoring sheet: C1 (Jo Bloggs)" in named and "Scoring sheet: C2 (Al Smith)" in named
    assert "not names" not in named  # the plan no longer says names are never written
    shown = json.loads(cli("panel", "show", pid, "--format", "json").text)
    assert shown["candidate_names"] == {"C1": "Jo Bloggs", "C2": "Al Smith"}
    # a member's subject access export does not hand them the candidates' names
    export = tmp_path / "ceri.json"
    cli("people", "export", "Ceri", "--out", str(export))
    held = export.read_text(encoding="utf-8")
    assert '"interview_panels"' in held and "Jo Bloggs" not in held and "Al Smith" not in held


def test_pack_bad_input_saves_nothing(cli, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    ids = _bank(cli)
    pid = _plan(cli, ids)
    out = tmp_path / "p.pdf"
    assert "--candidates must be from 1 to 50, not 0. Nothing was saved." in refused(
        cli, coprod_home, "panel", "pack", pid, "--candidates", "0", "--out", str(out),
        code=2)
    assert "There is no interview panel 'p-000000', so nothing was saved." in refused(
        cli, coprod_home, "panel", "pack", "p-000000", "--candidates", "2", "--out",
        str(out))
    assert "does not exist" in refused(cli, coprod_home, "panel", "pack", pid,
                                       "--candidates", "2", "--out",
                                       str(tmp_path / "nowhere" / "p.pdf"))
    assert not out.exists()


def test_a_scale_and_the_notes_box_under_it_are_laid_out_as_one() -> None:
    from reportlab.platypus import KeepTogether

    from coprod_cli.render.markdown import parse
    from coprod_cli.render.pdf_blocks import flowables
    from coprod_cli.render.styles import get_style

    source = "\n\n".join(f"## Question {n}\n\nWhy this job?\n\n[scale 0-3: No | Some | "
                         "Good | Excellent]\n\n[write 3]" for n in range(1, 9))
    made = flowables(parse(source), get_style("standard"))
    assert not any(type(f).__name__ == "WriteBox" for f in made)  # none stands on its own
    groups = [[type(c).__name__ for c in f._content] for f in made
              if isinstance(f, KeepTogether)]
    # each question's heading, words, scale and notes box are one group
    assert sum(g.count("WriteBox") for g in groups) == 8
    assert all(g.index("Table") < g.index("WriteBox") for g in groups if "WriteBox" in g)
