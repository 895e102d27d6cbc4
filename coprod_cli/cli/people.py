"""``coprod people``: the register of people who take part, with roles and consent."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.choices import DocFormat
from coprod_cli.cli.choices import ThreeStyles as JourneyStyle
from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import confirm
from coprod_cli.people import register as people

app = new_app("Add, find and update the people who take part.\n\n"
              "Example: coprod people add \"Ceri\" --role person-using-services")


class Format(StrEnum):
    table = "table"
    json = "json"


class YesNo(StrEnum):
    yes = "yes"
    no = "no"


ROLE_HELP = "staff, volunteer, person-using-services, carer or other."


def _public(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "short_id": people.short_id(person["id"]),
            "name": person["name"], "role": person["role"], "service": person["service"],
            "consent": person["consent"], "prefers": person["prefers"],
            "created_at": person["created_at"], "updated_at": person["updated_at"],
            "interests": person.get("interests", []), "available": person.get("available", []),
            "pairing": person.get("pairing", "yes"),
            "benefits_advice": person.get("benefits_advice")}


def _describe(person: dict[str, Any]) -> str:
    bits = [people.ROLE_WORDS[person["role"]]]
    if person["service"]:
        bits.append(person["service"])
    if person["prefers"]:
        bits.append("prefers " + " and ".join(p.replace("-", " ") for p in person["prefers"]))
    return f"{person['name']} ({people.short_id(person['id'])}): " + ", ".join(bits)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Display name: initials or a chosen name are fine.")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "person-using-services",
    service: Annotated[str | None, typer.Option(help="Their service (default: yours).")] = None,
    consent: Annotated[str | None, typer.Option(
        help="What they agreed to, e.g. 'attendance and anonymous feedback'.")] = None,
    prefers: Annotated[list[str] | None, typer.Option(
        help="easy-read or large-print; repeat for both.")] = None,
    allow_duplicate: Annotated[bool, typer.Option(
        "--allow-duplicate", help="Add even if someone with a very similar name exists.")
    ] = False,
) -> None:
    """Add someone to the people register.

    Example: coprod people add "Dŵr Jones" --role volunteer --prefers large-print
    """
    store = state().store()
    console = state().console()
    checked_name = people.clean_name(name)
    people.parse_role(role)
    near = people.likely_duplicates(store, checked_name)
    if near and not allow_duplicate:
        # Ask about each near match by name; never merge, never add silently.
        for person in near:
            bits = ", ".join(b for b in (people.ROLE_WORDS[person["role"]], person["service"])
                             if b)
            if confirm(f"Is this {person['name']} ({bits}), already on the register?",
                       default=True, flag="--allow-duplicate"):
                console.print(f"Nothing was added: {_describe(person)} is already on the "
                              "register.", markup=False)
                raise typer.Exit(1)
        console.print(f"Adding {checked_name} as a new, different person.", markup=False)
    person = people.add_person(store, checked_name, role,
                               service=service if service is not None
                               else state().settings().service,
                               consent=consent, prefers=prefers or [])
    console.print(f"Added {_describe(person)}.", markup=False)


@app.command("list")
def list_people(
    role: Annotated[str | None, typer.Option(help="Only people with this role.")] = None,
    service: Annotated[str | None, typer.Option(help="Only people in this service.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """List everyone on the register.

    Example: coprod people list --role volunteer
    """
    found = people.all_people(state().store(), role=role, service=service)
    if fmt is Format.json:
        typer.echo(json.dumps([_public(p) for p in found], indent=2, ensure_ascii=False))
        return
    console = state().console()
    if not found:
        console.print("Nobody on the register yet. Add someone with: coprod people add NAME",
                      markup=False)
        return
    if state().plain:
        for person in found:
            console.print(_describe(person) + ".", markup=False)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="People", title_justify="left")
    for column in ("Id", "Name", "Role", "Service", "Prefers", "Consent"):
        table.add_column(column)
    for p in found:
        table.add_row(people.short_id(p["id"]), Text(p["name"]), people.ROLE_WORDS[p["role"]],
                      Text(p["service"] or "-"), ", ".join(p["prefers"]) or "-",
                      "yes" if p["consent"] else "not recorded")
    console.print(table)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Show one person's details.

    Example: coprod people show Ceri
    """
    person = people.find_person(state().store(), ref)
    if fmt is Format.json:
        typer.echo(json.dumps(_public(person), indent=2, ensure_ascii=False))
        return
    say = state().console().print
    say(_describe(person) + ".", markup=False)
    consent = person["consent"]
    say(f"Consent: {consent['text']} (recorded {consent['given_at'][:10]})." if consent
        else "Consent: not recorded.", markup=False)
    from coprod_cli.peer.availability import slots_words

    interests = person.get("interests", [])
    if interests:
        say("Interests: " + ", ".join(interests) + ".", markup=False)
    if person.get("available"):
        say(f"Free: {slots_words(person['available'])}.", markup=False)
    if person.get("pairing") == "no":
        say("Pairing: has said no to being paired.", markup=False)
    say(f"Added {person['created_at'][:10]}, last changed {person['updated_at'][:10]}.",
        markup=False)
    if person.get("benefits_advice"):
        say("They have said they receive benefits: offer welfare-rights advice before paid "
            "involvement passes your threshold.", markup=False)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    name: Annotated[str | None, typer.Option(help="A new display name.")] = None,
    role: Annotated[str | None, typer.Option(help=ROLE_HELP)] = None,
    service: Annotated[str | None, typer.Option(help="Their service.")] = None,
    consent: Annotated[str | None, typer.Option(
        help="What they agreed to now (an empty value clears it).")] = None,
    prefers: Annotated[list[str] | None, typer.Option(
        help="easy-read or large-print; repeat for both. Replaces the old list.")] = None,
    interest: Annotated[list[str] | None, typer.Option(
        "--interest", help="Something they enjoy, in their words; repeat for more. Added to "
        "the ones they have. Matched ignoring case and plurals, with a few synonyms "
        "(footy = football, allotment = gardening).")] = None,
    no_interest: Annotated[list[str] | None, typer.Option(
        "--no-interest", help="Remove an interest (as shown by 'people show').")] = None,
    clear_interests: Annotated[bool, typer.Option(
        "--clear-interests", help="Remove all their interests (then add any --interest).")
    ] = False,
    available: Annotated[str | None, typer.Option(
        "--available", help="When they are free, replacing what was there: days and parts of "
        "the day, e.g. mon-am,thu-pm,sat-eve (am morning, pm afternoon, eve evening). An "
        "empty value clears it.")] = None,
    pairing: Annotated[str | None, typer.Option(
        "--pairing", help="no: they have said no to being paired (pairs suggest leaves "
        "them out and pairs make refuses); yes: happy to be paired.")] = None,
    benefits_advice: Annotated[YesNo | None, typer.Option(
        help="yes if they have said they receive benefits: involvement payments over your "
             "threshold are then flagged more strongly (coprod never decides eligibility).")
    ] = None,
) -> None:
    """Change someone's details. Only what you give is changed.

    Example: coprod people edit Ceri --interest gardening --interest "football (Wrexham)"
    --available mon-am,thu-pm
    """
    person = people.edit_person(state().store(), ref, name=name, role=role, service=service,
                                consent=consent, prefers=prefers,
                                add_interests=interest or [], remove_interests=no_interest or [],
                                clear_interests=clear_interests,
                                available=[available] if available is not None else None,
                                pairing=pairing,
                                benefits_advice=None if benefits_advice is None
                                else benefits_advice is YesNo.yes)
    state().console().print(f"Updated {_describe(person)}.", markup=False)


