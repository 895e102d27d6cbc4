"""The grants scheme's rules: the cap, the budget, decisions, spending, receipts and closing."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from coprod_cli.errors import NotFoundError, UsageError, ValidationError
from coprod_cli.grants import parsing as grant_input
from coprod_cli.grants import receipts
from coprod_cli.grants import scheme as grants
from coprod_cli.grants.scheme import Application, Scheme
from coprod_cli.store.database import Store

SAM = {"name": "Sam", "person_id": None}
PAT = {"name": "Pat", "person_id": None}
REPO = Path(__file__).resolve().parents[1]


class Calendar:
    """The scheme's "today", moved by hand."""

    def __init__(self) -> None:
        self.day = date(2026, 3, 2)

    def __call__(self) -> date:
        return self.day

    def advance(self, days: int) -> None:
        self.day += timedelta(days=days)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Calendar:
    fake = Calendar()
    monkeypatch.setattr(grants, "today", fake)
    return fake


@pytest.fixture
def store() -> Store:
    return Store.memory()


def application(*items: tuple[str, int], amount: int | None = None, title: str = "Garden",
                **changes: Any) -> Application:
    costs = [{"item": i, "pence": p} for i, p in (items or [("Compost", 5000)])]
    base: dict[str, Any] = dict(
        service="Beech House", title=title, activity="Plant a memory garden together.",
        link={"kind": "theme", "value": "wellbeing"},
        coproducers=[{"name": "Ceri", "person_id": None, "role": "person-using-services"},
                     {"name": "Sam", "person_id": None, "role": "staff"}],
        planners_using_services=3, items=costs,
        amount_pence=sum(c["pence"] for c in costs) if amount is None else amount,
        people_expected=12, benefit="A calm place to sit.", start=grants.today(), by=SAM)
    base.update(changes)
    return Application(**base)


def approved(store: Store, scheme: Scheme, pence: int, *, title: str = "Garden",
             approve: int | None = None) -> dict[str, Any]:
    grant = grants.apply(store, application(("Things", pence), title=title), scheme)
    return grants.decide(store, grant["id"], scheme, approve=True, by=PAT, conflict=None,
                         amount_pence=approve)


# -- the cap and the items ----------------------------------------------------------------

def test_the_cap_edge_150_accepted_150_01_refused(store: Store, today: Calendar) -> None:
    scheme = Scheme()
    grant = grants.apply(store, application(("Bench", 15000)), scheme)
    assert grant["amount_pence"] == 15000 and grant["status"] == "submitted"
    with pytest.raises(ValidationError) as caught:
        grants.apply(store, application(("Bench", 15001)), scheme)
    assert caught.value.message == ("£150.01 is over the scheme's cap of £150.00 per "
                                    "application, by £0.01.")
    assert len(grants.all_grants(store)) == 1


def test_the_cap_comes_from_settings(store: Store, today: Calendar) -> None:
    scheme = Scheme(cap_pence=50000)
    assert grants.apply(store, application(("Bikes", 45000)), scheme)["amount_pence"] == 45000


def test_items_must_add_up_to_the_amount_asked(store: Store, today: Calendar) -> None:
    with pytest.raises(ValidationError) as caught:
        grants.apply(store, application(("Compost", 1250), ("Bulbs", 3750), amount=5001),
                     Scheme())
    assert caught.value.message == ("The cost items add up to £50.00, but the amount asked "
                                    "for is £50.01.")
    assert caught.value.problems == ["Compost: £12.50", "Bulbs: £37.50"]


def test_parse_item_splits_at_the_last_colon() -> None:
    assert grant_input.parse_item("Tea: biscuits:3.20") == {"item": "Tea: biscuits", "pence": 320}
    with pytest.raises(UsageError, match="'what it is:amount'"):
        grant_input.parse_item("Compost 12.50")
    with pytest.raises(ValidationError, match="more than two digits"):
        grant_input.parse_item("Compost:12.505")


