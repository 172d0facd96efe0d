"""export_document: imports back to the same state; `computed` gives domain.md §3 at a month."""
import json

import pytest

from ekinerja.bsc.models import RealisationStatus
from ekinerja.errors import ValidationFailed
from ekinerja.exchange import export_document, import_document
from ekinerja.extensions import db
from tests.exchange.conftest import (PROVINCE, audit_rows, card, document, indicator, objective, opd, parent,
                                     realisation, row_counts, wipe)


def test_export_imports_back_to_the_same_state(ctx, org, iku, realise):
    realise(iku.s1, 1, 10)
    realise(iku.s1, 2, "12.5", RealisationStatus.SUBMITTED)
    realise(iku.s2, 1, 7, RealisationStatus.DRAFT).note = "data sementara"
    iku.s2.definition, iku.s2.data_source = "Jumlah layanan yang\nterbit daring", "SIMPEL NTB"
    db.session.commit()
    before = export_document(2026, include_organisation=True)
    assert json.loads(json.dumps(before)) == before  # plain JSON
    rows, trail = row_counts(), audit_rows()

    result = import_document(None, before)  # into the same database: nothing to do
    db.session.commit()
    assert result.created == result.updated == 0
    assert result.unchanged == 2 + 1 + 6 + 5 + 5 + 5 + 3  # opds, units, employees, cards, objectives, indicators, values
    assert audit_rows() == trail and row_counts() == rows
    assert export_document(2026, include_organisation=True) == before

    wipe()  # into an empty installation: the same state again
    result = import_document(None, before)
    db.session.commit()
    assert result.updated == result.unchanged == 0
    assert export_document(2026, include_organisation=True) == before
    assert row_counts() == rows


def test_the_organisation_block_only_when_asked(ctx, iku):
    doc = export_document(2026)
    assert list(doc) == ["format", "year", "scorecards", "realisations"]
    assert doc["scorecards"][0]["owner"] == {"kind": "province"}
    assert [sc["owner"]["kind"] for sc in doc["scorecards"]] == ["province", "opd", "unit", "employee", "employee"]
    top = doc["scorecards"][0]["objectives"][0]["indicators"][0]
    assert top["rollup"] == "children_sum" and top["target"] == "120" and top["weight"] == 10
    assert "computed" not in top
    assert export_document(2025) == {"format": "ekinerja/v1", "year": 2025, "scorecards": [], "realisations": []}


def test_month_and_year_are_checked(ctx):
    with pytest.raises(ValidationFailed) as exc:
        export_document(1999, month=13)
    assert [d["path"] for d in exc.value.details] == ["year", "month"]


@pytest.fixture
def scored(org):
    """domain.md §3 by hand: sum indicators, target 240 (none monthly), 16 a month approved."""
    a = org.a.code
    doc = document(2025, [
        card(PROVINCE, objective("SS1", "stakeholder", indicator("IKU-01", rollup="children_sum")),
             perspective_weights={"stakeholder": 25, "customer": 15, "internal_process": 30, "learning_growth": 30}),
        card(opd(a),
             objective("SS1", "stakeholder", indicator("A-01", parent=parent(PROVINCE, "IKU-01"), cascade="direct")),
             objective("SP1", "customer", indicator("A-02", weight=5)),
             objective("SP2", "internal_process", indicator("A-03", weight=5))),
    ], [realisation(opd(a), "A-01", m, "16") for m in range(1, 8)]
       + [realisation(opd(a), "A-02", m, "16") for m in (1, 2, 3, 5, 6)]
       + [realisation(opd(a), "A-02", 4, "16", status="submitted")])  # not approved: not counted
    import_document(None, doc)
    db.session.commit()
    return export_document(2025, month=6, computed=True)


