"""The printable effectiveness report (PDF and HTML): a funder reads the first page and stops.

So the first page says the headline messages in words and figures; then each section has its
chart (with the numbers beside it, and as a table in HTML), percentages beside counts, a trend
over time when the period spans more than one quarter, voices grouped into themes with how
many said each, what did not work, and the method. Built from a (suppressed) report dictionary only.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from coprod_cli.escape import escape_markdown
from coprod_cli.evaluation.report_text import describe_filters, fmt, group_label, md_escape
from coprod_cli.evaluation.suppression import Hidden

TITLE = "How co-production is working"
VOICES_LISTED = 15
TREND_QUARTERS = 8
"""Up to this many quarters the trend is by quarter; longer periods are shown by year."""


def label_for(dimension: str, label: str) -> str:
    return group_label(dimension, label)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool | Hidden)


def pct(part: Any, whole: Any) -> str:
    """" (40%)" when both are shown numbers, else nothing (never a share of a hidden one)."""
    if is_number(part) and is_number(whole) and whole:
        return f" ({100 * part / whole:.0f}%)".replace("(", "\\(").replace(")", "\\)")
    return ""


def _num(value: Any) -> float | int | str:
    return value if is_number(value) else str(value if value is not None else "-")


def _b(text: str) -> str:
    return f"**{md_escape(text)}**"


def headline(report: dict[str, Any]) -> list[str]:
    """The first page's messages: sessions, people, co-facilitation, ratings, change."""
    reach, co, exp = report["reach"], report["coproduction"], report["experience"]
    out = [f"- {_b(fmt(reach['sessions']) + ' sessions')} were run, with "
           f"{_b(fmt(reach['attendances']) + ' attendances')} by "
           f"{_b(fmt(reach['people']) + ' people')}; {md_escape(fmt(reach['returning']))}"
           f"{pct(reach['returning'], reach['people'])} came to two or more."]
    out.append(f"- {_b(fmt(co['co_facilitated']) + ' of ' + fmt(co['sessions']) + ' sessions')}"
               f"{pct(co['co_facilitated'], co['sessions'])} were co-facilitated by "
               "someone with lived experience.")
    if is_number(co.get("co_designed")) and co.get("by_level", {}).get("not recorded") != \
            co["sessions"]:
        out.append(f"- {_b(fmt(co['co_designed']) + ' sessions')}"
                   f"{pct(co['co_designed'], co['sessions'])} were at co-design or "
                   "co-production on the Ladder of co-production.")
    questions = list(exp["questions"].values())
    if questions:
        q = questions[0]
        if is_number(q["mean"]):
            top = [q["distribution"].get(k) for k in ("4", "5")]
            share = f"{100 * sum(top) / q['n']:.0f}%" if all(is_number(v) for v in top) \
                and is_number(q["n"]) and q["n"] else ""
            out.append(f"- Asked \"{md_escape(q['text'])}\", people gave "
                       f"{_b(fmt(q['mean']) + ' out of 5')} on average from "
                       f"{md_escape(fmt(q['n']))} answers"
                       + (f"; {share} gave 4 or 5." if share else "."))
        else:
            out.append(f"- {md_escape(fmt(q['n']))} people's ratings are held back to protect "
                       "privacy (too few to show).")
    for measure in report["outcomes"].values():
        changes = []
        for item in measure["items"].values():
            if is_number(item["before_mean"]) and is_number(item["after_mean"]):
                changes.append(f"{item['short']} {fmt(item['before_mean'])} to "
                               f"{fmt(item['after_mean'])}")
        scored = measure["score"]
        if scored is not None and is_number(scored["mean_change"]):
            changes.append(f"mean change {scored['mean_change']:+.1f} points")
        if changes:
            out.append(f"- {md_escape(measure['title'])}, first to latest answers for "
                       f"{md_escape(fmt(measure['people']))} people: "
                       f"{md_escape('; '.join(changes))}.")
        elif is_number(measure["people"]) and measure["people"]:
            out.append(f"- {md_escape(measure['title'])}: {measure['people']} people answered "
                       f"at least {measure['min_gap_weeks']} weeks apart; their changes are "
                       "held back, as they could show one person's answers.")
        else:
            out.append(f"- {md_escape(measure['title'])}: too few people answered at least "
                       f"{measure['min_gap_weeks']} weeks apart to show a change.")
    return out


def _roadmap(co: dict[str, Any]) -> list[str]:
    """People who moved further along the roadmap: panel, committee, office."""
    from coprod_cli.evaluation.roadmap_counts import STEPS

    lines = [f"- {md_escape(words)}: {md_escape(fmt(co[key]))}" for key, words in STEPS.items()
             if key in co]
    return [*lines, ""] if lines else []


