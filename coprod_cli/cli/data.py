"""``coprod data``: back up, restore, check, export and merge the records, and see the log."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import confirm

app = new_app("Keep the records safe: backups, restore, checks, export and merge.\n\n"
              "Example: coprod data backup --out beech-house-backup.zip")


class LogFormat(StrEnum):
    table = "table"
    json = "json"


def _default_name(kind: str) -> Path:
    from coprod_cli import clock

    return Path(f"coprod-{kind}-{clock.today().isoformat()}.zip")


@app.command("backup")
def backup(
    out: Annotated[Path | None, typer.Option(help="Where to write the backup (a .zip).")
                   ] = None,
) -> None:
    """Write a backup of every record to one file you can keep somewhere safe.

    coprod also keeps a copy each day in the backups folder of your home folder.

    Example: coprod data backup --out /media/usb/coprod-backup.zip
    """
    from coprod_cli.cli.progress import progress_bar
    from coprod_cli.store import backups as records

    settings = state().settings()
    target = out or _default_name("backup")
    with progress_bar("Backing up", "files") as progress:
        manifest = records.backup(state().store(), target, service=settings.service,
                                  organisation=settings.organisation, progress=progress)
    total = sum(f["records"] for name, f in manifest["files"].items()
                if not name.startswith("audit/"))
    state().console().print(f"Saved a backup of {total:,} records (and the audit trail) to "
                            f"{target}.", markup=False)
    state().console().print("It holds personal information: keep it as safe as the laptop.",
                            markup=False)


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backup made by 'coprod data "
                                         "backup'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before restoring.")] = False,
) -> None:
    """Put every record back as it was in a backup. Shows what will change and asks first.

    The records as they are now are backed up first, so a restore can itself be undone.

    Example: coprod data restore coprod-backup-2026-11-01.zip
    """
    from coprod_cli.cli.progress import progress_bar
    from coprod_cli.errors import StoreCorruptError
    from coprod_cli.store import backups as records
    from coprod_cli.store.bundles import read_bundle

    with progress_bar("Checking the backup", "files") as progress:
        bundle = read_bundle(file, progress)
    console = state().console()
    try:
        store = state().store()
    except StoreCorruptError as exc:  # the records cannot be opened: a restore still can
        store = state().store(for_restore=True)
        console.print(f"The records cannot be opened as they are ({exc.message}) Restoring "
                      "replaces them whole.", markup=False)
    console.print(f"Backup from {bundle.manifest.get('created_at', '?')[:16]}"
                  f"{' of ' + bundle.service if bundle.service else ''}. Records now and "
                  "after restoring:", markup=False)
    for table, now, after in records.restore_plan(store, bundle):
        console.print(f"  {table}: {now} now, {after} after", markup=False)
    if not yes and not confirm("Replace every record with the backup's?", default=False,
                               flag="--yes"):
        console.print("Nothing was changed.", markup=False)
        raise typer.Exit(1)
    again = records.restore(store, bundle, home=state().home)
    console.print("Restored. The records from before are in the backups folder.", markup=False)
    console.print(_reapplied(again), markup=False)


def _reapplied(count: int) -> str:
    """The erasure ledger's line: a person forgotten before stays forgotten."""
    if not count:
        return "Erasures re-applied: 0 (nobody who was forgotten came back with it)."
    who = "1 person forgotten before was" if count == 1 else \
        f"{count} people forgotten before were"
    return (f"Erasures re-applied: {count} ({who} forgotten again, from the erasure "
            "ledger).")


@app.command("export")
def export(
    out: Annotated[Path | None, typer.Option(help="Where to write the export (a .zip).")
                   ] = None,
) -> None:
    """Export this service's records as one file for the organisation's co-production lead.

    Example: coprod data export --out beech-house-2026.zip
    """
    from coprod_cli.cli.progress import progress_bar
    from coprod_cli.store import backups as records

    settings = state().settings()
    target = out or _default_name("export")
    with progress_bar("Exporting", "files") as progress:
        manifest = records.export(state().store(), target, service=settings.service,
                                  organisation=settings.organisation, progress=progress)
    total = sum(f["records"] for f in manifest["files"].values())
    state().console().print(f"Exported {total:,} records to {target}.", markup=False)


