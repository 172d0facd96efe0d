"""The governor's office drill-down (domain.md §3.4): from a province IKU down through the OPD
indicators and the units to the staff who carry it, each node with its figures and who is late;
and the gaps of the cascade, OPD by OPD.

Figures are the kept rollups of the node's whole subtree (cascade.figures_of, official: approved
values only), which the late counts walk. "Late" is read
for one month: an entry indicator (rollup manual: someone types its value) of an OPD, a unit or an
employee whose value for that month is neither submitted nor approved once the month's deadline
(periods.deadline) has passed; before the deadline such a value is only "belum diisi". A node
counts the late entries of its subtree, itself included, and each is named where it sits.

Queries: one per cascade level, two for the figures, one for the month's entries, a few to name the
owners (eager loads), whatever the number of children; the ancestors cost one per level above.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ekinerja.bsc import cascade
from ekinerja.bsc.cascade import Node, _chunks, figures_of, load_descendants
from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard
from ekinerja.bsc.scoring import IndicatorFigures
from ekinerja.db import get_or_raise
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, PositionKind, Unit
from ekinerja.realisations import periods

DONE = (RealisationStatus.SUBMITTED, RealisationStatus.APPROVED)

# An eselon III (administrator) or IV (pengawas) post whose holder and unit together carry fewer
# indicators than this for the year "carries almost nothing" (a finding for Biro Organisasi).
THIN_POST_BELOW = 2
STRUCTURAL_KINDS = (PositionKind.ADMINISTRATOR, PositionKind.PENGAWAS)


# ---------------------------------------------------------------- who carries an indicator

@dataclass(frozen=True)
class Owner:
    """The owner of an indicator as the page names it."""

    kind: OwnerKind
    name: str                  # the person, the unit, the OPD, or the province
    position: str | None       # an employee's post; a unit's head post
    person: str | None         # the holder of that post (for a unit: its head)
    unit: str | None           # where the post sits (for a unit: the unit itself)
    opd: str | None


def owner_of(sc: Scorecard) -> Owner:
    opd = sc.opd.name if sc.opd is not None else None
    if sc.owner_kind == OwnerKind.EMPLOYEE:
        post = sc.employee.position
        return Owner(sc.owner_kind, sc.employee.name, post.name if post else None, sc.employee.name,
                     post.unit.name if post else None, opd)
    if sc.owner_kind == OwnerKind.UNIT:
        head = sc.unit.head_position
        holder = head.holder if head is not None else None
        return Owner(sc.owner_kind, sc.unit.name, head.name if head else None,
                     holder.name if holder else None, sc.unit.name, opd)
    if sc.owner_kind == OwnerKind.OPD:
        return Owner(sc.owner_kind, sc.opd.name, None, None, None, opd)
    return Owner(sc.owner_kind, sc.owner_name, None, None, None, None)


def _load_owners(scorecard_ids: set[int]) -> None:
    """Everything owner_of reads, for all the scorecards at once (then from the identity map)."""
    ids = sorted(scorecard_ids)
    for chunk in _chunks(ids):
        db.session.scalars(
            select(Scorecard).where(Scorecard.id.in_(chunk))
            .options(selectinload(Scorecard.opd),
                     selectinload(Scorecard.unit).selectinload(Unit.positions).selectinload(Position.holder),
                     selectinload(Scorecard.employee).selectinload(Employee.position)
                     .selectinload(Position.unit))).all()


# ---------------------------------------------------------------- the month's entry

@dataclass(frozen=True)
class Entry:
    """The month's own value of an entry indicator and where it stands."""

    status: RealisationStatus | None   # None: nothing entered
    value: Decimal | None
    late: bool                         # not submitted/approved and the deadline has passed

    @property
    def done(self) -> bool:
        return self.status in DONE


@dataclass(frozen=True)
class Period:
    year: int
    month: int
    deadline: date
    today: date

    @property
    def overdue(self) -> bool:
        """The month's entries were due: its deadline has passed."""
        return self.today > self.deadline

    @property
    def started(self) -> bool:
        return date(self.year, self.month, 1) <= self.today


def period(year: int, month: int | None) -> Period:
    """The month asked for; none (or not a month): this month for this year, December for a past
    year, January for a later one."""
    today = periods.today()
    if not (month and 1 <= month <= 12):
        month = 12 if year < today.year else 1 if year > today.year else today.month
    return Period(year, month, periods.deadline(year, month), today)


