"""The workflow services of domain.md §4: who enters and who decides each kind of scorecard, every
transition, and every refusal — each refusal leaving the stored realisation exactly as it was."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from ekinerja import storage
from ekinerja.bsc import services as bsc
from ekinerja.bsc.cascade import scorecard_figures
from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus
from ekinerja.errors import Conflict, InvalidTransition, Locked, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.services import release_position
from ekinerja.realisations import approvers, periods
from ekinerja.realisations import services as rs
from ekinerja.realisations.evidence import sniff
from ekinerja.realisations.models import Evidence, Notification, NotificationKind

APRIL, MARCH = 4, 3


def stored(realisation_id: int) -> tuple:
    """The row as the database holds it now (after the edge rolled a refusal back)."""
    db.session.rollback()
    db.session.expire_all()
    r = db.session.get(Realisation, realisation_id)
    return (r.value, r.status, r.version, r.note, r.reason, r.follow_up, r.return_comment, len(r.evidence))


def refused(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    return info.value


def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Bukti kegiatan")
    c.save()
    return buf.getvalue()


def office_bytes(kind: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return buf.getvalue()


@pytest.fixture
def draft(iku, people):
    """staff1's April value, green (60/12·4 = 20 is the target at April; 25 is above it)."""
    r = rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="25", note="Empat layanan baru"))
    db.session.commit()
    return r


@pytest.fixture
def submitted(draft, people):
    rs.submit(people.staff1, draft, draft.version)
    db.session.commit()
    return draft


# ------------------------------------------------------------------ who enters, who decides

def test_approver_of_each_kind_of_scorecard(org, iku, people):
    def card(kind, owner=None):
        return bsc.ensure_scorecard(None, 2026, kind, owner)

    staff_card, kabid_card, head_card = iku.s1.scorecard, card(OwnerKind.EMPLOYEE, org.kabid), card(OwnerKind.EMPLOYEE, org.a_head)
    bidang_card, opd_card, prov = iku.unit.scorecard, iku.opd.scorecard, iku.prov
    kabid_post, head_post = org.kabid.position, org.a_head.position
    assert approvers.approver_post(staff_card) is kabid_post
    assert approvers.approver_post(kabid_card) is head_post
    assert approvers.approver_post(head_card) == approvers.GOVERNOR_OFFICE
    assert approvers.approver_post(bidang_card) is head_post
    assert approvers.approver_post(opd_card) is head_post
    assert approvers.approver_post(prov) == approvers.GOVERNOR_OFFICE
    assert approvers.can_decide(people.kabid, staff_card) and not approvers.can_decide(people.a_head, staff_card)
    assert approvers.can_decide(people.gov, head_card) and not approvers.can_decide(people.kabid, head_card)
    assert not approvers.can_decide(people.admin, staff_card)
    assert not approvers.can_decide(people.op_a, opd_card)


def test_a_vacant_superior_post_passes_to_the_head_above(org, iku, people):
    release_position(None, org.kabid, date(2026, 4, 30))
    db.session.commit()
    assert approvers.approver_post(iku.s1.scorecard) is org.a_head.position
    assert approvers.can_decide(people.a_head, iku.s1.scorecard)


def test_who_may_enter(org, iku, people):
    card = iku.s1.scorecard
    allowed = {"staff1", "kabid", "a_head", "op_a"}
    for name in ("staff1", "staff2", "kabid", "a_head", "b_head", "b_staff", "op_a", "op_b", "gov", "admin", "auditor"):
        assert approvers.can_enter(getattr(people, name), card) == (name in allowed), name
    assert approvers.can_enter(people.gov, iku.prov) and not approvers.can_enter(people.op_a, iku.prov)
    assert approvers.can_enter(people.op_a, iku.opd.scorecard) and not approvers.can_enter(people.op_b, iku.opd.scorecard)


