"""Shared fixtures: every test gets its own empty home folder and a stable, plain terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def pytest_configure(config: pytest.Config) -> None:
    # Unexpected exceptions re-raise under test instead of being shown calmly (cli.__init__).
    sys._called_from_test = True  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def coprod_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test can touch real records: COPROD_HOME always points into tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("COPROD_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    for name in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "COPROD_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return home


class Cli:
    """Run the real app in-process and return what a user would read, minus colour codes."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):  # noqa: ANN204
        from coprod_cli.cli import app

        result = self.runner.invoke(app, list(args), input=input)
        result.text = ANSI.sub("", result.output)  # type: ignore[attr-defined]
        if code is not None and result.exit_code != code:
            if result.exception and not isinstance(result.exception, SystemExit):
                raise result.exception
            raise AssertionError(f"exit {result.exit_code} (wanted {code}):\n{result.output}")
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


class FakeClock:
    """A clock the test moves by hand, so timings in transcripts are exact."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self.now += timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("coprod_cli.clock.system_clock", fake)
    return fake


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