# -- privacy: subject access, erasure, retention -----------------------------------------------

def _count(n: int, table: str) -> str:
    """``2 feedback forms``: each table's own words, from its declaration."""
    from coprod_cli.store import schema

    return schema.table(table).count(n)


def _render_module() -> Any:
    """The shared renderer, when this version has it (for the PDF copy of an export)."""
    try:
        from coprod_cli import render
    except ImportError:
        return None
    ok = hasattr(render, "render_document") and hasattr(render, "escape_markdown")
    return render if ok else None


@app.command("export")
def export(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    out: Annotated[Path, typer.Option("--out", help="The JSON file to write.")],
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also write a readable PDF next to it (same name, .pdf).")] = False,
) -> None:
    """Write everything held about one person to a file, for a subject access request.

    Answer within one calendar month of the request. The file holds personal data: send it
    securely and do not keep extra copies.

    Example: coprod people export Ceri --out ceri-records.json --pdf
    """
    from coprod_cli.people import privacy

    render = _render_module() if pdf else None
    if pdf and render is None:
        from coprod_cli.errors import UsageError

        raise UsageError("This version of coprod cannot write PDFs yet, so nothing was written.",
                         hint="Leave out --pdf to write the JSON file on its own.")
    from coprod_cli import config

    data = privacy.subject_access(state().store(), ref,
                                  toolkit_dir=config.toolkit_dir(state().home))
    written = [privacy.write_export(data, out)]
    if render is not None:
        pdf_path = out.with_suffix(".pdf")
        name = data["person"]["name"]
        render.render_document(
            privacy.export_markdown(data, render.escape_markdown), out=pdf_path, fmt="pdf",
            style=state().settings().handout_style, title=f"Records held about {name}",
            author=state().settings().organisation or "coprod",
            subject="Subject access request", lang="en-GB")
        written.append(pdf_path)
    counts = privacy.export_counts(data)
    say = state().console().print
    say(f"Wrote everything held about {data['person']['name']} to "
        + " and ".join(str(p) for p in written) + ".", markup=False)
    say(", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items()) + ".",
        markup=False)


