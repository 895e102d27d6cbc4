"""Small-number suppression for reports that leave the facilitator's machine.

The unit is *people*, not records: a figure drawn from 1 to threshold-1 distinct people is
hidden (zero is not disclosive), whatever number of answers or attendances it counts, and a
block drawn from too few people (a rating question, an outcome measure, the comments) goes
whole. Such a figure reads "fewer than N" ("drawn from fewer than N people").

Hiding one cell of a breakdown beside its total is not enough: it could be worked out as the
total minus the rest, or from a mean beside the distribution. So each group of cells that adds
up to a shown total is checked exactly (every value each hidden cell could take, given what is
shown and what each label tells a reader), and more cells are hidden until no hidden cell has
only one possible value. A cell hidden only to protect another reads "hidden", never "fewer
than N" (it is not small); a mean beside a distribution with any hidden cell is hidden too.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

BREAKDOWNS = ("by_role", "by_theme", "by_service")
REACH_COLUMNS = ("sessions", "attendances", "people", "returning")
PEOPLE_COLUMNS = frozenset({"people", "returning"})


class Hidden(str):
    """A figure left out of a shareable report; its text is what a reader sees, and
    ``reason`` says why ("small": from fewer than N people, "secondary": to protect another
    figure). A ``str`` so every text format prints it as it is; JSON turns it into null."""

    reason: str

    def __new__(cls, text: str, reason: str = "small") -> Hidden:
        made = super().__new__(cls, text)
        made.reason = reason
        return made


    def __reduce__(self) -> tuple[type[Hidden], tuple[str, str]]:
        return (Hidden, (str(self), self.reason))  # copies and pickles keep the reason


def hidden(threshold: int) -> Hidden:
    """The label of a figure drawn from fewer than ``threshold`` people."""
    return Hidden(f"fewer than {threshold}", "small")


SECONDARY = "hidden"


def secondary() -> Hidden:
    return Hidden(SECONDARY, "secondary")


def is_small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


# -- what a reader could work out -----------------------------------------------------------
Domain = list[tuple[int, int]]


def _domain(label: Hidden, threshold: int, people_count: bool, cap: int) -> Domain:
    """Every value a reader who knows these rules could give a hidden cell."""
    if label.reason == "small":
        return [(1, min(cap, threshold - 1) if people_count else cap)]
    return [(0, 0), (threshold, cap)]  # drawn from `threshold` people or more, or none


def _spread(bits: int, low: int, high: int, cap: int) -> int:
    """Every sum reachable by adding low..high to a sum in ``bits`` (a bitset), up to cap."""
    if high < low:
        return 0
    width, acc, span = high - low + 1, bits, 1
    while span * 2 <= width:
        acc |= acc << span
        span *= 2
    if span < width:
        acc |= acc << (width - span)
    return (acc << low) & ((1 << (cap + 1)) - 1)


def _sums(domains: list[Domain], cap: int) -> int:
    reach = 1
    for domain in domains:
        reach = _reach_one(reach, domain, cap)
    return reach


def _reach_one(reach: int, domain: Domain, cap: int) -> int:
    out = 0
    for low, high in domain:
        out |= _spread(reach, low, min(high, cap), cap)
    return out


def possible_values(domains: dict[str, Domain], known_sum: int) -> dict[str, set[int]]:
    """For each hidden cell, the values it could take so that the hidden cells add up to
    ``known_sum`` (the shown total minus the shown cells)."""
    out: dict[str, set[int]] = {}
    for key, domain in domains.items():
        others = _sums([d for k, d in domains.items() if k != key], known_sum)
        out[key] = {v for low, high in domain for v in range(low, min(high, known_sum) + 1)
                    if others >> (known_sum - v) & 1}
    return out


def suppress_group(cells: Mapping[str, Any], threshold: int, *,
                   small: set[str] | None = None, people_count: bool = True
                   ) -> tuple[dict[str, Any], bool]:
    """Hide the small cells of one group that adds up to a shown total, then as many more
    (smallest first) as it takes for no hidden cell to be worked out from the rest.

    ``small`` names the cells drawn from fewer than ``threshold`` people (by default, the
    cells whose own value is small: right when the cells count people). Returns the cells
    and whether the total must go too (every cell hidden and one still follows).
    """
    out: dict[str, Any] = dict(cells)
    numbers = {k: v for k, v in cells.items() if isinstance(v, int) and not isinstance(v, bool)}
    primary = small if small is not None else {k for k, v in numbers.items()
                                               if is_small(v, threshold)}
    primary = {k for k in primary if numbers.get(k, 0) > 0}
    if not primary:
        return out, False
    for key in primary:
        out[key] = hidden(threshold)
    while True:
        hid = [k for k in numbers if isinstance(out[k], Hidden)]
        total = sum(numbers[k] for k in hid)
        domains = {k: _domain(out[k], threshold, people_count, total) for k in hid}
        if all(len(v) > 1 for v in possible_values(domains, total).values()):
            return out, False
        shown = sorted((numbers[k] == 0, numbers[k], k) for k in numbers
                       if not isinstance(out[k], Hidden))
        if not shown:
            return out, True
        out[shown[0][2]] = secondary()


# -- the report -----------------------------------------------------------------------------
def _hide_all(block: dict[str, Any], keys: tuple[str, ...], threshold: int) -> None:
    """Hide these figures of a block drawn from too few people. A count of zero says
    nothing about anyone and stays; a mean is hidden even when it is 0."""
    for key in keys:
        value = block.get(key)
        if isinstance(value, float) or (isinstance(value, int) and value != 0):
            block[key] = hidden(threshold)


def _suppress_reach(reach: dict[str, Any], threshold: int) -> None:
    total_people = reach["people"]
    few = is_small(total_people, threshold)
    for name in BREAKDOWNS:
        table = reach[name]
        small_rows = {label for label, row in table.items()
                      if is_small(row["people"], threshold)}
        for column in REACH_COLUMNS:
            values = {label: row[column] for label, row in table.items()}
            small = set(small_rows)
            if column in PEOPLE_COLUMNS:
                small |= {k for k, v in values.items() if is_small(v, threshold)}
            elif column == "sessions":
                small |= {k for k, v in values.items() if is_small(v, threshold)}
            cells, _ = suppress_group(values, threshold, small=small,
                                      people_count=column in PEOPLE_COLUMNS)
            for label, value in cells.items():
                table[label][column] = value
    if few:
        _hide_all(reach, ("attendances", "people", "returning"), threshold)
    if is_small(reach["returning"], threshold):
        reach["returning"] = hidden(threshold)
    if is_small(reach["sessions"], threshold):
        reach["sessions"] = hidden(threshold)


def _suppress_distribution(q: dict[str, Any], threshold: int, key: str, mean_keys: tuple[str, ...],
                           people_count: bool) -> None:
    """One question's cells (answers or people), with their means, totals hidden as needed."""
    people = q.pop("people", 0)
    if isinstance(people, Hidden):
        people = 1  # the whole block was drawn from too few people
    cell_people = q.pop("cell_people", {})
    if is_small(people, threshold):
        _hide_all(q, ("n", *mean_keys), threshold)
        q[key] = {k: hidden(threshold) if v else 0 for k, v in q[key].items()}
        return
    small = {k for k, n in cell_people.items() if is_small(n, threshold)}
    cells, total_goes = suppress_group(q[key], threshold, small=small,
                                       people_count=people_count)
    q[key] = cells
    if any(isinstance(v, Hidden) for v in cells.values()):
        for mean in mean_keys:
            if q.get(mean) is not None:
                q[mean] = secondary()
    if total_goes:
        q["n"] = secondary()


