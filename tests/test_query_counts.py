"""No key page's query count grows with the number of employees or indicators it shows (issue 7):
each page is fetched with a bidang of a few staff, then again after as many more staff (each with a
cascaded indicator and four months of values) have joined, and both fetches must take the same
number of statements. "Today" is 4 May 2026 (tests/realisations/conftest.py)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from ekinerja import memo
from ekinerja.bsc import services
from ekinerja.bsc.models import OwnerKind, RealisationStatus, Rollup
from ekinerja.extensions import db
from tests.conftest import PASSWORD
from tests.realisations.conftest import iku, people, realise, today  # noqa: F401  (shared fixtures)

STAFF_PER_STEP = 6


@contextmanager
def counted():
    hits = []

    def listen(conn, cursor, statement, *args):
        hits.append(statement)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield hits
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def _more_staff(org, iku, make_position, make_employee, realise, n: int) -> None:
    """n more staff in the bidang, each carrying a share of the bidang's indicator, with January–
    April approved and May submitted (waiting in the kabid's inbox)."""
    targets = []
    for _ in range(n):
        employee = make_employee(make_position(org.bidang))
        targets.append(services.CascadeTarget(OwnerKind.EMPLOYEE, employee.id, 10))
    for child in services.cascade(None, iku.unit, targets):
        for month in range(1, 5):
            realise(child, month, 3)
        realise(child, 5, 3, RealisationStatus.SUBMITTED)
    db.session.commit()


def _pages(org, iku, people) -> list[tuple[str, str]]:
    """(who, address) of the pages issue 7 measures."""
    opd_card = iku.opd.scorecard_id
    return [
        (people.gov.username, "/review/?tahun=2026&bulan=4"),
        (people.gov.username, f"/kinerja/indikator/{iku.top.id}/pohon?bulan=4"),
        (people.gov.username, f"/kinerja/indikator/{iku.unit.id}/pohon/anak?bulan=4"),
        (people.kabid.username, f"/kinerja/indikator/{iku.unit.id}/pohon/anak?bulan=4&sementara=1"),
        (people.gov.username, f"/review/telusur/{iku.top.id}?bulan=4"),
        (people.op_a.username, f"/kinerja/kartu/{opd_card}?bulan=4"),
        (people.staff1.username, "/realisasi/?tahun=2026&bulan=4"),
        (people.kabid.username, "/realisasi/persetujuan"),
        ("", "/sakip?year=2026"),
        ("", f"/sakip/opd/{org.a.code}?year=2026"),
        ("", "/api/public/v1/sakip/2026"),
    ]


def _count_all(client, pages) -> dict[str, int]:
    counts = {}
    for who, path in pages:
        client.post("/keluar")
        if who:
            assert client.post("/masuk", data={"login": who, "password": PASSWORD}).status_code == 302
        db.session.expire_all()
        memo.forget()  # count the page computed, not remembered (ekinerja.memo)
        with counted() as hits:
            r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        counts[path] = len(hits)
    return counts


def test_no_page_grows_with_the_staff_it_shows(client, org, iku, people, realise, make_position, make_employee):
    iku.opd.rollup = iku.unit.rollup = Rollup.CHILDREN_SUM
    db.session.commit()
    _more_staff(org, iku, make_position, make_employee, realise, STAFF_PER_STEP)
    pages = _pages(org, iku, people)
    _count_all(client, pages)  # warm whatever is read once per process
    small = _count_all(client, pages)
    _more_staff(org, iku, make_position, make_employee, realise, STAFF_PER_STEP * 2)
    double = _count_all(client, pages)
    grown = {path: (small[path], double[path]) for path in small if double[path] != small[path]}
    assert not grown, f"statements (with {STAFF_PER_STEP} staff, then {STAFF_PER_STEP * 3}): {grown}"


def test_kinerja_saya_does_not_grow_with_the_indicators_it_shows(client, org, iku, people, realise):
    """A staff member's own card: one indicator, then four more with monthly targets and values."""
    from ekinerja.bsc.models import Indicator

    def count() -> int:
        client.post("/keluar")
        assert client.post("/masuk", data={"login": people.staff1.username, "password": PASSWORD}).status_code == 302
        db.session.expire_all()
        memo.forget()
        with counted() as hits:
            assert client.get("/realisasi/?tahun=2026&bulan=4").status_code == 200
        return len(hits)

    realise(iku.s1, 1, 3)
    db.session.commit()
    count()  # warm whatever is read once per process
    one = count()
    objective = db.session.get(Indicator, iku.s1.id).objective
    for n in range(4):
        ind = services.save_indicator(None, objective, services.IndicatorInput(
            code=f"IKI-{n}", name=f"Indikator {n}", unit_of_measure="dokumen", polarity="max",
            aggregation="sum", weight=1, target=12, monthly_targets=[1] * 12))
        for month in range(1, 4):
            realise(ind, month, 1)
    db.session.commit()
    assert count() == one