@app.command("journey")
def journey(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    style: Annotated[JourneyStyle, typer.Option(help="standard, easy-read or large-print.")
                     ] = JourneyStyle.easy_read,
    fmt: Annotated[DocFormat | None, typer.Option(
        "--format", help="pdf, html or md (default: from the file's ending, else pdf).")
    ] = None,
) -> None:
    """Print someone's journey: what they have done, first to latest, for them to keep.

    Sessions they came to and helped lead, groups and offices, meeting items they led,
    involvement, toolkit sessions they helped make, panels they sat on. Only their own
    records are in it.

    Example: coprod people journey Ceri --style easy-read --out ceri-journey.pdf
    """
    from coprod_cli import config, render
    from coprod_cli.people import journey as journeys

    store = state().store()
    person = journeys.find(store, ref)
    events = journeys.journey(store, person, toolkit_dir=config.toolkit_dir(state().home))
    organisation = state().settings().organisation
    chosen = fmt.value if fmt is not None else (
        out.suffix.lower().lstrip(".") if out.suffix.lower() in (".pdf", ".html", ".md")
        else "pdf")
    path = render.render_document(
        journeys.journey_markdown(person, events, style=style.value,
                                  organisation=organisation),
        out=out, fmt=chosen, style=style.value, title=f"{person['name']}'s journey",
        author=organisation or "coprod", subject="A person's journey", lang="en-GB")
    state().console().print(f"Wrote {path}: {len(events)} things {person['name']} has done.",
                            markup=False)


@app.command("forget")
def forget(
    ref: Annotated[str, typer.Argument(metavar="PERSON", help="Name or short id.")],
    yes: Annotated[bool, typer.Option(
        "--yes", help="Forget them without asking (for scripts).")] = False,
) -> None:
    """Erase someone who asked to be forgotten, keeping reports' numbers the same.

    Their register entry is deleted. Their attendance and answers stay only as anonymous
    counts under a random id that nothing links back to them, so reports still add up.
    Notes and comments that use their name are removed, and so are their name in toolkit
    credits and receipt copies. A record of the erasure, with no personal data in it, is
    kept. This cannot be undone.

    The backups in the home folder are rewritten without them, the one taken just before
    included. Every 'data restore' and 'data merge' forgets them again automatically (for a
    backup file kept elsewhere, or a service's export), from an erasure ledger that holds a
    keyed hash of their id, never their name.

    Example: coprod people forget Ceri --yes
    """
    from coprod_cli.people import privacy

    store = state().store()
    plan = privacy.preview_forget(store, ref)
    name = plan.person["name"]
    say = state().console().print
    say(f"Forgetting {name} ({people.short_id(plan.person['id'])}) will:", markup=False)
    say("  delete their register entry", markup=False)
    changed = [_count(n, t) for t, n in plan.counts.items() if t != people.TABLE]
    if changed:
        say("  replace their id with an anonymous one, or remove their name, in: "
            + ", ".join(changed), markup=False)
    say(f"  remove {plan.texts_removed} note{'s' * (plan.texts_removed != 1)} or comment"
        f"{'s' * (plan.texts_removed != 1)} that name them", markup=False)
    paid = _kept_as_accounts(plan.updates)
    if paid:
        say(f"  keep {paid} as anonymised totals (no name, id, activity or expense words; "
            "the dates and amounts stay), because your organisation must keep accounts of "
            "what it paid", markup=False)
    if privacy.name_pattern(name) is None:
        say("  (A one-letter name is not searched for in notes and comments.)", markup=False)
    if not yes and not confirm(f"Forget {name} for good? This cannot be undone",
                               default=False, flag="--yes"):
        say("Nothing was changed.", markup=False)
        raise typer.Exit(1)
    home = state().home
    record = privacy.forget(store, plan.person["id"], home=home)
    total = sum(n for t, n in record["counts"].items() if t != people.TABLE)
    beside = record.get("beside", {})
    say(f"{name} has been forgotten: {total} records changed, {record['texts_removed']} "
        f"notes or comments removed, {beside.get('receipts', 0)} receipt copies and "
        f"{beside.get('credits', 0)} toolkit credits cleared. The erasure record "
        f"({record['id'][:8]}) keeps only these counts.", markup=False)
    if paid:
        verb = "is" if paid.startswith("1 ") else "are"
        say(f"Their {paid} {verb} kept as anonymised totals, because your organisation must "
            "keep accounts of what it paid: no name, id, activity or expense words, only the "
            "dates, hours and amounts.", markup=False)
    backups = Path(getattr(store.backend, "backups_dir", home / "backups"))
    failed = beside.get("backups_failed") or []
    say(f"Backups: they were removed from the {beside.get('backups', 0)} backups in {backups} "
        "that held them, the one taken just before included, so that copy cannot undo "
        "this. A backup file kept elsewhere ('data backup --out') or another service's "
        "export still holds them, but every 'data restore' and 'data merge' forgets them "
        "again automatically (the erasure ledger keeps a keyed hash of their id, never "
        "their name).", markup=False)
    for problem in failed:
        say(f"  Could not rewrite the backup {problem}: delete it by hand.", markup=False)
    from coprod_cli.people.traces import still_named

    left = still_named(home, name)
    if left:
        say(f"Files under {home} that still hold their name (coprod did not make them, "
            "so it has not changed them; delete or edit them):", markup=False)
        for path in left[:20]:
            say(f"  {path}", markup=False)


