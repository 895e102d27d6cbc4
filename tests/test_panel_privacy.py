"""Issue 19: interview panels and people's rights. ``people forget`` leaves no name or id of
a panel member or a question author in the panel tables; ``people export`` lists what
they wrote, sat on and scored; candidate data past its retention period is offered for
deletion by ``people review`` and deleted whole."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from tests.panel_helpers import refused

MEMBER = "Zebedee Quixotic"  # sits on the panel and scores
AUTHOR = "Ottoline Vasquez"  # wrote a question, not on the panel
CONSENT = "agreed to: register, named in credits"


def _ids(cli) -> dict[str, str]:  # noqa: ANN001
    return {p["name"]: p["id"] for p in json.loads(cli("people", "list", "--format",
                                                       "json").text)}


def _setup(cli, tmp_path: Path, day: str = "2027-01-15") -> str:  # noqa: ANN001
    cli("people", "add", MEMBER, "--role", "person-using-services", "--consent", CONSENT)
    cli("people", "add", AUTHOR, "--role", "volunteer", "--consent", CONSENT)
    cli("people", "add", "Sam", "--role", "staff")
    qid = re.search(r"question (q-[0-9a-f]{6})", cli(
        "panel", "question", "add", "What does a good day look like for you?", "--topic",
        "values", "--by", AUTHOR, "--good", "Talks about the person, not the task").text
    ).group(1)
    cli("panel", "question", "add", f"Ask what {MEMBER} would need from you.", "--by", MEMBER)
    pid = re.search(r"Planned panel (p-[0-9a-f]{6})", cli(
        "panel", "plan", "--post", "Support worker", "--date", day, "--member", MEMBER,
        "--member", "Sam", "--question", qid,
        "--own", f"How would you support {MEMBER} at a review?").text).group(1)
    cli("panel", "assign", pid, "--question", "1", "--member", MEMBER)
    cli("panel", "pack", pid, "--candidates", "2", "--out", str(tmp_path / "pack.pdf"))
    cli("panel", "score", pid, "--candidate", "C1", "--member", MEMBER, "--question", "1",
        "--score", "3", "--note", f"{MEMBER} liked this answer")
    cli("panel", "score", pid, "--candidate", "C1", "--member", "Sam", "--question", "2",
        "--score", "2")
    return pid


def _files_holding(home: Path, needles: list[bytes], *, skip: tuple[str, ...] = ()
                   ) -> list[str]:
    found = []
    for path in sorted(home.rglob("*")):
        rel = path.relative_to(home).as_posix()
        if path.is_file() and not any(part in rel for part in skip):
            data = path.read_bytes().lower()
            if any(n.lower() in data for n in needles):
                found.append(rel)
    return found


def test_export_lists_what_they_wrote_sat_on_and_scored(cli, tmp_path: Path) -> None:  # noqa: ANN001
    pid = _setup(cli, tmp_path)
    who = _ids(cli)
    out = tmp_path / "member.json"
    text = cli("people", "export", MEMBER, "--out", str(out)).text
    assert "1 panel questions written, 1 interview panels, 1 interview scores given" in text
    export = json.loads(out.read_text(encoding="utf-8"))
    [written] = export["panel_questions_written"]
    assert written["text"] == f"Ask what {MEMBER} would need from you."
    [panel] = export["interview_panels"]
    assert panel["id"].startswith(pid)
    assert (panel["post"], panel["date"], panel["candidates"]) == ("Support worker",
                                                                   "2027-01-15", 2)
    assert panel["as"] == ["panel member", "asks question 1"]
    assert "members" not in panel  # the other members and the candidates are not theirs
    assert [m["where"] for m in export["mentions"]] == ["interview panel question"]
    assert export["mentions"][0]["text"] == f"How would you support {MEMBER} at a review?"
    [scored] = export["interview_scores_given"]
    assert (scored["candidate"], scored["score"], scored["member"]) == ("C1", 3, who[MEMBER])
    author = tmp_path / "author.json"
    cli("people", "export", AUTHOR, "--out", str(author))
    export = json.loads(author.read_text(encoding="utf-8"))
    assert [q["text"] for q in export["panel_questions_written"]] == [
        "What does a good day look like for you?"]
    [panel] = export["interview_panels"]  # their question is on it
    assert panel["id"][:8] == pid and panel["as"] == ["wrote question 1"]
    assert export["interview_scores_given"] == []


def test_forget_leaves_no_name_or_id_of_member_or_author(cli, coprod_home: Path,
                                                          tmp_path: Path) -> None:  # noqa: ANN001
    pid = _setup(cli, tmp_path)
    who = _ids(cli)
    names = [b"zebedee", b"quixotic", b"ottoline", b"vasquez"]
    ids = [who[MEMBER].encode(), who[AUTHOR].encode()]
    assert _files_holding(coprod_home / "store", names + ids, skip=("audit",))
    cli("people", "forget", MEMBER, "--yes")
    cli("people", "forget", AUTHOR, "--yes")
    # no byte of either name anywhere in the home folder, backups included
    assert _files_holding(coprod_home, names, skip=("pack.pdf",)) == []
    # nor either id in any record; the audit trail holds record ids by design (the
    # register entry's own id, as added and deleted), and is checked separately
    assert _files_holding(coprod_home, ids, skip=("audit",)) == []
    for table in ("panel_questions", "panels", "panel_scores"):
        text = (coprod_home / "store" / table / "all.json").read_text(encoding="utf-8")
        assert not any(i.decode() in text for i in ids), table
    shown = cli("panel", "show", pid, "--format", "json").text
    panel = json.loads(shown)
    assert [m["name"] for m in panel["members"]] == ["a former panel member", "Sam"]
    assert panel["questions"][0]["by"] == "a contributor"
    assert panel["questions"][1]["text"] == "[removed: named a person who asked to be " \
                                            "forgotten]"
    summary = json.loads(cli("panel", "score", pid, "--summary", "--format", "json").text)
    assert summary["candidates"][0]["total"] == 5  # the scores still add up
    assert cli("data", "check", code=None).exit_code == 0


def test_review_offers_panels_past_retention_and_deletes_their_candidate_data(
        cli, coprod_home: Path, tmp_path: Path) -> None:  # noqa: ANN001
    old = (date.today() - timedelta(days=200)).isoformat()  # over 6 months ago
    recent = (date.today() - timedelta(days=20)).isoformat()
    pid = _setup(cli, tmp_path, day=old)
    keep = re.search(r"Planned panel (p-[0-9a-f]{6})", cli(
        "panel", "plan", "--post", "Cook", "--date", recent, "--member", "Sam", "--own",
        "Why cooking?").text).group(1)
    cli("panel", "pack", keep, "--candidates", "3", "--out", str(tmp_path / "cook.pdf"))
    text = " ".join(cli("people", "review").text.split())
    assert "1 interview panel still holds candidate data more than 6 months after the " \
           "panel:" in text
    assert f"{pid} Support worker on {old}: 2 candidates, 2 scores" in text
    assert keep not in text
    listed = json.loads(cli("people", "review", "--format", "json").text)
    assert [(p["kind"], p["id"][:8]) for p in listed if p["kind"] == "panel"] == [
        ("panel", pid)]
    assert "Nothing was deleted." in refused(cli, coprod_home, "people", "review",
                                             "--delete-panel-data", input="n\n")
    assert "Pass --yes to answer it." in refused(cli, coprod_home, "people", "review",
                                                 "--delete-panel-data", code=2)
    done = cli("people", "review", "--delete-panel-data", "--yes").text
    assert "Deleted the candidate data of 1 interview panel and 2 scores." in done
    shown = json.loads(cli("panel", "show", pid, "--format", "json").text)
    assert shown["candidates"] == [] and shown["scores"] == 0
    assert shown["candidate_data_deleted"] and len(shown["members"]) == 2  # panel kept
    assert json.loads(cli("panel", "show", keep, "--format", "json").text)["candidates"] == [
        "C1", "C2", "C3"]
    text = refused(cli, coprod_home, "panel", "score", pid, "--candidate", "C1", "--member",
                   "Sam", "--question", "1", "--score", "1")
    assert "candidate data was deleted at the end of its retention period" in text
    assert "No interview panel holds candidate data" in cli(
        "people", "review", "--delete-panel-data", "--yes").text
    (coprod_home / "config.yaml").write_text("panel_retention_months: 12\n", encoding="utf-8")
    assert [p for p in json.loads(cli("people", "review", "--format", "json").text)
            if p["kind"] == "panel"] == []


def test_retention_months_count_calendar_months() -> None:
    from coprod_cli.panels.retention import add_months

    assert add_months(date(2027, 1, 15), 6) == date(2027, 7, 15)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
