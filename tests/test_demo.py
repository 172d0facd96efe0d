"""`flask demo load`: the province scorecard of the demo year, its cascade to the three demo OPDs,
their bidang and staff, and realisations in every state and colour; loading twice changes nothing."""
import hashlib
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from ekinerja import storage
from ekinerja.auth.models import User
from ekinerja.auth.services import find_user
from ekinerja.demo.workflow import REOPEN_UNTIL, WORK_MONTH
from ekinerja.realisations import periods
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import Evidence, Notification, NotificationKind, PeriodLock, PeriodReopening

from ekinerja.bsc import scoring
from ekinerja.bsc.cascade import compute, load_descendants, scorecard_figures
from ekinerja.bsc.models import Indicator, OwnerKind, Perspective, Realisation, RealisationStatus, Scorecard
from ekinerja.contracts.models import AgreementVersion
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR, LAST_MONTH
from ekinerja.extensions import db
from ekinerja.org.models import Opd


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def demo(ctx, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    return result.output


def cards(kind: OwnerKind) -> list[Scorecard]:
    return db.session.scalars(select(Scorecard).where(Scorecard.year == DEMO_YEAR, Scorecard.owner_kind == kind)).all()


def test_province_scorecard_has_the_rpjmd_iku(demo):
    [province] = cards(OwnerKind.PROVINCE)
    indicators = province.indicators
    assert len(indicators) >= 8
    names = {i.name for i in indicators}
    for name in ("Indeks Pembangunan Manusia", "Persentase penduduk miskin", "Tingkat pengangguran terbuka",
                 "Pertumbuhan ekonomi", "Indeks SPBE", "Indeks Reformasi Birokrasi"):
        assert name in names
    assert {o.perspective for o in province.objectives} == set(Perspective)
    assert all(i.data_source and i.parent_id is None for i in indicators)
    inflation = next(i for i in indicators if i.name.startswith("Inflasi"))
    assert (inflation.polarity.value, inflation.target, inflation.target_high) == ("stabilize", 1.5, 3.5)


def test_each_demo_opd_carries_province_iku(demo):
    province_ids = {i.id for i in cards(OwnerKind.PROVINCE)[0].indicators}
    for code in (DINKES, KOMINFO, BAPPEDA):
        opd = db.session.scalar(select(Opd).where(Opd.code == code))
        card = next(sc for sc in cards(OwnerKind.OPD) if sc.opd_id == opd.id)
        assert card.indicators and all(i.parent_id in province_ids for i in card.indicators), opd.name
        units = [sc for sc in cards(OwnerKind.UNIT) if sc.opd_id == opd.id]
        assert len(units) >= 3
        opd_ids = {i.id for i in card.indicators}
        assert all(i.parent_id in opd_ids for sc in units for i in sc.indicators)


def test_staff_carry_indicators_of_their_bidang(demo):
    staff_cards = cards(OwnerKind.EMPLOYEE)
    assert len(staff_cards) >= 30
    for sc in staff_cards:
        position = sc.employee.position
        assert position.head_of_unit_id is None
        for ind in sc.indicators:
            parent_card = ind.parent.scorecard
            assert parent_card.owner_kind == OwnerKind.UNIT and parent_card.unit_id == position.unit_id
    # a bidang's staff get different measures from their bidang's: their own work (RHK)
    assert any(ind.name != ind.parent.name for sc in staff_cards for ind in sc.indicators)


def test_realisations_in_every_state_and_every_colour(demo):
    this_year = Realisation.indicator_id.in_(select(Indicator.id).where(Indicator.year == DEMO_YEAR))
    statuses = Counter(db.session.scalars(select(Realisation.status)))
    assert set(statuses) == set(RealisationStatus)
    returned = db.session.scalars(select(Realisation).where(Realisation.status == RealisationStatus.RETURNED)).all()
    assert all(r.return_comment and r.decided_at for r in returned)
    approved = db.session.scalars(select(Realisation).where(Realisation.status == RealisationStatus.APPROVED)).all()
    assert all(r.decided_by_id is not None and r.decided_at is not None for r in approved)
    # history up to LAST_MONTH; the open month (WORK_MONTH) only under way, nothing approved yet
    assert db.session.scalar(select(func.max(Realisation.month)).where(this_year)) == WORK_MONTH
    assert db.session.scalar(select(func.max(Realisation.month)).where(
        Realisation.status == RealisationStatus.APPROVED, this_year)) == LAST_MONTH

    roots = db.session.scalars(select(Indicator).where(Indicator.year == DEMO_YEAR,
                                                       Indicator.parent_id.is_(None))).all()
    everything = load_descendants(roots)
    nodes = compute(everything, LAST_MONTH)
    colours = Counter(n.figures.colour.value for n in nodes.values())
    assert set(colours) == {"green", "yellow", "red", "grey"}, colours
    # a value that was red when it was entered carries the reason and the follow-up
    entered, reds = defaultdict(dict), 0
    for r in db.session.scalars(select(Realisation).where(this_year).order_by(Realisation.month)):
        entered[r.indicator_id][r.month] = r.value
        ind = everything[r.indicator_id]
        figures = scoring.indicator_figures(ind.polarity, ind.aggregation, ind.target, r.month,
                                            entered[r.indicator_id], ind.target_high)
        if figures.colour == scoring.Colour.RED:
            assert r.reason and r.follow_up, (ind.name, r.month)
            reds += 1
    assert reds > 0
    # the province's NKO has data, and leaves out what has none
    figures = scorecard_figures(cards(OwnerKind.PROVINCE)[0], LAST_MONTH)
    assert figures.nko.value is not None and figures.nko.coverage < 1


def test_demo_positions_without_work_are_findings(demo):
    """The sekretariat's staff have no indicator: the gaps of domain.md §3.4 show them."""
    from ekinerja.bsc.cascade import gaps

    found = gaps(DEMO_YEAR)
    assert found.positions_without_indicator
    assert any(p.name == "Pengelola Keuangan" for p, _ in found.positions_without_indicator)
    assert found.iku_without_opd  # e.g. the desa mandiri IKU: no demo OPD carries it


def rows_of_every_table() -> dict[str, list[str]]:
    with db.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in db.metadata.sorted_tables}


