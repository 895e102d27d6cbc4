"""The records the whole-store benchmarks run on, made once and kept under ``.cache/``.

``service-10y`` is made by the real ``coprod data demo --profile service-10y``. The
organisation is fifty such services, each generated as its own export bundle (in parallel,
with the demo generator) and merged with the real ``coprod data merge``. Everything is kept
under ``benchmarks/.cache/<key>/`` (gitignored), where the key is a hash of the demo
generator's source and the sizes, so a second run is quick and a changed generator makes
new stores. The floor scripts (orjson and ``json.load`` of the same files, in a fresh
process) live here too, with the list of which files are records.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

from timing import COPROD, HERE

CACHE = HERE / ".cache"
DEMO = HERE.parent / "coprod_cli" / "demo"

#: The floor for whole-store work: read and parse every records file, nothing else.
ORJSON_FLOOR = ("import sys, orjson\n"
                "for path in open(sys.argv[1], encoding='utf-8').read().splitlines():\n"
                "    with open(path, 'rb') as handle:\n"
                "        orjson.loads(handle.read())\n")
#: The memory baseline: the standard library's json.load of the same files, one at a time.
JSON_LOAD_FLOOR = ("import sys, json\n"
                   "for path in open(sys.argv[1], encoding='utf-8').read().splitlines():\n"
                   "    with open(path, 'rb') as handle:\n"
                   "        json.load(handle)\n")


def cache_key(*parts: object) -> str:
    digest = hashlib.sha256()
    for path in sorted(DEMO.glob("*.py")):
        digest.update(path.read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()[:12]


def table_names() -> list[str]:
    from coprod_cli.store import schema

    return list(schema.names())


def records_files(store: Path) -> list[Path]:
    """Every records file of a store: ``<table>/<part>.json`` of each declared table. Not
    meta.json, not backups, not anything kept beside the records (summaries, indexes)."""
    names = set(table_names())
    return sorted(p for p in store.glob("*/*.json") if p.parent.name in names)


def file_list(store: Path, out: Path) -> Path:
    """The records files of ``store``, one path a line, for the floor scripts."""
    files = records_files(store)
    out.write_text("\n".join(str(p) for p in files) + "\n", encoding="utf-8")
    return out


def records_bytes(store: Path) -> int:
    return sum(p.stat().st_size for p in records_files(store))


def make_cold(home: Path) -> list[str]:
    """Remove whatever a command keeps beside the records (a summary, an index), so the
    next command starts as it would on freshly restored records. Returns what went."""
    store = home / "store"
    keep = set(records_files(store)) | {store / "meta.json"}
    removed = []
    for path in sorted(store.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            removed.append(str(path.relative_to(home)))
            path.unlink()
        elif path.is_dir() and path != store and not any(path.iterdir()):
            path.rmdir()
    for path in home.iterdir():
        if path.name not in ("store", "backups", "settings.yaml", "store.lock",
                             "store.lock.owner", "done"):
            removed.append(path.name)
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return removed


def remove_todays_backup(home: Path) -> None:
    """Make the next write the first of its day, as at midnight: the app has no clock to
    set from outside, so today's backup folder is removed instead."""
    backups = home / "backups"
    days = {date.today().isoformat(), datetime.now(UTC).date().isoformat()}
    for path in backups.iterdir() if backups.is_dir() else ():
        if path.name[:10] in days:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def coprod(home: Path, *args: str) -> str:
    out = subprocess.run([COPROD, "--home", str(home), *args], capture_output=True, text=True,
                         env={**os.environ, "NO_COLOR": "1"})
    if out.returncode != 0:
        raise RuntimeError(f"coprod {' '.join(args[:3])} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def service_10y() -> Path:
    """A records folder holding one service's ten years, made by ``coprod data demo``."""
    home = CACHE / f"service-10y-{cache_key('service-10y', 1)}"
    if not (home / "done").is_file():
        shutil.rmtree(home, ignore_errors=True)
        coprod(home, "data", "demo", "--profile", "service-10y")
        (home / "done").write_text("made by coprod data demo\n")
    return home


def _bundle(args: tuple[int, str, str]) -> int:
    from coprod_cli import resources
    from coprod_cli.demo.records import PROFILES, generate_tables
    from coprod_cli.sessions.library import Library
    from coprod_cli.store.bundles import write_tables_bundle

    n, profile, folder = args
    library = Library(resources.sessions_dir(), None, [resources.templates_dir()])
    service = f"Service {n:03d}"
    tables = generate_tables(PROFILES[profile], [s.session for s in library.all()], seed=n,
                             service=service, check=False)
    write_tables_bundle(tables, Path(folder) / f"service-{n:03d}.zip", service=service)
    return sum(len(rows) for rows in tables.values())


def bundles(services: int, profile: str = "service-10y") -> tuple[list[Path], int]:
    """``services`` export bundles of generated services, and how many records they hold."""
    folder = CACHE / f"bundles-{profile}-{services}-{cache_key(profile, services)}"
    done = folder / "done"
    if not done.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            total = sum(pool.map(_bundle, [(n, profile, str(folder))
                                           for n in range(1, services + 1)]))
        done.write_text(f"{total}\n")
    return sorted(folder.glob("service-*.zip")), int(done.read_text())


def organisation(services: int) -> Path:
    """A records folder holding ``services`` services, merged by ``coprod data merge``."""
    paths, _ = bundles(services)
    home = CACHE / f"org-{services}-{cache_key('org', services)}"
    if not (home / "done").is_file():
        shutil.rmtree(home, ignore_errors=True)
        coprod(home, "data", "merge", *map(str, paths))
        (home / "done").write_text("made by coprod data merge\n")
    return home
