"""The lifecycle shared by A3 and PK (domain.md §5, §6), shown on a Perjanjian Kinerja: every step
by the right person only, a signed version frozen by every path, amendments as new versions."""
from __future__ import annotations

import hashlib
import re
from datetime import date
from decimal import Decimal as D

import pytest

from ekinerja import storage
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import AgreementVersion, DocumentKind, Level, PkProgramme, VersionStatus
from ekinerja.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from tests.contracts.conftest import SIGNING


@pytest.fixture
def pk_a(org, iku, people):
    agreement = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position)
    version = agreement.latest
    pk.generate_targets(version)
    pk.save_programme(version, "Program Transformasi Digital", "1.250.000.000", "APBD")
    db.session.commit()
    return agreement


def to_signed(version, people, scan):
    cs.submit(people.op_a, version)
    cs.agree(people.gov, version)
    cs.print_(people.gov, version, "800/12/ORG/2026", date(2026, 1, 30), SIGNING)
    cs.record_signing(people.gov, version, scan, "pk.pdf", SIGNING)
    db.session.commit()


def test_levels_and_parties(org, pk_a, people):
    assert pk_a.level == Level.GOVERNOR_OPD and pk_a.second_position is None
    kabid = cs.create(people.op_a, DocumentKind.PK, 2026, org.kabid.position)
    assert kabid.level == Level.OPD_ESELON3 and kabid.second_position is org.a_head.position
    staff = cs.create(people.op_a, DocumentKind.PK, 2026, org.staff1.position)
    assert staff.level == Level.ESELON4_STAFF
    with pytest.raises(ValidationFailed):
        cs.create(people.op_a, DocumentKind.A3, 2026, org.staff1.position)
    with pytest.raises(PermissionDenied):
        cs.create(people.op_b, DocumentKind.PK, 2026, org.kabid.position)


def test_targets_come_from_the_scorecard(pk_a, iku):
    [row] = pk_a.latest.pk_targets
    assert (row.indicator, row.target, row.q1, row.q4) == (iku.opd.name, D("120"), D("30"), D("120"))


def test_the_whole_way_and_the_frozen_version(pk_a, people, scan, today):
    v = pk_a.latest
    with pytest.raises(PermissionDenied):
        cs.submit(people.op_b, v)
    cs.submit(people.op_a, v)
    for user in (people.op_a, people.a_head, people.kabid):
        with pytest.raises(PermissionDenied):
            cs.agree(user, v)
    with pytest.raises(ValidationFailed):
        cs.return_(people.gov, v, " ")
    cs.return_(people.gov, v, "Tambahkan program")
    with pytest.raises(InvalidTransition):
        cs.agree(people.gov, v)
    cs.submit(people.op_a, v)
    cs.agree(people.gov, v)
    with pytest.raises(PermissionDenied):
        cs.print_(people.op_a, v, "1", date(2026, 1, 30), SIGNING)
    pdf = cs.print_(people.gov, v, "800/12/ORG/2026", date(2026, 1, 30), SIGNING)
    assert v.status == VersionStatus.PRINTED and v.printed_sha256 == hashlib.sha256(pdf).hexdigest()
    assert v.first_name == "Kepala Alfa" and v.second_title == "Gubernur Nusa Tenggara Barat"
    assert storage.read(v.printed_key) == pdf
    cs.record_signing(people.gov, v, scan, "pk.pdf", SIGNING)
    cs.publish(people.gov, v)
    db.session.commit()
    assert v.status == VersionStatus.PUBLISHED
    # Frozen by every path: the services, and the flush guard for anything else.
    with pytest.raises(InvalidTransition):
        pk.save_programme(v, "Lain", "1", None)
    db.session.rollback()
    v.pk_programmes[0].budget = D("1")
    with pytest.raises(InvalidTransition):
        db.session.flush()
    db.session.rollback()
    v.print_number = "lain"
    with pytest.raises(InvalidTransition):
        db.session.flush()
    db.session.rollback()
    db.session.add(PkProgramme(version_id=v.id, position=9, programme="x", budget=D("1")))
    with pytest.raises(InvalidTransition):
        db.session.flush()
    db.session.rollback()
    assert [p.budget for p in v.pk_programmes] == [D("1250000000")]


def test_amendment_is_a_new_version_with_a_reason(pk_a, people, scan, today):
    to_signed(pk_a.latest, people, scan)
    with pytest.raises(ValidationFailed):
        cs.amend(people.op_a, pk_a, None, "")
    v2 = cs.amend(people.op_a, pk_a, "program_budget", "Anggaran perubahan APBD 2026")
    db.session.commit()
    assert v2.number == 2 and v2.status == VersionStatus.DRAFT
    assert [p.programme for p in v2.pk_programmes] == ["Program Transformasi Digital"]
    pk.save_programme(v2, "Program Transformasi Digital", "1.500.000.000", "APBD-P", row=v2.pk_programmes[0])
    diff = {d.name: d for d in cs.compare(pk_a.versions[0], v2)}
    assert diff["Program dan anggaran"].changed and not diff["Indikator kinerja"].changed
    with pytest.raises(InvalidTransition):
        cs.amend(people.op_a, pk_a, "priorities", "Perubahan kedua sebelum yang pertama ditandatangani")


def test_verification(pk_a, people, scan, today):
    v = pk_a.latest
    assert cs.verify(v.verification_code).version is None  # not printed yet: nothing to verify
    to_signed(v, people, scan)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", v.verification_code)
    assert cs.verify(v.verification_code.lower()).version is v
    assert cs.verify(v.verification_code, storage.read(v.printed_key)).matches == "printed"
    assert cs.verify(v.verification_code, scan).matches == "scan"
    assert cs.verify(v.verification_code, b"%PDF-1.4 lain").matches is None
    assert cs.verify("AAAA-BBBB-CCCC-DDDD").version is None
