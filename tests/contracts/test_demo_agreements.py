"""The demo's agreements (ekinerja/demo/agreements.py): the three demo OPDs' A3s and PKs of the demo
year in the states of a real year, one published (its code printed by `flask demo load`), one
amended. Loading twice is covered by tests/test_demo.py::test_demo_load_twice_changes_nothing."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from ekinerja import storage
from ekinerja.contracts.models import Agreement, AmendmentReason, DocumentKind, Level, VersionStatus as S
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.demo.scorecards import DEMO_YEAR
from ekinerja.extensions import db
from ekinerja.org.models import Opd


def test_the_demo_agreements_in_every_state(ctx, runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    agreements = db.session.scalars(select(Agreement).join(Opd, Agreement.opd_id == Opd.id)
                                    .where(Agreement.year == DEMO_YEAR)).all()
    states = {(a.kind, a.opd.code, a.level): [v.status for v in a.versions] for a in agreements}
    top = Level.GOVERNOR_OPD
    assert states[(DocumentKind.A3, DINKES, top)] == [S.PUBLISHED]
    assert states[(DocumentKind.A3, KOMINFO, top)] == [S.SIGNED, S.DRAFT]
    assert states[(DocumentKind.A3, BAPPEDA, top)] == [S.SUBMITTED]
    assert states[(DocumentKind.PK, DINKES, top)] == [S.SIGNED]
    assert states[(DocumentKind.PK, KOMINFO, top)] == [S.PRINTED]
    assert states[(DocumentKind.PK, BAPPEDA, top)] == [S.AGREED]
    below = [s for (kind, _, level), s in states.items() if kind == DocumentKind.PK and level == Level.OPD_ESELON3]
    assert [S.DRAFT] in below and [S.SUBMITTED] in below

    by_key = {(a.kind, a.opd.code, a.level): a for a in agreements}
    amended = by_key[(DocumentKind.A3, KOMINFO, top)]
    v1, v2 = amended.versions
    assert v2.amendment_reason == AmendmentReason.PROGRAM_BUDGET and v2.amendment_note
    assert [a.budget for a in v1.a3_actions] != [a.budget for a in v2.a3_actions]  # what the amendment changed
    for agreement in agreements:
        version = agreement.latest
        assert version.a3_actions if agreement.kind == DocumentKind.A3 else version.pk_targets, agreement.opd.name
    # the printed ones: numbered, their PDF and scan in storage with the hashes recorded
    issued = [v for a in agreements for v in a.versions if v.status in (S.PRINTED, S.SIGNED, S.PUBLISHED)]
    assert len(issued) == 4  # two A3s, two PKs
    for version in issued:
        assert re.fullmatch(r"(A3|PK)/\d{3}/[\d.]+/2026", version.print_number)
        assert hashlib.sha256(storage.read(version.printed_key)).hexdigest() == version.printed_sha256
        if version.scan_key:
            scan = storage.read(version.scan_key)
            assert scan.startswith(b"%PDF") and hashlib.sha256(scan).hexdigest() == version.scan_sha256

    # the summary names a code to try, and the public page confirms it
    published = by_key[(DocumentKind.A3, DINKES, top)].latest
    url = re.search(r"Verifikasi dokumen \(tanpa masuk\): \S+(/verifikasi/\S+)", result.output).group(1)
    assert url == f"/verifikasi/{published.verification_code}"
    page = client.get(url)
    assert page.status_code == 200 and "Dipublikasikan" in page.get_data(as_text=True)
    assert client.get(f"{url}/dokumen.pdf").data == storage.read(published.printed_key)
