"""import_document: the whole document checked first, every error with its path, idempotent."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from ekinerja.audit.models import AuditEntry
from ekinerja.bsc.models import (Indicator, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard)
from ekinerja.errors import ValidationFailed
from ekinerja.exchange import import_document
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Unit, UnitKind
from tests.exchange.conftest import (DINKES, PROVINCE, audit_rows, card, document, employee, indicator, objective,
                                     opd, parent, realisation, row_counts, unit)


def paths(exc) -> dict[str, str]:
    return {d["path"]: d["message"] for d in exc.value.details}


# ------------------------------------------------------------------ the sample of interchange.md

def test_the_sample_document_imports(ctx, sample):
    result = import_document(None, sample)
    db.session.commit()
    assert result.as_dict()["counts"] == {
        "opds": {"created": 1, "updated": 0, "unchanged": 0},
        "units": {"created": 1, "updated": 0, "unchanged": 0},
        "employees": {"created": 2, "updated": 0, "unchanged": 0},
        "scorecards": {"created": 2, "updated": 0, "unchanged": 0},
        "objectives": {"created": 2, "updated": 0, "unchanged": 0},
        "indicators": {"created": 2, "updated": 0, "unchanged": 0},
        "realisations": {"created": 1, "updated": 0, "unchanged": 0},
    }
    assert (result.created, result.updated, result.unchanged) == (11, 0, 0)
    dinkes = db.session.scalar(select(Opd).where(Opd.code == DINKES))
    assert dinkes.name == "Dinas Kesehatan"
    yankes = db.session.scalar(select(Unit).where(Unit.code == "DIKES-YANKES"))
    assert yankes.parent.code == DINKES and yankes.kind == UnitKind.BIDANG  # kind from the name
    kabid = db.session.scalar(select(Employee).where(Employee.nip == "197001012000031001"))
    assert kabid.position.is_unit_head and kabid.position.unit_id == yankes.id
    province = db.session.scalar(select(Scorecard).where(Scorecard.owner_kind == OwnerKind.PROVINCE))
    assert province.year == 2025 and province.perspective_weights() == {
        "stakeholder": 25, "customer": 15, "internal_process": 30, "learning_growth": 30}
    iku = db.session.scalar(select(Indicator).where(Indicator.scorecard_id != province.id))
    assert iku.scorecard.opd_id == dinkes.id and iku.parent.scorecard_id == province.id
    assert iku.cascade_kind == "direct" and iku.target == D("14") and iku.monthly_target_list() == [D(14)] * 12
    value = db.session.scalar(select(Realisation))
    assert (value.month, value.value, value.status) == (3, D("13.2"), RealisationStatus.APPROVED)
    assert value.decided_at is not None and value.submitted_at is not None


def test_the_same_document_twice_changes_nothing(ctx, sample):
    import_document(None, sample)
    db.session.commit()
    rows, trail = row_counts(), audit_rows()
    again = import_document(None, sample)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)
    assert row_counts() == rows
    assert audit_rows() == trail


def test_a_changed_field_updates_the_item_and_is_audited(ctx, sample):
    import_document(None, sample)
    db.session.commit()
    sample["scorecards"][0]["perspective_weights"]["customer"] = 20
    sample["scorecards"][1]["objectives"][0]["name"] = "Meningkatnya status kesehatan masyarakat"
    sample["scorecards"][1]["objectives"][0]["indicators"][0]["target"] = "13.50"
    sample["realisations"][0]["value"] = "12.9"
    result = import_document(None, sample)
    db.session.commit()
    counts = result.as_dict()["counts"]
    assert counts["scorecards"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts["objectives"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts["indicators"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts["realisations"] == {"created": 0, "updated": 1, "unchanged": 0}
    changed = {(a.entity, a.field) for a in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update"))}
    assert {("scorecard", "w_customer"), ("objective", "name"), ("indicator", "target"),
            ("realisation", "value")} <= changed
    assert db.session.scalar(select(Realisation.value)) == D("12.9")


def test_parents_may_come_later_in_the_document(ctx, sample):
    sample["scorecards"].reverse()  # the OPD's indicator before the province's it cascades from
    import_document(None, sample)
    child = db.session.scalar(select(Indicator).join(Scorecard).where(Scorecard.owner_kind == OwnerKind.OPD))
    assert child.parent.scorecard.owner_kind == OwnerKind.PROVINCE


# ------------------------------------------------------------------ errors

def test_every_error_is_named_with_its_path_and_nothing_is_written(ctx, sample):
    sample["format"] = "ekinerja/v2"
    sample["organisation"]["employees"][1]["unit"] = "DIKES-TIDAK-ADA"
    sample["organisation"]["employees"][0]["nip"] = "196813142006041002"
    province_iku = sample["scorecards"][0]["objectives"][0]["indicators"][0]
    province_iku["target"] = "tujuh puluh"
    province_iku["polarty"] = "max"
    opd_iku = sample["scorecards"][1]["objectives"][0]["indicators"][0]
    opd_iku["polarity"] = "maximum"
    opd_iku["monthly_targets"] = opd_iku["monthly_targets"][:11]
    sample["scorecards"].append(card(opd("9.99.0.00.0.00.01.0000"), objective("SS1", "stakeholder", indicator(
        "IKU-02", parent=parent(PROVINCE, "IKU-99"), cascade="direct"))))
    sample["scorecards"].append(card(opd(DINKES)))
    sample["realisations"][0]["month"] = 13
    sample["realisations"].append(realisation(opd(DINKES), "IKU-01", 4, "13,1,2", status="returned"))
    sample["realisations"].append(realisation(opd(DINKES), "IKU-07", 5, "13"))

    with pytest.raises(ValidationFailed) as exc:
        import_document(None, sample)

    assert paths(exc) == {
        "format": "'ekinerja/v2' is not ekinerja/v1",
        "organisation.employees[0].nip": paths(exc)["organisation.employees[0].nip"],
        "organisation.employees[1].unit": "unit DIKES-TIDAK-ADA does not exist",
        "scorecards[0].objectives[0].indicators[0].polarty": "unknown field 'polarty'",
        "scorecards[0].objectives[0].indicators[0].target":
            "'tujuh puluh' is not a decimal number (write it like \"72.50\")",
        "scorecards[1].objectives[0].indicators[0].polarity": "'maximum' is not one of max, min, stabilize",
        "scorecards[1].objectives[0].indicators[0].monthly_targets":
            "has 11 values; 12 monthly targets (January to December) are needed",
        "scorecards[2].owner.code": "OPD 9.99.0.00.0.00.01.0000 does not exist",
        "scorecards[3].owner": paths(exc)["scorecards[3].owner"],
        "realisations[0].month": "13 is not between 1 and 12",
        "realisations[1].status": "'returned' is not one of draft, submitted, approved",
        "realisations[1].value": "'13,1,2' is not a decimal number (write it like \"72.50\")",
        "realisations[2].indicator": "OPD 1.02.0.00.0.00.01.0000 has no indicator IKU-07 in 2025",
    }
    assert "not a valid NIP" in paths(exc)["organisation.employees[0].nip"]
    assert "given twice (also at scorecards[1])" in paths(exc)["scorecards[3].owner"]
    assert exc.value.message == "13 kesalahan pada dokumen; tidak ada data yang disimpan."
    # Nothing written: not even rolled back, the session holds nothing new.
    assert not db.session.new and not db.session.dirty
    assert set(row_counts(skip=()).values()) == {0}


def test_a_parent_must_exist_and_be_on_a_scorecard_above(ctx, org):
    doc = document(2025, [
        card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01"))),
        card(unit(org.bidang.code), objective("SS1", "stakeholder", indicator(
            "U-01", parent=parent(opd(org.a.code), "A-01"), cascade="direct"))),
        card(employee(org.staff1.nip), objective("SS1", "stakeholder", indicator(
            "E-01", parent=parent(unit(org.bidang.code), "U-01"), cascade="indirect"))),
        card(opd(org.b.code), objective("SS1", "stakeholder",
                                        indicator("B-01", parent=parent(opd(org.a.code), "A-01")),
                                        indicator("B-02", parent=parent(opd(org.a.code), "A-99"), cascade="direct"),
                                        indicator("B-03", cascade="direct"))),
        card(employee(org.b_staff.nip), objective("SS1", "stakeholder", indicator(
            "E-02", parent=parent(unit(org.bidang.code), "U-01")))),
    ])
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, doc)
    errors = paths(exc)
    assert set(errors) == {
        "scorecards[3].objectives[0].indicators[0].parent",
        "scorecards[3].objectives[0].indicators[1].parent.code",
        "scorecards[3].objectives[0].indicators[2].cascade",
        "scorecards[4].objectives[0].indicators[0].parent",
    }
    assert errors["scorecards[3].objectives[0].indicators[0].parent"].startswith(
        f"A-01 of OPD {org.a.code} is not on a scorecard above OPD {org.b.code}")
    assert errors["scorecards[3].objectives[0].indicators[1].parent.code"] == f"OPD {org.a.code} has no indicator A-99 in 2025"
    # Without the bad ones the cascade province-free chain OPD → unit → employee goes in.
    doc["scorecards"] = doc["scorecards"][:3]
    import_document(None, doc)
    leaf = db.session.scalar(select(Indicator).where(Indicator.code == "E-01"))
    assert leaf.parent.code == "U-01" and leaf.parent.parent.code == "A-01" and leaf.cascade_kind == "indirect"


def test_field_rules(ctx, org):
    doc = document(2025, [card(opd(org.a.code), objective("SS1", "stakeholder",
        indicator("S-01", polarity="stabilize"),
        indicator("S-02", target="10", target_high="8"),
        indicator("S-03", weight=0),
        indicator("S-04", target="1.23456"),
        indicator("S-01"),
    ), objective("SS1", "customer"), perspective_weights={"stakeholder": -1})])
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, doc)
    base = "scorecards[0].objectives[0].indicators"
    assert paths(exc) == {
        "scorecards[0].perspective_weights.stakeholder":
            "must be greater than 0 (leave it out when the perspective is not used)",
        f"{base}[0].target_high": "polarity stabilize needs a target range (target_high)",
        f"{base}[1].target_high": "the upper bound of the range is below the target",
        f"{base}[2].weight": "must be greater than 0",
        f"{base}[3].target": "'1.23456' has more than 4 decimal places",
        f"{base}[4].code": f"this indicator code on the scorecard is given twice (also at {base}[0])",
        "scorecards[0].objectives[1].code": "this objective code is given twice (also at scorecards[0].objectives[0])",
    }


def test_a_computed_indicator_takes_no_values(ctx, org):
    doc = document(2025, [card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01", rollup="children_sum")))],
                   [realisation(opd(org.a.code), "A-01", 1, "5")])
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, doc)
    assert paths(exc) == {"realisations[0].indicator": "A-01 is computed from its children (rollup children_sum); "
                                                       "it takes no values of its own"}


def test_not_a_document(ctx):
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, ["format", "ekinerja/v1"])
    assert paths(exc) == {"(document)": "must be a JSON object"}
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, {"scorecards": {}})
    assert paths(exc) == {"format": "is required", "year": "is required", "scorecards": "must be a list"}


# ------------------------------------------------------------------ who may import what

def test_an_opd_operator_imports_drafts_for_their_own_opd_only(ctx, org, make_user):
    operator = make_user(("opd_operator", org.a))
    own = card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01")))
    import_document(operator, document(2025, [own], [realisation(opd(org.a.code), "A-01", 1, "20", status="draft")]))
    db.session.commit()
    doc = document(2025, [own, card(opd(org.b.code), objective("SS1", "stakeholder", indicator("B-01")))],
                   [realisation(opd(org.a.code), "A-01", 2, "20", status="approved")],
                   organisation={"opds": [{"code": org.a.code, "name": "Dinas Alfa Baru"}]})
    with pytest.raises(ValidationFailed) as exc:
        import_document(operator, doc)
    assert paths(exc) == {
        "organisation": "only an administrator or the governor's office may import the organisation",
        "scorecards[1].owner": f"you may not change the scorecard of OPD {org.b.code}",
        "realisations[0].status": "only an administrator or the governor's office may import approved realisations",
    }


def test_approved_history_needs_the_exchange_role(ctx, org, make_user):
    office = make_user("governor_office")
    doc = document(2025, [card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01")))],
                   [realisation(opd(org.a.code), "A-01", 1, "20")])
    import_document(office, doc)
    db.session.commit()
    value = db.session.scalar(select(Realisation))
    assert value.status == RealisationStatus.APPROVED and value.decided_by_id == office.id
    # An operator may not overwrite it with a draft either.
    operator = make_user(("opd_operator", org.a))
    doc["realisations"][0].update(value="25", status="draft")
    with pytest.raises(ValidationFailed) as exc:
        import_document(operator, doc)
    assert paths(exc) == {"realisations[0]": "the realisation of month 1 is already approved; only an administrator "
                                             "or the governor's office may import a replacement"}


def test_a_returned_value_travels_as_draft(ctx, org):
    doc = document(2025, [card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01")))],
                   [realisation(opd(org.a.code), "A-01", 1, "20", status="draft", note="menunggu data")])
    import_document(None, doc)
    value = db.session.scalar(select(Realisation))
    value.status = RealisationStatus.RETURNED
    db.session.commit()
    result = import_document(None, doc)
    assert result.counts["realisations"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert db.session.scalar(select(Realisation.status)) == RealisationStatus.RETURNED


def test_organisation_entries_come_first_and_are_not_created_silently(ctx, sample):
    del sample["organisation"]
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, sample)
    assert paths(exc) == {"scorecards[1].owner.code": f"OPD {DINKES} does not exist",
                          "realisations[0].owner.code": f"OPD {DINKES} does not exist"}


def test_units_employees_and_their_scorecards_in_one_document(ctx, sample):
    org = sample["organisation"]
    org["units"].append({"code": "DIKES-YANKES-RUJ", "name": "Seksi Pelayanan Kesehatan Rujukan",
                         "opd": DINKES, "parent": "DIKES-YANKES"})
    org["employees"].append({"nip": "198503142010012003", "name": "Ni Luh Putu Ayu Lestari, S.Kep., Ns.",
                             "position": "Administrator Kesehatan Ahli Muda", "position_kind": "fungsional",
                             "unit": "DIKES-YANKES-RUJ", "is_unit_head": False, "rank": "Penata (III/c)"})
    sample["scorecards"] += [
        card(unit("DIKES-YANKES"), objective("SS1", "stakeholder", indicator(
            "IKU-01", unit="%", polarity="min", aggregation="average", target="14",
            parent=parent(opd(DINKES), "IKU-01"), cascade="direct"))),
        card(employee("198503142010012003"), objective("SS1", "stakeholder", indicator(
            "IKI-01", name="Persentase rujukan yang ditindaklanjuti", unit="%", aggregation="average", target="90",
            parent=parent(unit("DIKES-YANKES"), "IKU-01"), cascade="indirect"))),
    ]
    result = import_document(None, sample)
    assert result.counts["units"]["created"] == 2 and result.counts["scorecards"]["created"] == 4
    seksi = db.session.scalar(select(Unit).where(Unit.code == "DIKES-YANKES-RUJ"))
    assert seksi.kind == UnitKind.SEKSI and seksi.parent.code == "DIKES-YANKES"
    iki = db.session.scalar(select(Indicator).where(Indicator.code == "IKI-01"))
    assert iki.scorecard.employee.rank == "Penata (III/c)" and iki.parent.scorecard.unit_id == seksi.parent_id
    assert iki.rollup == Rollup.MANUAL


def test_a_unit_cannot_be_put_under_itself(ctx, sample):
    sample["organisation"]["units"] += [
        {"code": "DIKES-A", "name": "Bidang A", "opd": DINKES, "parent": "DIKES-B"},
        {"code": "DIKES-B", "name": "Bidang B", "opd": DINKES, "parent": "DIKES-A"},
    ]
    with pytest.raises(ValidationFailed) as exc:
        import_document(None, sample)
    assert paths(exc) == {"organisation.units[1].parent": "this would put unit DIKES-A under itself",
                          "organisation.units[2].parent": "this would put unit DIKES-B under itself"}


def test_a_users_import_obeys_closed_and_locked_months(app, ctx, org, make_user):
    from ekinerja.realisations import periods

    operator = make_user(("opd_operator", org.a))
    own = card(opd(org.a.code), objective("SS1", "stakeholder", indicator("A-01")))
    import_document(operator, document(2025, [own], [realisation(opd(org.a.code), "A-01", 1, "20", status="draft")]))
    db.session.commit()
    app.config["TODAY"] = date(2025, 2, 11)  # January closed on 10 February
    periods.lock(None, 2025, 2)  # February still runs, but is locked
    db.session.commit()
    doc = document(2025, [own], [realisation(opd(org.a.code), "A-01", 1, "25", status="draft"),
                                 realisation(opd(org.a.code), "A-01", 2, "25", status="draft")])
    with pytest.raises(ValidationFailed) as exc:
        import_document(operator, doc)
    assert paths(exc) == {
        "realisations[0].month": f"month 1 of 2025 is closed or locked for OPD {org.a.code}; nothing in it may change",
        "realisations[1].month": f"month 2 of 2025 is closed or locked for OPD {org.a.code}; nothing in it may change",
    }
    db.session.rollback()
    assert db.session.scalar(select(Realisation.value)) == D("20")
    # The same values unchanged are no change; the administrators' exchange is outside the periods.
    import_document(operator, document(2025, [own], [realisation(opd(org.a.code), "A-01", 1, "20", status="draft")]))
    import_document(make_user("governor_office"), doc)
    db.session.commit()
    assert sorted(db.session.scalars(select(Realisation.value))) == [D("25"), D("25")]
