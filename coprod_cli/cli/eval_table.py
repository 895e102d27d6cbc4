"""The effectiveness report on the facilitator's own screen: every number, marked private."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from coprod_cli.eval_output import SECTION_TITLES, describe_filters, fmt, rows

if TYPE_CHECKING:
    from rich.console import Console

PRIVATE = ("Not for sharing: this view shows small numbers. Use --format md, csv, json or pdf "
           "for a report you can share.")


def print_report(console: Console, report: dict[str, Any], *, plain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text("How co-production is working", style="bold"))
    console.print(f"Covering {describe_filters(report)}.", markup=False)
    console.print(PRIVATE, markup=False)
    for section, section_rows in groupby(rows(report), key=lambda r: r[0]):
        console.print("")
        console.print(Text(SECTION_TITLES[section], style="bold"))
        if section == "outcomes":
            for measure in report["outcomes"].values():
                if measure["caution"]:
                    console.print(f"Caution: only {measure['pairs']} people answered before "
                                  "and after; fewer than 30 can easily be chance.", markup=False)
        for group, group_rows in groupby(section_rows, key=lambda r: r[1]):
            items = [(measure, value) for _, _, measure, value in group_rows]
            if plain or section == "voices":
                if group != "all":
                    console.print(f"{group}:", markup=False)
                for measure, value in items:
                    line = f"  - {value}" if section == "voices" else f"  {measure}: {fmt(value)}"
                    console.print(line, markup=False)
                continue
            table = Table(title=None if group == "all" else group, title_justify="left",
                          show_header=False)
            table.add_column("Measure")
            table.add_column("Figure", justify="right")
            for measure, value in items:
                table.add_row(Text(measure), fmt(value))
            console.print(table)