def _suppress_trend(r: dict[str, Any], threshold: int) -> None:
    """Periods add up to the whole: attendances by period are one group beside the total,
    and a period's mean rating goes if the overall rating's cells or mean are hidden (the
    period means, weighted, would give the overall mean back)."""
    trend = r.get("trend")
    if not trend:
        return
    rated = r["experience"]["questions"].get(trend["rated_question"] or "", {})
    overall_hidden = isinstance(rated.get("mean"), Hidden)
    for span in ("quarter", "year"):
        periods = trend[span]
        small = {k for k, p in periods.items() if is_small(p["people"], threshold)}
        for column, people_count in (("attendances", False), ("people", True),
                                     ("ratings", False)):
            cells, _ = suppress_group({k: p[column] for k, p in periods.items()}, threshold,
                                      small=small | ({k for k, p in periods.items()
                                                      if is_small(p["raters"], threshold)}
                                                     if column == "ratings" else set()),
                                      people_count=people_count)
            for key, value in cells.items():
                periods[key][column] = value
        for key, p in periods.items():
            if is_small(p.get("sessions"), threshold):
                p["sessions"] = hidden(threshold)
            if is_small(p.get("co_facilitated"), threshold):
                p["co_facilitated"] = hidden(threshold)
            few_raters = is_small(p.pop("raters"), threshold)
            if p["rating_mean"] is not None and (overall_hidden or few_raters or key in small
                                                 or isinstance(p["ratings"], Hidden)):
                p["rating_mean"] = hidden(threshold) if few_raters or key in small \
                    else secondary()