def _entries(indicators: dict[int, Indicator], p: Period) -> dict[int, Entry]:
    """The month's entry of every entry (manual) indicator among them: one query per 900."""
    manual = [i for i, ind in indicators.items() if ind.rollup == Rollup.MANUAL]
    found: dict[int, tuple] = {}
    for chunk in _chunks(manual):
        for r in db.session.execute(select(Realisation.indicator_id, Realisation.status, Realisation.value)
                                    .where(Realisation.indicator_id.in_(chunk), Realisation.month == p.month)):
            found[r.indicator_id] = (r.status, r.value)
    out = {}
    for i in manual:
        status, value = found.get(i, (None, None))
        # Late is said of OPDs, their units and staff (as the dashboard's completeness counts them),
        # not of the province's own entries, which the governor's office keeps itself.
        inside_an_opd = indicators[i].scorecard.opd_id is not None
        out[i] = Entry(status, value, p.overdue and status not in DONE and inside_an_opd)
    return out


# ---------------------------------------------------------------- the tree

@dataclass
class DrillNode:
    indicator: Indicator
    figures: IndicatorFigures
    owner: Owner
    entry: Entry | None            # None: computed from below, no value of its own
    late: int                      # late entries in the subtree, itself included
    child_count: int
    children: list["DrillNode"] = field(default_factory=list)   # filled to the depth asked

    @property
    def id(self) -> int:
        return self.indicator.id

    @property
    def is_leaf(self) -> bool:
        return self.child_count == 0


@dataclass(frozen=True)
class Late:
    """A late entry, named: whose, which indicator, in what state."""

    indicator: Indicator
    owner: Owner
    entry: Entry


@dataclass
class Drill:
    period: Period
    node: DrillNode
    ancestors: list[Indicator]     # the root first
    late: list[Late]               # every late entry of the node's subtree
    size: int                      # indicators in the subtree


def _order(n: Node) -> tuple:
    sc = n.indicator.scorecard
    return (sc.owner_kind.level, owner_of(sc).name.casefold(), n.indicator.code)


def _late_counts(root: Node, entries: dict[int, Entry]) -> dict[int, int]:
    counts: dict[int, int] = {}

    def walk(n: Node) -> int:
        if n.id in counts:
            return counts[n.id]
        e = entries.get(n.id)
        counts[n.id] = 0  # a cycle (refused by the services) would stop here
        counts[n.id] = int(bool(e and e.late)) + sum(walk(k) for k in n.children)
        return counts[n.id]

    walk(root)
    return counts


def _subtree(root: Node) -> list[Node]:
    out, stack, seen = [], [root], set()
    while stack:
        n = stack.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        out.append(n)
        stack.extend(n.children)
    return out


def ancestors_of(indicator: Indicator, limit: int = 10) -> list[Indicator]:
    out, up = [], indicator.parent
    while up is not None and len(out) < limit:
        out.insert(0, up)
        up = up.parent
    return out


def drill(indicator_id: int, month: int | None = None, depth: int = 1) -> Drill:
    """The node `indicator_id` at `month` of its year (see period()), its direct children (and
    theirs, to `depth` levels) with figures, late counts and the named late entries of its subtree."""
    indicator = get_or_raise(Indicator, indicator_id, "Indikator tidak ditemukan.")
    p = period(indicator.year, month)
    found = load_descendants([indicator])
    nodes = figures_of(found, p.month)
    _load_owners({i.scorecard_id for i in found.values()})
    entries = _entries(found, p)
    root = nodes[indicator.id]
    counts = _late_counts(root, entries)

    def build(n: Node, levels: int) -> DrillNode:
        d = DrillNode(n.indicator, n.figures, owner_of(n.indicator.scorecard), entries.get(n.id),
                      counts.get(n.id, 0), len(n.children))
        if levels > 0:
            d.children = [build(k, levels - 1) for k in sorted(n.children, key=_order)]
        return d

    subtree = _subtree(root)
    late = [Late(n.indicator, owner_of(n.indicator.scorecard), entries[n.id])
            for n in subtree if n.id in entries and entries[n.id].late]
    late.sort(key=lambda x: (x.owner.opd or "", x.owner.unit or "", x.owner.kind.level, x.owner.name,
                             x.indicator.code))
    return Drill(p, build(root, depth), ancestors_of(indicator), late, len(subtree))


