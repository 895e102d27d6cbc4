"""Every table coprod keeps, declared once: the shape of its records and what each field means.

These declarations are what the writers' records are checked against on every save, merge
and restore, and what ``data check``, ``people forget`` and ``people export`` read to know
which fields refer to a person and which free text may name one. A field a writer always
writes is required; one it writes only sometimes (``end_reason``, once a run ends early) is
``NotRequired``. Records may carry fields beyond these (a newer writer's, a test's), except
where a table is closed (``extra="forbid"``) because it must never hold personal data.

To add a field that refers to a person, mark it here (``Person`` for an id, ``Named`` for a
``{"name", "person_id"}``) and check, forget and export cover it; mark free text with
``Text`` and forget scrubs it and export shows it when it names the person.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, StringConstraints, with_config
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from coprod_cli.grants.funds import FUNDS as FUNDS_TABLE
from coprod_cli.grants.scheme import TABLE as GRANTS_TABLE
from coprod_cli.grants.scheme import Status as GrantStatus
from coprod_cli.money import format_money
from coprod_cli.peer.availability import SLOT_PATTERN
from coprod_cli.people import ledger, privacy
from coprod_cli.people.register import MAX_NAME, Role
from coprod_cli.people.register import TABLE as PEOPLE_TABLE
from coprod_cli.sessions.concerns import CONCERNS
from coprod_cli.sessions.runner import ATTENDANCE, FEEDBACK, MEASURES, RUNS, Phase
from coprod_cli.store import database
from coprod_cli.store.schema.markers import DateText, Named, NameText, Person, Ref, Text
from coprod_cli.store.schema.registry import Partition, Table, Unique, register

ERASURES = privacy.ERASURES  # written by people forget
AUDIT = database.AUDIT_TABLE  # written by the store itself, one entry per transaction

#: Text that starts with a date (YYYY-MM-DD): a day, or a moment in ISO form. The pattern
#: runs inside pydantic-core (a Python check per value cost as much as the rest of a merge's
#: validation) and is exact: month lengths, and 29 February only in leap years.
_YEAR = r"(?:[1-9]\d{3}|\d[1-9]\d{2}|\d{2}[1-9]\d|\d{3}[1-9])"
_LEAP = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_PATTERN = (rf"^(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
                rf"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
                rf"|{_LEAP}-02-29)")
Date = Annotated[str, StringConstraints(pattern=DATE_PATTERN), DateText()]
#: A display name, as ``people.clean_name`` lets one in: something other than spaces, not
#: too long, and no line breaks or other control characters (a pattern, so no Python runs).
_PLAIN = r"[^\x00-\x1f\x7f-\x9f]"
#: A name also holds no bidi override or zero-width character (``escape.UNSAFE_FORMAT``),
#: the rule ``clean_name`` applies, so a merged bundle cannot bring one in either.
_HIDDEN = r"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff\u180e"
_NAMECH = rf"[^\x00-\x1f\x7f-\x9f{_HIDDEN}]"
NAME_PATTERN = rf"^{_NAMECH}*[^\s\x00-\x1f\x7f-\x9f{_HIDDEN}]{_NAMECH}*$"
Name = Annotated[str, StringConstraints(max_length=MAX_NAME, pattern=NAME_PATTERN),
                 NameText()]
RunId = Annotated[str, Ref(RUNS, "run")]


class Origin(TypedDict):
    """Where a merged record came from (``data merge`` adds it)."""

    service: str
    bundle: str
    exported_at: str | None


class Record(TypedDict):
    """What every record has: our own id (never TinyDB's), and where it was merged from."""

    id: Annotated[str, StringConstraints(min_length=1)]
    origin: NotRequired[Origin]


# -- the people register ------------------------------------------------------------------

class Consent(TypedDict):
    text: str
    given_at: Date


class PersonRecord(Record):
    name: Name
    role: Role
    service: str
    consent: Consent | None
    prefers: list[Literal["easy-read", "large-print"]]
    created_at: Date
    updated_at: Date
    # peer support (coprod_cli/peer): interests as typed, free slots, and whether they are
    # happy to be paired ("no": they said no, so pairs suggest leaves them out)
    interests: NotRequired[list[Annotated[str, StringConstraints(max_length=80),
                                          Text("an interest")]]]
    available: NotRequired[list[Annotated[str, StringConstraints(pattern=SLOT_PATTERN)]]]
    pairing: NotRequired[Literal["yes", "no"]]
    #: They have said they receive benefits, so involvement payments over the
    #: organisation's threshold are flagged more strongly (``involve report``); coprod never
    #: decides eligibility. Missing: not said.
    benefits_advice: NotRequired[bool]


# -- session runs and what hangs off them -------------------------------------------------

Facilitator = TypedDict("Facilitator", {  # functional form: "as" is a Python keyword
    "person_id": Annotated[str, Person("facilitator")],
    "as": Literal["lead", "co-facilitator"],
    "role": Role,
    "lived_experience": bool,
})


class Step(TypedDict):
    step: int
    started_at: Date
    ended_at: Date | None
    paused_seconds: float
    outcome: Literal["done", "skipped", "left", "ended early"] | None


class Note(TypedDict):
    at: Date
    step: int | None
    phase: Phase
    text: Annotated[str, Text("run note")]


class Lease(TypedDict):
    """Which window holds a run (``sessions/lease.py``); no person, only the computer's."""

    token: str
    pid: int
    account: str
    host: str
    since: Date
    refreshed: Date


class Run(Record):
    session_id: str
    session_version: int
    session_title: str
    theme: str
    service: str
    planned_minutes: int
    step_count: int
    status: Literal["in-progress", "finished"]
    phase: Phase
    ended_early: bool
    started_at: Date
    updated_at: Date
    ended_at: Date | None
    measure: str | None  # "" when --measure none was chosen
    facilitators: list[Facilitator]
    step_index: int
    step_log: list[Step]
    notes: list[Note]
    paused_at: Date | None
    paused_seconds: float
    feedback_mode: Literal["now", "later"] | None
    feedback_planned: str | None
    reflection: dict[str, Annotated[str, Text("facilitators' reflection ({key})")]] | None
    feedback_done: NotRequired[list[Annotated[str | None, Person("feedback sign-off")]]]
    end_reason: NotRequired[Annotated[str, Text("reason the run ended early")]]
    lease: NotRequired[Lease | None]  # the window holding the run; None once let go


class Concern(Record):
    """A safeguarding concern (``sessions/concerns.py``): private, never in a shared bundle."""

    run_id: RunId
    person_id: Annotated[str | None, Person("safeguarding concern about")]  # None: not said
    what: Annotated[str, Text("safeguarding concern")]
    step: int | None
    noticed_at: Date
    recorded_at: Date
    followed_up_at: Date | None
    follow_up: Annotated[str | None, Text("safeguarding follow-up")]


class Attendance(Record):
    run_id: RunId
    person_id: Annotated[str, Person()]
    role: Role
    session_id: str
    theme: str
    service: str
    date: Date
    arrived_at: Date
    late: bool
    left_at: Date | None


Comment = Annotated[str | None, Text("someone's feedback ({key})")]


class Answers(TypedDict, total=False):
    """A form's answers by question id; only the free-text ones are declared, the rest are
    checked against the form's own definition when they are entered."""

    went_well: Comment
    even_better: Comment


class Feedback(Record):
    run_id: RunId
    person_id: Annotated[str | None, Person()]  # None: an anonymous form
    form: str
    form_version: int
    answers: Answers
    entered: Literal["live", "paper"]
    session_id: str
    theme: str
    service: str
    at: Date


class Measure(Record):
    run_id: RunId
    person_id: Annotated[str | None, Person()]
    measure: str
    when: Literal["before", "after"]
    answers: dict[str, int | None]
    at: Date


@with_config(ConfigDict(extra="forbid"))
class Erasure(Record):
    at: Date
    counts: dict[str, int]
    texts_removed: int


@with_config(ConfigDict(extra="forbid"))
class LedgerEntry(TypedDict):
    """One erasure in the ledger ``people forget`` keeps beside the store and every restore
    and merge re-applies: a keyed hash of the forgotten person's id (the key is in the home
    folder, owner-only) and the day. It names no one and holds no id."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    at: Date


# -- small grants -------------------------------------------------------------------------

GrantText = Annotated[str, Text("small grant ({path})")]


class NamedPerson(TypedDict):
    name: Name
    person_id: str | None  # None: someone who is not on the register


By = Annotated[NamedPerson, Named()]


class Coproducer(NamedPerson):
    role: Role


class Link(TypedDict):
    kind: Literal["session", "theme"]
    value: str


class Item(TypedDict):
    item: GrantText
    pence: int


class Move(TypedDict):
    status: GrantStatus
    at: Date
    by: By


class Decision(TypedDict):
    outcome: Literal["approved", "rejected"]
    by: By
    at: Date
    date: Date
    reason: GrantText
    conflict: GrantText
    amount_pence: int


class Conflict(TypedDict):
    by: By
    at: Date
    conflict: GrantText


class Receipt(TypedDict):
    kind: Literal["file", "ref"]
    file: NotRequired[str]
    original_name: NotRequired[str]
    bytes: NotRequired[int]
    sha256: NotRequired[str]
    ref: NotRequired[str]


class SpendLine(TypedDict):
    id: str
    date: Date
    item: GrantText
    pence: int
    receipt: Receipt | None
    by: By
    entered_at: Date
    late: bool


class Closure(TypedDict):
    at: Date
    by: By
    what_happened: GrantText
    people_benefited: int
    learning: GrantText
    spent_pence: int
    returned_pence: int


class Grant(Record):
    year: int
    status: GrantStatus
    service: str
    title: GrantText
    activity: GrantText
    link: Link
    coproducers: list[Annotated[Coproducer, Named()]]
    planners_using_services: int
    items: list[Item]
    amount_pence: int
    people_expected: int
    benefit: GrantText
    start_date: Date
    created_at: Date
    created_by: By
    history: list[Move]
    decision: Decision | None
    conflicts: list[Conflict]
    spend_by: Date | None
    spending: list[SpendLine]
    closure: Closure | None
    updated_at: Date


class Fund(Record):
    date: Date
    year: int
    pence: int
    source: Annotated[str, Text("funds raised ({path})")]
    by: By
    entered_at: Date


# -- the audit trail ----------------------------------------------------------------------

class Change(TypedDict):
    table: str
    action: Literal["insert", "update", "delete"]
    id: str


@with_config(ConfigDict(extra="forbid"))
class AuditEntry(Record):
    at: Date
    account: str
    command: str
    changes: list[Change]
    more_changes: int


# -- the toolkit's contributions (kept in toolkit/contributions.json, not the store) -------

TOOLKIT_CONTRIBUTIONS = "toolkit_contributions"
CreditRole = Literal["staff", "volunteer", "person using services", "carer", "other"]


class Credit(TypedDict):
    """Who helped make a shared session, as the bundle carries them: a name only with their
    consent (otherwise null), their role in words, and their service."""

    name: Annotated[Name | None, Text("a toolkit credit")]
    role: CreditRole
    service: Annotated[str, StringConstraints(max_length=120, pattern=rf"^{_PLAIN}*$")]
    part: Annotated[str, StringConstraints(max_length=120, pattern=rf"^{_PLAIN}*$")]


class Contribution(Record):
    """A session another service shared, as ``toolkit add`` records it."""

    session_id: str
    version: int
    title: str
    theme: str
    shared_as: str
    based_on: str | None
    service: Annotated[str, StringConstraints(max_length=120, pattern=rf"^{_PLAIN}*$")]
    organisation: Annotated[str, StringConstraints(max_length=200, pattern=rf"^{_PLAIN}*$")]
    shared_at: str
    added_at: Date
    added_by: str
    bundle: str
    bundle_sha256: str
    credits: list[Credit]
    results: dict[str, Any]
    status: str
    replaced_version: int | None


# -- rules that need more than a field's type ---------------------------------------------

def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def grant_money(grant: dict[str, Any]) -> Iterator[str]:
    """A grant's money must add up: items to the amount asked, spending within approval.
    Reported by ``data check``, never refused on a merge: the record fits its table, and
    whether its sums are right is for a person to look into."""
    from coprod_cli.grants.scheme import approved_pence, spent_pence

    items, spending = grant.get("items"), grant.get("spending")
    if isinstance(items, list) and _whole(grant.get("amount_pence")):
        total = sum(i.get("pence", 0) for i in items if isinstance(i, dict)
                    and _whole(i.get("pence")))
        if total != grant["amount_pence"]:
            yield (f"its cost items add up to {format_money(total)} but it asks for "
                   f"{format_money(grant['amount_pence'])}")
    if not isinstance(spending, list):
        return
    for index, line in enumerate(spending):
        if not isinstance(line, dict) or not isinstance(line.get("id"), str) \
                or not _whole(line.get("pence")) or line["pence"] <= 0 \
                or not isinstance(line.get("date"), str):
            yield (f"spend line {index + 1} needs an id, a date and a positive whole number "
                   "of pence")
            return
    if spending and grant.get("status") not in ("approved", "closed"):
        yield (f"has spending but is {grant.get('status')}; only an approved grant takes "
               "spending")
    decision = grant.get("decision")
    if decision is not None and not isinstance(decision, dict):
        return
    spent, approved = spent_pence(grant), approved_pence(grant)
    if spent > approved:
        yield f"has {format_money(spent)} spent but only {format_money(approved)} approved"


# -- the register of tables, in the order their counts are shown --------------------------

BY_RUN = Partition("run_id", "its run")

register(Table(PEOPLE_TABLE, PersonRecord, ("register entry", "register entries"),
               export_heading="Register entry"))
register(Table(ATTENDANCE, Attendance, ("attendance record", "attendance records"), BY_RUN,
               export_heading="Sessions attended",
               unique=Unique(("run_id", "person_id"), "the same person is on the register of "
                             "run {run_id} {n} times under different ids (not fixed: check "
                             "which to keep)")))
register(Table(FEEDBACK, Feedback, ("feedback form", "feedback forms"), BY_RUN,
               export_as="feedback_given", export_heading="Feedback forms given"))
register(Table(MEASURES, Measure, ("wellbeing answer", "wellbeing answers"), BY_RUN,
               export_as="measures_given", export_heading="Wellbeing answers given"))
register(Table(CONCERNS, Concern, ("safeguarding concern", "safeguarding concerns"), BY_RUN,
               export_as="safeguarding_concerns",
               export_heading="Safeguarding concerns recorded about them",
               dated_by="recorded_at"))
register(Table(RUNS, Run, ("session run", "session runs"), Partition("id", "its id"),
               export_as="runs_facilitated", export_heading="Sessions helped to lead"))
register(Table(GRANTS_TABLE, Grant, ("grant record", "grant records"),
               export_heading="Small grants that name them", rules=(grant_money,),
               dated_by="created_at"))
register(Table(FUNDS_TABLE, Fund, ("funds-raised entry", "funds-raised entries"),
               export_as="funds_added", export_heading="Funds they added"))
register(Table(ERASURES, Erasure, ("erasure record", "erasure records"),
               closed_reason="it should keep counts only, never personal data"))
register(Table(ledger.TABLE, LedgerEntry, ("erasure ledger entry", "erasure ledger entries"),
               closed_reason="it holds keyed hashes only, never a name or an id",
               kept_in=ledger.LEDGER_FILE))
register(Table(TOOLKIT_CONTRIBUTIONS, Contribution, ("toolkit contribution",
                                                     "toolkit contributions"),
               kept_in="toolkit/contributions.json"))
register(Table(AUDIT, AuditEntry, ("audit entry", "audit entries"), Partition("at", "its time"),
               closed_reason="the audit trail holds record ids only, never names or answers"))
