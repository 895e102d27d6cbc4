"""Money parsing and formatting: exact pence, and a clear sentence for everything refused."""

from __future__ import annotations

import pytest

from coprod_cli.errors import ValidationError
from coprod_cli.money import MAX_PENCE, format_money, parse_money


@pytest.mark.parametrize(("text", "pence"), [
    ("£12.50", 1250), ("12.5", 1250), ("12", 1200), ("£1,200.00", 120000),
    ("0.01", 1), ("150", 15000), ("£150.00", 15000), ("150.01", 15001), (" £7.05 ", 705),
    ("1,000,000", 100_000_000), ("£ 3", 300), ("0012.30", 1230),
])
def test_accepted_amounts_become_exact_pence(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize(("text", "says"), [
    ("-3", "is negative"),
    ("£-3", "is negative"),
    ("0", "cannot be zero"),
    ("0.00", "cannot be zero"),
    ("12.345", "more than two digits after the point"),
    ("NaN", "'NaN' is not an amount of money"),
    ("inf", "'inf' is not an amount of money"),
    ("1e3", "'1e3' is not an amount of money"),
    ("£1e9", "'£1e9' is not an amount of money"),
    ("£", "'£' is not an amount of money"),
    ("twelve", "'twelve' is not an amount of money"),
    ("", "is empty"),
    ("   ", "is empty"),
    ("12,50", "'12,50' is not an amount of money"),
    ("1,2345", "is not an amount of money"),
    ("12.", "'12.' is not an amount of money"),
    ("١٢", "is not an amount of money"),  # Arabic-Indic digits: not what a receipt says
    ("1,000,000.01", "more than coprod accepts"),
])
def test_refused_amounts_say_why_in_one_sentence(text: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text)
    message = caught.value.message
    assert says in message
    assert message.endswith(".") and "\n" not in message


def test_the_message_names_which_amount_was_wrong() -> None:
    with pytest.raises(ValidationError, match="approved amount"):
        parse_money("", what="approved amount")


@pytest.mark.parametrize(("pence", "text"), [
    (0, "£0.00"), (1, "£0.01"), (1250, "£12.50"), (120000, "£1,200.00"),
    (100_000_000, "£1,000,000.00"), (-50, "-£0.50"),
])
def test_format_money(pence: int, text: str) -> None:
    assert format_money(pence) == text


def test_format_then_parse_round_trips_every_penny_near_the_cap() -> None:
    for pence in range(14_900, 15_101):
        assert parse_money(format_money(pence)) == pence
    assert parse_money(format_money(MAX_PENCE)) == MAX_PENCE


def test_floats_are_never_money() -> None:
    with pytest.raises(TypeError):
        format_money(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_money(True)  # type: ignore[arg-type]
