"""One service over ten years: ``coprod eval summarise`` against orjson reading its records.

Both are fresh processes run in turn: ``coprod eval summarise --format json`` on the
service-10y records (made by ``coprod data demo``), and a ``python -c`` that orjson-parses
every records file of the same store, the least any report over all of them must do. Before
each summarise, anything kept beside the records is removed (``stores.make_cold``), so this
is the report on records as they come, not a repeat.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import stores
from targets import TARGETS
from timing import COPROD, Result, median, python_script, rounds, run_process

#: A Typer app with coprod's settings that does nothing but parse the same files: the
#: least any Typer command that reads every record can take, printed beside the target.
TYPER_READ = str(Path(__file__).resolve().parent / "baseline_typer.py")


def run(runs: int) -> list[Result | bool]:
    home = stores.service_10y()
    env = {**os.environ, "NO_COLOR": "1"}
    with tempfile.TemporaryDirectory(prefix="coprod-bench-") as tmp:
        files = stores.file_list(home / "store", Path(tmp) / "files.txt")
        samples = rounds({
            "figure": lambda: run_process([COPROD, "--home", str(home), "eval", "summarise",
                                           "--format", "json"], env=env),
            "baseline": lambda: run_process(python_script(stores.ORJSON_FLOOR, str(files)),
                                            env=env),
            "typer": lambda: run_process([sys.executable, TYPER_READ, "data", "read",
                                          str(files)], env=env),
        }, runs, before=lambda which: stores.make_cold(home) if which == "figure" else None)
    size = stores.records_bytes(home / "store")
    seconds = {name: [r.seconds for r in runs_of] for name, runs_of in samples.items()}
    least = median(seconds["typer"]) / median(seconds["baseline"])
    result = Result("eval summarise, service-10y (cold) vs orjson reading its records",
                    seconds["figure"], seconds["baseline"], TARGETS["summarise-10y"],
                    notes=[f"{size / 1e6:,.1f} MB of records in "
                           f"{len(stores.records_files(home / 'store'))} files",
                           f"a minimal Typer app (coprod's settings) that only parses them: "
                           f"{median(seconds['typer']) * 1000:,.0f} ms, {least:.2f}x the "
                           "floor, before any counting"])
    return [result]
