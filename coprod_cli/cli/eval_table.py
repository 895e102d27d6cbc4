"""The effectiveness report on the facilitator's own screen: every number, marked private.

Breakdowns are one table each (a row per role, theme or service) so they can be compared at
a glance; ``--plain`` prints the same figures as labelled lines for screen readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coprod_cli.evaluation.report_text import describe_filters, fmt, group_label
from coprod_cli.evaluation.sharing import NOT_FOR_SHARING, shareable_formats_text

if TYPE_CHECKING:
    from rich.console import Console

PRIVATE = (f"{NOT_FOR_SHARING} Use --format {shareable_formats_text()} for a report you can "
           "share.")
COLUMNS = (("sessions", "Sessions"), ("attendances", "Attendances"), ("people", "People"),
           ("returning", "Returning"))


class _Out:
    def __init__(self, console: Console, plain: bool) -> None:
        self.console, self.plain = console, plain

    def line(self, text: str = "") -> None:
        self.console.print(text, markup=False)

    def heading(self, text: str) -> None:
        from rich.text import Text

        self.line()
        self.console.print(Text(f"== {text} ==" if self.plain else text,
                                style="" if self.plain else "bold"))

    def table(self, title: str, header: list[str], rows: list[list[Any]]) -> None:
        if self.plain:
            self.line(f"{title}:")
            for row in rows:
                self.line("  " + row[0] + ": " + ", ".join(
                    f"{h.lower()} {fmt(v)}" for h, v in zip(header[1:], row[1:], strict=True)))
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, title_justify="left")
        for n, name in enumerate(header):
            table.add_column(name, justify="left" if n == 0 else "right")
        for row in rows:
            table.add_row(Text(str(row[0])), *(fmt(v) for v in row[1:]))
        self.console.print(table)


def print_report(console: Console, report: dict[str, Any], *, plain: bool) -> None:
    out = _Out(console, plain)
    out.heading("How co-production is working")
    out.line(f"Covering {describe_filters(report)}.")
    out.line(PRIVATE)
    reach = report["reach"]
    out.heading("Reach")
    out.table("All sessions", ["", *(c for _, c in COLUMNS)],
              [["All", *(reach[k] for k, _ in COLUMNS)]])
    for dimension, title in (("by_role", "By role"), ("by_theme", "By theme"),
                             ("by_service", "By service")):
        out.table(title, ["", *(c for _, c in COLUMNS)],
                  [[group_label(dimension, label), *(row[k] for k, _ in COLUMNS)]
                   for label, row in reach[dimension].items()])
    co = report["coproduction"]
    out.heading("Co-production")
    share = f" ({100 * co['co_facilitated'] / co['sessions']:.0f}%)" if co["sessions"] else ""
    out.line(f"Sessions co-facilitated by someone with lived experience: "
             f"{co['co_facilitated']} of {co['sessions']}{share}.")
    designed = (f" ({100 * co['co_designed'] / co['sessions']:.0f}%)" if co["sessions"]
                else "")
    out.line(f"Sessions at co-design or co-production (Ladder of co-production): "
             f"{co['co_designed']} of {co['sessions']}{designed}.")
    out.line(f"People who moved from attendee to co-facilitator: "
             f"{co['moved_to_co_facilitator']}.")
    from coprod_cli.evaluation.roadmap_counts import STEPS

    for key, words in STEPS.items():
        if key in co:
            out.line(f"{words}: {co[key]}.")
    helpers = ", ".join(f"{k} {v}" for k, v in co["would_help"].items()) or "no answers"
    out.line(f"Would like to help run a session: {helpers}.")
    exp = report["experience"]
    out.heading("Experience")
    out.line(f"Feedback forms: {fmt(exp['forms'])}.")
    questions = list(exp["questions"].values())
    if questions:
        points = list(questions[0]["distribution"])
        out.table("Ratings (1 to 5)", ["Question", "n", "Mean", *points],
                  [[q["text"], q["n"], q["mean"], *q["distribution"].values()]
                   for q in questions])
    out.heading("Outcomes")
    for measure in report["outcomes"].values():
        if measure["caution"]:
            out.line(f"Caution: {fmt(measure['people'])} people have a first and latest "
                     f"answer at least {measure['min_gap_weeks']} weeks apart; fewer than 30 "
                     "can easily be chance.")
        scored = measure["score"]
        if scored is not None:
            out.table(f"{measure['title']} score", ["", "People", "First", "Latest", "Change",
                                                    "Up 3+", "Within 3", "Down 3+"],
                      [["Score", scored["n"], scored["first_mean"], scored["latest_mean"],
                        scored["mean_change"], *scored["band_shift"].values()]])
            continue
        out.table(measure["title"], ["Question", "People", "First", "Latest", "Better",
                                     "Same", "Worse"],
                  [[i["short"], i["n"], i["before_mean"], i["after_mean"],
                    *i["band_shift"].values()] for i in measure["items"].values()])
    voices = report["voices"]
    out.heading("Voices")
    for key, title in (("went_well", "What went well"), ("even_better", "What could be better")):
        if voices[key]:
            out.line(f"{title}:")
            for comment in voices[key][-10:]:
                out.line(f"  - {comment}")
    if len(voices["went_well"]) > 10 or len(voices["even_better"]) > 10:
        out.line("(The 10 most recent of each; --format md lists more.)")