def test_no_retrospective_funding_and_co_production_is_required(
        store: Store, today: Calendar) -> None:
    with pytest.raises(ValidationError, match="retrospectively"):
        grants.apply(store, application(start=today.day - timedelta(days=1)), Scheme())
    with pytest.raises(ValidationError, match="no people using services took part"):
        grants.apply(store, application(planners_using_services=0), Scheme())
    with pytest.raises(ValidationError, match="2 people using services are named"):
        grants.apply(store, application(
            planners_using_services=1,
            coproducers=[{"name": n, "person_id": None, "role": "person-using-services"}
                         for n in ("Ceri", "Dŵr")]), Scheme())
    assert grants.all_grants(store) == []


# -- decisions ----------------------------------------------------------------------------

def test_partial_approval(store: Store, today: Calendar) -> None:
    grant = approved(store, Scheme(), 15000, approve=10000)
    assert grant["status"] == "approved"
    assert grant["decision"]["amount_pence"] == 10000
    assert grant["decision"]["by"] == PAT
    assert grants.summary(grant)["remaining_pence"] == 10000
    assert grants.summary(grant)["asked_pence"] == 15000


def test_approving_more_than_asked_is_refused(store: Store, today: Calendar) -> None:
    grant = grants.apply(store, application(("Bulbs", 4000)), Scheme())
    with pytest.raises(ValidationError, match=r"£40.01 is more than the application asked "
                                              r"for \(£40.00\)"):
        grants.decide(store, grant["id"], Scheme(), approve=True, by=PAT, conflict=None,
                      amount_pence=4001)


def test_a_decider_who_declares_a_conflict_cannot_decide(store: Store,
                                                          today: Calendar) -> None:
    grant = grants.apply(store, application(), Scheme())
    with pytest.raises(ValidationError) as caught:
        grants.decide(store, grant["id"], Scheme(), approve=True, by=PAT,
                      conflict="My daughter attends the group")
    assert "Pat declared a conflict of interest" in caught.value.message
    kept = grants.find_grant(store, grant["id"])
    assert kept["status"] == "submitted" and kept["decision"] is None
    assert kept["conflicts"][0]["conflict"] == "My daughter attends the group"
    assert kept["conflicts"][0]["by"] == PAT
    decided = grants.decide(store, grant["id"], Scheme(), approve=True,
                            by={"name": "Lee", "person_id": None}, conflict=None)
    assert decided["decision"]["by"]["name"] == "Lee"
    assert decided["decision"]["conflict"] == "none declared"


def test_someone_named_on_the_application_cannot_decide(store: Store,
                                                         today: Calendar) -> None:
    grant = grants.apply(store, application(), Scheme())
    for person, why in ((SAM, "entered this application"),
                        ({"name": "ceri", "person_id": None}, "co-producers")):
        with pytest.raises(ValidationError, match=why):
            grants.decide(store, grant["id"], Scheme(), approve=True, by=person,
                          conflict=None)
    assert grants.find_grant(store, grant["id"])["status"] == "submitted"


def test_a_rejection_needs_a_reason(store: Store, today: Calendar) -> None:
    grant = grants.apply(store, application(), Scheme())
    with pytest.raises(UsageError, match="needs a reason"):
        grants.decide(store, grant["id"], Scheme(), approve=False, by=PAT, conflict=None)
    rejected = grants.decide(store, grant["id"], Scheme(), approve=False, by=PAT,
                             conflict=None, reason="Not co-produced enough yet")
    assert rejected["status"] == "rejected"
    assert rejected["decision"]["amount_pence"] == 0
    assert rejected["spend_by"] is None


# -- status only moves forward ------------------------------------------------------------

