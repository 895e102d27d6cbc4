"""Grants as documents: CSV for spreadsheets and Markdown for printable PDFs.

Kept apart from ``grants.scheme`` (the rules) and the CLI (the terminal), so the same builders
serve ``grant list/show/report --format csv|pdf`` and ``grant apply --pdf``. Every string a
person typed goes through the escaping of the format it reaches, from ``coprod_cli.escape``:
CSV cells that a spreadsheet would run as a formula are neutralised (``csv_safe``), and
Markdown gets ``escape_markdown``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from coprod_cli import clock
from coprod_cli.errors import UsageError
from coprod_cli.escape import csv_safe, escape_markdown
from coprod_cli.grants.scheme import Totals, spent_pence, summary
from coprod_cli.money import format_money
from coprod_cli.people.register import ROLE_WORDS

Escape = Callable[[str], str]
STATUS_WORDS = {"draft": "draft", "submitted": "waiting for a decision",
                "approved": "approved", "rejected": "not approved", "closed": "closed"}


# -- CSV ----------------------------------------------------------------------------------

def pounds(pence: int | None) -> str:
    """Money for a spreadsheet column: 1250 → "12.50" (a number, no £, so it adds up)."""
    if pence is None:
        return ""
    return f"{pence // 100}.{pence % 100:02d}"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


LIST_HEADER = ("id", "status", "year", "service", "title", "asked", "approved", "spent",
               "remaining", "returned", "spend_by", "overdue")


def list_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[r["id"], r["status"], r["year"], r["service"], r["title"],
             pounds(r["asked_pence"]), pounds(r["approved_pence"]), pounds(r["spent_pence"]),
             pounds(r["remaining_pence"]), pounds(r["returned_pence"]), r["spend_by"] or "",
             "yes" if r["overdue"] else "no"] for r in rows]


def list_csv(rows: list[dict[str, Any]]) -> str:
    return csv_text(LIST_HEADER, list_rows(rows))


def spending_csv(grant: dict[str, Any]) -> str:
    """A grant's spend lines, one a row, with the receipt and who entered it."""
    return csv_text(("grant", "date", "item", "amount", "receipt", "sha256", "entered_by"),
                    [[grant["id"], line["date"], line["item"], pounds(line["pence"]),
                      receipt_words(line), (line.get("receipt") or {}).get("sha256", ""),
                      line["by"]["name"]] for line in grant["spending"]])


TOTAL_FIELDS = (("budget", "budget_pence"), ("funds raised", "raised_pence"),
                ("pot (budget + raised)", "pot_pence"), ("waiting for a decision",
                                                         "waiting_pence"),
                ("approved", "approved_pence"), ("spent", "spent_pence"),
                ("returned unspent", "returned_pence"), ("left", "left_pence"))


def report_csv(report: dict[str, Any]) -> str:
    """Two blocks a spreadsheet opens as they are: the scheme's totals, then every grant."""
    scheme = report["scheme"]
    top = csv_text(("year", "measure", "amount"),
                   [[scheme["year"], label, pounds(scheme[key]) if scheme[key] is not None
                     else "no limit"] for label, key in TOTAL_FIELDS])
    return top + "\n" + list_csv(report["grants"])


# -- words shared by the terminal and documents -------------------------------------------

def receipt_words(line: dict[str, Any]) -> str:
    receipt = line.get("receipt") or {}
    if receipt.get("kind") == "file":
        return f"file {receipt['original_name']}"
    if receipt.get("kind") == "ref":
        return f"ref {receipt['ref']}"
    return "none"


def link_words(link: dict[str, str]) -> str:
    return f"{link['kind']} {link['value']}"


def build_report(grants: list[dict[str, Any]], totals: Totals) -> dict[str, Any]:
    """The JSON shape of ``grant report``: the year's totals and its grants' figures."""
    rows = [summary(g) for g in grants if g["year"] == totals.year]
    return {"scheme": totals.as_dict(), "grants": rows}


# -- Markdown for PDFs --------------------------------------------------------------------

