"""The kept session catalogue behind ``session list``: it must say exactly what loading every
session file strictly says, and follow every change to the files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from coprod_cli import resources
from coprod_cli.cli.context import AppState
from coprod_cli.sessions import catalogue


def _listing(cli) -> list[dict[str, object]]:
    return json.loads(cli("session", "list", "--format", "json").output)


def _strict(home: Path) -> list[dict[str, object]]:
    """What the strictly loaded library says, computed without the catalogue."""
    state = AppState(home=home)
    return [{"id": s.id, "title": s.session.title, "theme": s.session.theme,
             "duration": s.session.duration, "steps": len(s.session.steps),
             "origin": s.origin, "path": str(s.path)} for s in state.library().all()]


def _own_session(home: Path, new_id: str, title: str | None = None) -> Path:
    mine = home / "sessions"
    mine.mkdir(parents=True, exist_ok=True)
    text = (resources.sessions_dir() / "self-esteem-strengths.yaml").read_text()
    text = text.replace("id: self-esteem-strengths", f"id: {new_id}")
    if title is not None:
        text = "\n".join(f"title: {title}" if line.startswith("title:") else line
                         for line in text.splitlines()) + "\n"
    path = mine / f"{new_id}.yaml"
    path.write_text(text)
    return path


def test_kept_catalogue_lists_what_strict_loading_lists(cli, coprod_home: Path) -> None:
    coprod_home.mkdir()
    first = _listing(cli)
    assert (coprod_home / "cache" / "sessions.json").is_file()
    assert _listing(cli) == first == _strict(coprod_home)
    table = cli("session", "list").output
    assert cli("session", "list").output == table and "wellbeing-five-ways" in table


def test_catalogue_follows_added_edited_broken_and_removed_files(cli,
                                                                coprod_home: Path) -> None:
    coprod_home.mkdir()
    _listing(cli)
    path = _own_session(coprod_home, "our-strengths", "Our strengths")
    rows = {r["id"]: r for r in _listing(cli)}
    assert rows["our-strengths"]["title"] == "Our strengths"
    _own_session(coprod_home, "our-strengths", "Strengths we share")
    assert {r["id"]: r["title"] for r in _listing(cli)}["our-strengths"] == "Strengths we share"
    assert _listing(cli) == _strict(coprod_home)
    path.write_text(path.read_text().replace("duration:", "durationn:"))
    out = cli("session", "list").output
    assert "our-strengths" not in {r["id"] for r in _listing(cli)}
    assert "Skipped:" in out and "our-strengths.yaml" in out
    assert "Skipped:" in cli("session", "list").output  # the problem is kept too
    path.unlink()
    assert "Skipped:" not in cli("session", "list").output
    assert _listing(cli) == _strict(coprod_home)


def test_damaged_or_foreign_catalogue_is_rebuilt(cli, coprod_home: Path) -> None:
    coprod_home.mkdir()
    expected = _listing(cli)
    kept = coprod_home / "cache" / "sessions.json"
    for body in (b"{not json", b"[]", json.dumps({"format": 1, "coprod": "0.0.0",
                                                  "sources": [], "entries": [],
                                                  "problems": []}).encode()):
        kept.write_bytes(body)
        assert _listing(cli) == expected
        assert json.loads(kept.read_bytes())["entries"]  # kept afresh


def test_a_stale_entry_is_never_shown(cli, coprod_home: Path) -> None:
    """A kept catalogue whose sources no longer match is not believed, even if its
    entries were tampered with."""
    coprod_home.mkdir()
    _listing(cli)
    kept = coprod_home / "cache" / "sessions.json"
    data = json.loads(kept.read_bytes())
    data["entries"][0][1] = "A title nobody wrote"
    kept.write_text(json.dumps(data))
    path = _own_session(coprod_home, "our-strengths")
    os.utime(path)
    assert "A title nobody wrote" not in cli("session", "list").output


def test_no_home_folder_is_made_just_to_list(cli, coprod_home: Path) -> None:
    assert not coprod_home.exists()
    assert _listing(cli)
    assert not coprod_home.exists()


def test_load_without_a_folder_to_keep_in_reads_the_library(tmp_path: Path) -> None:
    state = AppState(home=tmp_path / "nowhere")
    found = catalogue.load([resources.sessions_dir()], state.library, None)
    assert {e.id for e in found.all()} == {s.id for s in state.library().all()}
    assert found.themes() == state.library().themes()