# ---------------------------------------------------------------- gaps (domain.md §3.4)

@dataclass(frozen=True)
class ThinPost:
    """An eselon III/IV post carrying fewer than THIN_POST_BELOW indicators (and at least one)."""

    position: Position
    holder: Employee | None
    carried: int


@dataclass
class OpdGaps:
    opd: Opd
    uncarried: list[Indicator] = field(default_factory=list)        # OPD indicators nobody below carries
    without_indicator: list[tuple[Position, Employee | None]] = field(default_factory=list)
    thin_posts: list[ThinPost] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.uncarried) + len(self.without_indicator) + len(self.thin_posts)


@dataclass
class GapReport:
    year: int
    iku_without_opd: list[Indicator]
    opds: list[OpdGaps]             # OPDs with at least one gap, the most first
    threshold: int = THIN_POST_BELOW

    @property
    def totals(self) -> dict[str, int]:
        return {"uncarried": sum(len(o.uncarried) for o in self.opds),
                "without_indicator": sum(len(o.without_indicator) for o in self.opds),
                "thin_posts": sum(len(o.thin_posts) for o in self.opds)}


def _indicator_counts(year: int, kind: OwnerKind, column) -> dict[int, int]:
    return dict(db.session.execute(
        select(column, func.count(Indicator.id)).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Scorecard.year == year, Scorecard.owner_kind == kind).group_by(column)).all())


def carried_by_structural_posts(year: int) -> list[ThinPost]:
    """Every eselon III/IV post with what it carries for the year: its holder's own indicators and,
    for a unit head, the unit's (the OPD's for the head of the OPD office). Four queries."""
    by_employee = _indicator_counts(year, OwnerKind.EMPLOYEE, Scorecard.employee_id)
    by_unit = _indicator_counts(year, OwnerKind.UNIT, Scorecard.unit_id)
    by_opd = _indicator_counts(year, OwnerKind.OPD, Scorecard.opd_id)
    rows = db.session.execute(
        select(Position, Employee, Unit).join(Unit, Position.unit_id == Unit.id)
        .outerjoin(Employee, Employee.position_id == Position.id)
        .where(Position.kind.in_(STRUCTURAL_KINDS))
        .order_by(Unit.opd_id, Unit.code, Position.name)).all()
    out = []
    for position, holder, unit in rows:
        n = by_employee.get(holder.id, 0) if holder is not None else 0
        if position.head_of_unit_id is not None:
            n += by_opd.get(unit.opd_id, 0) if unit.parent_id is None else by_unit.get(unit.id, 0)
        out.append(ThinPost(position, holder, n))
    return out


def gap_report(year: int) -> GapReport:
    """cascade.gaps for the whole province, with the eselon III/IV posts that carry almost nothing,
    grouped by OPD (a handful of queries, none per OPD or per post)."""
    g = cascade.gaps(year)
    without_ids = {p.id for p, _ in g.positions_without_indicator}
    thin = [t for t in carried_by_structural_posts(year)
            if t.carried < THIN_POST_BELOW and t.position.id not in without_ids]
    # The units of the posts and every OPD, so that position.unit and unit.opd need no query.
    unit_ids = sorted({p.unit_id for p, _ in g.positions_without_indicator} | {t.position.unit_id for t in thin})
    units: dict[int, Unit] = {}
    for chunk in _chunks(unit_ids):
        units.update((u.id, u) for u in db.session.scalars(select(Unit).where(Unit.id.in_(chunk))))
    opds = {o.id: OpdGaps(o) for o in db.session.scalars(select(Opd))}
    for ind in g.opd_indicators_uncarried:
        opds[ind.scorecard.opd_id].uncarried.append(ind)
    for position, holder in g.positions_without_indicator:
        opds[units[position.unit_id].opd_id].without_indicator.append((position, holder))
    for t in thin:
        opds[units[t.position.unit_id].opd_id].thin_posts.append(t)
    found = sorted((o for o in opds.values() if o.total), key=lambda o: (-o.total, o.opd.name))
    return GapReport(year, list(g.iku_without_opd), found)