def test_computed_figures_by_hand(ctx, scored):
    province, dinas = scored["scorecards"]
    a1, a2, a3 = (o["indicators"][0] for o in dinas["objectives"])
    # Sum, T = 240 with no monthly targets: T at June = 240·6/12 = 120; R = 6 × 16 = 96; A = 96/120.
    assert a1["computed"] == {"month": 6, "target": "120", "target_high": None, "realisation": "96",
                              "achievement": "80.00", "score": "80.00", "colour": "yellow",
                              "missing_months": [], "coverage": "100.00"}
    # April only submitted: missing, not zero; R = 5 × 16 = 80; A = 80/120.
    assert a2["computed"] == {"month": 6, "target": "120", "target_high": None, "realisation": "80",
                              "achievement": "66.67", "score": "66.67", "colour": "red",
                              "missing_months": [4], "coverage": "100.00"}
    assert a3["computed"] == {"month": 6, "target": "120", "target_high": None, "realisation": None,
                              "achievement": None, "score": None, "colour": "grey",
                              "missing_months": [1, 2, 3, 4, 5, 6], "coverage": "0.00"}
    assert [o["computed"] for o in dinas["objectives"]] == [
        {"month": 6, "score": "80.00", "colour": "yellow", "coverage": "100.00"},
        {"month": 6, "score": "66.67", "colour": "red", "coverage": "100.00"},
        {"month": 6, "score": None, "colour": "grey", "coverage": "0.00"},
    ]
    # NKO = (25·0.80 + 15·0.6667) / (25 + 15) = 75.00 (internal process has no data: left out);
    # coverage = (25·1 + 15·1 + 30·0) / 70 = 57.14 %.
    assert dinas["computed"] == {"month": 6, "nko": "75.00", "nko_colour": "red",
                                 "perspectives": {"stakeholder": "80.00", "customer": "66.67",
                                                  "internal_process": None, "learning_growth": None},
                                 "coverage": "57.14"}
    # The province IKU sums its direct child month by month: the same 16 a month.
    top = province["objectives"][0]["indicators"][0]
    assert (top["computed"]["realisation"], top["computed"]["score"]) == ("96", "80.00")
    assert province["computed"]["nko"] == "80.00" and province["computed"]["nko_colour"] == "yellow"


def test_computed_defaults_to_december(ctx, scored):
    doc = export_document(2025, computed=True)
    a1 = doc["scorecards"][1]["objectives"][0]["indicators"][0]["computed"]
    # July's value too: R = 7 × 16 = 112 against 240.
    assert (a1["month"], a1["target"], a1["realisation"], a1["achievement"]) == (12, "240", "112", "46.67")
    assert a1["missing_months"] == [8, 9, 10, 11, 12]


def test_computed_agrees_with_scorecard_figures(ctx, iku, realise):
    from ekinerja.bsc.cascade import scorecard_figures
    from ekinerja.bsc.scoring import percent_text

    realise(iku.s1, 1, 10)
    realise(iku.s1, 2, 12)
    realise(iku.s2, 1, 4)
    realise(iku.s2, 2, 9, RealisationStatus.SUBMITTED)
    db.session.commit()
    from ekinerja.exchange.exporter import _owner
    from ekinerja.exchange.schema import owner_json

    doc = export_document(2026, month=2, computed=True)
    cards = [iku.prov, iku.opd.scorecard, iku.unit.scorecard, iku.s1.scorecard, iku.s2.scorecard]
    # The document orders staff by NIP, which the test factory numbers; pair them by owner instead.
    by_owner = {json.dumps(c["owner"], sort_keys=True): c for c in doc["scorecards"]}
    exported_cards = [by_owner[json.dumps(owner_json(*_owner(sc)), sort_keys=True)] for sc in cards]
    for sc, exported in zip(cards, exported_cards):
        f = scorecard_figures(sc, 2)
        assert exported["computed"]["nko"] == percent_text(f.nko.value)
        assert exported["computed"]["coverage"] == percent_text(f.nko.coverage)
        [node] = f.nodes.values()
        assert exported["objectives"][0]["indicators"][0]["computed"]["score"] == percent_text(node.figures.score)
    # Staff targets 60 (sum): 10 by February. 10 + 12 = 22 → 220 %, capped at 120 %; 4 (February only
    # submitted) → 40 %. The OPD's indicator is entered by hand and has no value: the province's sum has none.
    s1, s2 = (sc["objectives"][0]["indicators"][0]["computed"] for sc in exported_cards[3:])
    assert (s1["target"], s1["realisation"], s1["achievement"], s1["score"]) == ("10", "22", "220.00", "120.00")
    assert (s2["realisation"], s2["score"], s2["colour"], s2["missing_months"]) == ("4", "40.00", "red", [2])
    assert exported_cards[0]["computed"]["nko"] is None
