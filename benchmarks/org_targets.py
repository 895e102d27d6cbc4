"""The organisation: fifty services of ten years each, as ``data merge`` makes them.

In one set of rounds (cold summarise, orjson floor, ``json.load`` floor, repeat summarise):

- **cold** ``coprod eval summarise --format json``, with anything kept beside the records
  removed first, against orjson parsing every records file in a fresh process;
- **peak memory** of that cold summarise, its own and its forked worker's added together
  (``timing.run_process``), against ``json.load`` reading the same files one at a time
  (its own peak, measured the same way);
- **repeat**: one feedback form of one service is changed (untimed, through the store), then
  ``eval summarise`` again, against the cold one.

Then ``coprod data merge`` of the fifty bundles into an empty folder against orjson parsing
the merged files; the first write of a day (today's backup removed first, as at midnight)
against a later write; and a hundred generated services merged with no id conflict.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import stores
from targets import TARGETS
from timing import COPROD, Result, Run, alternate, median, python_script, rounds, run_process

CHANGE_ONE_SERVICE = (
    "import sys\nfrom pathlib import Path\nfrom coprod_cli.store.database import Store\n"
    "store = Store.open(Path(sys.argv[1]))\n"
    "part = max(store.partitions('feedback'))\n"
    "mine = [r for r in store.all('feedback', partition=part) if r['service'] == sys.argv[2]]\n"
    "record = mine[int(sys.argv[3]) % len(mine)]\n"
    "answers = dict(record['answers'], enjoyed=1 + record['answers']['enjoyed'] % 5)\n"
    "store.update('feedback', record['id'], {'answers': answers}, partition=part)\n")


def _seconds(runs: list[Run]) -> list[float]:
    return [r.seconds for r in runs]


def _peaks(runs: list[Run]) -> list[float]:
    return [float(r.peak_bytes) for r in runs]


def summarise_targets(home: Path, files: Path, runs: int, services: int) -> list[Result]:
    env = {**os.environ, "NO_COLOR": "1"}
    summarise = [COPROD, "--home", str(home), "eval", "summarise", "--format", "json"]
    changes = iter(range(1000))

    def before(name: str) -> None:
        if name == "cold":
            stores.make_cold(home)
        elif name == "repeat":
            run_process(python_script(CHANGE_ONE_SERVICE, str(home / "store"), "Service 001",
                                      str(next(changes))), env=env)

    samples = rounds({
        "cold": lambda: run_process(summarise, env=env),
        "orjson": lambda: run_process(python_script(stores.ORJSON_FLOOR, str(files)), env=env),
        "json.load": lambda: run_process(python_script(stores.JSON_LOAD_FLOOR, str(files)),
                                         env=env),
        "repeat": lambda: run_process(summarise, env=env),
    }, runs, warm_up=False, before=before)
    size = stores.records_bytes(home / "store")
    return [
        Result(f"eval summarise, org-{services} (cold) vs orjson reading its records",
               _seconds(samples["cold"]), _seconds(samples["orjson"]),
               TARGETS["summarise-org"], notes=[f"{size / 1e6:,.0f} MB of records"]),
        Result(f"eval summarise, org-{services}, after one service's records changed vs cold",
               _seconds(samples["repeat"]), _seconds(samples["cold"]),
               TARGETS["summarise-repeat"]),
        Result(f"eval summarise peak memory, org-{services} (cold) vs json.load's own peak",
               _peaks(samples["cold"]), _peaks(samples["json.load"]),
               TARGETS["summarise-memory"], unit="MB",
               notes=["json.load reading the same files one at a time took "
                      f"{median(_seconds(samples['json.load'])):,.1f} s",
                      "the summarise's peak is its own plus its worker's "
                      f"({max(r.workers for r in samples['cold'])} worker process), "
                      "an upper bound of the two at once (timing.run_process)"]),
    ]


def merge_target(paths: list[Path], files: Path, runs: int, services: int) -> Result:
    env = {**os.environ, "NO_COLOR": "1"}
    work = Path(tempfile.mkdtemp(prefix="coprod-bench-merge-", dir=stores.CACHE))
    target = work / "home"

    def before(name: str) -> None:
        if name == "figure":
            shutil.rmtree(target, ignore_errors=True)

    try:
        figure, baseline = alternate(
            lambda: run_process([COPROD, "--home", str(target), "data", "merge",
                                 *map(str, paths)], env=env),
            lambda: run_process(python_script(stores.ORJSON_FLOOR, str(files)), env=env),
            runs, warm_up=False, before=before)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Result(f"data merge of {services} services into an empty folder vs orjson "
                  "reading the merged records", _seconds(figure), _seconds(baseline),
                  TARGETS["merge"])


def first_write_target(home: Path, runs: int, services: int) -> Result:
    env = {**os.environ, "NO_COLOR": "1"}
    names = iter(range(10_000))

    def write() -> Run:
        return run_process([COPROD, "--home", str(home), "people", "add",
                            f"Bench Person {time.time_ns()} {next(names)}", "--role",
                            "volunteer", "--allow-duplicate"], env=env)

    def before(name: str) -> None:
        if name == "figure":
            stores.remove_todays_backup(home)

    figure, baseline = alternate(write, write, runs, before=before)
    return Result(f"people add, first write of the day vs a later write, org-{services}",
                  _seconds(figure), _seconds(baseline), TARGETS["first-write"],
                  notes=["a new day is made by removing today's backup folder first"])


def hundred_services_merge(count: int = 100) -> bool:
    """``count`` generated services (one year each) merged by ``coprod data merge``: every
    record arrives and no id collides (merge exits 1 and lists conflicts if one does)."""
    from coprod_cli.store.database import Store

    paths, total = stores.bundles(count, "service-1y")
    work = Path(tempfile.mkdtemp(prefix="coprod-bench-100-", dir=stores.CACHE))
    try:
        start = time.perf_counter()
        try:
            stores.coprod(work, "data", "merge", *map(str, paths))
            merged = sum(len(Store.open(work / "store").all(t)) for t in stores.table_names()
                         if t != "audit")
            problem = "" if merged == total else f"{merged:,} of {total:,} records arrived"
        except RuntimeError as exc:
            merged, problem = 0, str(exc).splitlines()[-1]
        took = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = not problem
    print(f"{count} generated services merged with no id conflict\n    {merged:,} records "
          f"in {took:,.1f} s  {'met' if ok else 'NOT MET: ' + problem}", flush=True)
    return ok


def run(services: int, show: Callable[[Result], None], runs: int = 3) -> list[Result | bool]:
    start = time.perf_counter()
    paths, total = stores.bundles(services)
    home = stores.organisation(services)
    print(f"  org-{services}: {total:,} records in {len(paths)} bundles; ready in "
          f"{time.perf_counter() - start:,.0f} s (cached under {stores.CACHE})", flush=True)
    results: list[Result | bool] = []
    with tempfile.TemporaryDirectory(prefix="coprod-bench-") as tmp:
        files = stores.file_list(home / "store", Path(tmp) / "files.txt")
        for result in summarise_targets(home, files, runs, services):
            show(result)
            results.append(result)
        result = merge_target(paths, files, runs, services)
        show(result)
        results.append(result)
    result = first_write_target(home, runs, services)
    show(result)
    results.append(result)
    results.append(hundred_services_merge())
    return results


if __name__ == "__main__":
    from timing import line

    run(int(sys.argv[1]) if len(sys.argv) > 1 else 50, lambda r: print(line(r)))
