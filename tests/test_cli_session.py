"""``coprod session list/show/check/schema`` as a facilitator uses them."""

from __future__ import annotations

import json
from pathlib import Path

from coprod_cli import resources


def test_list_table_and_theme_filter(cli) -> None:
    text = cli("session", "list").text
    for sid in ("wellbeing-five-ways", "getting-started-together",
                "planning-a-coproduced-project"):
        assert sid in text
    only = cli("session", "list", "--theme", "wellbeing", "--format", "json").output
    assert [row["id"] for row in json.loads(only)] == ["wellbeing-five-ways"]


def test_list_unknown_theme_names_the_themes(cli) -> None:
    text = cli("session", "list", "--theme", "gardening").text
    assert "No sessions with the theme 'gardening'" in text and "self-esteem" in text


def test_plain_list_is_one_sentence_a_line(cli) -> None:
    lines = cli("--plain", "session", "list").text.strip().splitlines()
    assert len(lines) >= 6
    assert all(line.endswith(".") for line in lines)


def test_show_text_has_every_part(cli) -> None:
    text = cli("session", "show", "wellbeing-five-ways").text
    for part in ("Aims:", "Materials:", "Roles:", "Lead facilitator:", "Step 1 of 8:",
                 "Say:", "Do:", "Accessibility tips:", "Tips for the co-facilitator:",
                 "Handouts:", "Total: 1 h 30 min."):
        assert part in text, part


def test_show_json_round_trips(cli) -> None:
    data = json.loads(cli("session", "show", "relationships-trust", "--format", "json").output)
    assert data["id"] == "relationships-trust"
    assert data["total_minutes"] == sum(step["minutes"] for step in data["steps"])


def test_check_all_shipped_sessions(cli) -> None:
    files = sorted(str(p) for p in resources.sessions_dir().glob("*.yaml"))
    text = cli("session", "check", *files).text
    assert text.count(": OK (") == len(files) >= 6
    assert "warning" not in text


def test_check_bad_file_lists_every_problem_and_exits_1(cli, write_file) -> None:
    good = (resources.sessions_dir() / "wellbeing-five-ways.yaml").read_text()
    bad = write_file("wellbeing-five-ways.yaml",
                     good.replace("duration: 90", "duration: ninety").replace(
                         "version: 1", "version: 1\nauthor: me"))
    result = cli("session", "check", str(bad), code=1)
    assert f"{bad}:3:1: author: is not a field" in result.text
    assert "duration: must be a whole number" in result.text
    assert "Error: 1 of 1 file could not be used." in result.text


def test_check_missing_file(cli, tmp_path: Path) -> None:
    result = cli("session", "check", str(tmp_path / "nope.yaml"), code=1)
    assert "There is no session file at" in result.text


def test_schema_is_json(cli) -> None:
    schema = json.loads(cli("session", "schema").output)
    assert schema["title"] == "coprod session"
    assert "steps" in schema["required"]


def test_user_session_is_listed_as_yours(cli, coprod_home: Path) -> None:
    mine = coprod_home / "sessions"
    mine.mkdir(parents=True)
    text = (resources.sessions_dir() / "self-esteem-strengths.yaml").read_text()
    (mine / "our-strengths.yaml").write_text(
        text.replace("id: self-esteem-strengths", "id: our-strengths"))
    rows = json.loads(cli("session", "list", "--format", "json").output)
    assert {r["id"]: r["origin"] for r in rows}["our-strengths"] == "yours"


def test_audit_trail_names_the_command_run(cli, coprod_home: Path) -> None:
    """The trail records the command's words (found through Typer's public Context), never
    its arguments: a name typed on the command line must not reach it."""
    from coprod_cli.store.database import Store

    cli("people", "add", "Zofia Secretname", "--role", "volunteer")
    cli("session", "run", "wellbeing-five-ways", "--lead", "Sam:staff", "--attendee",
        "Ana:person-using-services", "--measure", "none", "--feedback", "later",
        input="n\n" * 8 + "\n\n")
    trail = Store.open(coprod_home / "store").all("audit")
    assert [entry["command"] for entry in trail][:1] == ["people add"]
    assert {entry["command"] for entry in trail} == {"people add", "session run"}
    assert "Secretname" not in str(trail)


def test_usage_errors_keep_their_exit_codes_outside_tests(cli, monkeypatch) -> None:
    """Typer's own errors pass through the error boundary untouched (exit 2, its 'Error:'
    line), and ours keep exit 1 with a hint, as a user sees them (not the test re-raise)."""
    import sys

    monkeypatch.delattr(sys, "_called_from_test")
    missing = cli("session", "run", code=2)
    assert "Error: Missing argument 'ID'." in missing.text
    assert "Something unexpected" not in missing.text
    bad_option = cli("session", "list", "--colour", code=2)
    assert "Error: No such option: --colour" in bad_option.text
    ours = cli("session", "show", "nope", code=1)
    assert "Error: There is no session called 'nope'." in ours.text
    assert "Hint: Run 'coprod session list' to see every session." in ours.text


def test_list_on_a_narrow_screen_is_a_sentence_a_session(cli, monkeypatch) -> None:
    """At 60 columns (large fonts) a six-column table cuts every title to a letter; each
    session reads as a whole sentence instead (a terminal wraps it between words)."""
    monkeypatch.setenv("COLUMNS", "60")
    out = cli("session", "list").output
    assert "Five ways to wellbeing" in out and "Theme wellbeing" in out
    assert "│" not in out and "…" not in out
    assert "wellbeing-five-ways: Five ways to wellbeing. Theme wellbeing, 1 h 30 min, 8 steps." \
        in out
