"""The A3 item actions (ekinerja.a3.services): each action, each refusal, and a refusal changes
nothing; printing all agreed A3s at once, all or nothing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ekinerja.a3 import services as a3
from ekinerja.a3.models import A3Action, A3Attitude
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import Indicator, OwnerKind
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import AgreementVersion, Level, VersionStatus
from ekinerja.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from tests.a3.conftest import PRINTED, SIGNING


@pytest.fixture
def a_draft(org, iku, people):
    """OPD A head's A3 of 2026, prefilled: 4 Attitudes, 1 Attention (IKU-01), 1 Action (the OPD's IKU-01)."""
    agreement = a3.start(people.op_a, 2026, org.a_head.position)
    db.session.commit()
    return agreement.latest


@pytest.fixture
def iku2(iku):
    """A second province IKU, not cascaded anywhere."""
    ind = bsc.save_indicator(None, iku.top.objective, bsc.IndicatorInput(
        code="IKU-02", name="Indeks kepuasan masyarakat", unit_of_measure="indeks", polarity="max",
        aggregation="last", weight=5, target=85))
    db.session.commit()
    return ind


def fields(exc) -> dict[str, str]:
    return {d["field"]: d["message"] for d in exc.value.details}


def signed(version: AgreementVersion, scan) -> AgreementVersion:
    cs.submit(None, version)
    cs.agree(None, version)
    cs.print_(None, version, "800/1/ORG/2026", PRINTED, SIGNING)
    cs.record_signing(None, version, scan, "a3.pdf", SIGNING)
    db.session.commit()
    return version


def rows(version: AgreementVersion):
    """What is stored, read again (the identity map forgotten)."""
    db.session.expire_all()
    v = db.session.get(AgreementVersion, version.id)
    return ([(a.position, a.commitment, a.indicator) for a in v.a3_attitudes],
            [(a.position, a.programme, a.kind.value, a.objective_id, a.indicator_id, a.serves) for a in v.a3_attentions],
            [(a.position, a.indicator_id, a.action, a.code, a.unit_of_measure, a.target, a.q1, a.q2, a.q3, a.q4,
              a.budget, a.responsible_unit_id, a.responsible, a.due_month, a.serves) for a in v.a3_actions])


# ------------------------------------------------------------------ starting

def test_start_creates_and_prefills_and_refuses_the_wrong_ones(org, iku, people):
    agreement = a3.start(people.kabid, 2026, org.kabid.position)   # the kabid drafts his own
    assert agreement.level == Level.OPD_ESELON3 and agreement.second_position is org.a_head.position
    assert [a.indicator_id for a in agreement.latest.a3_actions] == [iku.unit.id]
    # Its Action serves the OPD's indicator; its Attention is the province IKU above both.
    assert agreement.latest.a3_actions[0].serves == f"IKU-01 {iku.opd.name}"
    assert [(a.indicator_id, a.serves) for a in agreement.latest.a3_attentions] == [(iku.top.id, "IKU-01 Jumlah layanan digital")]
    db.session.commit()
    with pytest.raises(ValidationFailed, match="sudah ada"):
        a3.start(people.op_a, 2026, org.kabid.position)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        a3.start(people.op_a, 2026, org.staff1.position)   # staff sign no A3
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Tahun"):
        a3.start(people.op_a, 1999, org.a_head.position)
    db.session.rollback()
    for who in (people.op_b, people.a_head, people.auditor, people.staff1):
        with pytest.raises(PermissionDenied):
            a3.start(who, 2027, org.kabid.position)
        db.session.rollback()


# ------------------------------------------------------------------ Attitude

def test_attitude_add_edit_and_its_errors(a_draft, people):
    item = a3.save_attitude(people.op_a, a_draft, "  Disiplin dan hadir tepat waktu. ", "Kehadiran ≥ 98%")
    assert (item.position, item.commitment) == (5, "Disiplin dan hadir tepat waktu.")
    a3.save_attitude(people.gov, a_draft, "Disiplin.", "", item=item)
    db.session.commit()
    assert rows(a_draft)[0][-1] == (5, "Disiplin.", None)
    before = rows(a_draft)
    with pytest.raises(ValidationFailed) as exc:
        a3.save_attitude(people.op_a, a_draft, " ", "x" * 501)
    assert fields(exc) == {"commitment": "Komitmen sikap wajib diisi.", "indicator": "Ukuran paling panjang 500 karakter."}
    db.session.rollback()
    assert rows(a_draft) == before


@pytest.mark.parametrize("who", ["op_b", "b_head", "kabid", "auditor", "staff1"])
def test_nobody_else_changes_the_content(a_draft, people, who, iku):
    actor = getattr(people, who)
    before = rows(a_draft)
    item = a_draft.a3_attitudes[0]
    for call in (lambda: a3.save_attitude(actor, a_draft, "Lain"),
                 lambda: a3.save_attitude(actor, a_draft, "Lain", item=item),
                 lambda: a3.save_attention(actor, a_draft, "Program", "strategis", indicator_id=iku.top.id),
                 lambda: a3.save_action(actor, a_draft, a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=1)),
                 lambda: a3.remove(actor, a_draft, "attitude", item),
                 lambda: a3.move(actor, a_draft, "attitude", item, "down"),
                 lambda: a3.refill(actor, a_draft)):
        with pytest.raises(PermissionDenied):
            call()
        db.session.rollback()
    assert rows(a_draft) == before


def test_the_first_party_himself_may_draft(a_draft, people):
    a3.save_attitude(people.a_head, a_draft, "Kepala dinas menulis komitmennya sendiri.")
    db.session.commit()
    assert rows(a_draft)[0][-1][1] == "Kepala dinas menulis komitmennya sendiri."


# ------------------------------------------------------------------ Attention

def test_attention_serves_a_province_objective_or_iku_of_the_year(a_draft, people, iku, iku2):
    item = a3.save_attention(people.op_a, a_draft, "Program NTB Satu Data", "unggulan", indicator_id=iku2.id)
    assert (item.position, item.objective_id, item.serves) == (2, iku2.objective_id, "IKU-02 Indeks kepuasan masyarakat")
    a3.save_attention(people.op_a, a_draft, "Program NTB Satu Data", "strategis",
                      objective_id=iku.top.objective_id, item=item)
    db.session.commit()
    assert rows(a_draft)[1][-1] == (2, "Program NTB Satu Data", "strategis", iku.top.objective_id, None,
                                    "SS1 Meningkatnya layanan publik")
    # Another year's province IKU, an OPD's indicator, both, neither, an unknown kind: refused.
    prov27 = bsc.ensure_scorecard(None, 2027, OwnerKind.PROVINCE)
    ss27 = bsc.save_objective(None, prov27, "SS1", "stakeholder", "Sasaran 2027")
    db.session.commit()
    before = rows(a_draft)
    for kwargs, field, message in [
            ({"objective_id": ss27.id}, "serves", "Pilih sasaran strategis provinsi tahun 2026."),
            ({"indicator_id": iku.opd.id}, "serves", "Pilih IKU provinsi tahun 2026."),
            ({"indicator_id": iku.top.id, "objective_id": iku.top.objective_id}, "serves", "Pilih satu sasaran"),
            ({}, "serves", "Pilih satu sasaran"),
            ({"indicator_id": iku.top.id, "kind": "lain"}, "kind", "Pilih jenis program")]:
        kind = kwargs.pop("kind", "strategis")
        with pytest.raises(ValidationFailed) as exc:
            a3.save_attention(people.op_a, a_draft, "Program", kind, **kwargs)
        assert fields(exc)[field].startswith(message), kwargs
        db.session.rollback()
    assert rows(a_draft) == before


# ------------------------------------------------------------------ Action: picked

def test_action_picked_copies_the_indicator_and_takes_its_quarterly_targets(org, a_draft, people, iku):
    [item] = a_draft.a3_actions
    # Monthly targets on the indicator: TW I–IV are the sums to months 3, 6, 9 and 12.
    ind = db.session.get(Indicator, iku.opd.id)
    bsc.save_indicator(None, ind.objective, bsc.IndicatorInput(
        code=ind.code, name=ind.name, unit_of_measure=ind.unit_of_measure, polarity="max", aggregation="sum",
        weight=1, target=120, monthly_targets=[5, 5, 5, 10, 10, 10, 10, 10, 10, 15, 15, 15],
        parent_id=ind.parent_id, cascade_kind="direct"), ind)
    a3.save_action(people.op_a, a_draft, a3.ActionInput(indicator_id=ind.id, budget="1.250.000.000",
                                                        responsible_unit_id=org.bidang.id, due_month="9"), item)
    db.session.commit()
    assert rows(a_draft)[2] == [(1, ind.id, "Jumlah layanan digital", "IKU-01", "layanan", D(120), D(15), D(45),
                                 D(75), D(120), D("1250000000"), org.bidang.id, "Bidang Satu", 9,
                                 "IKU-01 Jumlah layanan digital")]
    # Another agreed target: the monthly targets no longer fit, T·m/12 does; a typed quarter stays.
    a3.save_action(people.op_a, a_draft, a3.ActionInput(indicator_id=ind.id, target="150", q3="100,5",
                                                        responsible_unit_id=org.a_root.id), item)
    db.session.commit()
    got = rows(a_draft)[2][0]
    assert got[5:11] == (D(150), D("37.5"), D(75), D("100.5"), D(150), None)
    assert got[11:14] == (org.a_root.id, "Dinas Alfa", 12)


def test_action_refusals_change_nothing(org, a_draft, people, iku):
    [item] = a_draft.a3_actions
    before = rows(a_draft)
    cases = [
        (a3.ActionInput(responsible_unit_id=org.bidang.id), {"indicator_id"}),
        (a3.ActionInput(indicator_id=iku.unit.id, responsible_unit_id=org.bidang.id), {"indicator_id"}),  # the bidang's
        (a3.ActionInput(indicator_id=iku.opd.id, parent_id=iku.top.id, responsible_unit_id=org.bidang.id), {"indicator_id"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.b_root.id), {"responsible_unit_id"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=None), {"responsible_unit_id"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id, due_month="13"), {"due_month"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id, due_month="x"), {"due_month"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id, budget="-1"), {"budget"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id, budget="1,005"), {"budget"}),
        (a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id, target="seratus", q4="1e999"),
         {"target", "q4"}),
    ]
    for data, expected in cases:
        with pytest.raises(ValidationFailed) as exc:
            a3.save_action(people.op_a, a_draft, data, item)
        assert set(fields(exc)) == expected, data
        db.session.rollback()
    # The same indicator as another Action.
    with pytest.raises(ValidationFailed, match="Action") as exc:
        a3.save_action(people.op_a, a_draft, a3.ActionInput(indicator_id=iku.opd.id, responsible_unit_id=org.bidang.id))
    assert fields(exc) == {"indicator_id": "Indikator IKU-01 sudah menjadi Action nomor 1."}
    db.session.rollback()
    assert rows(a_draft) == before


# ------------------------------------------------------------------ Action: a new indicator

def test_action_creates_an_indicator_cascaded_from_the_province_iku(org, a_draft, people, iku, iku2):
    item = a3.save_action(people.op_a, a_draft, a3.ActionInput(
        parent_id=iku2.id, action="Indeks kepuasan layanan Dinas Alfa", unit_of_measure="indeks", target="86,5",
        budget="75000000", responsible_unit_id=org.bidang.id, due_month=6))
    db.session.commit()
    made = db.session.get(Indicator, item.indicator_id)
    assert (made.scorecard_id, made.parent_id, made.name, made.unit_of_measure, made.target) == (
        iku.opd.scorecard_id, iku2.id, "Indeks kepuasan layanan Dinas Alfa", "indeks", D("86.5"))
    assert made.polarity == iku2.polarity and made.objective.code == iku2.objective.code
    assert (item.position, item.code, item.q1, item.q4, item.serves) == (
        2, made.code, D("86.5"), D("86.5"), "IKU-02 Indeks kepuasan masyarakat")   # "last": TW = the target
    # Once cascaded, the IKU is served by that indicator: making another is refused, picking it is not.
    with pytest.raises(ValidationFailed) as exc:
        a3.save_action(people.op_a, a_draft, a3.ActionInput(
            parent_id=iku2.id, action="Lagi", unit_of_measure="indeks", target="1", responsible_unit_id=org.bidang.id))
    assert "sudah dikaskadekan ke kartu ini sebagai" in fields(exc)["parent_id"]
    db.session.rollback()
    # Removing the Action leaves the indicator on the scorecard.
    a3.remove(people.op_a, a_draft, "action", item)
    db.session.commit()
    assert db.session.get(Indicator, made.id) is not None and len(rows(a_draft)[2]) == 1


def test_action_new_indicator_needs_its_texts_and_a_parent_from_above(org, a_draft, people, iku, iku2):
    count = db.session.scalar(select(func.count()).select_from(Indicator))
    with pytest.raises(ValidationFailed) as exc:
        a3.save_action(people.op_a, a_draft, a3.ActionInput(parent_id=iku2.id, responsible_unit_id=org.bidang.id))
    assert set(fields(exc)) == {"action", "unit_of_measure", "target"}
    db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:   # an OPD indicator is not above the OPD's own card
        a3.save_action(people.op_a, a_draft, a3.ActionInput(parent_id=iku.unit.id, action="x", unit_of_measure="x",
                                                            target="1", responsible_unit_id=org.bidang.id))
    assert fields(exc)["parent_id"].startswith("Pilih indikator kartu kinerja Pemerintah Provinsi")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == count


def test_a_cascaded_a3_creates_from_the_indicator_above(org, iku, people):
    """The kabid's A3 (eselon III): a new Action's indicator goes on the bidang's card, cascaded from
    an indicator of the OPD's card (his superior's), not from the province."""
    extra = bsc.save_indicator(None, iku.opd.objective, bsc.IndicatorInput(
        code="IKU-05", name="Jumlah aplikasi terintegrasi", unit_of_measure="aplikasi", polarity="max",
        aggregation="sum", weight=1, target=24))
    v = a3.start(people.kabid, 2026, org.kabid.position).latest
    assert [i.id for i in a3.parent_choices(v.agreement)] == [iku.opd.id, extra.id]
    item = a3.save_action(people.kabid, v, a3.ActionInput(
        parent_id=extra.id, action="Jumlah aplikasi bidang terintegrasi", unit_of_measure="aplikasi", target="12",
        responsible_unit_id=org.bidang.id))
    db.session.commit()
    made = db.session.get(Indicator, item.indicator_id)
    assert made.scorecard_id == iku.unit.scorecard_id and made.parent_id == extra.id
    assert (item.q1, item.q2, item.q3, item.q4) == (D(3), D(6), D(9), D(12))
    with pytest.raises(ValidationFailed) as exc:
        a3.save_action(people.kabid, v, a3.ActionInput(parent_id=iku.top.id, action="x", unit_of_measure="x", target="1",
                                                       responsible_unit_id=org.bidang.id))
    assert fields(exc)["parent_id"].startswith("Pilih indikator kartu kinerja Dinas Alfa tahun 2026")
    db.session.rollback()


# ------------------------------------------------------------------ remove and reorder

def test_remove_and_move_keep_the_positions_in_order(a_draft, people):
    texts = [a.commitment for a in a_draft.a3_attitudes]
    last = a_draft.a3_attitudes[-1]
    a3.move(people.op_a, a_draft, "attitude", last, "up")
    db.session.commit()
    assert [r[1] for r in rows(a_draft)[0]] == texts[:2] + [texts[3], texts[2]]
    v = db.session.get(AgreementVersion, a_draft.id)
    first = v.a3_attitudes[0]
    a3.move(people.op_a, v, "attitude", first, "up")            # the first stays first
    a3.move(people.op_a, v, "attitude", v.a3_attitudes[-1], "down")   # the last stays last
    db.session.commit()
    assert [r[1] for r in rows(a_draft)[0]] == texts[:2] + [texts[3], texts[2]]
    v = db.session.get(AgreementVersion, a_draft.id)
    a3.move(people.op_a, v, "attitude", v.a3_attitudes[0], "down")
    a3.remove(people.op_a, v, "attitude", v.a3_attitudes[2])
    db.session.commit()
    assert [r[:2] for r in rows(a_draft)[0]] == [(1, texts[1]), (2, texts[0]), (3, texts[2])]
    with pytest.raises(ValidationFailed):
        a3.move(people.op_a, v, "attitude", v.a3_attitudes[0], "sideways")
    db.session.rollback()
    other = A3Attitude(position=1, commitment="x")
    with pytest.raises(NotFound):
        a3.remove(people.op_a, v, "attitude", other)
    db.session.rollback()


def test_get_item_finds_only_the_versions_own(org, iku, a_draft, people):
    kabid = a3.start(None, 2026, org.kabid.position).latest
    db.session.commit()
    with pytest.raises(NotFound):
        a3.get_item(a_draft, "attitude", kabid.a3_attitudes[0].id)
    with pytest.raises(NotFound):
        a3.get_item(a_draft, "elsewhere", a_draft.a3_attitudes[0].id)
    assert a3.get_item(a_draft, "action", a_draft.a3_actions[0].id) is a_draft.a3_actions[0]


# ------------------------------------------------------------------ frozen

@pytest.mark.parametrize("status", ["submitted", "agreed", "signed", "published"])
def test_no_item_action_on_a_version_that_is_not_a_draft(org, a_draft, people, iku, iku2, scan, status):
    if status == "submitted":
        cs.submit(None, a_draft)
    elif status == "agreed":
        cs.submit(None, a_draft)
        cs.agree(None, a_draft)
    else:
        signed(a_draft, scan)
        if status == "published":
            cs.publish(None, a_draft)
    db.session.commit()
    before = rows(a_draft)
    item, action = a_draft.a3_attitudes[0], a_draft.a3_actions[0]
    for call in (lambda: a3.save_attitude(people.op_a, a_draft, "Lain"),
                 lambda: a3.save_attitude(people.gov, a_draft, "Lain", item=item),
                 lambda: a3.save_attention(people.op_a, a_draft, "Program", "strategis", indicator_id=iku2.id),
                 lambda: a3.save_action(people.op_a, a_draft, a3.ActionInput(
                     indicator_id=iku.opd.id, target="1", responsible_unit_id=org.bidang.id), action),
                 lambda: a3.save_action(people.op_a, a_draft, a3.ActionInput(
                     parent_id=iku2.id, action="x", unit_of_measure="x", target="1", responsible_unit_id=org.bidang.id)),
                 lambda: a3.remove(people.op_a, a_draft, "attitude", item),
                 lambda: a3.move(people.op_a, a_draft, "attitude", item, "down"),
                 lambda: a3.refill(people.op_a, a_draft)):
        with pytest.raises(InvalidTransition):
            call()
        db.session.rollback()
    assert rows(a_draft) == before
    assert db.session.scalar(select(func.count()).select_from(Indicator).where(Indicator.parent_id == iku2.id)) == 0


def test_an_amendment_is_edited_while_the_signed_version_stays(org, a_draft, people, scan):
    signed(a_draft, scan)
    v2 = cs.amend(people.op_a, a_draft.agreement, "priorities", "Prioritas gubernur berubah pada APBD-P.")
    a3.save_attitude(people.op_a, v2, "Komitmen baru pada perubahan.")
    a3.remove(people.op_a, v2, "attitude", v2.a3_attitudes[0])
    db.session.commit()
    assert len(rows(a_draft)[0]) == 4 and len(rows(v2)[0]) == 4
    assert rows(v2)[0][-1][1] == "Komitmen baru pada perubahan."
    assert rows(a_draft)[0][0][1].startswith("Berorientasi pelayanan")


# ------------------------------------------------------------------ printing all

def _agreed(version):
    cs.submit(None, version)
    cs.agree(None, version)


@pytest.fixture
def two_agreed(org, iku, people):
    """OPD A's head and OPD B's head, both agreed (B's card gets an indicator from IKU-01)."""
    bsc.cascade(None, iku.top, [bsc.CascadeTarget(OwnerKind.OPD, org.b.id, 50)])
    a = a3.start(None, 2026, org.a_head.position).latest
    b = a3.start(None, 2026, org.b_head.position).latest
    kabid = a3.start(None, 2026, org.kabid.position).latest
    for v in (a, b, kabid):
        _agreed(v)
    db.session.commit()
    return a, b, kabid


def test_numbers_from_the_pattern(two_agreed, org):
    a, b, kabid = two_agreed
    versions = a3.agreed_versions(2026, None)
    assert versions == sorted([a, b, kabid], key=lambda v: (v.agreement.opd.code, v.agreement.level != Level.GOVERNOR_OPD))
    assert a3.numbers_for(versions, "800/{n}/ORG/{tahun}", 5, 2026) == ["800/5/ORG/2026", "800/6/ORG/2026",
                                                                        "800/7/ORG/2026"]
    assert a3.numbers_for([a, b], "800/{kode}/A3", 1, 2026) == [f"800/{org.a.code}/A3", f"800/{org.b.code}/A3"]
    assert a3.numbers_for([a], "800/{opd_code}/{year}", 1, 2026) == [f"800/{org.a.code}/2026"]   # as the CLI writes
    for pattern, first, message in [("", 1, "wajib diisi"), ("800/ORG", 1, "harus memuat {n}"),
                                    ("800/{nomor}/{n}", 1, "bukan {nomor}"), ("{n}", 0, "harus 1 atau lebih"),
                                    ("{kode}", 1, "dipakai dua kali"), ("{n}/" + "x" * 70, 1, "lebih dari 64")]:
        with pytest.raises(ValidationFailed) as exc:
            a3.numbers_for(versions, pattern, first, 2026)
        assert message in " ".join(fields(exc).values()), pattern


def test_print_all_by_the_governor_office_only(two_agreed, people):
    for who in (people.op_a, people.admin, people.auditor, people.a_head):
        with pytest.raises(PermissionDenied):
            a3.print_all(who, 2026, "{n}", 1, PRINTED, SIGNING, "Mataram", "A3")
        db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AgreementVersion)
                             .where(AgreementVersion.status == VersionStatus.PRINTED)) == 0


