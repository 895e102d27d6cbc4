"""``coprod data check``: find records that break the rules or point at nothing, and fix the
safe ones. Registered on the ``data`` group by ``coprod_cli.cli.data``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coprod_cli.cli.context import state

if TYPE_CHECKING:
    from coprod_cli.store import check as integrity

#: How many problems are listed per table before the rest are counted.
SHOWN = 50

def _show(report: integrity.Report, heading: str) -> None:
    say = state().console().print
    say(heading, markup=False)
    for table, problems in sorted(report.by_table().items()):
        say(f"{table} ({len(problems)}):", markup=False)
        for p in problems[:SHOWN]:
            fix = "  [safe to fix]" if p.fix else ""
            say(f"  {p.record_id}: {p.message}{fix}", markup=False)
        if len(problems) > SHOWN:
            say(f"  ... and {len(problems) - SHOWN} more", markup=False)

def check(
    fix: Annotated[bool, typer.Option(
        "--fix", help="Apply the fixes that are safe (listed in the output); leave the rest.")
    ] = False,
) -> None:
    """Check every record and every link between records; list each problem with its id.

    Exits with 1 while any problem remains. With --fix, only safe fixes are made, all in
    one change taken after a backup: a link to someone no longer on the register becomes an
    anonymous id, and an exact copy of a record is removed. Attendance and feedback that
    hold data are never deleted.

    Example: coprod data check
    """
    from coprod_cli import config
    from coprod_cli.store import check as integrity

    store = state().store()
    say = state().console().print
    warning = config.unsafe_location(state().home)
    if warning:
        state().console(stderr=True).print(f"Warning: {warning}", markup=False)
    if fix:
        fixed, report = integrity.fix(store)
        if fixed:
            say(f"Fixed {len(fixed)} problem{'s' * (len(fixed) != 1)}:", markup=False)
            for kind in integrity.SAFE_FIXES:
                n = sum(1 for p in fixed if p.fix == kind)
                if n:
                    say(f"  {n} x {kind}: safe because {integrity.SAFE_FIXES[kind]}.",
                        markup=False)
            say("The records from before are in the backups folder.", markup=False)
        else:
            say("There was nothing safe to fix.", markup=False)
    else:
        report = integrity.check(store)
    total = sum(report.checked.values())
    if not report.problems:
        say(f"All {total} records are in order.", markup=False)
        return
    n = len(report.problems)
    _show(report, f"{n} problem{'s' * (n != 1)} in {total} records:")
    if report.fixable:
        say(f"{len(report.fixable)} can be fixed safely with: coprod data check --fix",
            markup=False)
        for kind in sorted({p.fix for p in report.fixable if p.fix}):
            say(f"  {kind}: {integrity.SAFE_FIXES[kind]}.", markup=False)
    if len(report.fixable) < n:
        say("The others need a person to decide; coprod does not change them.", markup=False)
    raise typer.Exit(1)
