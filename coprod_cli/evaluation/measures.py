"""Which wellbeing measures the report reads: ONS4 always, SWEMWBS when it is supplied.

SWEMWBS's item wording is licensed, so coprod ships only its conversion table; an
organisation with a licence puts ``measures/swemwbs.yaml`` in its records folder and the
report (and ``session run --measure swemwbs``) picks it up from there.
"""

from __future__ import annotations

from pathlib import Path

from coprod_cli.errors import NotFoundError
from coprod_cli.sessions.forms import Conversion, Measure, load_conversion, load_measure

OPTIONAL_MEASURES = ("swemwbs",)


def report_measures(folders: list[Path]
                    ) -> tuple[dict[str, Measure], dict[str, Conversion | None]]:
    """The measures to report on, with each scored measure's conversion table (if any)."""
    measures = {"ons4": load_measure("ons4", folders)}
    for name in OPTIONAL_MEASURES:
        try:
            measures[name] = load_measure(name, folders)
        except NotFoundError:
            continue
    conversions: dict[str, Conversion | None] = {}
    for name, measure in measures.items():
        table = measure.score.conversion if measure.score is not None else None
        conversions[name] = load_conversion(table, folders) if table else None
    return measures, conversions