def test_status_only_moves_forward(store: Store, today: Calendar) -> None:
    scheme = Scheme()
    draft = grants.apply(store, application(), scheme, draft=True)
    assert draft["status"] == "draft"
    with pytest.raises(ValidationError, match="is draft, so it cannot become approved"):
        grants.decide(store, draft["id"], scheme, approve=True, by=PAT, conflict=None)
    submitted = grants.submit(store, draft["id"], scheme, SAM)
    assert submitted["status"] == "submitted"
    with pytest.raises(ValidationError, match="is submitted, so it cannot become submitted"):
        grants.submit(store, draft["id"], scheme, SAM)
    with pytest.raises(ValidationError, match="is submitted, so it cannot become closed"):
        grants.close(store, draft["id"], what_happened="x", people_benefited=1, learning="",
                     by=SAM)
    grants.decide(store, draft["id"], scheme, approve=True, by=PAT, conflict=None)
    with pytest.raises(ValidationError, match="is approved, so it cannot become rejected"):
        grants.decide(store, draft["id"], scheme, approve=False, by=PAT, conflict=None,
                      reason="changed my mind")
    closed = grants.close(store, draft["id"], what_happened="Planted", people_benefited=9,
                          learning="", by=SAM)
    with pytest.raises(ValidationError, match="from closed it can only become nothing"):
        grants.close(store, draft["id"], what_happened="again", people_benefited=1,
                     learning="", by=SAM)
    assert [h["status"] for h in closed["history"]] == [
        "draft", "submitted", "approved", "closed"]
    assert grants.find_grant(store, draft["id"])["status"] == "closed"


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "closed"])
def test_only_an_approved_grant_takes_spending(store: Store, today: Calendar, tmp_path: Path,
                                               status: str) -> None:
    scheme = Scheme()
    grant = grants.apply(store, application(), scheme, draft=status == "draft")
    if status == "rejected":
        grants.decide(store, grant["id"], scheme, approve=False, by=PAT, conflict=None,
                      reason="no")
    if status == "closed":
        grants.decide(store, grant["id"], scheme, approve=True, by=PAT, conflict=None)
        grants.close(store, grant["id"], what_happened="x", people_benefited=1, learning="",
                     by=SAM)
    with pytest.raises(ValidationError, match=f"is {status}, so it cannot take spending"):
        grants.spend(store, grant["id"], pence=100, item="Tea", by=SAM,
                     receipts_dir=tmp_path / "r")
    assert grants.find_grant(store, grant["id"])["spending"] == []


# -- spending -----------------------------------------------------------------------------

def test_spend_to_exactly_the_approved_amount_then_a_penny_more_is_refused(
        store: Store, today: Calendar, tmp_path: Path) -> None:
    grant = approved(store, Scheme(), 15000, approve=12000)
    receipts_dir = tmp_path / "receipts"
    for pence in (5000, 4000, 2999, 1):
        grant, _ = grants.spend(store, grant["id"], pence=pence, item="Plants", by=SAM,
                                receipts_dir=receipts_dir)
    assert grants.spent_pence(grant) == 12000 and grants.remaining_pence(grant) == 0
    with pytest.raises(ValidationError) as caught:
        grants.spend(store, grant["id"], pence=1, item="Plants", by=SAM,
                     receipts_dir=receipts_dir)
    assert caught.value.message == (f"£0.01 is more than the £0.00 left of grant {grant['id']} "
                                    "(£120.00 approved, £120.00 spent).")
    assert len(grants.find_grant(store, grant["id"])["spending"]) == 4


def test_spending_dates_are_checked(store: Store, today: Calendar, tmp_path: Path) -> None:
    grant = approved(store, Scheme(), 5000)
    with pytest.raises(ValidationError, match="before the grant was approved"):
        grants.spend(store, grant["id"], pence=100, item="Tea", by=SAM,
                     receipts_dir=tmp_path, on=today.day - timedelta(days=1))
    with pytest.raises(ValidationError, match="in the future"):
        grants.spend(store, grant["id"], pence=100, item="Tea", by=SAM,
                     receipts_dir=tmp_path, on=today.day + timedelta(days=1))