def test_inboxes_follow_the_organisation(org, iku, people, make_position, make_employee):
    head_card = bsc.ensure_scorecard(None, 2026, OwnerKind.EMPLOYEE, org.a_head)
    obj = bsc.save_objective(None, head_card, "S1", "stakeholder", "Sasaran")
    head_ind = bsc.save_indicator(None, obj, bsc.IndicatorInput(
        code="IKI-1", name="Kinerja kepala", unit_of_measure="%", polarity="max", aggregation="last", weight=1,
        target=100))
    prov_obj = iku.top.objective
    prov_manual = bsc.save_indicator(None, prov_obj, bsc.IndicatorInput(
        code="IKU-02", name="Indeks", unit_of_measure="indeks", polarity="max", aggregation="last", weight=1, target=70))
    db.session.commit()
    mine = rs.save_and_submit(people.staff1, iku.s1, APRIL, rs.Entry(value="25"))
    theirs = rs.save_and_submit(people.staff2, iku.s2, APRIL, rs.Entry(value="25"))
    head = rs.save_and_submit(people.a_head, head_ind, APRIL, rs.Entry(value="100"))
    prov = rs.save_and_submit(people.gov, prov_manual, APRIL, rs.Entry(value="71"))
    db.session.commit()
    ids = lambda user: sorted(r.id for r in rs.inbox(user))  # noqa: E731
    assert ids(people.kabid) == sorted([mine.id, theirs.id])
    assert ids(people.a_head) == []
    assert ids(people.gov) == sorted([head.id, prov.id])
    assert ids(people.staff1) == ids(people.b_head) == ids(people.op_a) == []
    assert rs.inbox(people.kabid, year=2026, month=MARCH) == []


# ------------------------------------------------------------------ the whole way

def test_draft_submit_return_correct_resubmit_approve(iku, people, draft):
    assert (draft.status, draft.version, draft.value) == (RealisationStatus.DRAFT, 1, D("25"))
    rs.submit(people.staff1, draft, 1)
    rs.return_(people.kabid, draft, 2, "Lampirkan daftar hadir")
    db.session.commit()
    assert (draft.status, draft.return_comment, draft.version) == (RealisationStatus.RETURNED, "Lampirkan daftar hadir", 3)
    rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="26", note="Dengan daftar hadir"), version=3)
    assert draft.status == RealisationStatus.DRAFT
    rs.submit(people.staff1, draft, 4)
    rs.approve(people.kabid, draft, 5)
    db.session.commit()
    assert (draft.status, draft.value, draft.version, draft.decided_by_id) == (
        RealisationStatus.APPROVED, D("26"), 6, people.kabid.id)
    kinds = [n.kind for n in db.session.scalars(select(Notification).order_by(Notification.id))]
    assert kinds == [NotificationKind.SUBMITTED, NotificationKind.RETURNED, NotificationKind.SUBMITTED,
                     NotificationKind.APPROVED]


def test_saving_the_same_again_changes_no_version(iku, people, draft):
    rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="25,0", note="Empat layanan baru"), version=1)
    db.session.commit()
    assert draft.version == 1


def test_official_scores_count_approved_values_only(iku, people, submitted):
    figures = lambda: scorecard_figures(iku.s1.scorecard, APRIL).nodes[iku.s1.id].figures  # noqa: E731
    assert figures().realisation is None
    rs.approve(people.kabid, submitted, submitted.version)
    db.session.commit()
    assert figures().realisation == D("25") and figures().colour.value == "green"


def test_approve_many_is_all_or_nothing(iku, people, submitted):
    other = rs.save_and_submit(people.staff2, iku.s2, APRIL, rs.Entry(value="30"))
    db.session.commit()
    before = stored(other.id)
    exc = refused(Conflict, rs.approve_many, people.kabid, [(other.id, other.version), (submitted.id, 99)])
    assert "Tidak ada yang disetujui" in exc.message
    assert stored(other.id) == before
    rs.approve_many(people.kabid, [(other.id, other.version), (submitted.id, submitted.version)])
    db.session.commit()
    assert {stored(other.id)[1], stored(submitted.id)[1]} == {RealisationStatus.APPROVED}


# ------------------------------------------------------------------ refusals change nothing

def test_wrong_person_cannot_enter_submit_or_decide(iku, people, draft):
    before = stored(draft.id)
    refused(PermissionDenied, rs.save, people.staff2, iku.s1, APRIL, rs.Entry(value="1"), version=1)
    refused(PermissionDenied, rs.save, people.b_staff, iku.s1, APRIL, rs.Entry(value="1"), version=1)
    refused(PermissionDenied, rs.save, people.op_b, iku.s1, APRIL, rs.Entry(value="1"), version=1)
    refused(PermissionDenied, rs.submit, people.staff2, draft, 1)
    assert stored(draft.id) == before
    rs.submit(people.staff1, draft, 1)
    db.session.commit()
    before = stored(draft.id)
    for user in (people.staff1, people.staff2, people.a_head, people.b_head, people.op_a, people.gov, people.admin):
        refused(PermissionDenied, rs.approve, user, draft, 2)
        refused(PermissionDenied, rs.return_, user, draft, 2, "tidak")
    assert stored(draft.id) == before


