"""A meeting's minutes as Markdown, and their approval at the next meeting.

Minutes say who was there and who sent apologies, the declarations of interest, each item
with its notes, decisions with their reasons (marked "not quorate" when too few members were
there), actions with owners and dates, and vote results. The easy-read version says the same
in short sentences, one idea a line, each with a picture. Minutes are a draft until a later
meeting of the group agrees them, proposed (and seconded) by someone there.
"""

from __future__ import annotations

from typing import Any

from coprod_cli.errors import UsageError, ValidationError
from coprod_cli.escape import escape_markdown as esc
from coprod_cli.meetings import MEETINGS, vote_link
from coprod_cli.meetings import actions as action_records
from coprod_cli.meetings.agenda import find_meeting
from coprod_cli.meetings.details import named
from coprod_cli.meetings.engine import Quorum, members_on_the_day
from coprod_cli.meetings.papers import Paper, clock_words, human_date, paper_for
from coprod_cli.meetings.pictures import picture_for
from coprod_cli.store.database import Store, Transaction

Records = Store | Transaction


def approve(tx: Transaction, ref: str, *, at: str, proposed_by: str,
            seconded_by: str | None) -> dict[str, Any]:
    """Mark a meeting's minutes approved at a later meeting of the same group."""
    meeting = find_meeting(tx, ref)
    later = find_meeting(tx, at)
    if meeting["status"] != "finished":
        raise UsageError(f"The meeting on {meeting['date']} has not been held yet, so it has no "
                         "minutes to approve; nothing was saved.")
    if later["group_id"] != meeting["group_id"]:
        raise ValidationError("Minutes are approved at a meeting of the same group; nothing "
                              "was saved.", hint="Give one of this group's later meetings "
                                                 "with --at.")
    if (later["date"], later["time"], later["id"]) <= (meeting["date"], meeting["time"],
                                                       meeting["id"]):
        raise ValidationError(f"Minutes are approved at a later meeting; the meeting on "
                              f"{later['date']} is not after the one on {meeting['date']}. "
                              "Nothing was saved.")
    if meeting.get("approval"):
        raise ValidationError(f"The minutes of {meeting['date']} were already approved at the "
                              f"meeting on {meeting['approval']['on']}; nothing was changed.")
    proposer = named(tx, proposed_by)
    seconder = named(tx, seconded_by) if seconded_by else None
    if seconder and seconder["name"] == proposer["name"] and \
            seconder["person_id"] == proposer["person_id"]:
        raise ValidationError("The same person cannot propose and second; nothing was saved.")
    approval = {"at_meeting": later["id"], "on": later["date"], "proposed_by": proposer,
                "seconded_by": seconder}
    return tx.update(MEETINGS, meeting["id"], {"approval": approval})


def approval_line(meeting: dict[str, Any]) -> str:
    """``Approved at the meeting on D, proposed by X`` or ``Draft: not yet approved``."""
    found = meeting.get("approval")
    if not found:
        return "Draft: not yet approved."
    text = f"Approved at the meeting on {human_date(found['on'])}, proposed by " \
           f"{found['proposed_by']['name']}"
    if found.get("seconded_by"):
        text += f", seconded by {found['seconded_by']['name']}"
    return text + "."


class MinutesData:
    """Everything the minutes say, read once from the store."""

    def __init__(self, store: Records, meeting: dict[str, Any]) -> None:
        self.paper: Paper = paper_for(store, meeting)
        self.meeting = meeting
        by_id = {m.person_id: m.name for m in members_on_the_day(store, meeting)}
        rows = meeting.get("attendance", [])

        def names(status: str) -> list[str]:
            return [by_id.get(a["person_id"], "a former member") for a in rows
                    if a["status"] == status]

        self.present, self.apologies, self.absent = (names("present"), names("apologies"),
                                                     names("absent"))
        self.guests: list[str] = list(meeting.get("guests", []))
        run = meeting.get("run") or {}
        self.quorum = Quorum(len(self.present), int(run.get("members") or len(by_id)),
                             int(run.get("quorum") or 0)) if run else None
        self.new_actions = action_records.made_at(store, meeting["id"])
        self.approved_here = [m for m in store.find(
            MEETINGS, lambda m: (m.get("approval") or {}).get("at_meeting") == meeting["id"])]
        self.votes = dict[str, list[list[str]]]()
        for item, lines in vote_link.meeting_results(store, meeting["id"]):
            self.votes.setdefault(item or "", []).append(lines)

    def on(self, key: str, field: str) -> list[dict[str, Any]]:
        return [e for e in self.meeting.get(field, []) if e["item"] == key]


