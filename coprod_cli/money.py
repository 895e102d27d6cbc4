"""Exact money: amounts typed by people become integer pence, and pence become "£1,200.00".

Grants must account for every penny, so money is never a float here. Parsing is a strict
pattern over ASCII digits rather than ``Decimal(text)``, because Decimal happily reads
``NaN``, ``inf`` and ``1e3`` — none of which is an amount anyone wrote on a receipt.
"""

from __future__ import annotations

import re

from coprod_cli.errors import ValidationError

#: Optional pound sign, whole pounds (plain or with thousands commas), up to two pence digits.
_AMOUNT = re.compile(r"£?\s*(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
                     r"(?:\.(?P<pence>[0-9]{1,2}))?", re.ASCII)
#: Far above any small grant or fundraising stall; stops a slip of the keyboard (an extra
#: row of zeros) from becoming a record.
MAX_PENCE = 100_000_000  # £1,000,000.00
EXAMPLES = "like 12.50, £12.50 or £1,200"


def parse_money(text: str, *, what: str = "amount") -> int:
    """Turn "£12.50", "12.5", "12" or "£1,200.00" into pence; refuse anything else clearly.

    ``what`` names the amount in the message ("the approved amount"), so the person knows
    which of several answers was wrong.
    """
    raw = text if isinstance(text, str) else str(text)
    cleaned = raw.strip()
    if not cleaned:
        raise ValidationError(f"The {what} is empty; give an amount {EXAMPLES}.")
    if cleaned.startswith("-") or cleaned.startswith("£-"):
        raise ValidationError(f"The {what} '{raw.strip()}' is negative; give an amount "
                              f"{EXAMPLES}.")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        digits_after = cleaned.partition(".")[2]
        if digits_after.isascii() and digits_after.isdigit() and len(digits_after) > 2:
            raise ValidationError(f"The {what} '{cleaned}' has more than two digits after the "
                                  "point; money is kept to the penny.")
        raise ValidationError(f"'{cleaned}' is not an amount of money; give the {what} "
                              f"{EXAMPLES}.")
    digits = match["pounds"].replace(",", "").lstrip("0")
    if len(digits) > 12:  # checked as text: int() of thousands of digits is itself refused
        raise ValidationError(f"The {what} ({len(digits)} digits) is out of range: the most "
                              f"coprod accepts is {format_money(MAX_PENCE)}; check for an "
                              "extra digit.")
    pounds = int(digits or "0")
    pence = int((match["pence"] or "0").ljust(2, "0"))
    total = pounds * 100 + pence
    if total == 0:
        raise ValidationError(f"The {what} cannot be zero; give an amount {EXAMPLES}.")
    if total > MAX_PENCE:
        raise ValidationError(f"The {what} {format_money(total)} is more than coprod accepts "
                              f"({format_money(MAX_PENCE)}); check for an extra digit.")
    return total


def format_money(pence: int) -> str:
    """Pence as people write money: 120000 → "£1,200.00", -50 → "-£0.50"."""
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(f"money must be whole pence (int), not {type(pence).__name__}")
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"