def test_stale_version_is_a_conflict(iku, people, draft):
    before = stored(draft.id)
    refused(Conflict, rs.save, people.staff1, iku.s1, APRIL, rs.Entry(value="99"), version=0)
    refused(Conflict, rs.save, people.staff1, iku.s1, APRIL, rs.Entry(value="99"), version=None)
    refused(Conflict, rs.submit, people.staff1, draft, 7)
    assert stored(draft.id) == before


def test_closed_month_refuses_everything_and_keeps_what_it_had(iku, people, submitted, today):
    before = stored(submitted.id)
    today(date(2026, 5, 11))  # April closed on 10 May
    exc = refused(Locked, rs.approve, people.kabid, submitted, submitted.version)
    assert "ditutup pada 10 Mei 2026" in exc.message
    refused(Locked, rs.return_, people.kabid, submitted, submitted.version, "perbaiki")
    refused(Locked, rs.save, people.staff2, iku.s2, APRIL, rs.Entry(value="1"))
    assert stored(submitted.id) == before


def test_locked_month_and_reopening_for_named_opds(org, iku, people, draft):
    periods.lock(people.admin, 2026, APRIL)
    db.session.commit()
    before = stored(draft.id)
    exc = refused(Locked, rs.submit, people.staff1, draft, 1)
    assert "dikunci" in exc.message
    assert stored(draft.id) == before
    periods.reopen(people.admin, 2026, APRIL, [org.b], "Koreksi data BPS yang terlambat", date(2026, 5, 20))
    db.session.commit()
    refused(Locked, rs.submit, people.staff1, draft, 1)  # reopened for B, not for A
    periods.reopen(people.admin, 2026, APRIL, [org.a], "Koreksi data BPS yang terlambat", date(2026, 5, 20))
    db.session.commit()
    rs.submit(people.staff1, draft, 1)
    db.session.commit()
    assert draft.status == RealisationStatus.SUBMITTED


def test_a_month_that_has_not_begun_is_not_open(iku, people):
    exc = refused(Locked, rs.save, people.staff1, iku.s1, 6, rs.Entry(value="1"))
    assert "belum dimulai" in exc.message


def test_red_needs_reason_and_follow_up_before_submission(iku, people):
    r = rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="5"))  # 5 of 20: 25%
    db.session.commit()
    assert rs.is_red(rs.figures_with(iku.s1, APRIL, r.value))
    exc = refused(ValidationFailed, rs.submit, people.staff1, r, 1)
    assert {d["field"] for d in exc.details} == {"reason", "follow_up"}
    assert stored(r.id)[1:3] == (RealisationStatus.DRAFT, 1)
    rs.save(people.staff1, iku.s1, APRIL, rs.Entry(value="5", reason="Server down", follow_up="Migrasi"), version=1)
    rs.submit(people.staff1, r, 2)
    db.session.commit()
    assert r.status == RealisationStatus.SUBMITTED


def test_submitted_and_approved_values_cannot_be_edited(iku, people, submitted):
    before = stored(submitted.id)
    refused(InvalidTransition, rs.save, people.staff1, iku.s1, APRIL, rs.Entry(value="1"), version=submitted.version)
    refused(InvalidTransition, rs.submit, people.staff1, submitted, submitted.version)
    assert stored(submitted.id) == before
    rs.approve(people.kabid, submitted, submitted.version)
    db.session.commit()
    before = stored(submitted.id)
    refused(InvalidTransition, rs.approve, people.kabid, submitted, submitted.version)
    refused(InvalidTransition, rs.return_, people.kabid, submitted, submitted.version, "ulang")
    assert stored(submitted.id) == before


def test_return_needs_a_comment(people, submitted):
    before = stored(submitted.id)
    exc = refused(ValidationFailed, rs.return_, people.kabid, submitted, submitted.version, "   ")
    assert exc.details[0]["field"] == "comment"
    assert stored(submitted.id) == before


def test_values_computed_from_children_are_not_entered(iku, people):
    exc = refused(ValidationFailed, rs.save, people.gov, iku.top, APRIL, rs.Entry(value="1"))
    assert "dihitung" in exc.message
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0


@pytest.mark.parametrize("raw, expected", [("12.5", D("12.5")), ("12,5", D("12.5")), ("1.234,5", D("1234.5")),
                                           ("-3", D("-3")), ("1.250.000", D("1250000")), (" 7 ", D("7")), ("", None), (None, None)])
