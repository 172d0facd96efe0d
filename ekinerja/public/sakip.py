"""Public E-SAKIP figures (domain.md §7): the province's NKO and IKU, every OPD's NKO, one OPD's
indicators, by quarter, and the published A3/PK documents. Services only, no Flask request.

Only APPROVED values count (cascade.* with provisional=False): a draft, submitted or returned value
is nobody's business outside the office. A quarter whose last month is still open (or not begun)
is "not complete yet": its figures are shown as they stand, flagged; a quarter not begun has none.
Queries do not grow with the number of indicators: the figures of the cards' own indicators come
from their kept rollups (cascade.stored_months), whatever is cascaded below them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.bsc.cascade import figures_from_nodes, figures_of, scorecards_nko_months, stored_months
from ekinerja.bsc.models import Indicator, Objective, OwnerKind, Scorecard
from ekinerja.bsc.rollups import data_version
from ekinerja.bsc.scoring import Colour, IndicatorFigures, Weighted
from ekinerja.contracts.models import Agreement, AgreementVersion, VersionStatus
from ekinerja.contracts.public_views import document_title, printed_unit
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from ekinerja.realisations.periods import today, year_states

QUARTERS = (3, 6, 9, 12)  # the last month of each quarter
QUARTER_LABELS = ("TW I", "TW II", "TW III", "TW IV")


@dataclass
class Period:
    """One quarter (or the year, = month 12): complete when its last month has closed."""

    label: str
    month: int
    started: bool
    complete: bool


@dataclass
class IndicatorRow:
    indicator: Indicator
    quarters: list[IndicatorFigures | None]   # None: the quarter has not begun
    year: IndicatorFigures | None              # the figures at December


@dataclass
class CardFigures:
    scorecard: Scorecard
    nko: list[Weighted | None]                 # per quarter
    nko_year: Weighted | None
    rows: list[IndicatorRow]


@dataclass
class OpdRow:
    opd: Opd
    scorecard: Scorecard | None
    nko: list[Weighted | None]


@dataclass
class Document:
    version: AgreementVersion
    title: str
    unit: str

    @property
    def code(self) -> str:
        return self.version.verification_code


def periods(year: int, opd_id: int | None = None, on: date | None = None) -> list[Period]:
    """The four quarters: a quarter is complete once its last month is neither open nor unbegun
    (a reopening for the OPD makes it incomplete again until it ends)."""
    states = year_states(year, opd_id, on)
    out = []
    for label, m in zip(QUARTER_LABELS, QUARTERS):
        first = states[m - 3]
        last = states[m - 1]
        out.append(Period(label, m, first.started, last.started and not last.open))
    return out


def _card(year: int, owner_kind: OwnerKind, opd_id: int | None = None) -> Scorecard | None:
    stmt = select(Scorecard).where(Scorecard.year == year, Scorecard.owner_kind == owner_kind)
    if opd_id is not None:
        stmt = stmt.where(Scorecard.opd_id == opd_id)
    return db.session.scalar(stmt)


def card_figures(scorecard: Scorecard, quarters: list[Period]) -> CardFigures:
    """A scorecard's indicators and NKO at each begun quarter, from one descendants load and one
    read of the values (NKO as cascade.scorecard_figures computes it)."""
    own = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == scorecard.id)
                             .join(Objective, Indicator.objective_id == Objective.id)
                             .order_by(Objective.perspective_order, Objective.code, Indicator.code)
                             .options(selectinload(Indicator.scorecard))).all()
    begun = [q.month for q in quarters if q.started] if own else []
    computed = stored_months({i.id: i for i in own}, begun) if begun else {}
    objectives = db.session.scalars(select(Objective).where(Objective.scorecard_id == scorecard.id)).all() \
        if begun else []
    by_quarter = [computed.get(q.month) if q.started else None for q in quarters]
    nkos = [figures_from_nodes(scorecard, own, objectives, nodes, q.month).nko if nodes else None
            for q, nodes in zip(quarters, by_quarter)]
    rows = [IndicatorRow(i, [nodes[i.id].figures if nodes else None for nodes in by_quarter],
                         by_quarter[-1][i.id].figures if by_quarter[-1] else None) for i in own]
    return CardFigures(scorecard, nkos, nkos[-1], rows)


def province(year: int) -> tuple[list[Period], CardFigures | None]:
    quarters = periods(year)
    card = _card(year, OwnerKind.PROVINCE)
    return quarters, (card_figures(card, quarters) if card else None)


def opds(year: int, quarters: list[Period]) -> list[OpdRow]:
    """Every OPD with its NKO per begun quarter (one scorecards_nko pass per quarter)."""
    all_opds = db.session.scalars(select(Opd).order_by(Opd.name)).all()
    cards = {sc.opd_id: sc for sc in db.session.scalars(
        select(Scorecard).where(Scorecard.year == year, Scorecard.owner_kind == OwnerKind.OPD))}
    begun = [q.month for q in quarters if q.started]
    at = scorecards_nko_months(list(cards.values()), begun) if begun and cards else {}
    per_q = [at.get(q.month, {}) if q.started else {} for q in quarters]
    return [OpdRow(o, cards.get(o.id), [(per_q[k].get(cards[o.id].id) if o.id in cards else None)
                                        for k in range(len(quarters))]) for o in all_opds]


def opd_by_code(code: str) -> Opd | None:
    return db.session.scalar(select(Opd).where(Opd.code == code))


def opd(year: int, unit: Opd) -> tuple[list[Period], CardFigures | None]:
    quarters = periods(year, unit.id)
    card = _card(year, OwnerKind.OPD, unit.id)
    return quarters, (card_figures(card, quarters) if card else None)


EARLIER_YEARS = 2  # LKjIP chapter III compares the year with the two before it


@dataclass
class LkjipRow:
    """One indicator of LKjIP chapter III: the year's target, realisation and achievement, and the
    realisation and achievement of the same indicator (same code on the OPD's card) in earlier years."""

    indicator: Indicator
    figures: IndicatorFigures | None
    earlier: list[IndicatorFigures | None]   # one per year in Lkjip.earlier_years, newest first


@dataclass
class Lkjip:
    year: int
    complete: bool              # the year's December has closed: the figures are final
    earlier_years: list[int]
    rows: list[LkjipRow]


def _year_end_figures(year: int, opd_id: int) -> dict[str, IndicatorFigures]:
    """The OPD card's indicators of a year by code, with their official figures at December."""
    card = _card(year, OwnerKind.OPD, opd_id)
    if card is None:
        return {}
    own = db.session.scalars(select(Indicator).where(Indicator.scorecard_id == card.id)).all()
    if not own:
        return {}
    nodes = figures_of({i.id: i for i in own}, 12, provisional=False)
    return {i.code: nodes[i.id].figures for i in own}


def lkjip(year: int, unit: Opd, card: CardFigures, quarters: list[Period]) -> Lkjip:
    """LKjIP chapter III (Akuntabilitas Kinerja): each indicator's target, realisation and
    achievement for the year, compared with the years before (domain.md §7). Approved values only;
    a fixed number of queries per earlier year, whatever the number of indicators."""
    earlier_years = [year - k for k in range(1, EARLIER_YEARS + 1)]
    before = [_year_end_figures(y, unit.id) for y in earlier_years]
    rows = [LkjipRow(r.indicator, r.year, [b.get(r.indicator.code) for b in before]) for r in card.rows]
    return Lkjip(year, quarters[-1].complete, earlier_years, rows)


def documents(year: int, opd_id: int | None = None) -> list[Document]:
    """Published A3/PK versions of the year (of one OPD), newest agreement kind first by OPD."""
    stmt = (select(AgreementVersion).join(Agreement, AgreementVersion.agreement_id == Agreement.id)
            .where(Agreement.year == year, AgreementVersion.status == VersionStatus.PUBLISHED)
            .options(selectinload(AgreementVersion.agreement).selectinload(Agreement.opd),
                     selectinload(AgreementVersion.agreement).selectinload(Agreement.first_position))
            .order_by(Agreement.opd_id, Agreement.kind, Agreement.level, AgreementVersion.number))
    if opd_id is not None:
        stmt = stmt.where(Agreement.opd_id == opd_id)
    return [Document(v, document_title(v), printed_unit(v)) for v in db.session.scalars(stmt)]


def fingerprint(year: int) -> tuple[str, datetime | None]:
    """What changes whenever a public figure, document or period state of the year may change, for
    the ETag, and when it last did, for Last-Modified: the data version that every commit touching
    a counted value, a target, the cascade, an OPD, an agreement or a period moves
    (rollups.data_version: one query by primary key, not a count of a year of realisations), and
    today, for a quarter becomes complete by the calendar."""
    key, changed = data_version()
    return f"{key}|{year}|{today().isoformat()}", changed


def colour_of(value: IndicatorFigures | Weighted | None) -> Colour:
    return value.colour if value is not None else Colour.GREY


def plain(value: Decimal | None) -> str | None:
    """A decimal as the shortest plain string ("72.5"), as the API writes decimals."""
    return None if value is None else format(value.normalize(), "f")