def _one_line(esc: Escape, text: str) -> str:
    """User text for a table cell or picture row, where a line break would end the block."""
    return esc(" ".join(text.split()))


def _long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _coproducers(grant: dict[str, Any], esc: Escape) -> list[str]:
    return [f"{_one_line(esc, c['name'])} ({ROLE_WORDS.get(c['role'], c['role'])})"
            for c in grant["coproducers"]]


def easy_read_markdown(grant: dict[str, Any], esc: Escape) -> str:
    """The application in easy read: a picture on the left, one short idea a line."""
    line = partial(_one_line, esc)
    lines = [f"# Our grant application: {line(grant['title'])}", ""]
    if grant["service"]:
        lines += [f"[picture home] We are {line(grant['service'])}.", ""]
    lines += ["[picture idea] What we want to do:", line(grant["activity"]), "",
              "[picture group] Who planned it together:", *_coproducers(grant, esc),
              f"{grant['planners_using_services']} people who use services helped plan it.",
              "", "[picture money] What it costs:"]
    lines += [f"{line(i['item'])}: {format_money(i['pence'])}" for i in grant["items"]]
    lines += [f"We are asking for {format_money(grant['amount_pence'])} in total.", "",
              "[picture people] Who it will help:",
              f"About {grant['people_expected']} people.", line(grant["benefit"]), "",
              "[picture calendar] When:",
              f"We want to start on {_long_date(grant['start_date'])}.", "",
              "## We agree", "",
              "[picture tick] What we wrote here is true.",
              "The people named said yes to being named.", "",
              "[picture money] We will keep every receipt.",
              "We will give back any money we do not spend.", "",
              "[picture pencil] Sign here.", "", *SIGNATURES]
    return "\n".join(lines)


#: Signature lines for the two people who sign an application: the one who wrote it and
#: a co-producer who uses services, so the paper shows it was made together.
SIGNATURES = ["[fill Signed (applicant) | Date]", "", "[fill Name]", "",
              "[fill Signed (co-producer) | Date]", "", "[fill Name]", ""]
DECLARATION = ("We confirm that what this application says is true; that everyone named "
               "agreed to be named; that the activity was planned together with people who "
               "use services; and that we will keep every receipt and return any money we "
               "do not spend.")


def application_markdown(grant: dict[str, Any], esc: Escape, *, organisation: str = "",
                         easy_read: bool = False) -> str:
    """The application as a printable document, with its decision, spending and closure."""
    if easy_read:
        return easy_read_markdown(grant, esc)
    money = format_money
    lines = [f"# Small grant application: {esc(grant['title'])}", "",
             f"**Application** {esc(grant['id'])}  "]
    if organisation:  # nothing printed for a detail nobody set, never "Organisation -"
        lines.append(f"**Organisation** {esc(organisation)}  ")
    if grant["service"]:
        lines.append(f"**Service** {esc(grant['service'])}  ")
    lines += [f"**Status** {STATUS_WORDS[grant['status']]}  ",
             f"**Entered by** {esc(grant['created_by']['name'])} on "
             f"{grant['created_at'][:10]}", "",
             "## The activity", "", esc(grant["activity"]), "",
             f"It links to the programme through the {esc(link_words(grant['link']))}.", "",
             "## Co-produced by", "", *(f"- {c}" for c in _coproducers(grant, esc)), "",
             f"People using services who took part in planning: "
             f"{grant['planners_using_services']}.", "",
             "## Costs", "", "| Item | Amount |", "| --- | --- |"]
    lines += [f"| {_one_line(esc, i['item'])} | {money(i['pence'])} |" for i in grant["items"]]
    lines += [f"| **Total asked for** | **{money(grant['amount_pence'])}** |", "",
              "## Expected benefit", "",
              f"About {grant['people_expected']} people. {esc(grant['benefit'])}", "",
              f"Start date: {_long_date(grant['start_date'])}.", "",
              "## Declaration", "", DECLARATION, "", *SIGNATURES]
    lines += _decision_markdown(grant, esc)
    return "\n".join(lines)


