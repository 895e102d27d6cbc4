"""Involvement payments through the real command line: named rates, logging with choices and
expenses, exact totals, the threshold flag at its edge, bad input, forget and export."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.page_ends import bad_page_ends

DAY = "2026-11-16"  # a Monday: the week of 2026-11-16 runs to 2026-11-22


def files_of(home: Path) -> dict[str, str]:
    """Every file in the records (and receipts, and settings) with its hash."""
    out = {}
    for path in sorted(home.rglob("*")):
        if path.is_file() and "backups" not in path.parts and path.name != ".lock":
            out[str(path.relative_to(home))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture
def org(cli, clock, coprod_home: Path) -> Path:
    cli("people", "add", "Ceri", "--role", "person-using-services")
    cli("people", "add", "Dee", "--role", "volunteer")
    cli("involve", "rate", "panel", "15.00", "--per", "hour")
    cli("involve", "rate", "review", "£12.35", "--per", "hour")
    cli("involve", "rate", "stall", "30", "--per", "session")
    return coprod_home


def logs(cli) -> list[dict]:
    return json.loads(cli("involve", "list", "--format", "json").output)


def test_transcript_rates_log_list_report(cli, org: Path) -> None:
    assert cli("involve", "rate", "list").text.splitlines() == [
        "panel: £15.00 an hour", "review: £12.35 an hour", "stall: £30.00 a session"]
    rates = json.loads(cli("involve", "rate", "list", "--format", "json").output)
    assert [r["id"] for r in rates] == ["panel", "review", "stall"]
    assert "involvement_rates" in (org / "config.yaml").read_text()
    out = cli("involve", "log", "Ceri", "--activity", "Interview panel", "--date", DAY,
              "--hours", "2", "--rate", "panel", "--expense", "Bus fare:4.20",
              "--expense", "Lunch:6").text
    assert out.startswith("Logged 2026-11-16 Ceri: Interview panel, 2 hours at panel: £30.00 "
                          "offered, took the payment; expenses £10.20 repaid (inv-2026-")
    out = cli("involve", "log", "Ceri", "--activity", "Policy review", "--date", "2026-11-18",
              "--fee", "25", "--choice", "less:10.50").text
    assert "a fee: £25.00 offered, took less (£10.50)" in out
    cli("involve", "log", "Dee", "--activity", "Open day", "--date", DAY, "--fee", "20",
        "--choice", "charity", "--expense", "Taxi: there and back:11.00")
    rows = logs(cli)
    assert all(r["id"].startswith("inv-2026-") for r in rows) and len(rows) == 3
    dee = next(r for r in rows if r["person_name"] == "Dee")
    assert dee["expenses"] == [{"item": "Taxi: there and back", "pence": 1100,
                                "receipt": None}]
    assert (dee["paid_pence"], dee["charity_pence"]) == (0, 2000)
    report = cli("involve", "report").text.splitlines()
    assert report[:3] == [
        "Ceri, week of 2026-11-16: payment £40.50, expenses £10.20, total £50.70",
        "Dee, week of 2026-11-16: payment £0.00, expenses £11.00, total £11.00 (and £20.00 "
        "to charity)",
        "All: payments £40.50, expenses £21.20, total £61.70."]
    only = json.loads(cli("involve", "list", "--person", "Dee", "--format", "json").output)
    assert [r["activity"] for r in only] == ["Open day"]


def test_totals_match_figures_the_test_works_out(cli, org: Path) -> None:
    rates = {"panel": 1500, "review": 1235}
    entries = [("Ceri", "2026-11-02", "1.25", "review", "accept", []),
               ("Ceri", "2026-11-03", "0.33", "review", "accept", ["Bus:2.10"]),
               ("Ceri", "2026-11-10", "7.5", "panel", "decline", ["Train:15.99"]),
               ("Dee", "2026-11-04", "2.75", "review", "accept", []),
               ("Dee", "2026-10-28", "3", "panel", "accept", ["Parking:3.33", "Bus:1.01"])]
    want: dict[tuple[str, str], list[int]] = {}
    for name, day, hours, rate, choice, expenses in entries:
        args = ["involve", "log", name, "--activity", "Work", "--date", day, "--hours", hours,
                "--rate", rate, "--choice", choice]
        for e in expenses:
            args += ["--expense", e]
        cli(*args)
        fee = int((Decimal(rates[rate]) * Decimal(hours)).to_integral_value(ROUND_HALF_UP))
        spent = sum(int(Decimal(e.split(":")[1]) * 100) for e in expenses)
        sums = want.setdefault((name, day[:7]), [0, 0])
        sums[0] += fee if choice == "accept" else 0
        sums[1] += spent
    got = json.loads(cli("involve", "report", "--by", "month", "--format", "json").output)
    assert {(line["person"], line["period"]): [line["paid_pence"], line["expenses_pence"]]
            for line in got["lines"]} == want
    assert got["totals"]["total_pence"] == sum(a + b for a, b in want.values())
    # 0.33 hours at £12.35 is 407.55p: rounded half up once, to 408p
    assert next(r["fee_pence"] for r in logs(cli) if r["date"] == "2026-11-03") == 408
    weekly = json.loads(cli("involve", "report", "--person", "Dee", "--from", "2026-11-01",
                            "--to", "2026-11-27", "--by", "week", "--format", "json").output)
    assert [(line["period"], line["paid_pence"]) for line in weekly["lines"]] == [
        ("2026-11-02", 3396)]  # 2.75 x 1235 = 3396.25


def test_threshold_flag_at_its_edge(cli, org: Path) -> None:
    text = (org / "config.yaml").read_text()
    (org / "config.yaml").write_text(text.replace("involvement_threshold_pence: null",
                                                  "involvement_threshold_pence: 3000"))
    cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--hours", "2",
        "--rate", "panel")  # exactly £30.00: at the threshold, not over it
    cli("involve", "log", "Dee", "--activity", "Panel", "--date", DAY, "--fee", "30.01")
    cli("involve", "log", "Dee", "--activity", "Review", "--date", DAY, "--fee", "50",
        "--choice", "decline")  # declined: not paid, so not counted
    report = json.loads(cli("involve", "report", "--format", "json").output)
    assert [(f["person"], f["paid_pence"]) for f in report["flags"]] == [("Dee", 3001)]
    assert {line["person"]: line["over_threshold"] for line in report["lines"]} == {
        "Ceri": False, "Dee": True}
    words = cli("involve", "report").text
    assert ("Flag: Dee was paid £30.01 in the week of 2026-11-16, over your organisation's "
            "threshold of £30.00 a week. Offer them independent welfare-rights advice. coprod "
            "does not decide what affects anyone's benefits.") in words
    assert "Ceri" not in words.split("Flag:")[1].split("\n")[0]
    cli("people", "edit", "Dee", "--benefits-advice", "yes")
    assert json.loads(cli("people", "show", "Dee", "--format", "json").output
                      )["benefits_advice"] is True
    stronger = json.loads(cli("involve", "report", "--format", "json").output)["flags"][0]
    assert stronger["receives_benefits"] is True
    assert "Dee has told you they receive benefits: before any more paid involvement, make " \
           "sure they are offered independent welfare-rights advice." in stronger["message"]
    # 1p more for Ceri in the same week: now over
    cli("involve", "log", "Ceri", "--activity", "Extra", "--date", "2026-11-22", "--fee", "0.01")
    again = json.loads(cli("involve", "report", "--format", "json").output)
    assert [(f["person"], f["paid_pence"]) for f in again["flags"]] == [("Ceri", 3001),
                                                                       ("Dee", 3001)]
    # the threshold's week is used for flags even when the report is by month
    monthly = json.loads(cli("involve", "report", "--by", "month", "--format", "json").output)
    assert len(monthly["flags"]) == 2 and not any(x["over_threshold"]
                                                  for x in monthly["lines"])


BAD = [
    (["--hours", "2", "--rate", "tea"], "There is no rate called 'tea' in your settings, so "
     "nothing was saved.", 1),
    (["--hours", "-1", "--rate", "panel"], "The hours '-1' are negative", 1),
    (["--hours", "24.5", "--rate", "panel"], "24.5 hours is more than the 24 hours in a day", 1),
    (["--hours", "2", "--rate", "panel", "--expense", "Bus fare"],
     "The expense 'Bus fare' has no amount, so nothing was saved.", 1),
    (["--hours", "2", "--rate", "panel", "--expense", "Bus fare:"],
     "The expense 'Bus fare:' has no amount, so nothing was saved.", 1),
    (["--hours", "2", "--rate", "panel", "--fee", "10"],
     "Give either --hours with --rate, or --fee, so nothing was saved.", 2),
    ([], "Give either --hours with --rate, or --fee, so nothing was saved.", 2),
    (["--fee", "10", "--choice", "less:10.01"],
     "They chose to take £10.01, more than the payment of £10.00, so nothing was saved.", 1),
    (["--fee", "10", "--choice", "maybe"], "'maybe' is not a choice coprod knows", 1),
    (["--fee", "10", "--expense", "Bus:2", "--receipt", "missing.jpg"],
     "There is no receipt file at missing.jpg.", 1),
]


@pytest.mark.parametrize(("extra", "message", "code"), BAD)
def test_bad_input_says_so_and_saves_nothing(cli, org: Path, extra: list[str], message: str,
                                             code: int) -> None:
    cli("involve", "log", "Ceri", "--activity", "First", "--date", DAY, "--fee", "5")
    before = files_of(org)
    result = cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, *extra,
                 code=code)
    assert message in result.text
    assert files_of(org) == before
    assert len(logs(cli)) == 1


def test_a_days_hours_cannot_add_up_to_more_than_24(cli, org: Path) -> None:
    cli("involve", "log", "Ceri", "--activity", "Long day", "--date", DAY, "--hours", "20",
        "--rate", "panel")
    cli("involve", "log", "Dee", "--activity", "Long day", "--date", DAY, "--hours", "20",
        "--rate", "panel")  # someone else's hours do not count
    cli("involve", "log", "Ceri", "--activity", "Next day", "--date", "2026-11-17",
        "--hours", "20", "--rate", "panel")
    before = files_of(org)
    result = cli("involve", "log", "Ceri", "--activity", "More", "--date", DAY, "--hours",
                 "4.25", "--rate", "panel", code=1)
    assert ("Ceri already has 20 hours logged on 2026-11-16; 4.25 more would be over the 24 "
            "hours in a day, so nothing was saved.") in result.text
    assert files_of(org) == before
    cli("involve", "log", "Ceri", "--activity", "More", "--date", DAY, "--hours", "4",
        "--rate", "panel")  # exactly 24 is a day


def test_a_future_date_and_an_unknown_rate_name_are_refused(cli, org: Path) -> None:
    before = files_of(org)
    result = cli("involve", "log", "Ceri", "--activity", "Panel", "--date", "2026-12-01",
                 "--fee", "5", code=1)
    assert "The date 2026-12-01 is in the future, so nothing was saved." in result.text
    assert "'list' cannot be a rate's name" in cli("involve", "rate", "list", "5", "--per",
                                                   "hour", code=2).text
    assert files_of(org) == before


def test_receipts_pair_inline_and_in_order(cli, org: Path, tmp_path: Path) -> None:
    bus = tmp_path / "Ceri bus ticket.jpg"
    bus.write_bytes(b"\xff\xd8 bus ticket")
    lunch = tmp_path / "lunch.pdf"
    lunch.write_bytes(b"%PDF lunch")
    cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--fee", "5",
        "--expense", "Lunch:6", "--receipt", str(lunch),
        "--expense", f"Bus fare:4.20:{bus}", "--expense", "Parking:2")
    row = logs(cli)[0]
    lunch_r, bus_r, parking_r = (e["receipt"] for e in row["expenses"])
    assert parking_r is None
    for receipt, source in ((lunch_r, lunch), (bus_r, bus)):
        copy = org / "receipts" / receipt["file"]
        assert copy.read_bytes() == source.read_bytes()
        assert receipt["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
        assert copy.stat().st_mode & 0o777 == 0o600
        assert "Ceri" not in receipt["file"] and receipt["file"].startswith("involvement/")
    assert bus_r["original_name"] == "Ceri bus ticket.jpg"
    before = files_of(org)
    result = cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--fee", "5",
                 "--expense", f"Bus:1:{bus}", "--receipt", str(lunch), code=2)
    assert "names a receipt file and has a --receipt too" in result.text
    result = cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--fee", "5",
                 "--receipt", str(lunch), code=2)
    assert "There are 1 receipts but only 0 expenses, so nothing was saved." in result.text
    assert files_of(org) == before


def test_report_csv_is_spreadsheet_safe_and_pdf_reads(cli, org: Path, tmp_path: Path) -> None:
    cli("people", "add", "=HYPERLINK(1)", "--role", "carer")
    cli("involve", "log", "=HYPERLINK(1)", "--activity", "Panel", "--date", DAY, "--fee", "7")
    cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--fee", "5")
    text = cli("involve", "report", "--format", "csv").output
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["person_id", "person", "period", "paid", "to_charity", "expenses",
                       "total", "over_threshold"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)", "Ceri"]
    assert rows[2][2:] == ["2026-11-16", "5.00", "0.00", "0.00", "5.00", "no"]
    out = tmp_path / "involvement.pdf"
    cli("involve", "report", "--format", "pdf", "--out", str(out))
    from pypdf import PdfReader

    words = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert "Involvement payments and expenses" in words and "£12.00" in words
    assert "never decides what affects anyone's benefits" in words
    assert bad_page_ends(out) == []


def test_forget_keeps_payments_as_anonymised_totals(cli, org: Path, tmp_path: Path) -> None:
    ticket = tmp_path / "ticket.pdf"
    ticket.write_bytes(b"%PDF invoice: paid to Ceri, thank you")
    cli("involve", "log", "Ceri", "--activity", "Panel with Ceri's friend", "--date", DAY,
        "--hours", "2", "--rate", "panel", "--expense", f"Ceri's bus:4.20:{ticket}")
    cli("involve", "log", "Dee", "--activity", "Stall, Ceri helped", "--date", DAY,
        "--hours", "1", "--rate", "stall")
    before = json.loads(cli("involve", "report", "--format", "json").output)["totals"]
    ceri = json.loads(cli("people", "show", "Ceri", "--format", "json").output)["id"]
    out = cli("people", "forget", "Ceri", "--yes").text
    assert "keep 1 involvement payment as anonymised totals" in out
    assert ("Their 1 involvement payment is kept as anonymised totals, because your "
            "organisation must keep accounts of what it paid") in out
    rows = logs(cli)
    kept = next(r for r in rows if r.get("anonymised"))
    assert kept["person_id"] is None and kept["person_name"] is None
    assert kept["activity"] == "[removed: kept as anonymised accounts]"
    assert kept["expenses"][0]["item"] == "expense"
    receipt = kept["expenses"][0]["receipt"]
    assert receipt["original_name"] == "receipt"
    copy = (org / "receipts" / receipt["file"]).read_bytes()
    assert copy == b"%PDF invoice: paid to XXXX, thank you"
    assert receipt["sha256"] == hashlib.sha256(copy).hexdigest()
    assert "1 receipt copies" in out
    assert not [p for p in (org / "receipts").rglob("*")
                if p.is_file() and b"Ceri" in p.read_bytes()]
    backed_up = [p.read_text() for p in (org / "backups").glob("*/involvement/*.json")]
    assert backed_up and all("Ceri" not in text and ceri not in text for text in backed_up)
    assert any(receipt["file"] in text for text in backed_up)
    assert all(receipt["sha256"] in text for text in backed_up if receipt["file"] in text)
    assert (kept["fee_pence"], kept["paid_pence"], kept["expenses_pence"]) == (3000, 3000, 420)
    dee = next(r for r in rows if r["person_name"] == "Dee")
    assert dee["activity"] == "[removed: named a person who asked to be forgotten]"
    assert "anonymised" not in dee and dee["paid_pence"] == 3000
    store_text = "".join(p.read_text() for p in (org / "store" / "involvement").rglob("*"))
    assert ceri not in store_text and "Ceri" not in store_text
    after = json.loads(cli("involve", "report", "--format", "json").output)
    assert after["totals"] == before
    assert [line["person"] for line in after["lines"]] == [
        "Anonymised (a person who was forgotten)", "Dee"]
    assert "records are in order" in cli("data", "check").text


def test_export_covers_involvement(cli, org: Path, tmp_path: Path) -> None:
    cli("involve", "log", "Ceri", "--activity", "Panel", "--date", DAY, "--fee", "5",
        "--expense", "Bus:1")
    cli("involve", "log", "Dee", "--activity", "Stall", "--date", DAY, "--fee", "9")
    out = tmp_path / "ceri.json"
    said = cli("people", "export", "Ceri", "--out", str(out), "--pdf").text
    assert "1 involvement" in said and "1 journey" in said
    data = json.loads(out.read_text())
    assert [r["activity"] for r in data["involvement"]] == ["Panel"]
    assert data["journey"] == [{"date": DAY, "what": "You gave your time: Panel.",
                                "source": "involvement"}]
    assert "Stall" not in out.read_text()
    from pypdf import PdfReader

    words = " ".join(p.extract_text() for p in PdfReader(out.with_suffix(".pdf")).pages)
    assert "Involvement and payments" in words and "Their journey, first to latest" in words


def test_screen_report_groups_a_persons_flags_and_table_takes_no_out(cli, org: Path,
                                                                      tmp_path: Path) -> None:
    text = (org / "config.yaml").read_text()
    (org / "config.yaml").write_text(text.replace("involvement_threshold_pence: null",
                                                  "involvement_threshold_pence: 1000"))
    for day in ("2026-11-02", "2026-11-09"):
        cli("involve", "log", "Ceri", "--activity", "Panel", "--date", day, "--fee", "12")
    flags = [line for line in cli("involve", "report").text.splitlines()
             if line.startswith("Flag:")]
    assert flags == ["Flag: Ceri was paid over your organisation's threshold of £10.00 a week "
                     "in 2 weeks: week of 2026-11-02 (£12.00), week of 2026-11-09 (£12.00). "
                     "Offer them independent welfare-rights advice. coprod does not decide "
                     "what affects anyone's benefits."]
    result = cli("involve", "report", "--out", str(tmp_path / "r.txt"), code=2)
    assert "--out writes a json, csv or pdf file" in result.text
    assert not (tmp_path / "r.txt").exists()
