"""Involvement totals per person per week or month, and where the organisation's threshold is
passed, a flag that the person should be offered independent welfare-rights advice.

Benefit rules change every April and differ between benefits, so coprod never decides what
affects anyone's benefits or whether they are eligible for anything. The organisation sets its
own threshold (``involvement_threshold_pence``, per ``involvement_threshold_per`` week or
month), and a person's payments for their time (what they chose to take: not expenses, which
are repaid costs, nor what they gave to charity) *over* it raise the flag; exactly at it does
not. A person who has said they receive benefits (``benefits_advice`` on their register entry)
gets stronger wording. The figures are exact pence; CSV cells go through ``csv_safe``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from coprod_cli.errors import ValidationError
from coprod_cli.escape import csv_safe, escape_markdown
from coprod_cli.money import format_money

ANONYMISED = "Anonymised (a person who was forgotten)"
BENEFITS_SAID = "yes: offer advice before any more paid involvement"


def period_of(day: str, by: str) -> str:
    """The week (its Monday, "2026-11-23") or month ("2026-11") a day falls in."""
    if by == "month":
        return day[:7]
    start = date.fromisoformat(day)
    return (start - timedelta(days=start.weekday())).isoformat()


def period_words(period: str, by: str) -> str:
    if by == "month":
        return date.fromisoformat(period + "-01").strftime("%B %Y")
    return f"week of {period}"


@dataclass(frozen=True)
class Threshold:
    pence: int | None
    per: str

    def passed(self, paid: int) -> bool:
        return self.pence is not None and paid > self.pence


def flag_words(name: str, paid: int, period: str, threshold: Threshold,
               receives_benefits: bool) -> str:
    """The flag's sentence. coprod points to advice; it never says what affects benefits."""
    assert threshold.pence is not None
    said = (f"{name} was paid {format_money(paid)} in the {period_words(period, threshold.per)}"
            f", over your organisation's threshold of {format_money(threshold.pence)} a "
            f"{threshold.per}.")
    if receives_benefits:
        return (said + f" {name} has told you they receive benefits: before any more paid "
                "involvement, make sure they are offered independent welfare-rights advice. "
                "coprod does not decide what affects anyone's benefits.")
    return said + (" Offer them independent welfare-rights advice. coprod does not decide "
                   "what affects anyone's benefits.")


def _totals(rows: list[dict[str, Any]], by: str) -> dict[tuple[str | None, str], dict[str, int]]:
    out: dict[tuple[str | None, str], dict[str, int]] = {}
    for row in rows:
        key = (row.get("person_id"), period_of(row["date"], by))
        sums = out.setdefault(key, {"paid_pence": 0, "charity_pence": 0, "expenses_pence": 0,
                                    "logs": 0})
        sums["paid_pence"] += row["paid_pence"]
        sums["charity_pence"] += row["charity_pence"]
        sums["expenses_pence"] += row["expenses_pence"]
        sums["logs"] += 1
    return out


def build(rows: list[dict[str, Any]], people: dict[str, dict[str, Any]], *, by: str,
          threshold: Threshold, start: str | None = None,
          end: str | None = None) -> dict[str, Any]:
    """The report as plain data: one line per person per period, and the flags.

    ``rows`` are involvement records; ``people`` the register by id. Flags are worked out by
    the threshold's own period whatever ``by`` is, so a monthly view still shows a week that
    passed a weekly threshold."""
    if by not in ("week", "month"):
        raise ValidationError(f"'{by}' is not week or month.")
    if start and end and start > end:
        raise ValidationError(f"The report starts on {start}, after it ends on {end}.",
                              hint="Give --from before --to.")
    chosen = [r for r in rows if (not start or r["date"] >= start)
              and (not end or r["date"] <= end)]

    def name(pid: str | None) -> str:
        return str(people[pid]["name"]) if pid in people else ANONYMISED

    flags = []
    if threshold.pence is not None:
        for (pid, period), sums in sorted(_totals(chosen, threshold.per).items(),
                                          key=lambda kv: (kv[0][1], name(kv[0][0]))):
            if pid is not None and threshold.passed(sums["paid_pence"]):
                benefits = bool(people.get(pid, {}).get("benefits_advice"))
                flags.append({"person_id": pid, "person": name(pid), "period": period,
                              "paid_pence": sums["paid_pence"],
                              "threshold_pence": threshold.pence,
                              "receives_benefits": benefits,
                              "message": flag_words(name(pid), sums["paid_pence"], period,
                                                    threshold, benefits)})
    flagged = {(f["person_id"], f["period"]) for f in flags}
    lines = []
    for (pid, period), sums in sorted(_totals(chosen, by).items(),
                                      key=lambda kv: (name(kv[0][0]).casefold(), kv[0][1])):
        lines.append({"person_id": pid, "person": name(pid), "period": period,
                      "paid_pence": sums["paid_pence"], "charity_pence": sums["charity_pence"],
                      "expenses_pence": sums["expenses_pence"],
                      "total_pence": sums["paid_pence"] + sums["expenses_pence"],
                      "logs": sums["logs"],
                      "over_threshold": by == threshold.per and (pid, period) in flagged})
    return {"by": by, "from": start, "to": end,
            "threshold": {"pence": threshold.pence, "per": threshold.per},
            "lines": lines, "flags": flags,
            "totals": {k: sum(line[k] for line in lines) for k in
                       ("paid_pence", "charity_pence", "expenses_pence", "total_pence")}}