def _list(names: list[str]) -> str:
    return ", ".join(esc(n, one_line=True) for n in names) if names else "none"


def minutes_markdown(store: Records, meeting: dict[str, Any], style: str) -> str:
    if meeting["status"] == "planned":
        raise UsageError(f"The meeting on {meeting['date']} has not been run yet, so there "
                         "are no minutes.", hint=f"Run it with: coprod meeting run "
                                                 f"{meeting['id']}")
    data = MinutesData(store, meeting)
    if style.startswith("easy-read"):
        return _easy(data)
    return _standard(data)


def _standard(d: MinutesData) -> str:
    m, g = d.meeting, d.paper.group
    out = [f"# Minutes: {esc(g['name'], one_line=True)}", "",
           f"Meeting on {human_date(m['date'])} at {m['time']}, {esc(m['place'])}.", "",
           f"**{approval_line(m)}**", "", "## Who was there", "",
           f"**Members here:** {_list(d.present)}", "",
           f"**Apologies:** {_list(d.apologies)}", ""]
    if d.absent:
        out += [f"**Not there:** {_list(d.absent)}", ""]
    if d.guests:
        out += [f"**Guests:** {_list(d.guests)}", ""]
    if d.quorum is not None:
        out += [esc(d.quorum.past_sentence()), ""]
    out += ["## Declarations of interest", ""]
    declared = m.get("declarations", [])
    out += [f"- {esc(x['name'], one_line=True)}: {esc(x['what'], one_line=True)}"
            for x in declared] or ["None were made."]
    out.append("")
    for number, item in enumerate(m["items"], start=1):
        title = f"{number}. {esc(item['title'], one_line=True)}"
        body = _item_lines(d, item)
        # an item with nothing recorded is one line, not a heading over "nothing"
        out += [f"## {title}", "", *body] if body else [f"**{title}:** nothing recorded.", ""]
    out += ["## Actions", ""]
    if d.new_actions:
        out += ["| What | Who | By when | Now |", "| --- | --- | --- | --- |"]
        for a in d.new_actions:
            out.append(f"| {esc(a['what'], one_line=True)} | {esc(a['owner'], one_line=True)} "
                       f"| {a['due'] or '-'} | {a['status']} |")
        out.append("")
    else:
        out += ["No new actions.", ""]
    return "\n".join(out).rstrip() + "\n"


def _item_lines(d: MinutesData, item: dict[str, Any]) -> list[str]:
    key = item["key"]
    out: list[str] = []
    if key == "last-minutes":
        out += _last_minutes_lines(d)
    for x in d.on(key, "declarations"):
        out += [f"**Interest declared:** {esc(x['name'], one_line=True)}: {esc(x['what'])}",
                ""]
    for note in d.on(key, "notes"):
        out += [esc(note["text"]), ""]
    for dec in d.on(key, "decisions"):
        flag = "" if dec["quorate"] else " (not quorate)"
        out += [f"**Decision{flag}:** {esc(dec['text'])}", ""]
        if dec["reason"]:
            out += [f"**Reason:** {esc(dec['reason'])}", ""]
    for act in d.new_actions:
        if act["item"] == key:
            out += [f"**Action:** {esc(action_records.describe(act))}", ""]
    for lines in d.votes.get(key, []):
        out += [f"**Vote:** {esc(' '.join(lines))}", ""]
    return out


