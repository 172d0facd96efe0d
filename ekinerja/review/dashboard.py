"""The governor's office review (domain.md §3.4): the province dashboard and the OPD compliance table.

Bounded queries: the province's and the OPDs' own indicators are gathered once, their figures at
every month 1..M come from their kept rollups (cascade.stored_months: two queries, nothing below
them is read), and the submission and compliance counts are a handful of grouped queries over all OPDs at once. Nothing
is queried per OPD, per indicator or per OPD per month.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ekinerja.audit.models import AuditEntry
from ekinerja.bsc.cascade import _chunks, figures_from_nodes, stored_months
from ekinerja.bsc.models import (EntryCount, Indicator, Objective, OwnerKind, Realisation, RealisationStatus, Rollup,
                                 Scorecard)
from ekinerja.bsc.scoring import Colour, Weighted, colour
from ekinerja.extensions import db
from ekinerja.org.models import Opd
from ekinerja.realisations.models import Evidence
from ekinerja.realisations.periods import deadline
from ekinerja.web import WITA

DONE = (RealisationStatus.SUBMITTED, RealisationStatus.APPROVED)  # "submitted" for completeness
ONE = Decimal(1)


# ---------------------------------------------------------------- what the dashboard shows

@dataclass
class IkuRow:
    """A province IKU: its score at month M, its achievement month by month and where it heads."""

    indicator: Indicator
    score: Decimal | None
    colour: Colour
    trend: list[Decimal | None]            # achievement at months 1..M (None: no data yet)
    projection: Decimal | None             # achievement expected at December (linear)
    will_miss: bool                        # the projection is below 100%


@dataclass
class OpdRow:
    opd: Opd
    scorecard: Scorecard | None
    nko: Weighted | None
    rank: int | None
    completeness: list[Decimal | None]     # share of manual indicators submitted, months 1..M
    colours: list[Colour]                  # the OPD NKO colour at months 1..M


@dataclass
class TurnedRed:
    indicator: Indicator
    before: Colour
    score: Decimal | None


@dataclass
class Dashboard:
    year: int
    month: int
    province: Scorecard | None
    nko: Weighted | None
    nko_trend: list[Decimal | None]
    iku: list[IkuRow]
    opds: list[OpdRow]                     # ranked by NKO (best first, no NKO last)
    turned_red: list[TurnedRed]

    @property
    def months(self) -> list[int]:
        return list(range(1, self.month + 1))


def _trend_projection(points: list[Decimal | None], to_month: int = 12) -> Decimal | None:
    """A least-squares line through the months that have a value, read at `to_month` (one point:
    the value itself; none: no projection)."""
    xs = [(m, v) for m, v in enumerate(points, start=1) if v is not None]
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0][1]
    n = Decimal(len(xs))
    mx = sum(Decimal(m) for m, _ in xs) / n
    my = sum(v for _, v in xs) / n
    sxx = sum((Decimal(m) - mx) ** 2 for m, _ in xs)
    sxy = sum((Decimal(m) - mx) * (v - my) for m, v in xs)
    slope = sxy / sxx
    return (my + slope * (Decimal(to_month) - mx)).quantize(Decimal("0.0001"))


def _completeness(year: int, month: int) -> dict[int, list[Decimal | None]]:
    """Per OPD, per month 1..M: share of its manual indicators with a submitted or approved value.
    One query: the counts are kept with the rollups (EntryCount), not counted from a year of
    realisations."""
    from ekinerja.bsc.rollups import catch_up

    catch_up(db.session)
    totals: dict[int, int] = {}
    done: dict[tuple[int, int], int] = {}
    for opd_id, m, n in db.session.execute(
            select(EntryCount.opd_id, EntryCount.month, EntryCount.entered)
            .where(EntryCount.year == year, EntryCount.month <= month)):
        if m == 0:
            totals[opd_id] = n
        else:
            done[(opd_id, m)] = n
    return {opd_id: [(Decimal(done.get((opd_id, m), 0)) / total).quantize(Decimal("0.0001"))
                     for m in range(1, month + 1)]
            for opd_id, total in totals.items() if total}


def dashboard(year: int, month: int) -> Dashboard:
    """Everything the review page shows for year `year`, figures to month `month` (official:
    approved values only)."""
    cards = db.session.scalars(
        select(Scorecard).where(Scorecard.year == year,
                                Scorecard.owner_kind.in_((OwnerKind.PROVINCE, OwnerKind.OPD)))
        .options(selectinload(Scorecard.opd))).all()
    province = next((c for c in cards if c.owner_kind == OwnerKind.PROVINCE), None)
    opd_cards = {c.opd_id: c for c in cards if c.owner_kind == OwnerKind.OPD}
    card_ids = [c.id for c in cards]
    own: list[Indicator] = db.session.scalars(
        select(Indicator).where(Indicator.scorecard_id.in_(card_ids))
        .options(selectinload(Indicator.scorecard))).all() if card_ids else []
    objectives = db.session.scalars(select(Objective).where(Objective.scorecard_id.in_(card_ids))).all() \
        if card_ids else []
    own_by_card: dict[int, list[Indicator]] = defaultdict(list)
    for ind in own:
        own_by_card[ind.scorecard_id].append(ind)
    objs_by_card: dict[int, list[Objective]] = defaultdict(list)
    for o in objectives:
        objs_by_card[o.scorecard_id].append(o)
    every = {i.id: i for i in own}

    # Month by month over everything (the values read once), then each card's NKO in Python.
    nko_at: dict[int, dict[int, Weighted]] = defaultdict(dict)   # card id -> month -> NKO
    nodes_at: dict[int, dict] = {}
    computed = stored_months(every, list(range(1, month + 1))) if every else {}
    for m in range(1, month + 1):
        nodes = computed.get(m, {})
        nodes_at[m] = nodes
        for c in cards:
            nko_at[c.id][m] = figures_from_nodes(c, own_by_card[c.id], objs_by_card[c.id], nodes, m).nko

    iku_rows = []
    if province is not None:
        for ind in sorted(own_by_card[province.id], key=lambda i: i.code):
            trend = [nodes_at[m][ind.id].figures.achievement for m in range(1, month + 1)]
            projection = _trend_projection(trend)
            fig = nodes_at[month][ind.id].figures
            iku_rows.append(IkuRow(ind, fig.score, fig.colour, trend, projection,
                                   projection is not None and projection < ONE))

    completeness = _completeness(year, month)
    opds = db.session.scalars(select(Opd).order_by(Opd.name)).all()
    rows = []
    for o in opds:
        card = opd_cards.get(o.id)
        nko = nko_at[card.id][month] if card else None
        colours = [nko_at[card.id][m].colour if card else Colour.GREY for m in range(1, month + 1)]
        rows.append(OpdRow(o, card, nko, None, completeness.get(o.id, [None] * month), colours))
    rows.sort(key=lambda r: (r.nko is None or r.nko.value is None,
                             -(r.nko.value if r.nko and r.nko.value is not None else 0), r.opd.name))
    for i, r in enumerate(rows, start=1):
        if r.nko is not None and r.nko.value is not None:
            r.rank = i

    turned = []
    if month > 1:
        watched = [i for i in own if i.scorecard.owner_kind in (OwnerKind.PROVINCE, OwnerKind.OPD)]
        for ind in sorted(watched, key=lambda i: (i.scorecard.owner_kind.level, i.scorecard.opd_id or 0, i.code)):
            before, now = nodes_at[month - 1][ind.id].figures, nodes_at[month][ind.id].figures
            if before.colour in (Colour.GREEN, Colour.YELLOW) and now.colour == Colour.RED:
                turned.append(TurnedRed(ind, before.colour, now.score))

    nko = nko_at[province.id][month] if province else None
    nko_trend = [nko_at[province.id][m].value for m in range(1, month + 1)] if province else [None] * month
    return Dashboard(year, month, province, nko, nko_trend, iku_rows, rows, turned)


# ---------------------------------------------------------------- compliance per OPD

@dataclass
class Compliance:
    opd: Opd
    expected: int                 # manual indicators × months 1..M
    submitted: int                # of those with a submitted or approved value
    on_time: int                  # submitted on or before the month's deadline
    with_submission: int          # realisations that carry a submission time
    with_evidence: int            # submitted/approved values with at least one evidence file
    approved: int
    returned: int                 # realisations returned at least once (audit trail)
    lead_days: Decimal | None     # median days from submission to approval

    @staticmethod
    def _share(part: int, whole: int) -> Decimal | None:
        return (Decimal(part) / whole).quantize(Decimal("0.0001")) if whole else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return self._share(self.on_time, self.with_submission)

    @property
    def completeness(self) -> Decimal | None:
        return self._share(self.submitted, self.expected)

    @property
    def evidence_coverage(self) -> Decimal | None:
        return self._share(self.with_evidence, self.submitted)

    @property
    def returns_per_approval(self) -> Decimal | None:
        return (Decimal(self.returned) / self.approved).quantize(Decimal("0.01")) if self.approved else None

    @property
    def colour(self) -> Colour:
        """Completeness read as a score: green from 100%, yellow from 80%."""
        return colour(self.completeness)


def _wita_date(moment: datetime) -> date:
    """Stored times are UTC (naive when read back): the deadline is a date in NTB."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(WITA).date()


