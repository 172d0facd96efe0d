"""The A3 agreement's content and its registration with the shared lifecycle of
ekinerja.contracts.services: prefilled from the first party's scorecard, copied into amendments,
checked before submission, compared, printed on A3 landscape (A4 on request)."""
from __future__ import annotations

from sqlalchemy import select

from ekinerja.a3.models import A3Action, A3Attention, A3Attitude, ProgrammeKind
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Scorecard
from ekinerja.contracts.models import AgreementVersion
from ekinerja.contracts.pk import quarterly, source_scorecard
from ekinerja.extensions import db
from ekinerja.web import MONTHS_ID, format_number_id

# The commitments of conduct every official takes on (BerAKHLAK, integrity, service).
DEFAULT_ATTITUDES = [
    ("Berorientasi pelayanan: memahami dan memenuhi kebutuhan masyarakat dengan ramah, cekatan dan solutif.", None),
    ("Akuntabel: melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan berintegritas tinggi; "
     "menolak gratifikasi dan korupsi.", "Tidak ada temuan berulang dari Inspektorat"),
    ("Responsif: menindaklanjuti pengaduan masyarakat dalam waktu layanan yang ditetapkan.",
     "Pengaduan ditindaklanjuti ≤ 5 hari kerja"),
    ("Kompeten, harmonis, loyal, adaptif dan kolaboratif dalam melaksanakan program pemerintah provinsi.", None),
]


def prefill(version: AgreementVersion) -> dict[str, int]:
    """Fill an empty version from the first party's scorecard: an Action per indicator (target,
    TW I–IV, the unit below that carries it, the IKU above it serves), an Attention per province
    IKU served (through the cascade: an eselon III's indicators serve the province's IKU through
    their OPD's), and the default Attitudes. Items already there are left as they are."""
    from ekinerja.contracts.services import require_editable

    require_editable(version)
    card = source_scorecard(version.agreement)
    added = {"attitudes": 0, "attentions": 0, "actions": 0}
    if not version.a3_attitudes:
        for i, (text, measure) in enumerate(DEFAULT_ATTITUDES, start=1):
            version.a3_attitudes.append(A3Attitude(position=i, commitment=text, indicator=measure))
            added["attitudes"] += 1
    if card is None or version.a3_actions:
        db.session.flush()
        return added
    indicators = db.session.scalars(
        select(Indicator).join(Objective, Indicator.objective_id == Objective.id)
        .where(Indicator.scorecard_id == card.id).order_by(Objective.perspective_order, Objective.code, Indicator.code)).all()
    parents = {p.id: p for p in db.session.scalars(
        select(Indicator).where(Indicator.id.in_([i.parent_id for i in indicators if i.parent_id])))}
    carriers = _carrying_units([i.id for i in indicators])
    served: dict[int, Indicator] = {}
    for n, ind in enumerate(indicators, start=1):
        q = quarterly(ind)
        parent = parents.get(ind.parent_id)
        unit = carriers.get(ind.id)
        version.a3_actions.append(A3Action(
            position=n, indicator_id=ind.id, action=ind.name, code=ind.code, unit_of_measure=ind.unit_of_measure,
            target=ind.target, q1=q[0], q2=q[1], q3=q[2], q4=q[3], budget=None,
            responsible_unit_id=unit.id if unit else None, responsible=unit.name if unit else None, due_month=12,
            serves=f"{parent.code} {parent.name}" if parent else None))
        added["actions"] += 1
        iku = _province_iku(parent)
        if iku is not None:
            served.setdefault(iku.id, iku)
    if not version.a3_attentions:
        for n, iku in enumerate(served.values(), start=1):
            version.a3_attentions.append(A3Attention(
                position=n, programme=iku.objective.name, kind=ProgrammeKind.STRATEGIS, indicator_id=iku.id,
                objective_id=iku.objective_id, serves=f"{iku.code} {iku.name}"))
            added["attentions"] += 1
    db.session.flush()
    return added


def _province_iku(indicator: Indicator | None, limit: int = 8) -> Indicator | None:
    """The province IKU an indicator serves, up its cascade (None when the chain stops before)."""
    while indicator is not None and limit > 0:
        if indicator.scorecard.owner_kind == OwnerKind.PROVINCE:
            return indicator
        indicator, limit = indicator.parent, limit - 1
    return None


def _carrying_units(indicator_ids: list[int]):
    """For each indicator, the first unit whose scorecard carries it directly (its child on a unit card)."""
    if not indicator_ids:
        return {}
    rows = db.session.execute(
        select(Indicator.parent_id, Scorecard).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Indicator.parent_id.in_(indicator_ids), Scorecard.owner_kind == OwnerKind.UNIT)
        .order_by(Indicator.id)).all()
    out = {}
    for parent_id, card in rows:
        out.setdefault(parent_id, card.unit)
    return out


# ------------------------------------------------------------------ the lifecycle's hooks

def _copy(source: AgreementVersion, target: AgreementVersion) -> None:
    for a in source.a3_attitudes:
        target.a3_attitudes.append(A3Attitude(position=a.position, commitment=a.commitment, indicator=a.indicator))
    for a in source.a3_attentions:
        target.a3_attentions.append(A3Attention(position=a.position, programme=a.programme, kind=a.kind,
                                                objective_id=a.objective_id, indicator_id=a.indicator_id,
                                                serves=a.serves))
    for a in source.a3_actions:
        target.a3_actions.append(A3Action(
            position=a.position, indicator_id=a.indicator_id, action=a.action, code=a.code,
            unit_of_measure=a.unit_of_measure, target=a.target, q1=a.q1, q2=a.q2, q3=a.q3, q4=a.q4, budget=a.budget,
            responsible_unit_id=a.responsible_unit_id, responsible=a.responsible, due_month=a.due_month,
            serves=a.serves))


def _check(version: AgreementVersion) -> list[dict]:
    errors = []
    if not version.a3_attitudes:
        errors.append({"field": "attitudes", "message": "Isi sekurang-kurangnya satu komitmen Attitude."})
    if not version.a3_attentions:
        errors.append({"field": "attentions", "message": "Isi sekurang-kurangnya satu program prioritas (Attention)."})
    if not version.a3_actions:
        errors.append({"field": "actions", "message": "Isi sekurang-kurangnya satu Action (indikator kartu kinerja)."})
    for a in version.a3_actions:
        if a.indicator_id is None:
            errors.append({"field": "actions", "message": f"Action {a.position} belum terhubung dengan indikator "
                                                          "kartu kinerja."})
    return errors


def _n(value) -> str:
    return format_number_id(value) if value is not None else "–"


def _rows(version: AgreementVersion) -> dict[str, list[tuple[str, ...]]]:
    return {
        "Attitude": [(a.commitment, a.indicator or "") for a in version.a3_attitudes],
        "Attention": [(a.programme, a.kind.label, a.serves) for a in version.a3_attentions],
        "Action": [(a.code or a.action, a.action, f"{_n(a.target)} {a.unit_of_measure}",
                    " / ".join(_n(q) for q in (a.q1, a.q2, a.q3, a.q4)),
                    "Rp " + format_number_id(a.budget, 0) if a.budget is not None else "–",
                    a.responsible or "–", MONTHS_ID[a.due_month - 1] if a.due_month else "–")
                   for a in version.a3_actions],
    }


def _render(version: AgreementVersion, paper: str) -> bytes:
    from ekinerja.a3.pdf import render_a3

    return render_a3(version, paper)


def _content():
    from ekinerja.contracts.services import Content

    return Content(copy=_copy, check=_check, render=_render, rows=_rows, papers=("A3", "A4"))


CONTENT = _content()
