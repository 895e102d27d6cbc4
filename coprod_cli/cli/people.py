"""``coprod people``: the register of people who take part, with roles and consent."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from coprod_cli.cli import new_app
from coprod_cli.cli.context import state
from coprod_cli.cli.prompts import confirm
from coprod_cli.people import register as people

app = new_app("Add, find and update the people who take part.\n\n"
              "Example: coprod people add \"Ceri\" --role person-using-services")


class Format(StrEnum):
    table = "table"
    json = "json"


ROLE_HELP = "staff, volunteer, person-using-services, carer or other."


def _public(person: dict[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "short_id": people.short_id(person["id"]),
            "name": person["name"], "role": person["role"], "service": person["service"],
            "consent": person["consent"], "prefers": person["prefers"],
            "created_at": person["created_at"], "updated_at": person["updated_at"]}


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
    say(f"Added {person['created_at'][:10]}, last changed {person['updated_at'][:10]}.",
        markup=False)


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
) -> None:
    """Change someone's details. Only what you give is changed.

    Example: coprod people edit Ceri --role volunteer
    """
    person = people.edit_person(state().store(), ref, name=name, role=role, service=service,
                                consent=consent, prefers=prefers)
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
    data = privacy.subject_access(state().store(), ref)
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