def compliance(year: int, month: int) -> list[Compliance]:
    """Per OPD, over months 1..M of the year, from the records: four queries for all OPDs (the audit
    trail one per 900 realisations)."""
    manual = (select(Scorecard.opd_id, Realisation.id, Realisation.month, Realisation.status,
                     Realisation.submitted_at, Realisation.decided_at)
              .join(Indicator, Realisation.indicator_id == Indicator.id)
              .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
              .where(Scorecard.year == year, Scorecard.opd_id.is_not(None), Indicator.rollup == Rollup.MANUAL,
                     Realisation.month <= month))
    totals = dict(db.session.execute(
        select(Scorecard.opd_id, func.count(Indicator.id)).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.year == year, Scorecard.opd_id.is_not(None), Indicator.rollup == Rollup.MANUAL)
        .group_by(Scorecard.opd_id)).all())
    with_evidence = set(db.session.scalars(
        select(Evidence.realisation_id).join(Realisation, Evidence.realisation_id == Realisation.id)
        .join(Indicator, Realisation.indicator_id == Indicator.id)
        .join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.year == year, Realisation.month <= month).distinct()))
    records = db.session.execute(manual).all()
    # Returned at least once: the audit trail keeps every status change (entity ids are text; an
    # IN list of them, rather than a join on a cast, keeps MariaDB's collations apart).
    returned: set[int] = set()
    ids = [str(r.id) for r in records]
    for chunk in _chunks(ids):
        returned |= {int(i) for i in db.session.scalars(
            select(AuditEntry.entity_id).where(AuditEntry.entity == "realisation", AuditEntry.entity_id.in_(chunk),
                                               AuditEntry.field == "status",
                                               AuditEntry.new_value == RealisationStatus.RETURNED.value).distinct())}
    deadlines = {m: deadline(year, m) for m in range(1, month + 1)}

    acc: dict[int, dict] = defaultdict(lambda: {"submitted": 0, "on_time": 0, "with_submission": 0,
                                                "with_evidence": 0, "approved": 0, "returned": 0, "lead": []})
    for r in records:
        a = acc[r.opd_id]
        if r.id in returned:
            a["returned"] += 1
        if r.submitted_at is not None:
            a["with_submission"] += 1
            if _wita_date(r.submitted_at) <= deadlines[r.month]:
                a["on_time"] += 1
        if r.status in DONE:
            a["submitted"] += 1
            if r.id in with_evidence:
                a["with_evidence"] += 1
        if r.status == RealisationStatus.APPROVED:
            a["approved"] += 1
            if r.submitted_at is not None and r.decided_at is not None:
                a["lead"].append(Decimal((r.decided_at - r.submitted_at).total_seconds()) / 86400)
    out = []
    for o in db.session.scalars(select(Opd).order_by(Opd.name)):
        a = acc[o.id]
        lead = statistics.median(a["lead"]).quantize(Decimal("0.01")) if a["lead"] else None
        out.append(Compliance(o, totals.get(o.id, 0) * month, a["submitted"], a["on_time"], a["with_submission"],
                              a["with_evidence"], a["approved"], a["returned"], lead))
    return out
