"""One run, one window: a second terminal is told who has the run, and may watch or take over."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coprod_cli.sessions.runner import RUNS
from coprod_cli.store.database import Store

FLAGS = ["session", "run", "getting-started-together", "--lead", "Sam:staff",
         "--attendee", "Dŵr:volunteer", "--feedback", "later"]


def _read_until(proc: subprocess.Popen, marker: str, timeout: float = 20) -> str:
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line == "":
            break
        seen += line
    assert marker in seen, seen
    return seen


@pytest.fixture
def window_a(coprod_home: Path):  # noqa: ANN201
    """A real process holding a run at step 2, waiting for its next key."""
    env = {**os.environ, "COPROD_HOME": str(coprod_home)}
    proc = subprocess.Popen([sys.executable, "-m", "coprod_cli", *FLAGS], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdin is not None
    proc.stdin.write("n\n")
    proc.stdin.flush()
    _read_until(proc, "Step 2 of 8")
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def _run(home: Path) -> dict:
    (run,) = Store.open(home / "store").all(RUNS)
    return run


def test_second_window_is_told_who_has_the_run(cli, coprod_home: Path, window_a) -> None:
    left = cli("session", "resume", input="q\n")
    assert f"This run is open in another window: process {window_a.pid} (account " in left.text
    assert "since " in left.text
    assert "w: watch it here read-only; t: take it over" in left.text
    assert "Nothing changed. The other window still has the run." in left.text
    assert _run(coprod_home)["lease"]["pid"] == window_a.pid
    refused = cli("session", "resume", code=2)  # no terminal: told which flag answers it
    assert "--watch or --take-over" in refused.text


def test_watching_is_read_only(cli, coprod_home: Path, window_a) -> None:
    watched = cli("session", "resume", "--watch", input="t A note\n\nq\n").text
    assert "Watching run" in watched and "read-only" in watched
    assert "Step 2 of 8" in watched and f"Held by process {window_a.pid}" in watched
    assert "Stopped watching. The other window still has the run." in watched
    run = _run(coprod_home)
    assert run["notes"] == [] and run["step_index"] == 1
    assert run["lease"]["pid"] == window_a.pid


def test_take_over_and_the_first_window_stops_writing(cli, coprod_home: Path,
                                                      window_a) -> None:
    taken = cli("session", "resume", input="t\nt From window B\nq\n").text
    assert "This window has the run now; the other one will stop saving." in taken
    assert "Note saved." in taken
    assert window_a.stdin is not None and window_a.stdout is not None
    window_a.stdin.write("t From window A\nn\n")
    window_a.stdin.flush()
    window_a.stdin.close()
    rest = window_a.stdout.read()
    window_a.wait(timeout=20)
    assert "This run was taken over by another window" in rest
    assert "This window has stopped saving: nothing done here since then was saved." in rest
    assert window_a.returncode != 0
    run = _run(coprod_home)
    assert [(n["text"], n["step"]) for n in run["notes"]] == [("From window B", 1)]
    assert run["step_index"] == 1  # A's n did not move the run on
