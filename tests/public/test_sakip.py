"""Public E-SAKIP (no login): the pages /sakip and /sakip/opd/<code> and /api/public/v1. Figures are
the cascade's official ones (approved values only); a draft, submitted or returned value and an
unpublished agreement never show anywhere; an approved value shows at once; ETag → 304; CSV."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest

from ekinerja.bsc.cascade import scorecard_figures, scorecards_nko
from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus, Scorecard
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.models import DocumentKind
from ekinerja.extensions import db
from ekinerja.public import sakip
from tests.contracts.conftest import SIGNING, iku, people, realise, scan, today  # noqa: F401
from tests.test_access import PUBLIC_RULES

# Distinctive values that only unofficial realisations carry: none may appear in any answer.
HIDDEN = {RealisationStatus.DRAFT: "4321.77", RealisationStatus.SUBMITTED: "5432.66",
          RealisationStatus.RETURNED: "6543.55"}
APPROVED = "11"
PRINT_DAY = date(2026, 1, 30)


def pages(org) -> list[str]:
    code = org.a.code
    return ["/sakip?year=2026", f"/sakip/opd/{code}?year=2026",
            "/api/public/v1/sakip/2026", "/api/public/v1/sakip/2026.csv",
            f"/api/public/v1/sakip/2026/opd/{code}", f"/api/public/v1/sakip/2026/opd/{code}.csv",
            "/api/public/v1/documents?year=2026", "/api/public/v1/documents.csv?year=2026"]


def variants(value: str) -> set[str]:
    """How a value may be written: plain, Indonesian (4.321,77), and as a percentage of 30."""
    d = D(value)
    whole, frac = value.split(".")
    return {value, f"{int(whole):,}".replace(",", ".") + "," + frac, str(d.normalize())}


@pytest.fixture
def figures(iku, realise, today):
    """OPD A's IKU (carrying the province's, which sums it): 11 approved in January; in February a
    draft, in March a submitted value, in April a returned one, each with a distinctive value."""
    realise(iku.opd, 1, APPROVED)
    realise(iku.opd, 2, HIDDEN[RealisationStatus.DRAFT], RealisationStatus.DRAFT)
    realise(iku.opd, 3, HIDDEN[RealisationStatus.SUBMITTED], RealisationStatus.SUBMITTED)
    realise(iku.opd, 4, HIDDEN[RealisationStatus.RETURNED], RealisationStatus.RETURNED)
    db.session.commit()
    return iku


def test_routes_are_public_by_design():
    for rule in ("/sakip", "/sakip/opd/<code>", "/api/public/v1/sakip/<int:year>", "/api/public/v1/sakip/<int:year>.csv",
                 "/api/public/v1/sakip/<int:year>/opd/<code>", "/api/public/v1/sakip/<int:year>/opd/<code>.csv",
                 "/api/public/v1/documents", "/api/public/v1/documents.csv"):
        assert rule in PUBLIC_RULES


def test_figures_match_the_cascade(ctx, figures, org):
    quarters, card = sakip.province(2026)
    assert [q.complete for q in quarters] == [True, False, False, False]  # March closed, April open
    assert [q.started for q in quarters] == [True, True, False, False]
    prov = db.session.scalar(db.select(Scorecard).where(Scorecard.owner_kind == OwnerKind.PROVINCE))
    for k, month in enumerate((3, 6)):
        official = scorecard_figures(prov, month, provisional=False)
        assert card.nko[k].value == official.nko.value
        [row] = card.rows
        assert row.quarters[k] == official.nodes[figures.top.id].figures
    assert card.rows[0].quarters[0].realisation == D(APPROVED)  # the submitted March value does not count
    assert card.nko[2] is None and card.nko[3] is None and card.rows[0].year is None
    opd_card = db.session.scalar(db.select(Scorecard).where(Scorecard.owner_kind == OwnerKind.OPD))
    [row] = [o for o in sakip.opds(2026, quarters) if o.opd.id == org.a.id]
    assert row.nko[0].value == scorecards_nko([opd_card], 3)[opd_card.id].value
    _, a_card = sakip.opd(2026, org.a)
    assert a_card.rows[0].quarters[0] == scorecard_figures(opd_card, 3).nodes[figures.opd.id].figures


def test_few_queries_whatever_the_number_of_indicators(ctx, figures, org):
    from sqlalchemy import event

    from ekinerja.bsc import services

    def count() -> int:
        n = [0]

        def hit(*_):
            n[0] += 1
        event.listen(db.engine, "before_cursor_execute", hit)
        try:
            quarters, _ = sakip.province(2026)
            sakip.opds(2026, quarters)
        finally:
            event.remove(db.engine, "before_cursor_execute", hit)
        return n[0]
    before = count()
    objective = figures.prov.objectives[0]
    for k in range(5):
        services.save_indicator(None, objective, services.IndicatorInput(
            code=f"IKU-1{k}", name=f"Indikator {k}", unit_of_measure="%", polarity="max", aggregation="average",
            weight=1, target=90))
    db.session.commit()
    db.session.expire_all()
    assert count() == before


def test_unofficial_values_never_appear(client, figures, org):
    for path in pages(org):
        r = client.get(path)
        assert r.status_code == 200, path
        body = r.get_data(as_text=True)
        for value in HIDDEN.values():
            for v in variants(value):
                assert v not in body, (path, v)
            # nor inside a sum: the quarter's realisation with it (11 + the value)
            for v in variants(str(D(value) + D(APPROVED))):
                assert v not in body, (path, v)
    data = client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}").get_json()["data"]
    assert [q.get("realisation") for q in data["scorecard"]["indicators"][0]["quarters"]] == [APPROVED, APPROVED, None, None]


def test_an_approved_value_appears_at_once(client, figures, org):
    page = f"/sakip/opd/{org.a.code}?year=2026"
    api = f"/api/public/v1/sakip/2026/opd/{org.a.code}"
    first = client.get(page)
    etag = first.headers["ETag"]
    assert "5.432,66" not in first.get_data(as_text=True)
    march = db.session.scalar(db.select(Realisation).where(Realisation.indicator_id == figures.opd.id,
                                                           Realisation.month == 3))
    march.status = RealisationStatus.APPROVED
    march.version += 1
    db.session.commit()
    again = client.get(page, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert "5.443,66" in again.get_data(as_text=True)  # 11 + 5432.66, the quarter's sum
    tw1 = client.get(api).get_json()["data"]["scorecard"]["indicators"][0]["quarters"][0]
    assert tw1["realisation"] == "5443.66" and tw1["complete"] is True


def test_not_modified_with_etag(client, figures, org):
    for path in pages(org):
        r = client.get(path)
        assert r.headers["ETag"] and r.headers["Last-Modified"]
        assert r.cache_control.public and r.cache_control.max_age == 300
        again = client.get(path, headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304, path
        assert again.get_data() == b""


def test_no_login_needed_and_unknown_things(client, figures, org):
    assert client.get("/sakip").status_code == 200        # the current year, no scorecard yet
    assert client.get("/sakip?year=abc").status_code == 404
    assert client.get("/sakip/opd/NOPE?year=2026").status_code == 404
    r = client.get("/api/public/v1/sakip/2026/opd/NOPE")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/public/v1/sakip/1999").status_code == 400
    assert client.get("/api/public/v1/documents?year=x").status_code == 400


def test_json_decimals_are_strings(client, figures, org):
    data = client.get("/api/public/v1/sakip/2026").get_json()["data"]
    iku = data["province"]["indicators"][0]
    assert iku["annual_target"] == "120"
    q1 = iku["quarters"][0]
    assert q1 == {"quarter": "TW I", "month": 3, "started": True, "complete": True, "target": "30",
                  "target_high": None, "realisation": APPROVED, "achievement": q1["achievement"],
                  "score": q1["score"], "colour": "red"}
    assert isinstance(q1["achievement"], str)
    assert iku["quarters"][2] == {"quarter": "TW III", "month": 9, "started": False, "complete": False}
    [a] = [o for o in data["opds"] if o["code"] == org.a.code]
    assert a["has_scorecard"] and a["nko"][0]["nko"]["colour"] == "red"


def test_csv_by_suffix_and_by_accept(client, figures, org):
    by_suffix = client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}.csv")
    by_accept = client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}", headers={"Accept": "text/csv"})
    for r in (by_suffix, by_accept):
        assert r.status_code == 200 and r.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
        [q1] = [x for x in rows if x["indicator_code"] == "IKU-01" and x["quarter"] == "TW I"]
        assert q1["realisation"] == APPROVED and q1["target"] == "30" and q1["complete"] == "True"
    assert by_suffix.get_data() == by_accept.get_data()
    # JSON and CSV of one path are two representations: two ETags.
    assert by_accept.headers["ETag"] != client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}").headers["ETag"]
    rows = list(csv.reader(io.StringIO(client.get("/api/public/v1/sakip/2026.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["scope", "opd_code", "opd_name", "indicator_code"]
    assert any(r[0] == "opd" and r[1] == org.a.code and r[3] == "NKO" for r in rows)


# ---------------------------------------------------------------- documents

@pytest.fixture
def agreements(org, iku, people, today, scan):  # noqa: F811
    """OPD A head's PK printed, signed and published; the kabid's PK submitted only. Both have
    verification codes; only the first is public."""
    published = cs.create(people.op_a, DocumentKind.PK, 2026, org.a_head.position)
    v = published.latest
    pk.generate_targets(v)
    pk.save_programme(v, "Program Transformasi Digital", "1.250.000.000", "APBD")
    cs.submit(people.op_a, v)
    cs.agree(people.gov, v)
    cs.print_(people.gov, v, "800/12/ORG/2026", PRINT_DAY, SIGNING)
    cs.record_signing(people.gov, v, scan, "pindaian.pdf", SIGNING)
    cs.publish(people.gov, v)
    hidden = cs.create(people.op_a, DocumentKind.PK, 2026, org.kabid.position)
    h = hidden.latest
    pk.generate_targets(h)
    cs.submit(people.op_a, h)
    db.session.commit()
    return v.verification_code, h.verification_code


def test_only_published_documents_are_listed(client, agreements, org):
    public, private = agreements
    docs = client.get("/api/public/v1/documents?year=2026").get_json()["data"]
    assert [d["verification_code"] for d in docs] == [public]
    assert docs[0]["pdf_url"] == f"/verifikasi/{public}/dokumen.pdf"
    assert client.get(docs[0]["pdf_url"]).status_code == 200
    assert client.get("/api/public/v1/documents?year=2025").get_json()["data"] == []
    page = client.get(f"/sakip/opd/{org.a.code}?year=2026").get_data(as_text=True)
    assert f'href="/verifikasi/{public}"' in page and f'href="/verifikasi/{public}/dokumen.pdf"' in page
    for path in pages(org):
        assert private not in client.get(path).get_data(as_text=True), path
    assert public in client.get("/sakip?year=2026").get_data(as_text=True)
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/api/public/v1/documents.csv?year=2026").get_data(as_text=True))))
    assert [r["verification_code"] for r in csv_rows] == [public]


def test_pages_carry_charts_and_tables(client, figures, org):
    body = client.get(f"/sakip/opd/{org.a.code}?year=2026").get_data(as_text=True)
    assert body.count("<svg") == 2 and 'aria-labelledby="opd-trend-t opd-trend-d"' in body
    assert "triwulan belum lengkap" in body and "TW I" in body
    assert "style=" not in body and "<script>" not in body


def test_a_reopened_month_makes_its_quarter_incomplete_again(client, figures, org, people):
    from ekinerja.realisations import periods

    page = f"/sakip/opd/{org.a.code}?year=2026"
    first = client.get(page)
    assert client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}").get_json()["data"]["quarters"][0]["complete"]
    periods.reopen(people.admin, 2026, 3, [org.a], "Perbaikan data", date(2026, 5, 20))
    db.session.commit()
    again = client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    data = client.get(f"/api/public/v1/sakip/2026/opd/{org.a.code}").get_json()["data"]
    assert data["quarters"][0]["complete"] is False
    # the province's quarter is not reopened for the province as a whole
    assert client.get("/api/public/v1/sakip/2026").get_json()["data"]["quarters"][0]["complete"] is True


@pytest.fixture
def last_year(figures, org, realise):
    """OPD A's card of 2025 with the same indicator code: 96 approved by December, and a later draft
    of 7777.31 that must not count; and one 2025 indicator the 2026 card does not have."""
    from ekinerja.bsc import services

    card = services.ensure_scorecard(None, 2025, OwnerKind.OPD, org.a)
    ss = services.save_objective(None, card, "SS1", "stakeholder", "Meningkatnya layanan publik")
    same = services.save_indicator(None, ss, services.IndicatorInput(
        code=figures.opd.code, name=figures.opd.name, unit_of_measure="layanan", polarity="max",
        aggregation="sum", weight=1, target=100))
    services.save_indicator(None, ss, services.IndicatorInput(
        code="IK-LAMA", name="Indikator yang dihapus pada 2026", unit_of_measure="dokumen", polarity="max",
        aggregation="sum", weight=1, target=4))
    realise(same, 6, 40)
    realise(same, 12, 56)
    realise(same, 11, "7777.31", RealisationStatus.DRAFT)
    db.session.commit()
    return same


def test_lkjip_compares_with_the_years_before(ctx, last_year, figures, org):
    quarters, card = sakip.opd(2026, org.a)
    table = sakip.lkjip(2026, org.a, card, quarters)
    assert table.earlier_years == [2025, 2024] and table.complete is False
    [row] = table.rows  # the 2026 card's indicators only
    assert row.indicator.id == figures.opd.id
    assert row.figures == card.rows[0].year
    before, older = row.earlier
    assert before.realisation == D("96") and before.achievement == D("0.96")
    assert older is None  # no 2024 card


def test_lkjip_table_on_the_opd_page(client, last_year, figures, org):
    r = client.get(f"/sakip/opd/{org.a.code}?year=2026")
    body = r.get_data(as_text=True)
    assert "LKjIP Bab III" in body and "Realisasi 2025" in body and "Capaian 2024" in body
    table = body[body.index('class="stack lkjip"'):]
    table = table[:table.index("</table>")]
    assert ">96<" in table.replace(" ", "") and "96,0" in table
    for v in variants("7777.31") | variants(str(D("7777.31") + 96)):
        assert v not in body
    assert "IK-LAMA" not in table


def test_lkjip_etag_moves_with_an_earlier_year(client, last_year, org):
    page = f"/sakip/opd/{org.a.code}?year=2026"
    etag = client.get(page).headers["ETag"]
    last_year.target = D("80")
    db.session.commit()
    assert client.get(page, headers={"If-None-Match": etag}).status_code == 200


def test_a_logged_in_readers_page_is_never_cached_publicly(client, auth, figures, org, people):
    """The page carries the reader's name and menu: private for him, public only for visitors."""
    from tests.conftest import PASSWORD

    page = f"/sakip/opd/{org.a.code}?year=2026"
    anonymous = client.get(page)
    assert anonymous.cache_control.public and not anonymous.cache_control.private
    auth.login(people.gov.username, PASSWORD)
    mine = client.get(page)
    assert mine.cache_control.private and not mine.cache_control.public
    assert mine.headers["ETag"] != anonymous.headers["ETag"]
    assert "Cookie" in mine.headers["Vary"]
    # the visitor's ETag does not make the logged-in reader's page a 304 (nor the reverse)
    assert client.get(page, headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 200