def test_values_as_people_type_them(raw, expected):
    assert rs.parse_value(raw) == expected


@pytest.mark.parametrize("raw", ["dua", "1,2,3", "1e400", "NaN", "0.00001", "Infinity"])
def test_bad_values_are_refused_by_field(raw):
    exc = refused(ValidationFailed, rs.parse_value, raw)
    assert exc.details[0]["field"] == "value"


def test_bad_texts_refused_and_nothing_saved(iku, people):
    exc = refused(ValidationFailed, rs.save, people.staff1, iku.s1, APRIL,
                  rs.Entry(value="abc", note="x" * 5000))
    assert {d["field"] for d in exc.details} == {"value", "note"}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0


# ------------------------------------------------------------------ evidence

@pytest.mark.parametrize("data, ext", [(b"%PDF-1.4\n...", "pdf"), (b"\x89PNG\r\n\x1a\n....", "png"),
                                       (b"\xff\xd8\xff\xe0....", "jpg")])
def test_types_come_from_the_content(data, ext):
    assert sniff(data).extension == ext


def test_office_files_are_recognised_by_their_parts():
    assert sniff(office_bytes("xlsx")).extension == "xlsx"
    assert sniff(office_bytes("docx")).extension == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("virus.exe", "MZ")
    assert sniff(buf.getvalue()) is None
    assert sniff(b"PK\x03\x04 not a zip") is None


def test_evidence_is_stored_under_a_random_name_and_read_back(app, iku, people, draft):
    data = pdf_bytes()
    ev = rs.add_evidence(people.staff1, draft, data, "../../laporan april.pdf", 1)
    db.session.commit()
    assert ev.original_name == "laporan april.pdf" and ev.content_type == "application/pdf"
    assert "laporan" not in ev.storage_key and storage.path_of(ev.storage_key).read_bytes() == data
    assert draft.version == 2
    assert rs.evidence_file(people.kabid, ev) == data
    assert rs.evidence_file(people.auditor, ev) == data
    refused(PermissionDenied, rs.evidence_file, people.staff2, ev)
    refused(PermissionDenied, rs.evidence_file, people.b_head, ev)
    rs.remove_evidence(people.staff1, ev, 2)
    db.session.commit()
    assert not storage.path_of(ev.storage_key).exists()
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_a_renamed_file_is_refused_and_nothing_is_kept(app, iku, people, draft):
    before = stored(draft.id)
    files_before = sorted(p for p in storage.root().rglob("*") if p.is_file()) if storage.root().exists() else []
    exc = refused(ValidationFailed, rs.add_evidence, people.staff1, draft, b"MZ\x90\x00 program", "bukti.pdf", 1)
    assert "bukan PDF, JPG, PNG, XLSX atau DOCX" in exc.details[0]["message"]
    assert stored(draft.id) == before
    after = sorted(p for p in storage.root().rglob("*") if p.is_file()) if storage.root().exists() else []
    assert after == files_before


def test_too_big_a_file_is_refused(app, iku, people, draft):
    app.config["EVIDENCE_MAX_BYTES"], limit = 1024 * 1024, app.config["EVIDENCE_MAX_BYTES"]
    try:
        exc = refused(ValidationFailed, rs.add_evidence, people.staff1, draft,
                      b"%PDF-1.4\n" + b"0" * (1024 * 1024), "besar.pdf", 1)
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = limit
    assert "melebihi 1 MB" in exc.details[0]["message"]
    assert stored(draft.id)[-1] == 0


def test_a_file_written_for_a_rolled_back_change_is_removed(app, iku, people, draft):
    ev = rs.add_evidence(people.staff1, draft, pdf_bytes(), "a.pdf", 1)
    path = storage.path_of(ev.storage_key)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()


def test_no_evidence_once_submitted(iku, people, submitted):
    before = stored(submitted.id)
    refused(InvalidTransition, rs.add_evidence, people.staff1, submitted, pdf_bytes(), "a.pdf", submitted.version)
    assert stored(submitted.id) == before


def test_an_indicator_with_submitted_values_cannot_be_deleted(iku, people, submitted):
    exc = refused(ValidationFailed, bsc.delete_indicator, None, iku.s1)
    assert "1 realisasi yang diajukan atau disetujui" in exc.message
    assert stored(submitted.id)[1] == RealisationStatus.SUBMITTED
