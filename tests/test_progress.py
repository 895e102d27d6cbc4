"""Progress bars: shown on a terminal for slow work, never with --plain or when piped."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from coprod_cli.cli import context
from coprod_cli.cli.progress import progress_bar


def terminal(monkeypatch: pytest.MonkeyPatch, plain: bool) -> io.StringIO:
    """This invocation's stderr as a terminal that writes into the returned buffer."""
    screen = io.StringIO()
    context.reset(None, False, plain)
    monkeypatch.setattr(context.AppState, "console", lambda self, stderr=False: Console(
        file=screen, force_terminal=True, width=60))
    monkeypatch.setattr("coprod_cli.cli.progress._stdout_is_terminal", lambda: True)
    return screen


def test_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = terminal(monkeypatch, plain=False)
    with progress_bar("Laying out", "documents") as update:
        assert update is not None
        update(3, 10)
    assert "Laying out" in screen.getvalue()


def test_no_bar_with_plain_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = terminal(monkeypatch, plain=True)
    with progress_bar("Laying out", "documents") as update:
        assert update is None
    assert screen.getvalue() == ""


def test_no_bar_when_not_a_terminal(cli, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    result = cli("handouts", "print", "wellbeing-five-ways", "--copies", "3", "--out", str(out))
    assert "Laying out" not in result.output and "\x1b[" not in result.output
    assert result.text.startswith("Saved the facilitator's plan")


def test_the_toolkit_reports_every_step_up_to_the_total(tmp_path: Path) -> None:
    from coprod_cli import resources
    from coprod_cli.toolkit import book

    seen: list[tuple[int, int]] = []
    root = tmp_path / "toolkit"
    (root / "sessions").mkdir(parents=True)
    built = book.build(root, [], tmp_path / "toolkit.pdf", progress=lambda d, t: seen.append(
        (d, t)))
    total = seen[0][1]
    assert built.pages and all(t == total for _, t in seen)
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(list(resources.sessions_dir().glob("*.yaml"))) + 1 < total


def test_backup_export_and_restore_check_report_every_file(tmp_path: Path) -> None:
    """The bundle commands a large store makes wait (data backup, export, restore's check)
    tell their bar about every file, up to the total, in order."""
    from coprod_cli.people import register as people
    from coprod_cli.store import backups as records
    from coprod_cli.store.bundles import read_bundle
    from coprod_cli.store.database import Store

    store = Store.open(tmp_path / "store")
    people.add_person(store, "Ana", "volunteer", service="Beech")
    for make, name in ((records.backup, "backup.zip"), (records.export, "export.zip")):
        seen: list[tuple[int, int, str]] = []
        make(store, tmp_path / name, service="Beech", organisation="Org",
             progress=lambda d, t, what, seen=seen: seen.append((d, t, what)))
        total = seen[0][1]
        assert total >= 2 and all(t == total for _, t, _ in seen)
        assert [d for d, _, _ in seen] == list(range(total + 1))
        assert any(what.startswith("people/") for _, _, what in seen)
    seen = []
    bundle = read_bundle(tmp_path / "backup.zip", lambda d, t, what: seen.append((d, t, what)))
    assert [d for d, _, _ in seen] == list(range(len(bundle.files) + 1))
