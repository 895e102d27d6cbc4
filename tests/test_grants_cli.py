"""``coprod grant`` as people use it: scripted by flags, guided by prompts, and every format."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from coprod_cli.grants import scheme as grants
from coprod_cli.store.database import Store

ID = re.compile(r"g-\d{4}-[0-9a-f]{6,}")
APPLY = ["grant", "apply", "--service", "Beech House", "--title", "Memory garden",
         "--activity", "Plant a memory garden with residents.", "--link", "wellbeing",
         "--co-producer", "Ceri:person-using-services", "--co-producer", "Sam:staff",
         "--planners", "3", "--item", "Compost:12.50", "--item", "Bulbs:£37.50",
         "--item", "Bench:£100", "--amount", "£150.00", "--people", "12",
         "--benefit", "A calm place to sit.", "--start", "2026-04-01", "--by", "Sam"]


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    day = date(2026, 3, 2)
    monkeypatch.setattr(grants, "today", lambda: day)
    return day


def stored(home: Path) -> list[dict]:
    return grants.all_grants(Store.open(home / "store"))


def settings(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text(text, encoding="utf-8")


def apply(cli, *extra: str) -> str:  # noqa: ANN001
    result = cli(*APPLY, *extra)
    return ID.search(result.text).group(0)


def test_a_whole_grant_scripted_by_flags(cli, coprod_home: Path, tmp_path: Path) -> None:
    settings(coprod_home, "organisation: Beech House Trust\ngrant_budget_pence: 20000\n")
    result = cli("grant", "fund", "add", "£42.50", "--source", "Summer fair stall",
                 "--by", "Sam")
    assert result.text == ("Added £42.50 from 'Summer fair stall' to the 2026 pot (£42.50 "
                           "raised this year; £242.50 left to award).\n")
    gid = apply(cli)
    assert cli("grant", "decide", gid, "120", "--approve", "--by", "Pat", "--no-conflict",
               "--reason", "The bench was donated").text.splitlines()[-1] == (
        f"Approved £120.00 (part of what was asked) for {gid}, decided by Pat. "
        "Spend by 2027-03-02.")
    till = tmp_path / "till.jpg"
    till.write_bytes(b"receipt photo")
    result = cli("grant", "spend", gid, "12.50", "--item", "Compost", "--receipt", str(till),
                 "--by", "Sam")
    digest = hashlib.sha256(b"receipt photo").hexdigest()
    assert f"Recorded £12.50 for 'Compost' on 2026-03-02 (receipt copied, sha256 " \
           f"{digest[:12]}…), entered by Sam." in result.text
    assert f"Grant {gid}: £107.50 left of £120.00; spend by 2027-03-02." in result.text
    cli("grant", "spend", gid, "107.50", "--item", "Bulbs", "--receipt-ref", "INV-7",
        "--by", "Sam")
    refused = cli("grant", "spend", gid, "0.01", "--item", "Pen", "--no-receipt", "--by",
                  "Sam", code=1)
    assert refused.text.splitlines()[0] == (f"Error: £0.01 is more than the £0.00 left of "
                                            f"grant {gid} (£120.00 approved, £120.00 spent).")
    shown = cli("grant", "show", gid[-6:]).text
    assert "Decision: approved by Pat on 2026-03-02, £120.00 (The bench was donated)." in shown
    assert "£12.50  Compost (receipt: file till.jpg; entered by Sam)" in shown
    assert "Approved £120.00, spent £120.00, remaining £0.00, spend by 2027-03-02." in shown
    closed = cli("grant", "close", gid, "--what-happened", "We planted it together.",
                 "--people", "14", "--learning", "Order bulbs early.", "--by", "Sam", "--yes")
    assert f"Closed {gid}; £0.00 returned to the pot." in closed.text
    report = json.loads(cli("grant", "report", "--format", "json").text)
    assert report["scheme"] == {
        "year": 2026, "budget_pence": 20000, "raised_pence": 4250, "pot_pence": 24250,
        "waiting_pence": 0, "approved_pence": 12000, "spent_pence": 12000,
        "returned_pence": 0, "committed_pence": 12000, "left_pence": 12250, "grants": 1,
        "overdue": 0, "by_status": {"closed": 1}}
    assert [g["id"] for g in report["grants"]] == [gid]
    grant = stored(coprod_home)[0]
    assert grant["status"] == "closed"
    assert [h["status"] for h in grant["history"]] == ["submitted", "approved", "closed"]
    copy = coprod_home / "receipts" / grant["spending"][0]["receipt"]["file"]
    assert copy.read_bytes() == b"receipt photo"
    assert grant["spending"][0]["receipt"]["sha256"] == digest


def test_apply_guided_by_prompts(cli, coprod_home: Path) -> None:
    answers = "\n".join([
        "Beech House", "Memory garden", "Plant a garden together.",
        "gardening",            # not a theme: explained, asked again
        "wellbeing",
        "Ceri",                 # no role and not registered: asked again
        "Ceri:person-using-services", "Sam:staff", "",
        "2",
        "Compost:12.50", "Bulbs:37.50", "",
        "60",                   # does not match the items: asked again
        "",                     # the default: the items' total
        "12", "A calm place to sit.", "2026-03-01",  # yesterday: refused, asked again
        "", "Sam"]) + "\n"
    result = cli("grant", "apply", input=answers)
    text = result.text
    assert "Which service is applying?: Beech House" in text
    assert "'gardening' is neither a session id nor a theme in your toolkit." in text
    assert "Give Ceri's role, e.g. 'Ceri:person-using-services'." in text
    assert "Amount asked for (the cap is £150.00) [£50.00]: 60" in text
    assert "The cost items add up to £50.00, but the amount asked for is £60.00." in text
    assert "The start date is in the past" in text
    assert "Start date (YYYY-MM-DD) [2026-03-02]:" in text
    assert re.search(r"Saved application g-2026-[0-9a-f]{6,}: 'Memory garden', asking for "
                     r"£50.00 \(2 cost items\)\.", text)
    grant = stored(coprod_home)[0]
    assert grant["items"] == [{"item": "Compost", "pence": 1250},
                              {"item": "Bulbs", "pence": 3750}]
    assert grant["link"] == {"kind": "theme", "value": "wellbeing"}
    assert grant["coproducers"][0] == {"name": "Ceri", "person_id": None,
                                       "role": "person-using-services"}
    assert grant["planners_using_services"] == 2
    assert grant["start_date"] == "2026-03-02"
    assert grant["created_by"] == {"name": "Sam", "person_id": None}


def test_a_missing_answer_without_input_names_its_flag(cli, coprod_home: Path) -> None:
    args = [a for a in APPLY if a not in ("--amount", "£150.00")]
    result = cli(*args, input="", code=2)
    assert "Pass --amount to answer it." in result.text
    assert stored(coprod_home) == []
    gid = apply(cli)
    result = cli("grant", "decide", gid, "--approve", "--by", "Pat", input="", code=2)
    assert "Pass --no-conflict or --conflict to answer it." in result.text


def test_over_the_cap_and_over_the_budget_are_refused_with_figures(
        cli, coprod_home: Path) -> None:
    over = [a if a != "Bench:£100" else "Bench:£100.01" for a in APPLY]
    over[over.index("£150.00")] = "150.01"
    result = cli(*over, code=1)
    assert result.text.splitlines()[0] == ("Error: £150.01 is over the scheme's cap of "
                                           "£150.00 per application, by £0.01.")
    settings(coprod_home, "grant_budget_pence: 10000\n")
    result = cli(*APPLY, code=1)
    assert result.text.splitlines()[0] == (
        "Error: Asking for £150.00 is more than the £100.00 left in the 2026 budget (£100.00 "
        "budget + £0.00 raised - £0.00 approved + £0.00 returned).")
    cli("grant", "fund", "add", "50", "--source", "Cake sale", "--by", "Sam")
    apply(cli)  # the stall's takings made room for it


def test_decide_guided_and_a_declared_conflict(cli, coprod_home: Path) -> None:
    gid = apply(cli)
    result = cli("grant", "decide", gid, input="Pat\ny\nMy sister runs the group\n", code=1)
    assert "Does Pat have a conflict of interest with this application? (y/n) [n]: y" \
        in result.text
    assert "Error: Pat declared a conflict of interest, so cannot decide" in result.text
    grant = stored(coprod_home)[0]
    assert grant["status"] == "submitted"
    assert grant["conflicts"][0]["conflict"] == "My sister runs the group"
    result = cli("grant", "decide", gid, input="Lee\nn\napprove\n£100\n")
    assert "Approve or reject? (approve/reject): approve" in result.text
    assert "Amount approved [£150.00]: £100" in result.text
    assert f"Approved £100.00 (part of what was asked) for {gid}, decided by Lee." \
        in result.text
    again = cli("grant", "decide", gid, "--reject", "--reason", "x", "--by", "Lee",
                "--no-conflict", code=1)
    assert f"Error: Grant {gid} is approved, so it cannot become rejected" in again.text


def test_reject_then_no_spending(cli, coprod_home: Path) -> None:
    gid = apply(cli)
    cli("grant", "decide", gid, "--reject", "--by", "Pat", "--no-conflict",
        input="Not planned with residents yet\n")
    grant = stored(coprod_home)[0]
    assert grant["decision"]["reason"] == "Not planned with residents yet"
    result = cli("grant", "spend", gid, "5", "--item", "Tea", "--no-receipt", "--by", "Sam",
                 code=1)
    assert f"Error: Grant {gid} is rejected, so it cannot take spending" in result.text
    assert "Hint: A rejected application takes no spending." in result.text


def test_the_decider_from_the_register_and_someone_named_on_it(cli, coprod_home: Path) -> None:
    cli("people", "add", "Pat Jones", "--role", "staff")
    cli("people", "add", "Ceri", "--role", "person-using-services")
    gid = apply(cli)
    named = cli("grant", "decide", gid, "--approve", "--by", "ceri", "--no-conflict", code=1)
    assert ("Error: Ceri is named as one of its co-producers, so deciding on it would be a "
            "conflict of interest.") in named.text
    cli("grant", "decide", gid, "--approve", "--by", "pat jones", "--no-conflict")
    decision = stored(coprod_home)[0]["decision"]
    assert decision["by"]["name"] == "Pat Jones" and decision["by"]["person_id"]


def test_spend_guided_with_a_receipt_file(cli, coprod_home: Path, tmp_path: Path) -> None:
    gid = apply(cli)
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 a receipt")
    result = cli("grant", "spend", gid, input=f"twelve\n12.50\nCompost\n{receipt}\nSam\n")
    assert "'twelve' is not an amount of money" in result.text
    assert "Recorded £12.50 for 'Compost' on 2026-03-02 (receipt copied" in result.text
    line = stored(coprod_home)[0]["spending"][0]
    assert line["receipt"]["original_name"] == "receipt.pdf"
    assert (coprod_home / "receipts" / line["receipt"]["file"]).read_bytes() == \
        receipt.read_bytes()
    result = cli("grant", "spend", gid, "1", "--item", "Tea", "--by", "Sam", input="Till 42\n")
    assert "(receipt ref Till 42)" in result.text


def test_close_asks_to_confirm_and_returns_the_remainder(cli, coprod_home: Path) -> None:
    gid = apply(cli)
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "spend", gid, "100", "--item", "Bench", "--no-receipt", "--by", "Sam")
    answers = "We planted it.\n14\nStart earlier.\nSam\n"
    result = cli("grant", "close", gid, input=answers + "n\n", code=1)
    assert "£50.00 unspent goes back to the pot." in result.text
    assert "Nothing was changed." in result.text
    assert stored(coprod_home)[0]["status"] == "approved"
    result = cli("grant", "close", gid, input=answers + "y\n")
    assert f"Closed {gid}; £50.00 returned to the pot." in result.text
    closure = stored(coprod_home)[0]["closure"]
    assert closure["people_benefited"] == 14 and closure["returned_pence"] == 5000
    assert "Returned to the pot: £50.00." in cli("grant", "show", gid).text


def test_list_formats_and_a_formula_in_a_title_is_neutralised(cli, coprod_home: Path) -> None:
    evil = [a if a != "Memory garden" else "=HYPERLINK(\"http://x\")" for a in APPLY]
    gid = ID.search(cli(*evil).text).group(0)
    rows = list(csv.reader(io.StringIO(cli("grant", "list", "--format", "csv").text)))
    assert rows[0][:5] == ["id", "status", "year", "service", "title"]
    assert rows[1][0] == gid and rows[1][4] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][5] == "150.00"
    data = json.loads(cli("grant", "list", "--format", "json").text)
    assert data[0]["title"] == "=HYPERLINK(\"http://x\")" and data[0]["asked_pence"] == 15000
    plain = cli("--plain", "grant", "list").text
    assert f"{gid}: =HYPERLINK(\"http://x\") (Beech House), submitted; asked £150.00" in plain
    assert cli("grant", "list", "--status", "closed").text.startswith("No grants found.")
    assert "is not a grant status" in cli("grant", "list", "--status", "open", code=2).text


def test_overdue_grants_are_listed(cli, coprod_home: Path, monkeypatch: pytest.MonkeyPatch
                                   ) -> None:
    gid = apply(cli)
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    assert cli("grant", "list", "--overdue").text.startswith("No grants found.")
    monkeypatch.setattr(grants, "today", lambda: date(2027, 3, 3))
    assert gid in cli("grant", "list", "--overdue").text
    assert "Grants: 1 (1 approved); overdue: 1." in cli("grant", "report", "--year",
                                                        "2026").text


def test_report_csv_has_the_totals_then_the_grants(cli, coprod_home: Path) -> None:
    settings(coprod_home, "grant_budget_pence: 30000\n")
    gid = apply(cli)
    cli("grant", "decide", gid, "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "spend", gid, "33.33", "--item", "Bulbs", "--no-receipt", "--by", "Sam")
    top, grant_rows = cli("grant", "report", "--format", "csv").text.split("\n\n")
    totals = {row[1]: row[2] for row in csv.reader(io.StringIO(top))}
    assert totals["approved"] == "150.00" and totals["spent"] == "33.33"
    assert totals["left"] == "150.00" and totals["budget"] == "300.00"
    rows = list(csv.reader(io.StringIO(grant_rows)))
    assert rows[1][7:9] == ["33.33", "116.67"]
    shown = list(csv.reader(io.StringIO(cli("grant", "show", gid, "--format", "csv").text)))
    assert shown[1][1:5] == ["2026-03-02", "Bulbs", "33.33", "none"]


def test_funds_list(cli, coprod_home: Path) -> None:
    cli("grant", "fund", "add", "--by", "Sam", input="£1,200\nRaffle\n")
    cli("grant", "fund", "add", "3.5", "--source", "@Tombola", "--date", "2025-06-01",
        "--by", "Sam")
    text = cli("grant", "fund", "list").text
    assert "2026-03-02     £1,200.00  Raffle (entered by Sam)" in text
    assert "Total: £1,203.50" in text
    rows = list(csv.reader(io.StringIO(cli("grant", "fund", "list", "--format", "csv",
                                           "--year", "2025").text)))
    assert rows[1] == ["2025-06-01", "3.50", "'@Tombola", "Sam"]


def test_pdf_says_clearly_when_the_renderer_is_missing(cli, coprod_home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "coprod_cli.render", None)  # import now fails
    result = cli("grant", "list", "--format", "pdf", code=2)
    assert "Error: PDF output is not available yet in this version of coprod." in result.text


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())  # lines wrap wherever the page width says


def test_the_application_pdf_standard_and_easy_read(cli, coprod_home: Path,
                                                    tmp_path: Path) -> None:
    settings(coprod_home, "organisation: Tŷ Dŵr Trust\n")
    args = [a if a != "Memory garden" else "Garden <b>[write 3]</b> & *more*" for a in APPLY]
    args[args.index("Ceri:person-using-services")] = "Łucja Ó Súilleabháin:person-using-services"
    out = tmp_path / "application.pdf"
    result = cli(*args, "--pdf", str(out))
    assert f"Wrote the application to {out}." in result.text
    text = pdf_text(out)
    for expected in ("Small grant application: Garden <b>[write 3]</b> & *more*",
                     "Tŷ Dŵr Trust", "Łucja Ó Súilleabháin (person using services)",
                     "Compost", "£12.50", "Bench", "£100.00", "Total asked for", "£150.00",
                     "theme wellbeing", "Start date: 1 April 2026."):
        assert expected in text, expected
    from pypdf import PdfReader

    meta = PdfReader(out).metadata
    assert meta.title == "Small grant application: Garden <b>[write 3]</b> & *more*"
    assert meta.author == "Tŷ Dŵr Trust"
    gid = ID.search(result.text).group(0)
    easy = tmp_path / "easy.pdf"
    cli("grant", "show", gid, "--format", "pdf", "--style", "easy-read", "--out", str(easy))
    text = pdf_text(easy)
    for expected in ("Our grant application", "What we want to do:",
                     "Who planned it together:", "We are asking for £150.00 in total.",
                     "We want to start on 1 April 2026."):
        assert expected in text, expected
    if shutil.which("pdftotext"):
        plain = subprocess.run(["pdftotext", str(easy), "-"], capture_output=True, text=True,
                               check=True).stdout
        assert "About 12 people." in plain


def test_show_list_and_report_pdfs_carry_the_figures(cli, coprod_home: Path,
                                                     tmp_path: Path) -> None:
    settings(coprod_home, "grant_budget_pence: 50000\n")
    gid = apply(cli)
    cli("grant", "decide", gid, "140", "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "spend", gid, "33.33", "--item", "Bulbs =1+1", "--receipt-ref", "INV|9",
        "--by", "Sam")
    shown = pdf_text(Path(cli("grant", "show", gid, "--format", "pdf", "--out",
                              str(tmp_path / "g.pdf")).text.split("Wrote ")[1].strip()[:-1]))
    assert "Approved by Pat on 2026-03-02: £140.00, to spend by 2027-03-02." in shown
    assert "Bulbs =1+1" in shown and "ref INV|9" in shown and "£33.33" in shown
    cli("grant", "list", "--format", "pdf", "--out", str(tmp_path / "l.pdf"))
    listed = pdf_text(tmp_path / "l.pdf")
    assert gid in listed.replace(" ", "") and "£106.67" in listed
    cli("grant", "report", "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    report = pdf_text(tmp_path / "r.pdf")
    for expected in ("Small grants 2026", "Budget", "£500.00", "Approved", "£140.00",
                     "Spent", "£33.33", "Left", "£360.00"):
        assert expected in report, expected


def test_application_papers_have_a_declaration_and_no_empty_details(
        cli, coprod_home: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "application.pdf"
    result = cli(*APPLY, "--pdf", str(out))  # no organisation set
    text = pdf_text(out)
    assert "Organisation" not in text and " -\n" not in text
    assert "Declaration" in text and "Signed (applicant)" in text
    assert "Signed (co-producer)" in text and "agreed to be named" in text
    gid = ID.search(result.text).group(0)
    easy = tmp_path / "easy.pdf"
    cli("grant", "show", gid, "--format", "pdf", "--style", "easy-read", "--out", str(easy))
    pages = PdfReader(easy).pages
    assert "Sign here." in pdf_text(easy) and "Signed (applicant)" in pdf_text(easy)
    last = [line for line in (pages[-1].extract_text() or "").splitlines()
            if line.strip() and not line.startswith("Page ")]
    assert len(last) >= 3  # never one line left alone on the last page


def test_grant_list_pdf_has_a_totals_row_and_a_printed_date(cli, coprod_home: Path,
                                                             tmp_path: Path,
                                                             clock) -> None:
    settings(coprod_home, "grant_budget_pence: 50000\n")
    first = apply(cli)
    second = apply(cli)
    cli("grant", "decide", first, "140", "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "decide", second, "100", "--approve", "--by", "Pat", "--no-conflict")
    cli("grant", "list", "--format", "pdf", "--out", str(tmp_path / "l.pdf"))
    listed = " ".join(pdf_text(tmp_path / "l.pdf").split())
    assert "Total (2 grants) £240.00" in listed
    assert f"Printed on {clock().day} {clock():%B %Y}." in listed
