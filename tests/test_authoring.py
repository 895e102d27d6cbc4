"""Writing and adapting sessions: new (answers or outline), fork, diff, and check's advice."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coprod_cli import resources
from coprod_cli.errors import ValidationError
from coprod_cli.sessions.forking import rewrite_session_text
from coprod_cli.sessions.library import Library, load_session_file
from coprod_cli.sessions.outline import even_steps, parse_outline

OUTLINE = """\
# Walk and talk
Welcome and check-in - 10 min
2. Warm-up game (15)
20: Walk the route
# a note to self, skipped
Closing and your views: 5 minutes
"""


def test_outline_reads_minutes_before_or_after_and_a_title() -> None:
    title, steps = parse_outline(OUTLINE)
    assert title == "Walk and talk"
    assert steps == [("Welcome and check-in", 10), ("Warm-up game", 15),
                     ("Walk the route", 20), ("Closing and your views", 5)]


def test_outline_lists_every_bad_line() -> None:
    with pytest.raises(ValidationError) as info:
        parse_outline("Welcome - 10 min\nWarm up\nWalk - 999 min\n", "walk.txt")
    assert info.value.problems == [
        "walk.txt:2: 'Warm up' has no minutes (write it like 'Welcome - 10 min')",
        "walk.txt:3: 999 minutes is not from 1 to 480"]


def test_even_steps_add_up() -> None:
    steps = even_steps(50, 4)
    assert sum(m for _, m in steps) == 50 and len(steps) == 4
    assert steps[0][0] == "Welcome and check-in" and steps[-1][0] == "Closing and your views"


def test_new_from_outline_writes_a_valid_commented_session(cli, write_file,
                                                           coprod_home: Path) -> None:
    outline = write_file("walk.txt", OUTLINE)
    text = cli("session", "new", "--from-outline", str(outline), "--theme", "wellbeing",
               "--aim", "Get outside together").text
    path = coprod_home / "sessions" / "walk-and-talk.yaml"
    assert f"Wrote {path} (4 steps, 50 minutes)" in text
    source = path.read_text()
    assert source.startswith("# Walk and talk: written with 'coprod session new'.")
    data = yaml.safe_load(source)
    assert [s["minutes"] for s in data["steps"]] == [10, 15, 20, 5]
    assert data["duration"] == 50
    assert {s["lead"] for s in data["steps"]} == {"both", "co-facilitator", "lead"}
    handout = coprod_home / "templates" / "handouts" / "walk-and-talk.md.j2"
    assert handout.is_file()
    loaded = load_session_file(path, [coprod_home / "templates", resources.templates_dir()])
    assert loaded.session.handouts[0].template == "handouts/walk-and-talk.md.j2"
    # the scaffold's placeholders are flagged until the author writes their own words
    check = cli("session", "check", str(path)).text
    assert f"{path}:13:10: summary: still says '(to write)'" in check
    assert "walk-and-talk.md.j2:9:1: handouts[1] (walk-and-talk-handout): still says" in check
    assert "add up" not in check and "every step is led" not in check
    # the same id again is refused, and nothing is overwritten
    again = cli("session", "new", "--from-outline", str(outline), "--theme", "wellbeing",
                "--aim", "x", code=2)
    assert "Error: You already have a session file at" in again.text
    assert path.read_text() == source


def test_new_guided_by_answers(cli, coprod_home: Path) -> None:
    result = cli("session", "new", input="Memory garden\nwellbeing\nPlan it; Plant it\n60\n3\n")
    assert "Title: Memory garden" in result.text
    data = yaml.safe_load((coprod_home / "sessions" / "memory-garden.yaml").read_text())
    assert data["aims"] == ["Plan it", "Plant it"]
    assert [s["minutes"] for s in data["steps"]] == [20, 20, 20]


def test_new_without_answers_names_the_flag(cli) -> None:
    result = cli("session", "new", "--title", "Quiz", input="", code=2)
    assert "Pass --theme to answer it." in result.text


def test_new_refuses_a_builtin_id(cli) -> None:
    result = cli("session", "new", "--title", "Five ways to wellbeing", "--id",
                 "wellbeing-five-ways", "--theme", "wellbeing", "--aim", "x", "--duration",
                 "60", "--steps", "3", code=2)
    assert "There is already a session called 'wellbeing-five-ways' (built-in)" in result.text
    assert "session fork wellbeing-five-ways --as NEW_ID" in result.text


def test_fork_change_and_diff(cli, coprod_home: Path) -> None:
    text = cli("session", "fork", "wellbeing-five-ways", "--as", "five-ways-outdoors").text
    path = coprod_home / "sessions" / "five-ways-outdoors.yaml"
    assert f"Copied wellbeing-five-ways@1 to {path} with 1 handout." in text
    forked = yaml.safe_load(path.read_text())
    assert forked["based_on"] == "wellbeing-five-ways@1"
    handout = coprod_home / "templates" / "five-ways-outdoors" / "handouts" / "five-ways-card.md.j2"
    assert forked["handouts"][0]["template"] == "five-ways-outdoors/handouts/five-ways-card.md.j2"
    assert handout.read_text() == (resources.templates_dir() / "handouts" /
                                   "five-ways-card.md.j2").read_text()
    assert "The session is the same" not in text
    same = cli("session", "diff", "five-ways-outdoors").text
    assert "has the same content as wellbeing-five-ways@1" in same

    source = path.read_text()
    path.write_text(source.replace('title: "Five ways to wellbeing"', 'title: "Five ways outdoors"')
                    .replace("    minutes: 5\n", "    minutes: 10\n").replace("duration: 90",
                                                                              "duration: 95"))
    handout.write_text(handout.read_text() + "\nBring a coat.\n")
    diff = cli("session", "diff", "five-ways-outdoors", "--full").text
    assert "Title: 'Five ways to wellbeing' -> 'Five ways outdoors'" in diff
    assert "Duration: 90 -> 95 minutes" in diff
    assert "Step 2 'Four quiet questions': 5 -> 10 minutes" in diff
    assert "Handout changed: Five ways to wellbeing card" in diff
    assert "+Bring a coat." in diff
    # forking it again under the same id is refused
    assert "already have a session file" in cli("session", "fork", "wellbeing-five-ways",
                                                 "--as", "five-ways-outdoors", code=2).text


def test_fork_with_the_same_id_overrides_and_diff_uses_the_snapshot(cli, coprod_home) -> None:
    cli("session", "fork", "self-esteem-strengths")
    path = coprod_home / "sessions" / "self-esteem-strengths.yaml"
    library_rows = cli("session", "show", "self-esteem-strengths", "--format", "json").output
    assert '"origin": "yours"' in library_rows
    path.write_text(path.read_text().replace("version: 1\n", "version: 1\n", 1)
                    .replace("duration: 90", "duration: 100"))
    assert "Duration: 90 -> 100 minutes" in cli("session", "diff", "self-esteem-strengths").text
    assert (coprod_home / "sessions" / "originals" / "self-esteem-strengths@1" /
            "self-esteem-strengths.yaml").is_file()


def test_diff_of_a_session_that_is_not_a_fork(cli) -> None:
    result = cli("session", "diff", "wellbeing-five-ways", code=2)
    assert "is not based on another session" in result.text


def test_rewrite_keeps_comments_and_moves_templates() -> None:
    text = ("# hello\nid: a\ntitle: x\nhandouts:\n  - id: h\n"
            "    template: 'handouts/h.md.j2'  # mine\n")
    out = rewrite_session_text(text, session_id="b", version=3, based_on="a@1",
                               templates={"handouts/h.md.j2": "b/handouts/h.md.j2"})
    assert out.splitlines()[:4] == ["# hello", "id: b", "version: 3", 'based_on: "a@1"']
    assert "    template: 'b/handouts/h.md.j2'  # mine" in out


# -- check's friendly warnings ---------------------------------------------------------------
EVERY_PROBLEM = """\
id: all-wrong
title: "All wrong"
theme: wellbeing
duration: 60
easy_read: true
summary: "A session for every SU in the service where we talk about the outcomes framework and how keyworkers and stakeholders can help."
aims: ["Meet the KPI"]
roles:
  lead: "Leads."
  co_facilitator: "Helps."
