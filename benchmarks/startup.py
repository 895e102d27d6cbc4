"""Start-up: ``coprod --help`` and commands that render little, against a minimal Typer app.

The baseline (``baseline_typer.py``) is built with coprod's own Typer settings and run the
same way, as a fresh process, alternating with ``coprod``. The store-reading commands run on
an empty records folder, so what is measured is start-up, not work. A last check runs
``coprod --help`` in a fresh interpreter and lists the heavy libraries it loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from targets import TARGETS
from timing import COPROD, HERE, Result, alternate, run_process

BASELINE = str(HERE / "baseline_typer.py")
HEAVY = ("pydantic", "pydantic_core", "reportlab", "jinja2", "tinydb", "orjson",
         "markdown_it", "yaml", "coprod_cli.grants")

#: (name, coprod's arguments, the baseline's arguments, target key)
COMMANDS = [
    ("coprod --help", ["--help"], ["--help"], "help"),
    ("coprod people list (empty store)", ["people", "list"], ["people", "list"], "quiet"),
    ("coprod grant list (empty store)", ["grant", "list"], ["grant", "list"], "quiet"),
    ("coprod session list (built-in sessions)", ["session", "list"], ["session", "list"],
     "quiet"),
    ("coprod group list (empty store)", ["group", "list"], ["group", "list"], "quiet"),
    ("coprod meeting list (empty store)", ["meeting", "list"], ["meeting", "list"], "quiet"),
    ("coprod pairs list (empty store)", ["pairs", "list"], ["pairs", "list"], "quiet"),
    ("coprod toolkit list (no contributions)", ["toolkit", "list"], ["toolkit", "list"],
     "quiet"),
]

LOADED_CODE = ("import contextlib, io, sys\nfrom coprod_cli.cli import main\n"
               "with contextlib.redirect_stdout(io.StringIO()):\n"
               "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
               "heavy = {heavy!r}\n"
               "print(','.join(sorted(h for h in heavy if any(m == h or m.startswith(h + '.') "
               "for m in sys.modules))))")


def heavy_modules_loaded(env: dict[str, str]) -> list[str]:
    """Which of the heavy libraries ``coprod --help`` loads in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", LOADED_CODE.format(heavy=HEAVY)],
                         capture_output=True, text=True, env=env, check=True)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return [name for name in last.split(",") if name]


def run(runs: int) -> list[Result | bool]:
    results: list[Result | bool] = []
    with tempfile.TemporaryDirectory(prefix="coprod-bench-start-") as home:
        env = {**os.environ, "COPROD_HOME": home, "COLUMNS": "100"}
        env.pop("NO_COLOR", None)
        for name, ours, theirs, key in COMMANDS:
            figure, baseline = alternate(
                lambda ours=ours: run_process([COPROD, *ours], env=env),
                lambda theirs=theirs: run_process([sys.executable, BASELINE, *theirs],
                                                  env=env), runs)
            results.append(Result(name + " vs minimal Typer app",
                                  [r.seconds for r in figure], [r.seconds for r in baseline],
                                  TARGETS[key]))
        loaded = heavy_modules_loaded(env)
    print(f"coprod --help loads none of {', '.join(HEAVY)}\n    loaded: "
          f"{', '.join(loaded) or 'none'}  {'met' if not loaded else 'NOT MET'}", flush=True)
    results.append(not loaded)
    return results