def test_print_all_prints_the_level_chosen(two_agreed, people):
    a, b, kabid = two_agreed
    printed = a3.print_all(people.gov, 2026, "800/{n}/ORG/2026", 1, PRINTED, SIGNING, "Mataram", "A3")
    db.session.commit()
    assert printed == sorted([a, b], key=lambda v: v.agreement.opd.code)
    assert [v.print_number for v in printed] == ["800/1/ORG/2026", "800/2/ORG/2026"]
    assert kabid.status == VersionStatus.AGREED
    assert a3.printed_versions(2026) == printed
    printed = a3.print_all(people.gov, 2026, "800/{n}/ORG/2026", 3, PRINTED, SIGNING, "Mataram", "A4", level=None)
    db.session.commit()
    assert printed == [kabid] and (kabid.print_number, kabid.printed_paper) == ("800/3/ORG/2026", "A4")
    with pytest.raises(ValidationFailed, match="Tidak ada perjanjian A3"):
        a3.print_all(people.gov, 2026, "{n}", 1, PRINTED, SIGNING, "Mataram", "A3", level=None)


def test_print_all_is_all_or_nothing(two_agreed, people, org):
    """B's head left his post before the signing day: nothing is printed; the dates' error is
    said once, the vacancy names its OPD."""
    from ekinerja.org.services import release_position

    release_position(None, org.b_head, date(2026, 1, 31))
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        a3.print_all(people.gov, 2026, "{n}", 1, PRINTED, SIGNING, "Mataram", "A3")
    db.session.rollback()
    [detail] = exc.value.details
    assert detail["field"] == "signing_date" and detail["message"].startswith("Badan Beta: Tidak ada pejabat")
    with pytest.raises(ValidationFailed) as exc:
        a3.print_all(people.gov, 2026, "{n}", 1, PRINTED, date(2026, 1, 1), "Mataram", "B5")
    db.session.rollback()
    assert exc.value.details == [
        {"field": "signing_date", "message": "Tanggal penandatanganan tidak boleh sebelum tanggal cetak."},
        {"field": "paper", "message": "Ukuran kertas harus A3 atau A4."}]
    assert db.session.scalar(select(func.count()).select_from(AgreementVersion)
                             .where(AgreementVersion.status == VersionStatus.PRINTED)) == 0