def _decision_markdown(grant: dict[str, Any], esc: Escape) -> list[str]:
    decision = grant.get("decision")
    if not decision:
        return []
    lines = ["## Decision", "",
             f"{decision['outcome'].capitalize()} by {esc(decision['by']['name'])} on "
             f"{decision['date']}"
             + (f": {format_money(decision['amount_pence'])}, to spend by {grant['spend_by']}."
                if decision["outcome"] == "approved" else ".")]
    if decision.get("reason"):
        lines += ["", f"Reason: {esc(decision['reason'])}"]
    lines.append("")
    if grant["spending"]:
        lines += ["## Spending", "", "| Date | Item | Amount | Receipt | Entered by |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {s['date']} | {_one_line(esc, s['item'])} | {format_money(s['pence'])} "
                  f"| {_one_line(esc, receipt_words(s))} | {_one_line(esc, s['by']['name'])} |"
                  for s in grant["spending"]]
        lines += [f"| | **Total spent** | **{format_money(spent_pence(grant))}** | | |", ""]
    closure = grant.get("closure")
    if closure:
        lines += ["## What happened", "", esc(closure["what_happened"]), "",
                  f"People who benefited: {closure['people_benefited']}.", "",
                  f"What we learned: {esc(closure['learning'])}", "",
                  f"Unspent and returned to the pot: {format_money(closure['returned_pence'])}.",
                  ""]
    return lines


def list_markdown(rows: list[dict[str, Any]], esc: Escape, title: str) -> str:
    """Five columns, so the figures stay readable on a portrait page."""
    lines = [f"# {esc(title)}", "", "| Grant | Approved | Spent | Left | Spend by |",
             "| --- | --- | --- | --- | --- |"]
    for r in rows:
        overdue = " (overdue)" if r["overdue"] else ""
        lines.append(f"| {_one_line(esc, r['title'])} ({esc(r['id'])}, "
                     f"{STATUS_WORDS[r['status']]}) | {format_money(r['approved_pence'])} | "
                     f"{format_money(r['spent_pence'])} | {format_money(r['remaining_pence'])}"
                     f" | {r['spend_by'] or '-'}{overdue} |")
    if not rows:
        lines.append("| No grants yet. | | | | |")
    else:
        def total(key: str) -> str:
            return format_money(sum(r[key] or 0 for r in rows))

        lines.append(f"| **Total ({len(rows)} grant{'s' if len(rows) != 1 else ''})** | "
                     f"**{total('approved_pence')}** | **{total('spent_pence')}** | "
                     f"**{total('remaining_pence')}** |  |")
    lines += ["", f"Printed on {_long_date(clock.today().isoformat())}."]
    return "\n".join(lines) + "\n"


def report_markdown(report: dict[str, Any], esc: Escape, organisation: str = "") -> str:
    scheme = report["scheme"]
    head = f"Small grants {scheme['year']}" + (f": {organisation}" if organisation else "")
    lines = [f"# {esc(head)}", "", "| Measure | Amount |", "| --- | --- |"]
    for label, key in TOTAL_FIELDS:
        value = scheme[key]
        lines.append(f"| {label.capitalize()} | "
                     f"{format_money(value) if value is not None else 'no limit'} |")
    lines += ["", f"Grants this year: {scheme['grants']}; overdue: {scheme['overdue']}.", ""]
    body = list_markdown(report["grants"], esc, "Grants").split("\n", 2)[2]
    return "\n".join(lines) + "\n## Grants\n\n" + body


def render_pdf(markdown_for: Callable[[Escape], str], out: Path, *, title: str, author: str,
               subject: str, style: str = "standard") -> Path:
    """Turn Markdown into a PDF with the shared renderer; a clear error if it is missing."""
    try:
        from coprod_cli.render import render_document
    except ImportError:
        raise UsageError("PDF output is not available yet in this version of coprod.",
                         hint="Use --format table, json or csv for now.") from None
    return render_document(markdown_for(escape_markdown), out=out, fmt="pdf", style=style,
                           title=title, author=author, subject=subject, lang="en-GB")
