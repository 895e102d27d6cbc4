"""``make bench``: each performance target as figure, baseline (same run), ratio, verdict.

Benchmarks are not tests: nothing in ``make test`` depends on timing. Each figure is the
median of several subprocess runs, and each baseline is measured in the same run on the same
machine, so the ratios mean something on a busy laptop as well as a quiet CI box.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from timing import median_seconds  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))

MINIMAL_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x") -> None:
    '''Say hello.'''
    print(name)
@app.command()
def bye() -> None:
    '''Say bye.'''
if __name__ == "__main__":
    app()
"""


def run_quiet(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)


def report(name: str, figure: float, baseline: float, target: float, unit: str = "ms") -> bool:
    """One line per target: figure, baseline from the same run, ratio, verdict."""
    ratio = figure / baseline
    ok = ratio <= target
    scale = 1000 if unit == "ms" else 1
    print(f"{name:<56} {figure * scale:10.1f} {unit:<2}  baseline {baseline * scale:10.1f} "
          f"{unit:<2}  ratio {ratio:5.2f}  target <= {target:<4}  {'met' if ok else 'NOT MET'}",
          flush=True)
    return ok


def bench_help(env: dict[str, str]) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_TYPER)
        baseline = median_seconds(lambda: run_quiet([sys.executable, str(minimal), "--help"],
                                                    env), RUNS)
        figure = median_seconds(lambda: run_quiet([sys.executable, "-m", "coprod_cli",
                                                   "--help"], env), RUNS)
    return report("coprod --help vs minimal Typer --help", figure, baseline, 1.5)


def check_no_reportlab(env: dict[str, str]) -> bool:
    code = ("import sys; from coprod_cli.cli import main\n"
            "try:\n main(['session','list'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('reportlab', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.strip().splitlines()[-1]
    ok = out == "[]"
    print(f"{'coprod session list imports no ReportLab/Jinja2':<48} heavy modules loaded: "
          f"{out}  {'met' if ok else 'NOT MET'}")
    return ok


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COPROD_HOME": home}
        print(f"coprod benchmarks: median of {RUNS} runs, Python {sys.version.split()[0]}")
        results = [bench_help(env), check_no_reportlab(env)]
    from data_targets import run_all
    from pack_target import bench_pack

    results.append(bench_pack(report, max(3, RUNS // 3)))
    results += run_all(report, max(3, RUNS // 3))
    print(f"{sum(results)} of {len(results)} targets met.")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