def test_spend_by_date_and_overdue(store: Store, today: Calendar, tmp_path: Path) -> None:
    today.day = date(2026, 1, 31)
    grant = approved(store, Scheme(spend_months=1), 5000)
    assert grant["spend_by"] == "2026-02-28"
    assert not grants.summary(grant)["overdue"]
    today.day = date(2026, 3, 1)
    assert grants.summary(grant)["overdue"]
    _, line = grants.spend(store, grant["id"], pence=100, item="Tea", by=SAM,
                           receipts_dir=tmp_path)
    assert line["late"] is True
    assert grants.totals(store, Scheme(), 2026).overdue == 1
    assert grants.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert grants.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_receipt_is_copied_privately_and_hashed(store: Store, today: Calendar,
                                                  tmp_path: Path) -> None:
    grant = approved(store, Scheme(), 5000)
    original = tmp_path / "till roll (1).jpg"
    data = b"\xff\xd8 a photo of a receipt \x00\x01"
    original.write_bytes(data)
    receipts_dir = tmp_path / "home" / "receipts"
    grant, line = grants.spend(store, grant["id"], pence=1250, item="Compost", by=SAM,
                               receipts_dir=receipts_dir,
                               receipt=receipts.read_receipt(original))
    kept = line["receipt"]
    assert kept["kind"] == "file" and kept["original_name"] == "till roll (1).jpg"
    assert kept["sha256"] == hashlib.sha256(data).hexdigest()
    copy = receipts_dir / kept["file"]
    assert copy.parent == receipts_dir / grant["id"]
    assert copy.name == f"{line['id']}-till-roll-1.jpg"
    assert copy.read_bytes() == data
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(receipts_dir.stat().st_mode) == 0o700
    assert receipts.verify_receipts(grant, receipts_dir) == []
    copy.write_bytes(data + b"edited")
    assert receipts.verify_receipts(grant, receipts_dir) == [
        f"{kept['file']}: changed since it was entered"]
    copy.unlink()
    assert receipts.verify_receipts(grant, receipts_dir) == [f"{kept['file']}: missing"]


def test_a_refused_spend_leaves_no_receipt_copy(store: Store, today: Calendar,
                                                tmp_path: Path) -> None:
    grant = approved(store, Scheme(), 1000)
    original = tmp_path / "r.pdf"
    original.write_bytes(b"%PDF receipt")
    with pytest.raises(ValidationError):
        grants.spend(store, grant["id"], pence=1001, item="Too much", by=SAM,
                     receipts_dir=tmp_path / "receipts", receipt=receipts.read_receipt(original))
    assert not any((tmp_path / "receipts").rglob("*.pdf"))


