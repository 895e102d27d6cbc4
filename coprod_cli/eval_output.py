"""The effectiveness report as text: Markdown, CSV and JSON, from one report dictionary.

All three walk the same ``rows()`` so they can never disagree about a figure. User text
(comments, service names) is escaped for its format: Markdown special characters, and CSV
cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from coprod_cli.people import ROLE_WORDS

SECTION_TITLES = {
    "reach": "Reach", "coproduction": "Co-production", "experience": "Experience",
    "outcomes": "Outcomes", "voices": "Voices",
}
_LABELS = {"sessions": "Sessions run", "attendances": "Attendances", "people": "Unique people",
           "returning": "Returning people (2 or more sessions)"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP's advice: prefix ')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md_escape(text: str) -> str:
    """Show user text literally in Markdown: CommonMark lets any ASCII punctuation be
    backslash-escaped, so no emphasis, link, heading, table cell or HTML can come from it."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def group_label(dimension: str, label: str) -> str:
    return ROLE_WORDS.get(label, label) if dimension == "by_role" else label


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
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
    yield "coproduction", "all", "Sessions co-facilitated by a person using services", \
        co["co_facilitated"]
    yield "coproduction", "all", "People who moved from attendee to co-facilitator", \
        co["moved_to_co_facilitator"]
    for answer, count in co["would_help"].items():
        yield "coproduction", "would like to help run a session", answer, count
    exp = report["experience"]
    yield "experience", "all", "Feedback forms", exp["forms"]
    for q in exp["questions"].values():
        yield "experience", q["text"], "answers (n)", q["n"]
        yield "experience", q["text"], "mean (1 to 5)", q["mean"]
        for point, count in q["distribution"].items():
            word = q["labels"].get(point, "")
            yield "experience", q["text"], f"{point} {word}".strip(), count
    for measure in report["outcomes"].values():
        for item in measure["items"].values():
            group = f"{measure['title']}: {item['text']}"
            yield "outcomes", group, "pairs (n)", item["n"]
            yield "outcomes", group, "mean before", item["before_mean"]
            yield "outcomes", group, "mean after", item["after_mean"]
            for shift, count in item["band_shift"].items():
                yield "outcomes", group, f"band {shift}", count
    voices = report["voices"]
    for key, title in (("went_well", "What went well"), ("even_better", "What could be better")):
        for comment in voices[key]:
            yield "voices", title, "comment", comment


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "group", "measure", "value"])
    for row in rows(report):
        writer.writerow([csv_safe(cell if not isinstance(cell, float) else fmt(cell))
                         for cell in row])
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
                        out.append(f"Caution: {fmt(m['pairs'])} people answered "
                                   f"{md_escape(m['title'])} before and after. Changes from "
                                   "fewer than 30 people can easily be chance.")
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
        out.append(report["voices"].get("withheld", "No comments in this period."))
    out.append("")
    out.append("## How these figures were made")
    out.append("")
    out.append("Attendance, feedback and wellbeing answers were recorded with coprod during or "
               "after each session. Ratings are shown as means with the number of answers (n). "
               "Wellbeing changes compare the same person's answers at the start and end of the "
               "same session; the four ONS questions are never added together.")
    threshold = report.get("suppressed_below")
    if threshold:
        out.append("")
        out.append(f"To protect people's privacy, any figure drawn from fewer than {threshold} "
                   f"people is shown as \"fewer than {threshold}\", and where that could be "
                   "worked out from a total, one more figure is hidden too. Names in comments are "
                   "replaced by the person's role.")
    return "\n".join(out) + "\n"
