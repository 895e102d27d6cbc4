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
    "outcomes": "Outcomes", "voices": "Voices",
}
_LABELS = {"sessions": "Sessions run", "attendances": "Attendances", "people": "Unique people",
           "returning": "Returning people (2 or more sessions)"}
# Every value in the report's Markdown sits on one line (a table cell, a list item, a line
# after a label), so user text is escaped as one line: its line breaks become spaces.
md_escape = partial(escape_markdown, one_line=True)


def group_label(dimension: str, label: str) -> str:
    return ROLE_WORDS.get(label, label) if dimension == "by_role" else label


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


def _num(value: Any) -> float | int | str:
    """A figure for a chart bar: numbers stay numbers; hidden ones stay their words."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def to_report_markdown(report: dict[str, Any], *, organisation: str = "", service: str = "",
                       prepared: str = "") -> str:
    """The printable report: a title page, then each section as charts with their numbers
    beside them, tables, voices, and a note on method and suppression (for PDF and HTML)."""
    from coprod_cli.render.markdown import chart_block

    out: list[str] = ["# How co-production is working", ""]
    period = report["period"]
    facts = [("Organisation", organisation), ("Service", report["filters"]["service"] or service),
             ("Covering", describe_filters(report)),
             ("Sessions from", f"{period['first'] or '-'} to {period['last'] or '-'}"),
             ("Prepared", prepared)]
    for label, value in facts:
        if value:
            out += [f"**{label}:** {md_escape(value)}", ""]
    threshold = report.get("suppressed_below")
    if threshold:
        out += [f"This report can be shared. Any figure drawn from fewer than {threshold} "
                f"people is shown as \"fewer than {threshold}\".", ""]
    out += ["[pagebreak]", "", "## Reach", ""]
    reach = report["reach"]
    out += [f"{fmt(reach['sessions'])} sessions were run, with {fmt(reach['attendances'])} "
            f"attendances by {fmt(reach['people'])} different people. "
            f"{fmt(reach['returning'])} people came to two or more sessions.", ""]
    for dimension, title in (("by_role", "role"), ("by_theme", "theme"),
                             ("by_service", "service")):
        table = reach[dimension]
        if dimension == "by_service" and len(table) < 2:
            continue
        out += [chart_block(f"Attendances by {title}",
                            [(group_label(dimension, label), _num(row["attendances"]))
                             for label, row in table.items()]), ""]
        out += [f"| {title.capitalize()} | Sessions | Times attended | People | Returning |",
                "| --- | --- | --- | --- | --- |"]
        for label, row in table.items():
            out.append(f"| {md_escape(group_label(dimension, label))} | "
                       + " | ".join(md_escape(fmt(row[k])) for k in
                                    ("sessions", "attendances", "people", "returning")) + " |")
        out.append("")
    co = report["coproduction"]
    out += ["## Co-production", ""]
    bars: list[tuple[str, Any]] = [("Co-facilitated by a person using services",
                                    _num(co["co_facilitated"]))]
    if isinstance(co["co_facilitated"], int) and isinstance(co["sessions"], int):
        bars.append(("Led by staff or volunteers only", co["sessions"] - co["co_facilitated"]))
    out += [chart_block("Sessions", bars), ""]
    out += [f"{fmt(co['moved_to_co_facilitator'])} people who first came as participants "
            "went on to co-facilitate a session.", ""]
    if co["would_help"]:
        out += [chart_block("Would you like to help run a session?",
                            [(k, _num(v)) for k, v in co["would_help"].items()]), ""]
    exp = report["experience"]
    out += ["## Experience", "", f"Feedback forms: {md_escape(fmt(exp['forms']))}.", ""]
    for q in exp["questions"].values():
        labels = q["labels"]
        out += [chart_block(q["text"], [(f"{point} {labels.get(point, '')}".strip(), _num(n))
                                        for point, n in q["distribution"].items()]), ""]
        out += [f"Mean {md_escape(fmt(q['mean']))} out of 5, from {md_escape(fmt(q['n']))} "
                "answers.", ""]
    out += ["## Outcomes", ""]
    for measure in report["outcomes"].values():
        out += [f"### {md_escape(measure['title'])}", ""]
        out += [f"{md_escape(fmt(measure['people']))} people answered at least "
                f"{measure['min_gap_weeks']} weeks apart (on average "
                f"{md_escape(fmt(measure['mean_gap_weeks']))} weeks between their first and "
                "latest answers).", ""]
        if measure["caution"]:
            out += [f"Caution: {md_escape(fmt(measure['people']))} people have a first and "
                    "latest answer. Changes from fewer than 30 people can easily be chance.",
                    ""]
        scored = measure["score"]
        if scored is not None:
            out += ["| People | Mean first score | Mean latest score | Mean change | "
                    "Up 3 or more | Within 3 | Down 3 or more |",
                    "| --- | --- | --- | --- | --- | --- | --- |",
                    "| " + " | ".join(md_escape(fmt(v)) for v in (
                        scored["n"], scored["first_mean"], scored["latest_mean"],
                        scored["mean_change"], *scored["band_shift"].values())) + " |", ""]
            continue
        out += ["| Question | People | Mean first | Mean latest | Better | Same | Worse |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for item in measure["items"].values():
            shift = item["band_shift"]
            out.append("| " + " | ".join(md_escape(fmt(v)) for v in (
                item["short"], item["n"], item["before_mean"], item["after_mean"],
                shift["better"], shift["same"], shift["worse"])) + " |")
        out += ["", "The questions, as asked:", ""] + [
            f"- {md_escape(i['short'])}: {md_escape(i['text'])}"
            for i in measure["items"].values()] + ["",
            "Better, same and worse count people whose ONS band moved between their "
                "first and latest answers (for anxiety, a lower band is better). The four "
                "questions are never added together.", ""]
    voices = report["voices"]
    out += ["## Voices", ""]
    if voices.get("withheld"):
        out += [md_escape(voices["withheld"]), ""]
    for key, title in (("went_well", "What went well"), ("even_better", "What could be better")):
        if voices[key]:
            out += [f"### {title}", ""] + [f"- {md_escape(c)}" for c in voices[key][-30:]] + [""]
    out += ["## How these figures were made", "",
            "Attendance, feedback and wellbeing answers were recorded with coprod during or "
            "after each session. Ratings are means with the number of answers. Wellbeing "
            "changes compare each person's first answers in the period with their latest, "
            "by session date, at least the minimum gap apart. Names in comments are replaced "
            "by the person's role.", ""]
    if threshold:
        out += [f"To protect people's privacy, any figure from fewer than {threshold} people is "
                f"shown as \"fewer than {threshold}\". Where it could be worked out from a "
                "total or a mean, more figures are shown as \"hidden\" too.", ""]
    return "\n".join(out)
