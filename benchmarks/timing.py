"""How every benchmark measures: whole processes, alternated with their baseline, medians.

A figure is what a user waits for, so each one is a fresh process (the venv's ``coprod``
script, or a ``python`` script for the baseline) timed from start to exit, with its peak
memory read from the kernel. A command may fork workers (``eval summarise`` does, on two
cores), and the kernel's ``ru_maxrss`` of a reaped process is the largest of it and its
reaped children, not their sum; so the peak is the process's own peak plus each worker's
(``VmHWM``, read from ``/proc`` every few milliseconds while it lives): an upper bound of
the whole tree's memory at any one moment, since pages a worker shares with its parent are
counted in both. The process's own peak is ``ru_maxrss`` when that is larger than every
worker's (so it can only be the process's own), else its own last sampled ``VmHWM``.
The figure and its baseline run in turn (A, B, A, B ...) after one warm-up each, so a busy
machine slows both alike; the median of each is compared, and the spread (min-max) is
printed so a noisy figure shows itself. Nothing here knows about coprod: the pure parts
(median, spread, ratio, the lines printed, "N of M met") are tested in
``tests/test_benchmarks.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
COPROD = str(BIN / "coprod")  # the console script users run, not ``python -m``


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds and the peak resident memory of it and any
    workers it started, in bytes (see the module's docstring)."""

    seconds: float
    peak_bytes: int
    workers: int = 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` now (children, theirs ...), from ``/proc``; [] when the
    kernel does not list children."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as f:
                    children = [int(c) for c in f.read().split()]
            except (OSError, ValueError):
                continue
            found += children
            todo += children
    return found


def own_peak(pid: int) -> int | None:
    """A live process's own peak resident memory so far (``VmHWM``), in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for text in f:
                if text.startswith("VmHWM:"):
                    return int(text.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class WorkerPeaks(threading.Thread):
    """Samples the own peak of every process below ``pid`` until told to stop; the last
    sample of each is its peak (``VmHWM`` only grows)."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peaks: dict[int, int] = {}
        self.own = 0  # the process's own peak, as last sampled
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.own = max(self.own, own_peak(self.pid) or 0)
            for worker in descendants(self.pid):
                peak = own_peak(worker)
                if peak is not None and peak > self.peaks.get(worker, 0):
                    self.peaks[worker] = peak
            self.done.wait(self.every)


def run_process(args: Sequence[str], *, env: dict[str, str] | None = None,
                cwd: Path | None = None, stdin: bytes | None = None) -> Run:
    """Start ``args``, wait for it, and return its wall time and peak memory (its own and
    its workers', see above). A process that fails is an error, never a fast figure: its
    stderr is shown."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(args), env=env, cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = WorkerPeaks(proc.pid)
    sampler.start()
    assert proc.stdin is not None and proc.stderr is not None
    if stdin:
        proc.stdin.write(stdin)
    proc.stdin.close()
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} ... exited {proc.returncode}:\n"
                           f"{errors.decode(errors='replace')[-2000:]}")
    # ru_maxrss (KiB on Linux) is the largest of the process and its reaped workers
    reaped, largest = usage.ru_maxrss * 1024, max(sampler.peaks.values(), default=0)
    own = reaped if reaped > largest else sampler.own
    return Run(seconds, own + sum(sampler.peaks.values()), len(sampler.peaks))


Action = Callable[[], Run]


def rounds(actions: dict[str, Action], runs: int, *, warm_up: bool = True,
           before: Callable[[str], None] | None = None) -> dict[str, list[Run]]:
    """Run every action in turn, ``runs`` rounds (A, B, C, A, B, C ...), after one untimed
    round to warm the page cache and the ``.pyc`` files. ``before`` is called with an
    action's name ahead of each of its runs, timed or not (to reset state, such as removing
    today's backup), and is not part of the time."""
    samples: dict[str, list[Run]] = {name: [] for name in actions}
    for index in range(runs + (1 if warm_up else 0)):
        for name, action in actions.items():
            if before:
                before(name)
            result = action()
            if index or not warm_up:
                samples[name].append(result)
    return samples


def alternate(figure: Action, baseline: Action, runs: int, *, warm_up: bool = True,
              before: Callable[[str], None] | None = None) -> tuple[list[Run], list[Run]]:
    """``rounds`` of a figure and its baseline, named "figure" and "baseline"."""
    samples = rounds({"figure": figure, "baseline": baseline}, runs, warm_up=warm_up,
                     before=before)
    return samples["figure"], samples["baseline"]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def spread(values: Sequence[float]) -> tuple[float, float]:
    return min(values), max(values)


@dataclass
class Result:
    """One target: the figure's and the baseline's samples, the limit on their ratio."""

    name: str
    figure: list[float]
    baseline: list[float]
    limit: float
    unit: str = "s"  # "s" (shown as ms below a second) or "MB"
    note: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return median(self.figure) / median(self.baseline)

    @property
    def met(self) -> bool:
        return self.ratio <= self.limit


def _amount(value: float, unit: str, scale: str) -> str:
    if unit == "MB":
        return f"{value / 1e6:,.0f} MB"
    if scale == "ms":
        return f"{value * 1000:,.0f} ms"
    return f"{value:,.2f} s"


def describe(samples: Sequence[float], unit: str) -> str:
    """``median (min-max)``, in ms when the median is under a second, else in seconds."""
    mid = median(samples)
    low, high = spread(samples)
    scale = "ms" if unit == "s" and mid < 1 else "s"
    if unit == "MB":
        return f"{_amount(mid, unit, scale)} ({low / 1e6:,.0f}-{high / 1e6:,.0f})"
    if scale == "ms":
        return f"{mid * 1000:,.0f} ms ({low * 1000:,.0f}-{high * 1000:,.0f})"
    return f"{mid:,.2f} s ({low:,.2f}-{high:,.2f})"


def line(result: Result) -> str:
    """One printed line per target: figure and baseline with spreads, ratio, limit, verdict."""
    verdict = "met" if result.met else "NOT MET"
    return (f"{result.name}\n    {describe(result.figure, result.unit)}  vs baseline "
            f"{describe(result.baseline, result.unit)}  ratio {result.ratio:.2f}  "
            f"target <= {result.limit:g}  {verdict}"
            + "".join(f"\n    {note}" for note in result.notes))


def tally(results: Sequence[Result | bool]) -> str:
    """The closing line, counted from the verdicts themselves."""
    met = sum(1 for r in results if (r.met if isinstance(r, Result) else r))
    return f"{met} of {len(results)} targets met."


def python_script(code: str, *args: str) -> list[str]:
    """The command that runs ``code`` in a fresh interpreter of this venv."""
    return [sys.executable, "-c", code, *args]