def _breakdowns(reach: dict[str, Any]) -> list[str]:
    from coprod_cli.render.markdown import chart_block

    out: list[str] = []
    for dimension, title in (("by_role", "role"), ("by_theme", "theme"),
                             ("by_service", "service")):
        table = reach[dimension]
        if dimension == "by_service" and len(table) < 2:
            continue
        out += [f"### By {title}", "",
                chart_block(f"Attendances by {title}",
                            [(label_for(dimension, label), _num(row["attendances"]))
                             for label, row in table.items()]), ""]
        out += [f"| {title.capitalize()} | Sessions | Times attended | People | Returning |",
                "| --- | --- | --- | --- | --- |"]
        for label, row in table.items():
            out.append(f"| {md_escape(label_for(dimension, label))} | "
                       f"{md_escape(fmt(row['sessions']))} | "
                       f"{md_escape(fmt(row['attendances']))}"
                       f"{pct(row['attendances'], reach['attendances'])} | "
                       f"{md_escape(fmt(row['people']))}{pct(row['people'], reach['people'])} | "
                       f"{md_escape(fmt(row['returning']))} |")
        out.append("")
    return out


def _trend(report: dict[str, Any]) -> list[str]:
    from coprod_cli.render.markdown import chart_block

    trend = report.get("trend") or {}
    quarters, years = trend.get("quarter", {}), trend.get("year", {})
    periods, word = (quarters, "quarter") if len(quarters) <= TREND_QUARTERS else (years, "year")
    if len(periods) < 2:
        return []
    out = ["## Over time", "",
           chart_block(f"Attendances by {word}",
                       [(k, _num(p["attendances"])) for k, p in periods.items()]), "",
           f"| {word.capitalize()} | Sessions | Times attended | People | Led with lived "
           "experience | Mean rating |", "| --- | --- | --- | --- | --- | --- |"]
    for key, p in periods.items():
        out.append("| " + " | ".join(md_escape(v) for v in (
            key, fmt(p["sessions"]), fmt(p["attendances"]), fmt(p["people"]),
            fmt(p["co_facilitated"]), fmt(p["rating_mean"]))) + " |")
    return [*out, ""]


