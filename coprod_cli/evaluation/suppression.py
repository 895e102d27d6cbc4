"""Small-number suppression for reports that leave the facilitator's machine.

A count drawn from fewer than ``threshold`` people (1 to threshold-1; zero is not disclosive)
is shown as "fewer than N", and so is any mean or share based on fewer than N answers. Where a
breakdown sits beside its total, hiding one cell is not enough (it could be worked out as
total minus the rest), so the next smallest cell is hidden too: secondary suppression.
"""

from __future__ import annotations

import copy
from typing import Any

BREAKDOWNS = ("by_role", "by_theme", "by_service")


def hidden(threshold: int) -> str:
    return f"fewer than {threshold}"


def is_small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def suppress_group(cells: dict[str, Any], threshold: int) -> dict[str, Any]:
    """Hide small counts in one group of cells that add up to a shown total.

    If exactly one cell would be hidden, the smallest remaining non-zero cell is hidden as
    well, so the hidden value cannot be recovered by subtraction.
    """
    out = dict(cells)
    small = [k for k, v in cells.items() if is_small(v, threshold)]
    for key in small:
        out[key] = hidden(threshold)
    if len(small) == 1:
        others = sorted((v, k) for k, v in cells.items()
                        if k not in small and isinstance(v, int) and v > 0)
        if others:
            out[others[0][1]] = hidden(threshold)
    return out


def suppress(report: dict[str, Any], threshold: int) -> dict[str, Any]:
    """A copy of ``report`` (from ``evaluation.summarise``) safe to share."""
    r = copy.deepcopy(report)
    h = hidden(threshold)
    reach = r["reach"]
    for key in ("sessions", "attendances", "people", "returning"):
        if is_small(reach[key], threshold):
            reach[key] = h
    for name in BREAKDOWNS:
        table = reach[name]
        # each column of a breakdown adds up to a shown total: suppress column by column
        for column in ("sessions", "attendances", "people", "returning"):
            column_cells = suppress_group({label: row[column] for label, row in table.items()},
                                          threshold)
            for label, value in column_cells.items():
                table[label][column] = value

    co = r["coproduction"]
    for key in ("co_facilitated", "moved_to_co_facilitator"):
        if is_small(co[key], threshold):
            co[key] = h
    co["would_help"] = suppress_group(co["would_help"], threshold)

    experience = r["experience"]
    if is_small(experience["forms"], threshold):
        experience["forms"] = h
    for q in experience["questions"].values():
        n = q["n"]
        if isinstance(n, int) and n < threshold:
            q["mean"] = h
        q["distribution"] = suppress_group(q["distribution"], threshold)
        if is_small(n, threshold):
            q["n"] = h

    for measure in r["outcomes"].values():
        if is_small(measure["pairs"], threshold):
            measure["pairs"] = h
        for item in measure["items"].values():
            n = item["n"]
            if isinstance(n, int) and n < threshold:
                item["before_mean"] = item["after_mean"] = h
            item["band_shift"] = suppress_group(item["band_shift"], threshold)
            if is_small(n, threshold):
                item["n"] = h

    voices = r["voices"]
    if isinstance(voices["forms"], int) and voices["forms"] < threshold:
        voices["went_well"] = []
        voices["even_better"] = []
        voices["withheld"] = f"Comments are left out: {h} forms."
    if is_small(voices["forms"], threshold):
        voices["forms"] = h
    r["suppressed_below"] = threshold
    return r
