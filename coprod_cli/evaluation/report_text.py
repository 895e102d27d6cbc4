"""The effectiveness report as text: Markdown, CSV and JSON, from one report dictionary.

All three walk the same ``rows()`` so they can never disagree about a figure. User text
(comments, service names) is escaped for its format by ``coprod_cli.escape``: Markdown
special characters, and CSV cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from coprod_cli.escape import csv_safe, escape_markdown
from coprod_cli.evaluation.suppression import Hidden, suppressed_list, to_plain
from coprod_cli.people.register import ROLE_WORDS

SECTION_TITLES = {
    "reach": "Reach", "coproduction": "Co-production", "experience": "Experience",
    "outcomes": "Outcomes", "voices": "Voices", "trend": "Over time",
}
_LABELS = {"sessions": "Sessions run", "attendances": "Attendances", "people": "Unique people",
           "returning": "Returning people (2 or more sessions)"}
# Every value in the report's Markdown sits on one line (a table cell, a list item, a line
# after a label), so user text is escaped as one line: its line breaks become spaces.
md_escape = partial(escape_markdown, one_line=True)


THEME_WORDS = {"getting-started": "Getting started together", "wellbeing": "Wellbeing",
               "self-esteem": "Self-esteem", "relationships": "Relationships",
               "personal-development": "Personal development",
               "co-production": "Co-production in action"}


def theme_words(theme: str) -> str:
    return THEME_WORDS.get(theme) or theme.replace("-", " ").capitalize()


def group_label(dimension: str, label: str) -> str:
    """A role or theme as words, not its id; a service as it was typed."""
    if dimension == "by_role":
        return ROLE_WORDS.get(label, label)
    return theme_words(label) if dimension == "by_theme" else label


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def rows(report: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(section, group, measure, value) for every figure, in reading order."""
    reach = report["reach"]
    for key, label in _LABELS.items():
        yield "reach", "all", label, reach[key]
    for dimension in ("by_role", "by_theme", "by_service"):
        for group, figures in reach[dimension].items():
            for key, label in _LABELS.items():
                yield "reach", f"{dimension.replace('_', ' ')}: " \
                    f"{group_label(dimension, group)}", label, figures[key]
    co = report["coproduction"]
    yield "coproduction", "all", "Sessions run", co["sessions"]
    yield "coproduction", "all", "Sessions co-facilitated by someone with lived experience", \
        co["co_facilitated"]
    yield "coproduction", "all", "Sessions at co-design or co-production", co["co_designed"]
    for level, count in co["by_level"].items():
        yield "coproduction", "sessions by level on the Ladder of co-production", level, count
    yield "coproduction", "all", "People who moved from attendee to co-facilitator", \
        co["moved_to_co_facilitator"]
    from coprod_cli.evaluation.roadmap_counts import STEPS

    for key, words in STEPS.items():
        if key in co:
            yield "coproduction", "all", words, co[key]
    for answer, count in co["would_help"].items():
        yield "coproduction", "would like to help run a session (people)", answer, count
    trend = report.get("trend") or {}
    for span in ("quarter", "year"):
        for key, figures in (trend.get(span) or {}).items():
            for name, label in (("sessions", "Sessions run"), ("attendances", "Attendances"),
                                ("people", "Unique people"),
                                ("co_facilitated", "Sessions co-facilitated"),
                                ("rating_mean", "Mean rating")):
                yield "trend", f"by {span}: {key}", label, figures[name]
    exp = report["experience"]
    yield "experience", "all", "Feedback forms", exp["forms"]
    for q in exp["questions"].values():
        yield "experience", q["text"], "answers (n)", q["n"]
        yield "experience", q["text"], "mean (1 to 5)", q["mean"]
        for point, count in q["distribution"].items():
            word = q["labels"].get(point, "")
            yield "experience", q["text"], f"{point} {word}".strip(), count
    for measure in report["outcomes"].values():
        yield "outcomes", measure["title"], "people with a first and latest answer", \
            measure["people"]
        yield "outcomes", measure["title"], "mean weeks between first and latest", \
            measure["mean_gap_weeks"]
        for item in measure["items"].values():
            group = f"{measure['title']}: {item['text']}"
            yield "outcomes", group, "people (n)", item["n"]
            yield "outcomes", group, "mean first", item["before_mean"]
            yield "outcomes", group, "mean latest", item["after_mean"]
            for shift, count in item["band_shift"].items():
                yield "outcomes", group, f"people whose band was {shift}", count
        scored = measure["score"]
        if scored is not None:
            group = f"{measure['title']}: score"
            yield "outcomes", group, "people (n)", scored["n"]
            yield "outcomes", group, "mean first score", scored["first_mean"]
            yield "outcomes", group, "mean latest score", scored["latest_mean"]
            yield "outcomes", group, "mean change", scored["mean_change"]
            for shift, words in (("better", "people up 3 or more points"),
                                 ("same", "people within 3 points"),
                                 ("worse", "people down 3 or more points")):
                yield "outcomes", group, words, scored["band_shift"][shift]
    voices = report["voices"]
    for key, title in (("went_well", "What went well"), ("even_better", "What could be better")):
        for comment in voices[key]:
            yield "voices", title, "comment", comment