def grouped(comments: list[str]) -> list[tuple[str, int]]:
    """Identical comments (ignoring case, spacing and a final full stop) counted once, most
    often said first: "Good tea (said by 7)" rather than the same line seven times."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for text in comments:
        key = " ".join(text.casefold().split()).rstrip(".!")
        counts[key] += 1
        first.setdefault(key, text)
    return [(first[k], n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _voices(voices: dict[str, Any], key: str) -> list[str]:
    """Comments by theme, the theme most talked about first, each with how many comments it
    holds; under it the comments, identical ones counted once ("said 7 times")."""
    from coprod_cli.evaluation.voice_themes import by_theme

    out: list[str] = []
    for theme, comments in by_theme(voices[key]):
        n = len(comments)
        # a heading, so a theme never ends a page without its comments under it
        out += [f"### {md_escape(theme)} ({n} comment{'' if n == 1 else 's'})", ""]
        for text, times in grouped(comments)[:VOICES_LISTED]:
            out.append(f"- {md_escape(text)}" + (f" (said {times} times)" if times > 1 else ""))
        out.append("")
    return out


def to_report_markdown(report: dict[str, Any], *, organisation: str = "", service: str = "",
                       prepared: str = "") -> str:
    """The printable report, for PDF and HTML."""
    from coprod_cli.render.markdown import chart_block

    period = report["period"]
    out: list[str] = [f"# {TITLE}", ""]
    if organisation:
        out += [f"## {md_escape(organisation)}", ""]
    facts = [("Service", report["filters"]["service"] or service),
             ("Covering", describe_filters(report)),
             ("Sessions from", f"{period['first'] or '-'} to {period['last'] or '-'}"),
             ("Prepared", prepared)]
    out += [" · ".join(f"**{label}:** {md_escape(value)}" for label, value in facts if value), ""]
    out += ["### At a glance", "", *headline(report), ""]
    threshold = report.get("suppressed_below")
    if threshold:
        out += [f"This report can be shared. Any figure drawn from fewer than {threshold} "
                f"people reads \"fewer than {threshold}\"; a figure that would give one away "
                "reads \"hidden\".", ""]
    out += ["[pagebreak]", "", "## Reach", ""]
    reach = report["reach"]
    out += [f"{fmt(reach['sessions'])} sessions were run, with {fmt(reach['attendances'])} "
            f"attendances by {fmt(reach['people'])} different people. "
            f"{fmt(reach['returning'])}{pct(reach['returning'], reach['people'])} came to two "
            "or more sessions.", ""]
    out += _breakdowns(reach)
    out += _trend(report)
    co = report["coproduction"]
    out += ["## Co-production", ""]
    bars: list[tuple[str, Any]] = [("Co-facilitated with lived experience",
                                    _num(co["co_facilitated"]))]
    if is_number(co["co_facilitated"]) and is_number(co["sessions"]):
        bars.append(("Led by staff or volunteers only", co["sessions"] - co["co_facilitated"]))
    out += [chart_block("Sessions", bars), ""]
    out += [f"{fmt(co['co_facilitated'])} of {fmt(co['sessions'])} sessions"
            f"{pct(co['co_facilitated'], co['sessions'])} were co-facilitated by someone with "
            f"lived experience. {fmt(co['moved_to_co_facilitator'])} people who first came as "
            "participants went on to co-facilitate a session.", ""]
    out += _roadmap(co)
    levels = co.get("by_level") or {}
    if any(is_number(v) and v for k, v in levels.items() if k != "not recorded"):
        out += [f"{fmt(co['co_designed'])} sessions{pct(co['co_designed'], co['sessions'])} "
                "were at co-design or co-production on the Ladder of co-production.", "",
                chart_block("Sessions by their level on the Ladder of co-production",
                            [(k.capitalize(), _num(v)) for k, v in levels.items()]), ""]
    if co["would_help"]:
        out += [chart_block("Would you like to help run a session? (people)",
                            [(k.capitalize(), _num(v)) for k, v in co["would_help"].items()]),
                ""]
    exp = report["experience"]
    out += ["## Experience", "", f"Feedback forms: {md_escape(fmt(exp['forms']))}.", ""]
    for q in exp["questions"].values():
        labels = q["labels"]
        out += [chart_block(q["text"], [(f"{point} {labels.get(point, '')}".strip(), _num(n))
                                        for point, n in q["distribution"].items()]), ""]
        if is_number(q["mean"]):
            out += [f"Mean {md_escape(fmt(q['mean']))} out of 5, from "
                    f"{md_escape(fmt(q['n']))} answers.", ""]
        else:
            out += [f"{md_escape(fmt(q['n']))} answers. The mean is not shown: with the "
                    "hidden figures beside it, it would give them away.", ""]
    out += ["## Outcomes", "", *_outcomes(report)]
    voices = report["voices"]
    out += ["## Voices: what went well", ""]
    if voices.get("withheld"):
        out += [md_escape(voices["withheld"]), ""]
    out += [*(_voices(voices, "went_well") or ["No comments in this period."]), ""]
    out += ["## What did not work so well", "",
            "From the \"what could be better\" answers, most often said first:", "",
            *(_voices(voices, "even_better") or ["Nothing was said in this period."]), ""]
    out += ["## How these figures were made", "",
            "Attendance, feedback and wellbeing answers were recorded with coprod during or "
            "after each session. Ratings are means with the number of answers. Wellbeing "
            "changes compare each person's first answers in the period with their latest, by "
            "session date, at least the minimum gap apart, so each person counts once. "
            "Co-facilitated means a facilitator with lived experience of using services or "
            "caring ran the session. Names in comments are replaced by the person's role.", ""]
    if threshold:
        out += [f"To protect people's privacy, any figure from fewer than {threshold} people is "
                f"shown as \"fewer than {threshold}\". Where it could be worked out from a "
                "total or a mean, more figures are shown as \"hidden\" too.", ""]
    return "\n".join(out)


def _outcomes(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for measure in report["outcomes"].values():
        out += [f"### {md_escape(measure['title'])}", "",
                f"{md_escape(fmt(measure['people']))} people answered at least "
                f"{measure['min_gap_weeks']} weeks apart (on average "
                f"{md_escape(fmt(measure['mean_gap_weeks']))} weeks between their first and "
                "latest answers).", ""]
        if measure["caution"]:
            out += [f"Caution: {md_escape(fmt(measure['people']))} people have a first and "
                    "latest answer. Changes from fewer than 30 people can easily be chance.", ""]
        scored = measure["score"]
        if scored is not None:
            shift = scored["band_shift"]
            out += ["| People | Mean first | Mean latest | Mean change | Up 3 or more | "
                    "Within 3 | Down 3 or more |", "| --- | --- | --- | --- | --- | --- | --- |",
                    "| " + " | ".join(md_escape(fmt(v)) for v in (
                        scored["n"], scored["first_mean"], scored["latest_mean"],
                        scored["mean_change"])) + " | " + " | ".join(
                        md_escape(fmt(shift[k])) + pct(shift[k], scored["n"])
                        for k in ("better", "same", "worse")) + " |", ""]
            continue
        out += ["| Question | People | Mean first | Mean latest | Better | Same | Worse |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for item in measure["items"].values():
            shift = item["band_shift"]
            out.append("| " + " | ".join(md_escape(fmt(v)) for v in (
                item["short"], item["n"], item["before_mean"], item["after_mean"])) + " | "
                + " | ".join(md_escape(fmt(shift[k])) + pct(shift[k], item["n"])
                             for k in ("better", "same", "worse")) + " |")
        out += ["", "The questions, as asked:", ""] + [
            f"- {escape_markdown(i['short'], one_line=True)}: {md_escape(i['text'])}"
            for i in measure["items"].values()] + [
            "", "Better, same and worse count people whose ONS band moved between their first "
            "and latest answers (for anxiety, a lower band is better). The four questions are "
            "never added together.", ""]
    return out