def stored_files(app) -> list[str]:
    root = Path(app.config["STORAGE_PATH"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_demo_load_twice_changes_nothing(app, ctx, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.remove()
    counts = table_counts()
    assert counts["realisation"] > 300 and counts["indicator"] > 60
    for table in ("period_lock", "period_reopening", "evidence", "notification"):
        assert counts[table] > 0, table
    rows, files = rows_of_every_table(), stored_files(app)
    assert {key for (key,) in db.session.execute(select(Evidence.storage_key))} <= set(files)
    # the agreements (ekinerja/demo/agreements.py): printed PDFs and scans in storage too
    assert counts["agreement"] >= 9 and counts["a3_action"] > 0 and counts["pk_target"] > 0
    assert {key for row in db.session.execute(select(AgreementVersion.printed_key, AgreementVersion.scan_key))
            for key in row if key} <= set(files)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    db.session.remove()
    assert table_counts() == counts
    assert rows_of_every_table() == rows  # not a row changed, not an audit entry added
    assert stored_files(app) == files     # and no file piled up in storage


def test_demo_load_puts_back_an_evidence_file_lost_from_storage(app, ctx, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.remove()
    ev = db.session.scalars(select(Evidence).order_by(Evidence.id)).first()
    path = storage.path_of(ev.storage_key)
    path.unlink()
    rows = rows_of_every_table()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ev.sha256
    assert rows_of_every_table() == rows


# ------------------------------------------------------------------ the monthly workflow

@pytest.fixture
def demo_day(app):
    """The demo's day: 29 November 2026, November open until 10 December."""
    before = app.config.get("TODAY")
    app.config["TODAY"] = date(2026, 11, 29)
    yield
    app.config["TODAY"] = before


def printed_logins(output: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s+(\S+)\s+ntb-demo-2026\s+(.*)$", output, re.M)}


def test_demo_periods_locks_and_the_reopening_for_dinkes(demo, demo_day):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    locks = db.session.scalars(select(PeriodLock).where(PeriodLock.year == DEMO_YEAR).order_by(PeriodLock.month)).all()
    assert [(lk.month, lk.locked_by_id) for lk in locks] == [(m, admin.id) for m in range(1, 9)]
    [reopening] = db.session.scalars(select(PeriodReopening)).all()
    assert (reopening.year, reopening.month, reopening.opd.code) == (DEMO_YEAR, 9, DINKES)
    assert reopening.until == REOPEN_UNTIL and REOPEN_UNTIL.month == 12 and len(reopening.reason) > 20
    dinkes, kominfo = (db.session.scalar(select(Opd.id).where(Opd.code == c)) for c in (DINKES, KOMINFO))
    states = {opd: periods.year_states(DEMO_YEAR, opd) for opd in (dinkes, kominfo)}
    assert [s.label for s in states[kominfo]] == ["dikunci"] * 8 + ["ditutup", "ditutup", "terbuka", "belum dimulai"]
    assert states[dinkes][8].open and not states[kominfo][8].open


def test_demo_workflow_staff_has_open_work_and_the_head_an_inbox(demo, demo_day):
    logins = printed_logins(demo)
    staff_login = next(login for login, who in logins.items() if "Kinerja saya" in who)
    head_login = next(login for login, who in logins.items() if "Persetujuan berisi" in who)
    staff, head = find_user(staff_login), find_user(head_login)
    # the staff member: November returned to him with a comment, to correct and submit again
    [card] = rs.enterable_scorecards(staff, DEMO_YEAR)
    [ind] = card.indicators
    november = rs.find(ind, 11)
    assert november.status == RealisationStatus.RETURNED and november.return_comment
    assert november.decided_by_id == head.id and november.evidence
    assert periods.month_state(DEMO_YEAR, 11, card.opd_id).open
    returned = db.session.scalars(select(Notification).where(Notification.user_id == staff.id,
                                                             Notification.read_at.is_(None))).all()
    assert [n.kind for n in returned] == [NotificationKind.RETURNED]
    assert november.return_comment in returned[0].message
    # his head: two November submissions in the inbox, each with evidence, each decidable today
    waiting = [r for r in rs.inbox(head, DEMO_YEAR, 11)]
    assert len(waiting) == 2 and all(r.evidence for r in waiting)
    for r in waiting:
        rs.approve(head, r, r.version)  # November is open: the head can decide them now
    db.session.rollback()
    unread = db.session.scalars(select(Notification).where(Notification.user_id == head.id,
                                                           Notification.read_at.is_(None))).all()
    assert {n.realisation_id for n in unread} == {r.id for r in waiting}
    # and the head of Dinas Kesehatan decides September, reopened for his OPD
    dinkes_head = find_user(next(login for login, who in logins.items() if "Kepala Dinas Kesehatan" in who))
    september = rs.inbox(dinkes_head, DEMO_YEAR, 9)
    assert september
    rs.approve(dinkes_head, september[0], september[0].version)
    db.session.rollback()


def test_demo_evidence_files_are_pdfs_in_storage(demo):
    evidence = db.session.scalars(select(Evidence)).all()
    assert 5 <= len(evidence) <= 20  # a few, and the demo stays fast
    for ev in evidence:
        data = storage.read(ev.storage_key)
        assert data.startswith(b"%PDF-") and len(data) == ev.size_bytes
        assert hashlib.sha256(data).hexdigest() == ev.sha256
        assert ev.original_name.endswith(".pdf") and ev.uploaded_by_id is not None


def test_every_demo_account_has_an_email_address(demo):
    users = db.session.scalars(select(User)).all()
    emails = [u.email for u in users]
    assert all(e and e.endswith("@ntbprov.go.id") for e in emails)
    assert len(set(emails)) == len(emails)
    assert db.session.scalar(select(User.email).where(User.username == "admin")) == "admin@ntbprov.go.id"
    # nothing was e-mailed: SMTP_HOST is not set for the demo
    assert not any(db.session.scalars(select(Notification.emailed)))


def test_a_printed_staff_login_has_an_individual_scorecard(demo):
    nips = set(re.findall(r"^\s+(\d{18})\s", demo, re.M))
    staff = cards(OwnerKind.EMPLOYEE)
    assert {sc.employee.nip for sc in staff} & nips


def test_earlier_years_for_the_lkjip_table(demo):
    """2024 and 2025: the demo OPDs' cards with the 2026 indicator codes and twelve approved months,
    which the public OPD page compares with (LKjIP chapter III)."""
    from ekinerja.bsc.models import OwnerKind, Scorecard
    from ekinerja.org.models import Opd
    from ekinerja.public import sakip

    cards = db.session.scalars(select(Scorecard).where(Scorecard.year.in_([2024, 2025]))).all()
    assert len(cards) == 6 and {c.owner_kind for c in cards} == {OwnerKind.OPD}
    dinkes = db.session.scalar(select(Opd).where(Opd.name == "Dinas Kesehatan"))
    quarters, card = sakip.opd(DEMO_YEAR, dinkes)
    table = sakip.lkjip(DEMO_YEAR, dinkes, card, quarters)
    assert table.rows and all(e is not None and e.realisation is not None for r in table.rows for e in r.earlier)
    assert all(r.earlier[0].achievement > r.earlier[1].achievement for r in table.rows)  # 2025 better than 2024


def test_the_demo_figures_are_kept_as_the_cascade_computes_them(demo):
    """The loader goes through the session: every indicator's kept rollup equals the computed one,
    and the dashboard's completeness is counted (ekinerja/bsc/rollups.py)."""
    from ekinerja.review.dashboard import _completeness
    from tests.bsc.test_rollups import assert_kept, counted_completeness

    assert assert_kept() > 500
    assert _completeness(2026, 11) == counted_completeness(2026, 11) != {}