handouts:
  - id: card
    title: "Card"
    template: handouts/card.md.j2
    easy_read: true
  - id: spare
    title: "Spare"
    template: handouts/nowhere.md.j2
steps:
  - title: "One"
    minutes: 10
    lead: lead
    say: |
      Hello.
      This is a very long sentence that goes on and on and on for far more than fifteen words in all.
    do: "(to write) Something."
    handouts: [card]
  - title: "Two"
    minutes: 10
    lead: lead
    say: "Bye."
    do: "Wave to your service user friends."
"""  # noqa: E501

CARD = """\
# {{ session.title }}

[picture star] Short words.

[picture people] This handout line is far too long for easy read because it keeps going with more and more words.

Talk to your keyworker.
"""  # noqa: E501


def test_check_reports_every_kind_of_advice(cli, write_file, tmp_path: Path,
                                            coprod_home: Path) -> None:
    templates = coprod_home / "templates" / "handouts"
    templates.mkdir(parents=True)
    (templates / "card.md.j2").write_text(CARD)
    path = write_file("all-wrong.yaml", EVERY_PROBLEM)
    text = cli("session", "check", str(path)).text
    card = templates / "card.md.j2"
    expected = [
        f"{path}:4:11: duration: the steps add up to 20 minutes, not 60",
        f"{path}:16:9: handouts[2].id: 'spare' is not used by any step",
        f"{path}:18:15: handouts[2].template: 'handouts/nowhere.md.j2' was not found",
        f"{path}:20:3: steps: every step is led by the lead facilitator; co-production shares "
        "the work, so give at least one step to the co-facilitator",
        f"{path}:26:9: steps[1].do: still says '(to write)'",
        f"{path}:6:10: summary: a sentence of 22 words; easy read keeps to 15 or fewer",
        f"{path}:25:1: steps[1].say: a sentence of 21 words",
        f"{path}:6:10: summary: 'SU' may need explaining, or a plainer word",
        f"{path}:6:10: summary: 'outcomes framework' may need explaining",
        f"{path}:6:10: summary: 'keyworker' may need explaining",
        f"{path}:6:10: summary: 'stakeholder' may need explaining",
        f"{path}:7:8: aims[1]: 'KPI' may need explaining",
        f"{path}:32:9: steps[2].do: 'service user' may need explaining",
        f"{card}:5:1: handouts[1] (card): a sentence of 19 words",
        f"{card}:7:1: handouts[1] (card): 'keyworker' may need explaining",
        f"{card}:7:1: handouts[1] (card): an easy-read idea with no picture",
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, text
    assert text.count("warning:") == len(expected)
    assert "Error" not in text  # advice never fails the check


def test_jargon_list_comes_from_settings(cli, write_file, coprod_home: Path) -> None:
    coprod_home.mkdir(parents=True, exist_ok=True)
    (coprod_home / "config.yaml").write_text("jargon: [stroll]\n")
    text = (resources.sessions_dir() / "wellbeing-five-ways.yaml").read_text()
    path = write_file("wellbeing-five-ways.yaml",
                      text.replace("A short walk, dancing", "A short stroll, dancing"))
    out = cli("session", "check", str(path)).text
    assert "steps[3].say: 'stroll' may need explaining" in out
    assert out.count("warning:") == 1


def test_lowercase_su_is_not_jargon(write_file) -> None:
    text = EVERY_PROBLEM.replace("every SU in", "every sue in")
    loaded = load_session_file(write_file("all-wrong.yaml", text), [resources.templates_dir()])
    assert not any("'SU'" in w for w in loaded.warnings)


def test_every_builtin_session_has_no_warnings_at_all() -> None:
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    for loaded in library.all():
        assert loaded.warnings == [], (loaded.id, loaded.warnings)


# -- nothing half-made is left behind ----------------------------------------------------------
def _disk_full_for(monkeypatch: pytest.MonkeyPatch, wanted: str) -> list[Path]:
    """Make writing any file called ``wanted`` fail as a full disk would; the rest go on.
    Returns the list of files that were written."""
    import errno

    from coprod_cli import files

    real = files.atomic_write_bytes
    written: list[Path] = []

    def write(path: Path, data: bytes, mode: int = 0o600) -> None:
        if path.name == wanted:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, mode)
        written.append(path)

    monkeypatch.setattr(files, "atomic_write_bytes", write)
    return written


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() \
        else []


def test_new_leaves_no_handout_when_the_session_file_cannot_be_written(
        cli, coprod_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = _disk_full_for(monkeypatch, "walk-and-talk.yaml")
    result = cli("session", "new", "--title", "Walk and talk", "--theme", "wellbeing",
                 "--aim", "Get outside", "--duration", "60", "--steps", "3", code=1)
    assert result.text.startswith("Error: The disk is full, so coprod could not save. "
                                  "Nothing was changed.")
    assert [p.name for p in written] == ["walk-and-talk.md.j2"]  # the stub was written...
    assert _files_under(coprod_home / "templates") == []  # ...and taken away, folders too
    assert _files_under(coprod_home / "sessions") == []


def test_fork_leaves_nothing_when_its_last_file_cannot_be_written(
        cli, coprod_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coprod_cli import files

    real_write = files.atomic_write_bytes
    written = _disk_full_for(monkeypatch, "five-ways-outdoors.yaml")
    cli("session", "fork", "wellbeing-five-ways", "--as", "five-ways-outdoors", code=1)
    assert len(written) == 3  # the snapshot (session and handout) and the handout copy
    assert _files_under(coprod_home / "sessions") == []
    assert _files_under(coprod_home / "templates") == []
    # with room on the disk again the same fork works: nothing left over is in its way
    monkeypatch.setattr(files, "atomic_write_bytes", real_write)
    assert "Copied wellbeing-five-ways@1" in cli("session", "fork", "wellbeing-five-ways",
                                                 "--as", "five-ways-outdoors").text