SCHEMA_VERSION = 2
"""The version of the JSON shape (data/schema/report.json); raised when a key changes."""


def to_json(report: dict[str, Any]) -> str:
    """Numbers stay numbers: a hidden figure is null, and ``suppressed`` lists each one with
    why ("small": from fewer than ``suppressed_below`` people; "secondary": hidden so that
    another could not be worked out)."""
    plain = {"schema": "coprod-effectiveness-report", "schema_version": SCHEMA_VERSION,
             **to_plain(report), "suppressed_below": report.get("suppressed_below"),
             "suppressed": suppressed_list(report)}
    return json.dumps(plain, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    """One row a figure; ``section`` names the table it belongs to. ``value`` holds only
    numbers (or a comment's text); a hidden figure has an empty value and says why in
    ``suppressed``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "group", "measure", "value", "suppressed"])
    for section, group, measure, value in rows(report):
        note = ""
        if isinstance(value, Hidden):
            value, note = "", str(value)
        elif value is None:
            value = ""
        writer.writerow([csv_safe(section), csv_safe(group), csv_safe(measure),
                         value if isinstance(value, int | float) else csv_safe(str(value)),
                         note])
    return buffer.getvalue()


def describe_filters(report: dict[str, Any]) -> str:
    f = report["filters"]
    parts = []
    if f["date_from"] or f["date_to"]:
        parts.append(f"from {f['date_from'] or 'the start'} to {f['date_to'] or 'today'}")
    for key, word in (("service", "service"), ("theme", "theme"), ("session", "session")):
        if f[key]:
            parts.append(f"{word} {f[key]}")
    return ", ".join(parts) if parts else "all sessions"


def to_markdown(report: dict[str, Any], *, organisation: str = "") -> str:
    """The report for people to read: headings, tables with the numbers, a note on method."""
    out: list[str] = []
    title = "How co-production is working"
    out.append(f"# {title}")
    if organisation:
        out.append(md_escape(organisation))
    period = report["period"]
    out.append(f"Covering {md_escape(describe_filters(report))}; sessions from "
               f"{period['first'] or '-'} to {period['last'] or '-'}.")
    from coprod_cli.evaluation.report_print import headline

    out += ["", "## At a glance", "", *headline(report)]
    section = None
    table_open = None
    for sec, group, measure, value in rows(report):
        if sec != section:
            section = sec
            table_open = None
            out.append("")
            out.append(f"## {SECTION_TITLES[sec]}")
            if sec == "outcomes":
                for m in report["outcomes"].values():
                    if m["caution"]:
                        out.append("")
                        out.append(f"Caution: {fmt(m['people'])} people answered "
                                   f"{md_escape(m['title'])} at least {m['min_gap_weeks']} "
                                   "weeks apart. Changes from fewer than 30 people can "
                                   "easily be chance.")
        if sec == "voices":
            if table_open != group:
                table_open = group
                out.append("")
                out.append(f"### {group}")
            out.append(f"- {md_escape(str(value))}")
            continue
        if table_open != group:
            table_open = group
            out.append("")
            if group != "all":
                out.append(f"### {md_escape(group[:1].upper() + group[1:])}")
                out.append("")
            out.append("| Measure | Figure |")
            out.append("| --- | --- |")
        out.append(f"| {md_escape(measure)} | {md_escape(fmt(value))} |")
    if section != "voices":
        out.append("")
        out.append("## Voices")
        out.append("")
        out.append(report["voices"].get("withheld") or "No comments in this period.")
    out.append("")
    out.append("## How these figures were made")
    out.append("")
    out.append("Attendance, feedback and wellbeing answers were recorded with coprod during or "
               "after each session. Ratings are shown as means with the number of answers (n). "
               "Wellbeing changes compare each person's first answer in the period with their "
               "latest, by session date, when the two are at least the minimum gap apart; the "
               "four ONS questions are never added together.")
    threshold = report.get("suppressed_below")
    if threshold:
        out.append("")
        out.append(f"To protect people's privacy, any figure drawn from fewer than {threshold} "
                   f"people is shown as \"fewer than {threshold}\". Where it could be worked "
                   "out from a total or a mean, more figures are shown as \"hidden\" too. "
                   "Names in comments are replaced by the person's role.")
    return "\n".join(out) + "\n"