def suppress(report: dict[str, Any], threshold: int) -> dict[str, Any]:
    """A copy of ``report`` (from ``evaluation.summarise``) safe to share."""
    r = copy.deepcopy(report)
    _suppress_reach(r["reach"], threshold)

    co = r["coproduction"]
    for key in ("moved_to_co_facilitator", "moved_to_panel_member",
                "moved_to_committee_member", "moved_to_officer"):
        if is_small(co.get(key), threshold):
            co[key] = hidden(threshold)
    if is_small(co["co_facilitated"], threshold):
        co["co_facilitated"] = hidden(threshold)
    # co_designed and by_level count sessions by the level their session records: facts
    # about sessions, not about anyone who came, so they stay
    if is_small(co.get("sessions"), threshold):
        co["sessions"] = hidden(threshold)
    co["would_help"], _ = suppress_group(co["would_help"], threshold)

    experience = r["experience"]
    few_forms = is_small(experience.pop("people", 0), threshold)
    if few_forms:
        _hide_all(experience, ("forms",), threshold)
    for q in experience["questions"].values():
        _suppress_distribution(q, threshold, "distribution", ("mean",), people_count=False)

    for measure in r["outcomes"].values():
        few = is_small(measure["people"], threshold)
        if few:
            _hide_all(measure, ("people", "pairs", "mean_gap_weeks"), threshold)
        blocks = list(measure["items"].values())
        if measure["score"] is not None:
            blocks.append(measure["score"])
        for block in blocks:  # every cell counts people: one pair per person
            block["people"] = measure["people"] if few else block["n"]
            block["cell_people"] = dict(block["band_shift"])
            means = ("first_mean", "latest_mean", "mean_change") if "mean_change" in block \
                else ("before_mean", "after_mean")
            _suppress_distribution(block, threshold, "band_shift", means, people_count=True)

    _suppress_trend(r, threshold)

    voices = r["voices"]
    if few_forms:  # the comments go with their block
        voices["went_well"] = []
        voices["even_better"] = []
        voices["withheld"] = f"Comments are left out: they come from {hidden(threshold)} people."
    if is_small(voices["forms"], threshold) or few_forms:
        voices["forms"] = hidden(threshold) if voices["forms"] else 0
    r["suppressed_below"] = threshold
    return r


def suppressed_list(report: dict[str, Any], path: str = "") -> list[dict[str, str]]:
    """Every hidden figure as ``{"figure": "reach.by_role.carer.people", "reason": ...}``."""
    out: list[dict[str, str]] = []
    if isinstance(report, Hidden):
        return [{"figure": path, "reason": report.reason, "shown_as": str(report)}]
    if isinstance(report, dict):
        for key, value in report.items():
            out += suppressed_list(value, f"{path}.{key}" if path else str(key))
    return out


def to_plain(value: Any) -> Any:
    """The report for JSON: every hidden figure becomes null (``suppressed`` says why)."""
    if isinstance(value, Hidden):
        return None
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value