def _last_minutes_lines(d: MinutesData) -> list[str]:
    out: list[str] = []
    for earlier in d.approved_here:
        out += [f"The minutes of the meeting on {human_date(earlier['date'])} were agreed as a "
                f"true record: {esc(approval_line(earlier))}", ""]
    for act in d.paper.carried:
        state = "done" + (f" ({act['done_note']})" if act["done_note"] else "") \
            if act["status"] == "done" else "still open, carried forward"
        out += [f"- {esc(action_records.describe(act), one_line=True)}: {esc(state)}"]
    if d.paper.carried:
        keep = len(out) - len(d.paper.carried)
        out = [*out[:keep], "Actions from earlier meetings:", "", *out[keep:], ""]
    return out


def _easy(d: MinutesData) -> str:
    m, g = d.meeting, d.paper.group
    out = [f"# What happened at the {esc(g['name'], one_line=True)} meeting", "",
           f"[picture calendar] We met on {human_date(m['date'])}.",
           f"We started at {clock_words(m['time'])}.", "",
           f"[picture place] We met at {esc(m['place'])}.", "",
           f"[picture minutes] {approval_line(m)}", "",
           "## Who was there", "",
           f"[picture people] {len(d.present)} members came: {_list(d.present)}.", ""]
    if d.guests:
        out += [f"[picture welcome] Guests: {_list(d.guests)}.", ""]
    if d.apologies:
        out += [f"[picture apologies] These members said sorry they could not come: "
                f"{_list(d.apologies)}.", ""]
    if d.quorum is not None and not d.quorum.met:
        out += [f"[picture question] There were not enough members for decisions to count. "
                f"We needed {d.quorum.needed}.", ""]
    declared = m.get("declarations", [])
    if declared:
        out += ["## Things people told us about themselves", ""]
        for x in declared:
            out += [f"[picture declaration] {esc(x['name'], one_line=True)} told us: "
                    f"{esc(x['what'])}", ""]
    for item in m["items"]:
        lines = _easy_item(d, item)
        if lines:
            out += [f"## {esc(item['title'], one_line=True)}", "", *lines]
    return "\n".join(out).rstrip() + "\n"


def _easy_item(d: MinutesData, item: dict[str, Any]) -> list[str]:
    key = item["key"]
    out: list[str] = []
    if key == "last-minutes":
        for earlier in d.approved_here:
            out += [f"[picture agree] We agreed the notes of the meeting on "
                    f"{human_date(earlier['date'])} are right.", ""]
        for act in d.paper.carried:
            word = "has done this" if act["status"] == "done" else "will still do this"
            out += [f"[picture actions] {esc(act['owner'], one_line=True)} {word}: "
                    f"{esc(act['what'])}", ""]
    for note in d.on(key, "notes"):
        out += [f"[picture {picture_for(item)}] {esc(note['text'])}", ""]
    for dec in d.on(key, "decisions"):
        out += [f"[picture agree] We decided: {esc(dec['text'])}"]
        if dec["reason"]:
            out.append(f"Why: {esc(dec['reason'])}")
        if not dec["quorate"]:
            out.append("Not enough members were there for this to count yet.")
        out.append("")
    for act in d.new_actions:
        if act["item"] == key:
            out += [f"[picture actions] {esc(act['owner'], one_line=True)} will do this: "
                    f"{esc(act['what'])}"]
            if act["due"]:
                out.append(f"By {human_date(act['due'])}.")
            out.append("")
    for lines in d.votes.get(key, []):
        out += [f"[picture vote] We voted. {esc(' '.join(lines))}", ""]
    return out


def minutes_title(store: Records, meeting: dict[str, Any]) -> str:
    from coprod_cli.groups import membership

    return f"Minutes: {membership.find_group(store, meeting['group_id'])['name']}, " \
           f"{meeting['date']}"


def approve_minutes(store: Store, ref: str, *, at: str, proposed_by: str,
                    seconded_by: str | None) -> dict[str, Any]:
    with store.transaction() as tx:
        return approve(tx, ref, at=at, proposed_by=proposed_by, seconded_by=seconded_by)
