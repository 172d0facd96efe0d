"""The atasan langsung of domain.md §2: head of the unit, or of the unit above for a unit head."""
from ekinerja.extensions import db
from ekinerja.org.models import PositionKind
from ekinerja.org.services import approver_of, superior_position


def test_staff_answer_to_their_unit_head_and_heads_to_the_unit_above(org):
    assert superior_position(org.staff1.position) == org.kabid.position
    assert approver_of(org.staff1.position) == org.kabid
    assert superior_position(org.kabid.position) == org.a_head.position
    assert approver_of(org.kabid.position) == org.a_head


def test_opd_head_answers_to_the_governor(org):
    assert superior_position(org.a_head.position) is None
    assert approver_of(org.a_head.position) is None


def test_a_unit_without_head_passes_up_to_the_next_head(org, make_unit, make_position):
    seksi = make_unit(org.bidang, "Seksi Tanpa Kepala")
    post = make_position(seksi, "Analis Seksi", PositionKind.FUNGSIONAL)
    db.session.commit()
    assert superior_position(post) == org.kabid.position


def test_vacant_superior_post_has_no_approver(org):
    from datetime import date
    from ekinerja.org.services import release_position

    release_position(None, org.kabid, date(2026, 1, 31))
    db.session.commit()
    assert superior_position(org.staff1.position) == org.bidang.head_position
    assert approver_of(org.staff1.position) is None