def _kept_as_accounts(updates: list[tuple[str, str, str, dict[str, Any]]]) -> str:
    """"2 involvement payments" when forgetting keeps any of theirs as anonymised totals."""
    from coprod_cli.involvement import TABLE

    kept = sum(1 for table, _, _, changes in updates
               if table == TABLE and changes.get("anonymised"))
    return _count(kept, TABLE) if kept else ""


@app.command("review")
def review(
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
    delete_panel_data: Annotated[bool, typer.Option(
        "--delete-panel-data", help="Delete the candidate data and scores of the interview "
        "panels listed as past their retention period (asks first).")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", help="With --delete-panel-data: delete without asking (for scripts).")
    ] = False,
) -> None:
    """List people who have not taken part for longer than the retention period, and
    interview panels whose candidate data is past its own.

    Taking part means attending or helping to lead a session. The period is
    retention_days in the settings (default 730, two years). A panel's candidate codes,
    any names and scores are kept panel_retention_months after its date (default 6).

    Example: coprod people review --delete-panel-data
    """
    from coprod_cli.panels import retention
    from coprod_cli.people import privacy

    settings = state().settings()
    days, months = settings.retention_days, settings.panel_retention_months
    store = state().store()
    due = privacy.due_for_review(store, days)
    panels = retention.due_panels(store, months)
    say = state().console().print
    if delete_panel_data:
        _delete_panel_data(store, panels, months, yes)
        return
    if fmt is Format.json:
        typer.echo(json.dumps([{"kind": "person", **p} for p in due] + panels, indent=2,
                              ensure_ascii=False))
        return
    if not due:
        say(f"Nobody is due for review: everyone has taken part in the last {days} days.",
            markup=False)
    else:
        say(f"{len(due)} {'person has' if len(due) == 1 else 'people have'} not taken part "
            f"for more than {days} days:", markup=False)
        for person in due:
            say(f"  {person['name']} ({person['short_id']}, "
                f"{people.ROLE_WORDS[person['role']]}): last {person['last_activity_was']} on "
                f"{person['last_activity']}, {person['days_since']} days ago", markup=False)
        say("For each, ask whether the records are still needed. If not: coprod people "
            "forget PERSON. To keep someone, record their renewed consent (coprod people edit "
            "PERSON --consent TEXT); that restarts their period.", markup=False)
    if panels:
        say(f"{len(panels)} interview panel{'s' * (len(panels) != 1)} still "
            f"{'holds' if len(panels) == 1 else 'hold'} candidate data more than {months} "
            "months after the panel:", markup=False)
        for panel in panels:
            say(f"  {panel['short_id']} {panel['post']} on {panel['date']}: "
                f"{panel['candidates']} candidates, {panel['scores']} scores (kept until "
                f"{panel['kept_until']})", markup=False)
        say("Delete their candidate data and scores with: coprod people review "
            "--delete-panel-data (the panels themselves, their members and questions, "
            "stay).", markup=False)


def _delete_panel_data(store: Any, panels: list[dict[str, Any]], months: int,
                       yes: bool) -> None:
    from coprod_cli.panels import retention

    say = state().console().print
    if not panels:
        say(f"No interview panel holds candidate data more than {months} months after it; "
            "nothing was deleted.", markup=False)
        return
    scores = sum(p["scores"] for p in panels)
    if not yes and not confirm(
            f"Delete the candidate data and {scores} scores of {len(panels)} interview "
            f"panel{'s' * (len(panels) != 1)} for good?", default=False, flag="--yes"):
        say("Nothing was deleted.", markup=False)
        raise typer.Exit(1)
    done = retention.delete_candidate_data(store, months)
    say(f"Deleted the candidate data of {done['panels']} interview panel"
        f"{'s' * (done['panels'] != 1)} and {done['scores']} scores. The panels' posts, "
        "dates, members and questions are kept.", markup=False)
