"""What a user sees when the records cannot be used: one sentence, a hint, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def test_corrupt_store_file_is_named_and_left_alone(cli, coprod_home: Path) -> None:
    cli("people", "add", "Jo")
    people_file = coprod_home / "store" / "people" / "all.json"
    people_file.write_bytes(b'{"records": {"1": {"name": "Jo"')
    before = people_file.read_bytes()
    result = cli("people", "add", "Sam", code=1)
    first = result.text.splitlines()[0]
    assert first.startswith("Error: ") and str(people_file) in result.text
    assert "backup" in result.text.lower()
    assert "Traceback" not in result.text
    assert people_file.read_bytes() == before


def test_locked_store_waits_then_names_the_holder(cli, coprod_home: Path, monkeypatch) -> None:
    cli("people", "add", "Jo")
    holder = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from coprod_cli.store.database import Store\n"
        "store = Store.open(Path(sys.argv[1]))\n"
        "with store.transaction():\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", holder, str(coprod_home / "store")],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        monkeypatch.setenv("COPROD_LOCK_TIMEOUT", "0.5")
        started = time.monotonic()
        result = cli("people", "add", "Sam", code=1)
        assert time.monotonic() - started >= 0.5
        assert f"process {proc.pid}" in result.text
        assert result.text.startswith("Error: ")
    finally:
        proc.kill()
        proc.wait()
    cli("people", "add", "Sam")  # once the other terminal is gone, it works
