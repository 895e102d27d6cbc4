"""Issue 13, item 4: no stored or bundled text reaches the terminal raw, and the same rule for
names at every entry point. Each test is the attack: the input is built here and the command
is run through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod_cli import config
from coprod_cli.escape import terminal_safe


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock.owner"))}


def _init(cli) -> None:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")


@pytest.mark.parametrize("text", ["\x1b]0;pwned\x07", "\x1b[2J\x1b[HFAKE PROMPT>",
                                  "a\u202eb", "\u200b\u200b", "x\x9b2Jy", "\x07\x08\r"])
def test_terminal_safe_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    cleaned = terminal_safe(text)
    assert not any(ord(ch) < 32 and ch not in "\n\t" or 0x7f <= ord(ch) <= 0x9f
                   for ch in cleaned)
    assert "\u202e" not in cleaned and "\u200b" not in cleaned
    assert "pwned" not in cleaned and "[2J" not in cleaned


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200b\u200b", "Ana\u202eniL",
                                  "\u2066Sam\u2069"])
def test_people_add_refuses_invisible_and_override_names(cli, coprod_home: Path,
                                                         name: str) -> None:  # noqa: ANN001
    _init(cli)
    cli("people", "add", "Ana", "--role", "volunteer")
    before = _snapshot(coprod_home)
    result = cli("people", "add", name, "--role", "volunteer", code=2)
    assert "A name cannot contain line breaks or control characters" in result.text
    assert _snapshot(coprod_home) == before


def test_a_hand_edited_name_is_shown_without_its_escape_sequence(cli,
                                                                coprod_home: Path) -> None:  # noqa: ANN001
    """A record that bypassed every check (edited by hand, or an older coprod) is still
    printed through the one sanitiser by people list and people show."""
    _init(cli)
    cli("people", "add", "Zed Placeholder", "--role", "volunteer")
    files = list((config.store_dir(coprod_home) / "people").glob("*.json"))
    assert files
    for path in files:
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Zed Placeholder", "\\u001b[2J\\u001b[HFAKE PROMPT>\\u202eZed"), encoding="utf-8")
    listed = cli("people", "list")
    assert "FAKE PROMPT>Zed" in listed.output
    assert "\x1b" not in listed.output and "\u202e" not in listed.output


@pytest.mark.parametrize("name", ["\x1b[2J\x1b[HFAKE PROMPT>", "Ana\u202eniL",
                                  "\u200b\u200b", "\x1b]0;pwned\x07"])
def test_a_merged_name_that_would_reach_the_terminal_raw_is_refused(
        cli, coprod_home: Path, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    from tests.test_bundle_checks import doctor, make_bundle, person_with

    _init(cli)
    cli("people", "add", "Cy", "--role", "staff")
    good, ana = make_bundle(tmp_path / "beech", "export")
    bad = doctor(good, tmp_path / "bad.zip", "records/people/all.json",
                 person_with(ana, {"name": name}))
    before = _snapshot(coprod_home)
    result = cli("data", "merge", str(bad), code=1)
    assert "bad.zip" in result.output and "'name'" in result.output
    for ch in ("\x1b", "\u202e", "\u200b", "\x07"):
        assert ch not in result.output
    assert _snapshot(coprod_home) == before
    listed = cli("people", "list").output
    assert "FAKE PROMPT" not in listed and "\x1b" not in listed


def test_toolkit_add_of_a_bundle_with_an_escape_in_its_service_name(
        cli, coprod_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import json
    import zipfile

    other = tmp_path / "other"
    monkeypatch.setenv("COPROD_HOME", str(other))
    _init(cli)
    shared = tmp_path / "s.zip"
    cli("toolkit", "share", "wellbeing-five-ways", "--out", str(shared))
    with zipfile.ZipFile(shared) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["service"] = "\x1b]0;pwned\x07Oak"
    members["manifest.json"] = json.dumps(manifest).encode()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    monkeypatch.setenv("COPROD_HOME", str(coprod_home))
    _init(cli)
    before = _snapshot(coprod_home)
    result = cli("toolkit", "add", str(bad), code=1)
    assert "bad.zip" in result.output and "\x1b" not in result.output
    assert "services' names" in result.output or "service" in result.output
    assert _snapshot(coprod_home) == before
    assert "\x1b" not in cli("toolkit", "list").output


def test_an_unterminated_title_sequence_keeps_the_text_after_it() -> None:
    """Rich drops BEL itself, so an OSC may arrive without its end: only the introducer
    goes, never the visible name after it."""
    assert terminal_safe("\x1b]0;pwnedAna") == "pwnedAna"
    assert terminal_safe("\x1b]0;title\x07Ana") == "Ana"
    assert terminal_safe("a\tb\nc", one_line=True) == "a b c"


def test_a_comment_with_an_escape_sequence_is_shown_safely_by_eval_summarise(
        cli, coprod_home: Path) -> None:
    """`eval summarise --format md` printed to the screen goes through the same sanitiser as
    every other stored text; saved to a file it keeps the (already escaped) report."""
    from coprod_cli import config
    from coprod_cli.store.database import Store
    from tests.sample_records import build_org

    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "2", "--style", "standard")
    store = Store.open(config.store_dir(coprod_home))
    build_org(store)
    form = store.all("feedback")[0]
    store.update("feedback", form["id"], {"answers": {**form["answers"],
                                                     "went_well": "ok\x1b]0;pwned\x07 \u202egood"}},
                 partition=form["run_id"][:4])
    shown = cli("eval", "summarise", "--format", "md").output
    assert "good" in shown  # the comment is there (not hidden), cleaned
    assert "\x1b" not in shown and "\u202e" not in shown