@app.command("merge")
def merge(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Exports to merge.")],
) -> None:
    """Merge services' exports into these records, for an organisation-wide report.

    Merging the same export twice changes nothing. A record that already exists with
    different content is reported as a conflict and left as it is.

    Example: coprod data merge beech-house-2026.zip oak-lodge-2026.zip
    """
    from coprod_cli.cli.progress import progress_bar
    from coprod_cli.store import backups as records

    with progress_bar("Merging", "files") as progress:
        result = records.merge(state().store(), files, home=state().home, progress=progress)
    console = state().console()
    if not result.changed:
        console.print(f"Nothing new: all {result.unchanged:,} records were already here.",
                      markup=False)
    else:
        added = ", ".join(f"{n:,} {t}" for t, n in sorted(result.added.items()) if n)
        console.print(f"Merged {len(files)} file{'s' * (len(files) != 1)}: added {added}; "
                      f"{result.unchanged:,} already here.", markup=False)
        console.print(_reapplied(result.reapplied), markup=False)
    if result.conflicts:
        console.print(f"{len(result.conflicts):,} records differ from the ones already here and "
                      "were left as they are:", markup=False)
        for table, rid in result.conflicts[:20]:
            console.print(f"  {table} {rid}", markup=False)
        raise typer.Exit(1)


@app.command("demo")
def demo(
    profile: Annotated[str, typer.Option(
        help="small (one year, a few dozen people), service-10y (a service over ten years) "
        "or org-50 (fifty such services).")] = "small",
    seed: Annotated[int, typer.Option(help="The same seed always makes the same records.")
                    ] = 1,
) -> None:
    """Fill an empty records folder with made-up people and sessions, to try coprod out.

    Everything is invented. It refuses to add to records that already hold people, so real
    and made-up records never mix: use --home with a new folder.

    Example: coprod --home /tmp/coprod-demo data demo --profile service-10y
    """
    from coprod_cli.demo.records import PROFILES, generate
    from coprod_cli.errors import UsageError

    if profile not in PROFILES:
        raise UsageError(f"'{profile}' is not a demo profile.",
                         hint="Choose " + ", ".join(PROFILES) + ".")
    store = state().store()
    if store.all("people"):
        raise UsageError("These records already hold people, so no made-up ones were added.",
                         hint="Use an empty folder: coprod --home /tmp/coprod-demo data demo")
    chosen = PROFILES[profile]
    sessions = [s.session for s in state().library().all()]
    console = state().console()
    totals: Counter[str] = Counter()
    for n in range(chosen.services):
        service = "Demo service" if chosen.services == 1 else f"Demo service {n + 1:02d}"
        totals.update(generate(store, chosen, sessions, seed=seed, service=service))
        if chosen.services > 1:
            console.print(f"  {service} done", markup=False)
    console.print("Made up " + ", ".join(f"{n:,} {t}" for t, n in sorted(totals.items())) +
                  ".", markup=False)


@app.command("log")
def log(
    limit: Annotated[int, typer.Option(help="How many entries, newest first.")] = 30,
    fmt: Annotated[LogFormat, typer.Option("--format", help="table or json.")
                   ] = LogFormat.table,
) -> None:
    """Show the audit trail: which command changed which records, and when.

    The trail holds record ids and the computer account, never names, answers or notes.

    Example: coprod data log --limit 10
    """
    from coprod_cli.store.backups import audit_log

    entries = audit_log(state().store(), limit)
    if fmt is LogFormat.json:
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    console = state().console()
    if not entries:
        console.print("Nothing has been changed yet.", markup=False)
    for e in entries:
        counts = Counter(f"{c['action']} {c['table']}" for c in e["changes"])
        what = ", ".join(f"{verb} ({n})" for verb, n in counts.items())
        more = f" and {e['more_changes']} more" if e.get("more_changes") else ""
        console.print(f"{e['at'][:19].replace('T', ' ')}  {e['account'] or '?'}  "
                      f"coprod {e['command']}: {what}{more}", markup=False)



def _register_checks() -> None:
    from coprod_cli.cli import data_check

    app.command("check")(data_check.check)


_register_checks()
