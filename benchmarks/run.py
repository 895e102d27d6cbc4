"""``make bench``: every performance target as figure, baseline, spread, ratio and verdict.

Benchmarks are not tests: nothing in ``make test`` depends on timing. Each figure is the
real ``coprod`` command as a fresh process, alternated with its baseline in the same run,
and the medians are compared. ``--only`` picks parts (``startup``, ``service``, ``org``,
``pack``); org-scale stores are generated once and kept under ``benchmarks/.cache/``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from timing import Result, line, tally  # noqa: E402

PARTS = ("startup", "service", "org", "pack")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="Run only this part (repeat for more). Default: all.")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "7")),
                        help="Timed runs of each quick figure (org-scale ones use fewer).")
    parser.add_argument("--services", type=int,
                        default=int(os.environ.get("BENCH_SERVICES", "50")),
                        help="Services in the organisation-wide store (default 50).")
    args = parser.parse_args(argv)
    # An installed coprod has its modules compiled (pip writes the .pyc files at install):
    # time that, not a compile on every run, which PYTHONDONTWRITEBYTECODE would force here.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(HERE.parent / "coprod_cli", quiet=1)
    parts = args.only or list(PARTS)
    print(f"coprod benchmarks: {', '.join(parts)}; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    results: list[Result | bool] = []
    started = time.perf_counter()

    def show(new: list[Result | bool]) -> None:
        for result in new:
            if isinstance(result, Result):
                print(line(result), flush=True)
        results.extend(new)

    if "startup" in parts:
        import startup

        show(startup.run(args.runs))
    if "service" in parts:
        import service_targets

        show(service_targets.run(args.runs))
    if "pack" in parts:
        import pack_target

        show(pack_target.run(max(3, args.runs // 2)))
    if "org" in parts:
        import org_targets

        results.extend(org_targets.run(args.services,
                                       show=lambda r: print(line(r), flush=True)))
    print(f"{tally(results)} ({time.perf_counter() - started:,.0f} s in all, "
          f"load {os.getloadavg()[0]:.1f})")
    return 0 if all(r.met if isinstance(r, Result) else r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