def test_a_spend_that_fails_to_save_removes_its_receipt_copy(
        store: Store, today: Calendar, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grant = approved(store, Scheme(), 1000)
    original = tmp_path / "r.pdf"
    original.write_bytes(b"%PDF receipt")

    def disk_full(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("coprod_cli.store.database.Transaction._commit", disk_full)
    with pytest.raises(OSError):
        grants.spend(store, grant["id"], pence=500, item="Tea", by=SAM,
                     receipts_dir=tmp_path / "receipts", receipt=receipts.read_receipt(original))
    assert (tmp_path / "receipts" / grant["id"]).is_dir()
    assert not any((tmp_path / "receipts").rglob("*.pdf"))


def test_a_missing_receipt_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="There is no receipt file at .*missing.jpg"):
        receipts.read_receipt(tmp_path / "missing.jpg")


def test_a_receipt_reference_is_kept(store: Store, today: Calendar, tmp_path: Path) -> None:
    grant = approved(store, Scheme(), 1000)
    _, line = grants.spend(store, grant["id"], pence=1000, item="Tea", by=SAM,
                           receipts_dir=tmp_path, receipt_ref="INV-0042")
    assert line["receipt"] == {"kind": "ref", "ref": "INV-0042"}
    assert line["by"] == SAM and line["date"] == today.day.isoformat()


# -- the budget, funds raised and closing -------------------------------------------------

def test_the_budget_runs_out_across_several_grants(store: Store, today: Calendar) -> None:
    scheme = Scheme(budget_pence=40000)
    approved(store, scheme, 15000, title="Garden")
    approved(store, scheme, 15000, title="Bikes")
    waiting = grants.apply(store, application(("Paint", 10000)), scheme)  # fits: £100 left
    third = grants.apply(store, application(("Paint", 10000)), scheme)    # also fits for now
    grants.decide(store, waiting["id"], scheme, approve=True, by=PAT, conflict=None)
    with pytest.raises(ValidationError) as caught:  # the money went to the one before
        grants.decide(store, third["id"], scheme, approve=True, by=PAT, conflict=None)
    assert caught.value.message == (
        "Approving £100.00 is more than the £0.00 left in the 2026 budget (£400.00 budget + "
        "£0.00 raised - £400.00 approved + £0.00 returned).")
    with pytest.raises(ValidationError, match="Asking for £0.01 is more than the £0.00 left"):
        grants.apply(store, application(("Pens", 1)), scheme)
    totals = grants.totals(store, scheme, 2026)
    assert (totals.approved_pence, totals.left_pence, totals.asked_pence) == (40000, 0, 10000)
    assert totals.by_status == {"approved": 3, "submitted": 1}


def test_a_new_year_has_a_new_budget(store: Store, today: Calendar) -> None:
    scheme = Scheme(budget_pence=15000)
    approved(store, scheme, 15000)
    today.day = date(2027, 1, 4)
    assert approved(store, scheme, 15000)["year"] == 2027
    assert grants.totals(store, scheme, 2026).left_pence == 0
    assert grants.totals(store, scheme, 2027).left_pence == 0


def test_funds_raised_increase_the_pot(store: Store, today: Calendar) -> None:
    scheme = Scheme(budget_pence=0)  # a scheme that spends only what it raises
    with pytest.raises(ValidationError, match="more than the £0.00 left"):
        grants.apply(store, application(("Seeds", 4000)), scheme)
    grants.add_fund(store, 2550, "Summer fair stall", SAM)
    grants.add_fund(store, 1450, "Cake sale", SAM)
    fund = grants.add_fund(store, 999, "Last year's raffle", SAM, on=date(2025, 12, 1))
    assert fund["year"] == 2025
    grant = approved(store, scheme, 4000)
    assert grant["decision"]["amount_pence"] == 4000
    totals = grants.totals(store, scheme, 2026)
    assert (totals.raised_pence, totals.pot_pence, totals.left_pence) == (4000, 4000, 0)
    assert [f["source"] for f in grants.funds(store, 2026)] == ["Summer fair stall",
                                                                 "Cake sale"]
    with pytest.raises(ValidationError, match="in the future"):
        grants.add_fund(store, 100, "Tomorrow's stall", SAM, on=today.day + timedelta(days=1))


def test_close_returns_the_unspent_remainder_to_the_pot(store: Store, today: Calendar,
                                                        tmp_path: Path) -> None:
    scheme = Scheme(budget_pence=15000)
    grant = approved(store, scheme, 15000)
    grants.spend(store, grant["id"], pence=11234, item="Plants", by=SAM, receipts_dir=tmp_path)
    assert grants.totals(store, scheme, 2026).left_pence == 0
    closed = grants.close(store, grant["id"], what_happened="We planted the garden.",
                          people_benefited=14, learning="Order bulbs earlier.", by=SAM)
    assert closed["closure"]["returned_pence"] == 3766
    assert closed["closure"]["spent_pence"] == 11234
    assert closed["closure"]["people_benefited"] == 14
    assert grants.summary(closed)["remaining_pence"] == 0
    totals = grants.totals(store, scheme, 2026)
    assert (totals.returned_pence, totals.left_pence, totals.spent_pence) == (3766, 3766, 11234)
    assert approved(store, scheme, 3766)["decision"]["amount_pence"] == 3766


def test_totals_equal_the_sum_of_their_lines(store: Store, today: Calendar,
                                             tmp_path: Path) -> None:
    scheme = Scheme(budget_pence=100000)
    grants.add_fund(store, 1999, "Stall", SAM)
    amounts = [(15000, 9999, [1, 333, 4444, 5221]), (7777, 7777, [7777]),
               (12345, 10001, [3, 5, 7]), (5000, None, [])]
    for n, (asked, approve, spends) in enumerate(amounts):
        grant = grants.apply(store, application(("A", asked - 1), ("B", 1), title=f"G{n}"),
                             scheme)
        if approve is None:
            continue
        grants.decide(store, grant["id"], scheme, approve=True, by=PAT, conflict=None,
                      amount_pence=approve)
        for pence in spends:
            grants.spend(store, grant["id"], pence=pence, item="x", by=SAM,
                         receipts_dir=tmp_path)
    third = next(g for g in grants.all_grants(store) if g["title"] == "G2")
    grants.close(store, third["id"], what_happened="done",
                 people_benefited=3, learning="", by=SAM)
    every = grants.all_grants(store)
    rows = [grants.summary(g) for g in every]
    for grant, row in zip(every, rows, strict=True):
        assert row["spent_pence"] == sum(line["pence"] for line in grant["spending"])
        assert grant["amount_pence"] == sum(i["pence"] for i in grant["items"])
        assert row["approved_pence"] == (row["spent_pence"] + row["remaining_pence"]
                                         + row["returned_pence"])
    totals = grants.totals(store, scheme, 2026)
    assert totals.spent_pence == sum(r["spent_pence"] for r in rows) == 9999 + 7777 + 15
    assert totals.approved_pence == sum(r["approved_pence"] for r in rows) == 27777
    assert totals.returned_pence == sum(r["returned_pence"] for r in rows) == 10001 - 15
    assert totals.asked_pence == 5000
    assert totals.left_pence == 100000 + 1999 - 27777 + (10001 - 15)


# -- finding grants and people ------------------------------------------------------------

def test_find_grant_by_id_or_its_end(store: Store, today: Calendar) -> None:
    grant = grants.apply(store, application(), Scheme())
    assert grants.find_grant(store, grant["id"][-6:])["id"] == grant["id"]
    assert grants.find_grant(store, grant["id"].upper())["id"] == grant["id"]
    with pytest.raises(NotFoundError, match="There is no grant 'nope'"):
        grants.find_grant(store, "nope")


def test_who_uses_the_register_or_the_name_as_typed(store: Store) -> None:
    from coprod_cli.people import register as people

    ceri = people.add_person(store, "Ceri Ŵyn", "person-using-services")
    assert grant_input.who(store, "ceri ŵyn") == {"name": "Ceri Ŵyn", "person_id": ceri["id"]}
    assert grant_input.who(store, "Panel chair") == {"name": "Panel chair", "person_id": None}
    assert grant_input.parse_coproducer(store, "Ceri Ŵyn")["role"] == "person-using-services"
    assert grant_input.parse_coproducer(store, "Jo:vol") == {"name": "Jo", "person_id": None,
                                                        "role": "volunteer"}
    with pytest.raises(UsageError, match="Give Jo's role"):
        grant_input.parse_coproducer(store, "Jo")


def test_resolve_link_to_a_theme_or_session() -> None:
    sessions, themes = ["wellbeing-five-ways"], ["wellbeing", "relationships"]
    assert grant_input.resolve_link("wellbeing-five-ways", sessions, themes) == {
        "kind": "session", "value": "wellbeing-five-ways"}
    assert grant_input.resolve_link("Wellbeing", sessions, themes) == {"kind": "theme",
                                                                  "value": "wellbeing"}
    with pytest.raises(UsageError, match="neither a session id nor a theme"):
        grant_input.resolve_link("gardening", sessions, themes)


# -- two terminals spending at once ---------------------------------------------------------

WORKER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from coprod_cli.grants import scheme as grants
    from coprod_cli.errors import ValidationError
    from coprod_cli.store.database import Store
    store = Store.open(Path(sys.argv[1]), lock_timeout=30)
    print("ready", flush=True)
    sys.stdin.readline()
    ok = 0
    for _ in range(int(sys.argv[3])):
        try:
            grants.spend(store, sys.argv[2], pence=1, item=sys.argv[4],
                         by={"name": sys.argv[4], "person_id": None},
                         receipts_dir=Path(sys.argv[1]) / "receipts")
            ok += 1
        except ValidationError:
            pass
    print(ok, flush=True)
""")


def test_two_terminals_spending_at_once_never_overspend(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = Store.open(root)
    grant = grants.apply(store, application(("Pens", 60)), Scheme())
    grants.decide(store, grant["id"], Scheme(), approve=True, by=PAT, conflict=None)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), grant["id"], "45",
                                 name], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, cwd=REPO) for name in ("A", "B")]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline().strip() == "ready"
    for w in workers:
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    counts = [int(w.communicate(timeout=120)[0].strip()) for w in workers]
    assert sum(counts) == 60  # 90 tries for 60 pennies: exactly 60 succeed between them
    kept = grants.find_grant(store, grant["id"])
    assert grants.spent_pence(kept) == 60 and len(kept["spending"]) == 60
    assert grants.remaining_pence(kept) == 0