CSV_HEADER = ("person_id", "person", "period", "paid", "to_charity", "expenses", "total",
              "over_threshold")


def to_csv(report: dict[str, Any]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in report["lines"]:
        writer.writerow([csv_safe(v) for v in (
            line["person_id"], line["person"], line["period"],
            f"{line['paid_pence'] / 100:.2f}", f"{line['charity_pence'] / 100:.2f}",
            f"{line['expenses_pence'] / 100:.2f}", f"{line['total_pence'] / 100:.2f}",
            "yes" if line["over_threshold"] else "no")])
    return out.getvalue()


def to_markdown(report: dict[str, Any], organisation: str = "") -> str:
    """The report as a printable document (every stored text escaped)."""
    esc = escape_markdown
    by = report["by"]
    span = " to ".join(x for x in (report["from"], report["to"]) if x) or "all dates"
    out = ["# Involvement payments and expenses", "",
           esc(f"{organisation + ': t' if organisation else 'T'}otals per person per {by}, "
               f"{span}."), ""]
    threshold = report["threshold"]
    if threshold["pence"] is None:
        out += [esc("No threshold is set, so nothing is flagged. Your organisation can set "
                    "involvement_threshold_pence in config.yaml."), ""]
    else:
        out += [esc(f"Your organisation's threshold: {format_money(threshold['pence'])} a "
                    f"{threshold['per']}, of payments for time (expenses are not counted)."),
                ""]
    if report["flags"]:
        out += ["## Offer independent welfare-rights advice", "",
                esc(f"These people were paid more than your threshold in a "
                    f"{threshold['per']}. Offer each of them independent welfare-rights "
                    "advice. coprod does not decide what affects anyone's benefits."), ""]
        out += [f"| Person | {threshold['per'].capitalize()} | Paid for their time | "
                "Said they receive benefits |", "| --- | --- | --- | --- |"]
        out += [f"| {esc(f['person'], one_line=True)} | "
                f"{esc(period_words(f['period'], threshold['per']), one_line=True)} | "
                f"{esc(format_money(f['paid_pence']))} | "
                f"{BENEFITS_SAID if f['receives_benefits'] else 'not said'} |"
                for f in report["flags"]]
        out.append("")
    out += ["## Totals", ""]
    if not report["lines"]:
        return "\n".join([*out, "Nothing was logged in this period.", ""])
    out += [f"| Person | {by.capitalize()} | Payment chosen | To charity | Expenses | Total |",
            "| --- | --- | --- | --- | --- | --- |"]
    for line in report["lines"]:
        mark = " (over threshold)" if line["over_threshold"] else ""
        out.append(f"| {esc(line['person'], one_line=True)} | "
                   f"{esc(period_words(line['period'], by) + mark, one_line=True)} | "
                   f"{esc(format_money(line['paid_pence']))} | "
                   f"{esc(format_money(line['charity_pence']))} | "
                   f"{esc(format_money(line['expenses_pence']))} | "
                   f"{esc(format_money(line['total_pence']))} |")
    t = report["totals"]
    out += [f"| All | | {esc(format_money(t['paid_pence']))} | "
            f"{esc(format_money(t['charity_pence']))} | "
            f"{esc(format_money(t['expenses_pence']))} | {esc(format_money(t['total_pence']))} |",
            "", esc("Benefit rules change every April and differ between benefits. coprod "
                    "never decides what affects anyone's benefits: the threshold is your "
                    "organisation's own."), ""]
    return "\n".join(out)