def test_zip_and_file_names(two_agreed, people):
    import io
    import zipfile

    a, b, kabid = two_agreed
    with pytest.raises(NotFound):
        a3.zip_printed(2026)
    a3.print_all(people.gov, 2026, "800/{n}/ORG/2026", 1, PRINTED, SIGNING, "Mataram", "A3", level=None)
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(a3.zip_printed(2026)))
    assert a3.file_name(a) == f"a3-2026-{a.agreement.opd.code}-governor_opd-v1.pdf"
    assert a3.file_name(kabid) == f"a3-2026-{a.agreement.opd.code}-opd_eselon3-j{kabid.agreement.first_position_id}-v1.pdf"
    assert sorted(archive.namelist()) == sorted([a3.file_name(v) for v in (a, b, kabid)] + ["daftar-berkas.csv"])


def test_quarterly_targets_by_aggregation(iku, iku2):
    assert a3.quarterly_targets(iku.top) == [D(30), D(60), D(90), D(120)]        # sum: T·m/12
    assert a3.quarterly_targets(iku2) == [D(85)] * 4                             # last: the target
    assert a3.quarterly_targets(iku.top, D(100)) == [D(25), D(50), D(75), D(100)]


def test_removing_every_action_then_filling_again(a_draft, people):
    """Removing the last Action leaves none (the version can be filled again from the scorecard)."""
    a3.remove(people.op_a, a_draft, "action", a_draft.a3_actions[0])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(A3Action).where(A3Action.version_id == a_draft.id)) == 0
    assert a3.refill(people.op_a, a_draft) == {"attitudes": 0, "attentions": 0, "actions": 1}
