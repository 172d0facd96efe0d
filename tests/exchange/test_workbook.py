"""The Excel form of the document: the same content, errors named by sheet and row."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from ekinerja.bsc.models import RealisationStatus
from ekinerja.errors import ValidationFailed
from ekinerja.exchange import document_to_workbook, export_document, import_document, workbook_to_document
from ekinerja.extensions import db
from tests.exchange.conftest import DINKES, audit_rows, card, objective, opd, wipe


def sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_the_sample_round_trips_through_a_workbook(ctx, sample):
    data = document_to_workbook(sample)
    assert list(sheets(data)) == ["document", "opds", "units", "employees", "scorecards", "indicators", "realisations"]
    assert workbook_to_document(data) == sample


def test_an_export_round_trips_through_a_workbook_with_computed_figures(ctx, org, iku, realise):
    realise(iku.s1, 1, 10)
    realise(iku.s2, 2, 7, RealisationStatus.SUBMITTED)
    iku.s1.definition = "=jumlah layanan\nyang terbit"  # text, never a formula
    db.session.commit()
    for kwargs in ({}, {"computed": True, "month": 3, "include_organisation": True}):
        doc = export_document(2026, **kwargs)
        assert workbook_to_document(document_to_workbook(doc)) == doc


def test_the_indicators_sheet_flattens_the_scorecards(ctx, sample):
    rows = sheets(document_to_workbook(sample))
    header, province, dinas = rows["indicators"]
    assert header[:10] == ("owner.kind", "owner.code", "objective.code", "objective.perspective", "objective.name",
                           "code", "name", "unit", "polarity", "aggregation")
    record = dict(zip(header, dinas))
    assert record["owner.code"] == DINKES and record["target"] == "14.00" and record["monthly_targets.12"] == "14"
    assert (record["parent.owner.kind"], record["parent.code"], record["cascade"]) == ("province", "IKU-01", "direct")
    assert dict(zip(header, province))["parent.owner.kind"] is None
    assert rows["scorecards"][1][:3] == ("province", None, 25)  # the OPD's card says nothing but its objectives
    assert len(rows["scorecards"]) == 2
    employees = dict(zip(rows["employees"][0], rows["employees"][2]))
    assert employees["nip"] == "197001012000031001" and employees["is_unit_head"] is True


def test_a_workbook_imports_like_the_json(ctx, sample):
    import_document(None, workbook_to_document(document_to_workbook(sample)))
    db.session.commit()
    via_workbook = export_document(2025, include_organisation=True)
    wipe()
    import_document(None, sample)
    db.session.commit()
    assert export_document(2025, include_organisation=True) == via_workbook
    trail = audit_rows()
    result = import_document(None, workbook_to_document(document_to_workbook(sample)))
    assert result.created == result.updated == 0 and audit_rows() == trail


def test_errors_name_the_sheet_row_and_column(ctx, sample):
    sample["scorecards"][1]["objectives"][0]["indicators"][0]["polarity"] = "maximum"
    sample["scorecards"][1]["objectives"][0]["indicators"][0]["monthly_targets"][3] = "empat belas"
    sample["scorecards"][1]["objectives"][0]["perspective"] = "citizen"
    sample["scorecards"][0]["perspective_weights"]["customer"] = 0
    sample["scorecards"].append(card({"kind": "employee", "nip": "199001012015031001"},
                                     objective("SS1", "stakeholder")))
    sample["organisation"]["employees"][1]["position_kind"] = "kepala"
    sample["realisations"][0]["month"] = 0
    doc = workbook_to_document(document_to_workbook(sample))
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, doc)
    assert {d["path"]: d["message"] for d in exc.value.details} == {
        "employees!R3.position_kind": "'kepala' is not one of jpt, administrator, pengawas, fungsional, pelaksana",
        "scorecards!R2.perspective_weights.customer":
            "must be greater than 0 (leave it out when the perspective is not used)",
        "indicators!R3.objective.perspective":
            "'citizen' is not one of stakeholder, customer, internal_process, learning_growth",
        "indicators!R3.polarity": "'maximum' is not one of max, min, stabilize",
        "indicators!R3.monthly_targets.4": "'empat belas' is not a decimal number (write it like \"72.50\")",
        "indicators!R4.owner.code": "there is no employee with NIP 199001012015031001",
        "realisations!R2.month": "0 is not between 1 and 12",
    }


def test_a_workbook_that_is_not_one_of_ours(ctx):
    with pytest.raises(ValidationFailed) as exc:
        workbook_to_document(b"nip,name\n")
    assert exc.value.details[0]["path"] == "(file)"
    wb = Workbook()
    wb.active.title = "indikator"
    ws = wb.create_sheet("indicators")
    ws.append(["owner.kind", "owner.code", "polaritas"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationFailed) as exc:
        workbook_to_document(out.getvalue())
    assert {(d["path"], d["message"]) for d in exc.value.details} == {
        ("indikator", "unknown sheet 'indikator' (expected document, opds, units, employees, scorecards, "
                      "indicators, realisations)"),
        ("indicators!R1", "unknown column 'polaritas'"),
        ("document", "the sheet 'document' (format, year) is missing"),
    }


def test_numbers_typed_into_excel_are_accepted(ctx, sample):
    data = document_to_workbook(sample)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["indicators"]
    header = [c.value for c in ws[1]]
    ws.cell(3, header.index("target") + 1).value = 13.5        # a number, not text
    ws.cell(3, header.index("monthly_targets.1") + 1).value = 14
    out = io.BytesIO()
    wb.save(out)
    import_document(None, workbook_to_document(out.getvalue()))
    doc = export_document(2025)
    dinas = doc["scorecards"][1]["objectives"][0]["indicators"][0]
    assert dinas["target"] == "13.5" and dinas["monthly_targets"][0] == "14"
    assert opd(DINKES) == doc["scorecards"][1]["owner"]
