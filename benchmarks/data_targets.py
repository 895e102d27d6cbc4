"""Benchmarks at real scale: eval summarise, saving an attendance, and the organisation merge.

Each figure has a baseline measured in the same run on the same files: ``json.load`` of the
same records (what any report must at least do), or the same save in a one-year store.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from timing import median_seconds

from coprod_cli import resources
from coprod_cli.demo.records import PROFILES, generate, generate_tables
from coprod_cli.people import register as people
from coprod_cli.sessions.library import Library
from coprod_cli.sessions.runner import RunEngine, find_run
from coprod_cli.store.bundles import write_tables_bundle
from coprod_cli.store.database import Store

Report = Callable[..., bool]


def sessions() -> list:
    lib = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    return [s.session for s in lib.all()]


def json_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.name != "meta.json"
                  and "audit" not in p.parts)


def load_all(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as handle:
            json.load(handle)


def summarise_command(root: Path) -> None:
    """What 'coprod eval summarise --format json' does after start-up."""
    from coprod_cli.evaluation.report_text import to_json
    from coprod_cli.evaluation.summary import Filters, summarise
    from coprod_cli.evaluation.suppression import suppress
    from coprod_cli.sessions.forms import load_form, load_measure

    data = [resources.data_dir()]
    report = summarise(Store.open(root), Filters(), load_form("peer-evaluation", data),
                       {"ons4": load_measure("ons4", data)})
    to_json(suppress(report, 5))


def make_store(root: Path, profile: str) -> Store:
    store = Store.open(root)
    generate(store, PROFILES[profile], sessions())
    return store


def bench_summarise(work: Path, report: Report, runs: int) -> bool:
    root = work / "service-10y" / "store"
    make_store(root, "service-10y")
    files = json_files(root)
    baseline = median_seconds(lambda: load_all(files), runs)
    figure = median_seconds(lambda: summarise_command(root), runs)
    return report("eval summarise, service-10y vs json.load", figure, baseline, 2.0)


def bench_attendance(work: Path, report: Report, runs: int) -> bool:
    def cost(profile: str) -> float:
        root = work / f"att-{profile}" / "store"
        store = make_store(root, profile)
        latest = max(store.all("runs", partition=max(store.partitions("runs"))),
                     key=lambda r: r["started_at"])
        session = next(s for s in sessions() if s.id == latest["session_id"])
        newcomers = [people.add_person(store, f"New {i}", "person-using-services")
                     for i in range(runs + 1)]
        latest_run = find_run(store, latest["id"])
        store.update("runs", latest_run["id"], {"phase": "steps", "status": "in-progress"},
                     partition=latest_run["id"][:4])
        engine = RunEngine.load(store, latest_run["id"], session)
        queue = iter(newcomers)
        return median_seconds(lambda: engine.add_attendee(next(queue)), runs)

    one_year = cost("service-1y")
    ten_years = cost("service-10y")
    return report("save one attendance, 10-year vs 1-year store", ten_years, one_year, 1.5)


def _service_bundle(args: tuple[int, str]) -> int:
    n, folder = args
    tables = generate_tables(PROFILES["service-10y"], sessions(), seed=n,
                             service=f"Service {n:02d}")
    write_tables_bundle(tables, Path(folder) / f"service-{n:02d}.zip", service=f"Service {n:02d}")
    return sum(len(rows) for rows in tables.values())


def peak_rss_of(code: str, *args: str) -> tuple[float, int]:
    """Run ``code`` in a fresh interpreter; its wall time and peak memory (bytes)."""
    wrapper = (code + "\nimport resource, sys\n"
               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True,
                         text=True, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stdout.strip().splitlines()[-1]) * 1024


def bench_org(work: Path, report: Report, services: int) -> list[bool]:
    bundles = work / "bundles"
    bundles.mkdir()
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(_service_bundle, [(n, str(bundles)) for n in range(1, services + 1)]))
    paths = sorted(str(p) for p in bundles.glob("*.zip"))
    org = work / "org" / "store"
    Store.open(org)
    merge_code = ("import sys; from pathlib import Path;"
                  "from coprod_cli.store import backups as records;"
                  "from coprod_cli.store.database import Store;"
                  "records.merge(Store.open(Path(sys.argv[1])), [Path(p) for p in sys.argv[2:]])")
    merge_time, merge_peak = peak_rss_of(merge_code, str(org), *paths)
    files = json_files(org)
    size = sum(p.stat().st_size for p in files)
    load_code = ("import json, sys\nfor p in sys.argv[1:]:\n"
                 "    with open(p, 'rb') as f: json.load(f)")
    load_time, load_peak = peak_rss_of(load_code, *map(str, files))
    summarise_code = ("import sys; from pathlib import Path;"
                      "sys.path.insert(0, sys.argv[2]);"
                      "from data_targets import summarise_command;"
                      "summarise_command(Path(sys.argv[1]))")
    summ_time, summ_peak = peak_rss_of(summarise_code, str(org), str(Path(__file__).parent))
    print(f"  org-{services}: {size / 1e6:,.0f} MB of records; json.load peak "
          f"{load_peak / 1e6:,.0f} MB")
    return [report(f"data merge, org-{services} vs json.load", merge_time, load_time, 2.0,
                   unit="s"),
            report(f"eval summarise, org-{services} vs json.load", summ_time, load_time, 2.0,
                   unit="s"),
            report(f"data merge peak memory vs JSON size ({services} services)",
                   merge_peak / 1e6, size / 1e6, 2.0, unit="MB"),
            report(f"eval summarise peak memory vs JSON size ({services} services)",
                   summ_peak / 1e6, size / 1e6, 2.0, unit="MB")]


def run_all(report: Report, runs: int) -> list[bool]:
    services = int(os.environ.get("BENCH_SERVICES", "50"))
    work = Path(tempfile.mkdtemp(prefix="coprod-bench-"))
    try:
        results = [bench_summarise(work, report, runs), bench_attendance(work, report, 30)]
        results += bench_org(work, report, services)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    from run import report as print_report

    run_all(print_report, 5)
