"""The settings model: what an organisation sets once, with a default for everything."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HandoutStyle = Literal["standard", "easy-read", "large-print", "dyslexia"]

DEFAULT_JARGON: tuple[str, ...] = ("SU", "service user", "keyworker", "KPI",
                                   "outcomes framework", "stakeholder")
"""Words 'coprod session check' suggests explaining or replacing: service jargon that people
who use services often find distancing or unclear."""


DEFAULT_PAIR_CHECKLIST: tuple[str, ...] = ("risk assessment done", "contact details agreed",
                                           "emergency contacts held")
"""The safeguarding checks 'coprod pairs make' records for a new pairing, unless the
organisation sets its own list (pair_checklist in the settings)."""
class InvolvementRate(BaseModel):
    """A named rate the organisation pays for involvement (``coprod involve rate``): an
    amount in pence for each hour, session or day."""

    model_config = ConfigDict(extra="forbid")

    pence: int = Field(ge=1, le=100_000_000)
    per: Literal["hour", "session", "day"]


class Settings(BaseModel):
    """What an organisation sets once: who it is and how cautious its reports are."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = ""
    service: str = ""
    grant_cap_pence: int = Field(default=15000, ge=100, le=10_000_000)
    #: The grants scheme's yearly budget (calendar year); None means no yearly limit. Funds
    #: raised and unspent money returned add to it.
    grant_budget_pence: int | None = Field(default=None, ge=0, le=100_000_000)
    #: How long a grant has to be spent, counted from its approval.
    grant_spend_months: int = Field(default=12, ge=1, le=60)
    small_number_threshold: int = Field(default=5, ge=1, le=100)
    #: The fewest weeks between a person's first and latest wellbeing answers for the pair to
    #: count in the report's outcomes (a change within days says little).
    outcome_min_gap_weeks: int = Field(default=4, ge=0, le=520)
    #: Days without attending or facilitating after which a person is listed by
    #: 'coprod people review' (data minimisation: keep records no longer than needed).
    retention_days: int = Field(default=730, ge=1, le=36500)
    handout_style: HandoutStyle = "standard"
    backup_keep_days: int = Field(default=30, ge=1, le=3650)
    #: Words 'coprod session check' warns about in sessions and handouts (whole words; a word
    #: in capitals, like KPI, matches only in capitals).
    jargon: list[str] = Field(default_factory=lambda: list(DEFAULT_JARGON), max_length=200)
    #: The safeguarding checklist for a peer pairing ('coprod pairs make --check KEY' ticks
    #: an item; the key is the item's words joined by '-', or any unambiguous start of it).
    pair_checklist: list[str] = Field(default_factory=lambda: list(DEFAULT_PAIR_CHECKLIST),
                                      min_length=1, max_length=30)
    #: Named rates for paying people for their involvement ('coprod involve rate NAME
    #: AMOUNT --per hour'): the organisation's own, never built in.
    involvement_rates: dict[str, InvolvementRate] = Field(default_factory=dict, max_length=100)
    #: The organisation's own threshold for involvement payments in a week or a month, in
    #: pence; None: no flag. Passing it flags that the person should be offered independent
    #: welfare-rights advice. Benefit rules change every April and differ between benefits,
    #: so coprod never decides what affects anyone's benefits: the organisation sets this.
    involvement_threshold_pence: int | None = Field(default=None, ge=1, le=100_000_000)
    involvement_threshold_per: Literal["week", "month"] = "week"
    #: Interview panels: candidates are recorded by a code (C1, C2 ...) unless this is true,
    #: when 'coprod panel pack --candidate NAME' may record their names as well.
    panel_candidate_names: bool = False
    #: Months after a panel's date that its candidate data (codes, any names, scores) is
    #: kept; after that 'coprod people review' offers it for deletion.
    panel_retention_months: int = Field(default=6, ge=1, le=120)
