"""Named rates for paying people for their involvement, kept as the organisation's settings.

A rate ("panel", £15.00 an hour) is something the organisation decides and writes down once,
never a number built into coprod: it lives in ``config.yaml`` under ``involvement_rates``,
set with ``coprod involve rate NAME AMOUNT --per hour|session|day``. A log records the rate as
it stood that day, so changing a rate later never changes what someone was paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coprod_cli.errors import ValidationError
from coprod_cli.money import format_money, parse_money

PERS = ("hour", "session", "day")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}", re.ASCII)


@dataclass(frozen=True)
class Rate:
    name: str
    pence: int
    per: str

    def words(self) -> str:
        return f"{self.name}: {format_money(self.pence)} a{'n' * (self.per == 'hour')} {self.per}"

    def as_record(self) -> dict[str, Any]:
        return {"name": self.name, "pence": self.pence, "per": self.per}


def clean_rate_name(name: str) -> str:
    """A rate's name, in lower case: one word of letters, digits, - or _ ("panel")."""
    cleaned = name.strip().lower()
    if not _NAME.fullmatch(cleaned):
        raise ValidationError(f"'{name}' cannot be a rate's name; use one short word of "
                              "letters, digits, - or _, like panel or review-hour.")
    return cleaned


def rates(settings: Any) -> list[Rate]:
    """Every named rate in the settings, by name."""
    return [Rate(name, r.pence, r.per) for name, r in sorted(settings.involvement_rates.items())]


def find_rate(settings: Any, name: str) -> Rate:
    """The named rate, or a sentence saying it is not one of the organisation's settings."""
    key = name.strip().lower()
    for rate in rates(settings):
        if rate.name == key:
            return rate
    known = ", ".join(r.name for r in rates(settings))
    raise ValidationError(
        f"There is no rate called '{name}' in your settings, so nothing was saved.",
        hint=(f"The rates you have set are: {known}. " if known else "No rates are set yet. ")
        + "Set one with: coprod involve rate NAME AMOUNT --per hour")


def set_rate(home: Path, settings: Any, name: str, amount: str, per: str) -> Rate:
    """Add or change a named rate and save the settings file; returns the rate."""
    from coprod_cli import config

    key = clean_rate_name(name)
    if per not in PERS:
        raise ValidationError(f"'{per}' is not one of hour, session or day.")
    pence = parse_money(amount, what="rate")
    from coprod_cli.settings import InvolvementRate

    new = settings.model_copy(update={"involvement_rates": {
        **settings.involvement_rates, key: InvolvementRate.model_validate(
            {"pence": pence, "per": per})}})
    config.save_settings(home, new)
    return Rate(key, pence, per)
