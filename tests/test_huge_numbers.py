"""Issue 13, items 6 and 8: numbers with thousands of digits are refused as out of range with
the field named, and a negative amount is a money error, not an option error."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

#: A start date the scheme accepts on any day the suite runs (never in the past).
SOON = (date.today() + timedelta(days=14)).isoformat()

HUGE = "9" * 5000


def _home_files(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith((".lock", ".lock.owner"))}


@pytest.fixture
def approved(cli, coprod_home: Path, clock) -> tuple[str, str]:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    text = cli("grant", "apply", "--service", "Beech House", "--title", "Memory garden",
               "--activity", "Plant a garden.", "--link", "wellbeing", "--co-producer",
               "Sam:staff", "--planners", "3", "--item", "Compost:12.50", "--amount",
               "£12.50", "--people", "12", "--benefit", "Calm.", "--start", SOON,
               "--by", "Sam").text
    gid = re.search(r"g-\d{4}-[0-9a-f]{6,}", text).group(0)
    return gid, text


def test_spend_of_five_thousand_digits_is_out_of_range(cli, coprod_home: Path,
                                                       approved) -> None:  # noqa: ANN001
    gid, _ = approved
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    before = _home_files(coprod_home)
    result = cli("grant", "spend", gid, HUGE, "--item", "Compost", "--no-receipt", "--by",
                 "Sam", code=1)
    assert "The amount spent (5000 digits) is out of range" in result.text
    assert "unexpected" not in result.text and "ValueError" not in result.text
    assert _home_files(coprod_home) == before


def test_approving_five_thousand_digits_is_out_of_range(cli, coprod_home: Path,
                                                        approved) -> None:  # noqa: ANN001
    gid, _ = approved
    before = _home_files(coprod_home)
    result = cli("grant", "decide", gid, "--approve", HUGE, "--by", "Pat", "--no-conflict",
                 code=1)
    assert "The approved amount (5000 digits) is out of range" in result.text
    assert _home_files(coprod_home) == before


def test_a_session_with_minutes_of_five_thousand_digits(cli, coprod_home: Path) -> None:  # noqa: ANN001
    cli("session", "fork", "wellbeing-five-ways", "--as", "huge")
    path = coprod_home / "sessions" / "huge.yaml"
    path.write_text(re.sub(r"minutes: \d+", f"minutes: {HUGE}", path.read_text(), count=1))
    before = _home_files(coprod_home)
    result = cli("session", "check", str(path), code=None)
    assert result.exit_code != 0
    assert "'minutes' is out of range (a number of 5,000 digits)" in result.text
    assert "unexpected" not in result.text and "ValueError" not in result.text
    assert _home_files(coprod_home) == before


@pytest.mark.parametrize("amount", ["-3", "-0.50", "£-3"])
def test_a_negative_fund_is_a_money_error(cli, coprod_home: Path, amount: str) -> None:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    cli("grant", "fund", "list")
    before = _home_files(coprod_home)
    result = cli("grant", "fund", "add", amount, "--source", "Fair", "--by", "Sam", code=1)
    assert f"The amount raised '{amount}' is negative" in result.text
    assert "No such option" not in result.text
    assert _home_files(coprod_home) == before


def test_a_count_of_five_thousand_digits(cli, coprod_home: Path, clock) -> None:  # noqa: ANN001
    cli("init", "--organisation", "Hestia", "--service", "Beech House", "--grant-cap", "150",
        "--small-numbers", "5", "--style", "standard")
    result = cli("grant", "apply", "--service", "Beech House", "--title", "Memory garden",
                 "--activity", "Plant a garden.", "--link", "wellbeing", "--co-producer",
                 "Sam:staff", "--planners", HUGE, "--item", "Compost:12.50", "--amount",
                 "£12.50", "--people", "12", "--benefit", "Calm.", "--start", SOON,
                 "--by", "Sam", code=None)
    assert result.exit_code == 2 and "Invalid value for '--planners'" in result.text
    assert "ValueError" not in result.text and "unexpected" not in result.text
