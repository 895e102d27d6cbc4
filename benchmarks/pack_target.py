"""A pack of 100+ pages: ``coprod handouts print`` against plain ReportLab, whole processes.

The figure is the command a facilitator runs, ``coprod handouts print wellbeing-five-ways
--copies N --out pack.pdf``, with N grown until the PDF has at least 100 pages. The baseline
is ``plain_reportlab_pack.py`` in a fresh interpreter: the same pack's text (written once,
untimed, by ``handouts print --format md``) laid out with plain platypus flowables and the
same DejaVu fonts, none of coprod's code. The ratio is the price of coprod's Markdown
layer, handout lines, icons, page templates and "Page n of m". The note gives both files'
sizes: coprod draws the repeated forms from one Form XObject each, the plain script's
pages each carry their own drawing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from targets import TARGETS
from timing import COPROD, HERE, Result, alternate, run_process

SESSION = "wellbeing-five-ways"


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def run(runs: int) -> list[Result | bool]:
    with tempfile.TemporaryDirectory(prefix="coprod-bench-pack-") as tmp:
        home, ours, plain, text = (Path(tmp) / n for n in ("home", "ours.pdf", "plain.pdf",
                                                            "pack.md"))
        env = {**os.environ, "COPROD_HOME": str(home), "NO_COLOR": "1"}

        def command(copies: int, *extra: str) -> list[str]:
            return [COPROD, "handouts", "print", SESSION, "--copies", str(copies), *extra]

        copies = 80
        run_process(command(copies, "--out", str(ours)), env=env)
        while pages(ours) < 100:
            copies += 10
            run_process(command(copies, "--out", str(ours)), env=env)
        run_process(command(copies, "--format", "md", "--out", str(text)), env=env)
        figure, baseline = alternate(
            lambda: run_process(command(copies, "--out", str(ours)), env=env),
            lambda: run_process([sys.executable, str(HERE / "plain_reportlab_pack.py"),
                                 str(text), str(plain)], env=env), runs)
        ours_pages, plain_pages = pages(ours), pages(plain)
        sizes = f"files: {ours.stat().st_size:,} bytes vs {plain.stat().st_size:,}"
    return [Result(f"handouts print, {ours_pages} pages ({copies} forms) vs plain ReportLab",
                   [r.seconds for r in figure], [r.seconds for r in baseline],
                   TARGETS["pack"],
                   notes=[f"plain ReportLab laid the same text out on {plain_pages} pages; "
                          f"{sizes}"])]
