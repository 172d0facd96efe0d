"""The cascade's figures kept up to date as data changes (issue 7), so that the province's and the
OPDs' pages read a few hundred rows instead of computing 100,000 indicators from 1.2 million
realisations on every request.

What is kept (`IndicatorRollup`): per indicator and basis (official: approved values; provisional:
submitted ones too) its twelve month values (its own, or rolled up from its direct children) and its
twelve year-to-date scores. From these and its targets `stored_months` gives exactly the nodes
`cascade.compute_months` computes from everything below (tests/bsc/test_rollups.py holds them equal
after every kind of change).

How it stays up to date:
1. Every flush notes the indicators whose figures a change can move (a counted realisation's value
   or status, a monthly target, an indicator's target, polarity, aggregation, weight, roll-up or
   place in the cascade) in `rollup_queue`, in the same transaction as the change.
2. After the commit, `refresh_pending` takes the queue and recomputes the queued indicators and
   their ancestors, deepest first, each from its own values and its direct children's rollups
   (everything read at once and written at once: about fifteen statements for one change), with
   the OPDs' entry counts (`EntryCount`), in a transaction of its own that begins by updating the
   single `rollup_lock` row: recomputations take turns, and each one reads what the previous one
   wrote (on MariaDB the first read comes after the lock, so its snapshot does). The row's counter
   is also the data version (`data_version`) that remembered pages are keyed by.
3. What is left in the queue (a worker killed between the two) is taken by the next commit's
   refresh, or by `flask maintenance rollups`; `--rebuild` recomputes everything (after a bulk load
   that bypassed the session, e.g. bench/generate.py).
"""
from __future__ import annotations

import json
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ekinerja.bsc import scoring
from ekinerja.bsc.cascade import _chunks, counted_statuses
from ekinerja.bsc.models import (CascadeKind, EntryCount, Indicator, IndicatorRollup, MonthlyTarget, Objective,
                                 Realisation, RealisationStatus, Rollup, RollupLock, RollupQueue, Scorecard)
from ekinerja.db import utcnow

log = logging.getLogger(__name__)

MONTHS = range(1, 13)
COUNTED = counted_statuses(True)  # what the provisional basis counts; the official one, approved only
FIGURE_FIELDS = ("target", "target_high", "polarity", "aggregation", "weight", "rollup", "cascade_kind",
                 "parent_id", "scorecard_id")
PENDING = "rollup_queued"      # session.info: something was queued in this transaction
UNSEEN = "rollup_unseen"       # session.info: queued ids this transaction has not recomputed itself
BUMPED = "rollup_bumped"       # session.info: this transaction has queued the data version's bump
VERSION_KEY = "ekinerja.data_version"  # request.environ: the version read in this request
QUEUE_BATCH = 20000
MAX_DEPTH = 64   # a cascade is four levels; a cycle (refused by the services) stops here


def encode(values: list[Decimal | None]) -> str:
    return json.dumps([None if v is None else str(v) for v in values])


def decode(text: str | None) -> list[Decimal | None]:
    if not text:
        return [None] * 12
    return [None if v is None else Decimal(v) for v in json.loads(text)]


# ---------------------------------------------------------------- computing one level

@dataclass
class _Inputs:
    """What computing some indicators reads: their own fields, monthly targets and counted values,
    their direct children, and the kept rows of those children that are not computed with them."""

    meta: list = field(default_factory=list)
    targets: dict = field(default_factory=lambda: defaultdict(dict))
    own: dict = field(default_factory=lambda: defaultdict(dict))
    children: dict = field(default_factory=lambda: defaultdict(list))
    stored: dict = field(default_factory=dict)   # (id, provisional) -> (values, scores), decoded
    old: list = field(default_factory=list)      # the given indicators' provisional rows as kept


def _read_inputs(conn, ids: list[int], computed_too: set[int] = frozenset(), with_old: bool = False) -> _Inputs:
    """Five queries per CHUNK of ids (six with the old rows), whatever their levels: the children in
    `ids` or in `computed_too` are not read (they are computed in the same pass)."""
    t = Indicator.__table__
    sc = Scorecard.__table__
    r = IndicatorRollup.__table__
    got = _Inputs()
    kid_ids: list[int] = []
    for chunk in _chunks(ids):
        got.meta += conn.execute(select(t.c.id, t.c.year, t.c.polarity, t.c.aggregation, t.c.target,
                                        t.c.target_high, t.c.rollup, sc.c.opd_id)
                                 .join(sc, t.c.scorecard_id == sc.c.id).where(t.c.id.in_(chunk))).all()
        for row in conn.execute(select(MonthlyTarget.indicator_id, MonthlyTarget.month, MonthlyTarget.value)
                                .where(MonthlyTarget.indicator_id.in_(chunk))):
            got.targets[row.indicator_id][row.month] = row.value
        # The status is checked here, not in SQL: given a status list beside 900 ids, SQLite reads
        # every approved value of the year through the status index (1.4 s instead of 20 ms).
        for row in conn.execute(select(Realisation.indicator_id, Realisation.month, Realisation.value,
                                       Realisation.status)
                                .where(Realisation.indicator_id.in_(chunk), Realisation.value.is_not(None))):
            if row.status not in COUNTED:
                continue
            got.own[(row.indicator_id, True)][row.month] = row.value
            if row.status == RealisationStatus.APPROVED:
                got.own[(row.indicator_id, False)][row.month] = row.value
        for k in conn.execute(select(t.c.id, t.c.parent_id, t.c.weight)
                              .where(t.c.parent_id.in_(chunk), t.c.cascade_kind == CascadeKind.DIRECT)
                              .order_by(t.c.id)):
            got.children[k.parent_id].append(k)
            kid_ids.append(k.id)
    inside = set(ids) | set(computed_too)
    wanted = sorted({k for k in kid_ids if k not in inside} | (set(ids) if with_old else set()))
    for chunk in _chunks(wanted):
        for row in conn.execute(select(r).where(r.c.indicator_id.in_(chunk))):
            if row.indicator_id not in inside:
                got.stored[(row.indicator_id, bool(row.provisional))] = (decode(row.month_values),
                                                                        decode(row.month_scores))
            elif row.provisional:
                got.old.append(row)
    return got


def _rows_for(got: _Inputs, ids: set[int], cap: Decimal, known: dict) -> list[dict]:
    """The rollup rows of those of got.meta in `ids`; their children's from `known` (computed in
    this pass: (id, provisional) -> encoded values and scores) or got.stored. Adds the rows made
    to `known`."""
    none = ([None] * 12, [None] * 12)
    out = []
    for ind in got.meta:
        if ind.id not in ids:
            continue
        monthly = got.targets.get(ind.id)
        monthly_list = [monthly.get(m) for m in MONTHS] if monthly else None
        for provisional in (False, True):
            direct = []
            for k in got.children[ind.id]:
                key = (k.id, provisional)
                if key in known:
                    direct.append((k.weight, decode(known[key][0]), decode(known[key][1])))
                else:
                    direct.append((k.weight,) + got.stored.get(key, none))
            values, scores = _one(ind, got.own.get((ind.id, provisional), {}), monthly_list, direct, cap)
            row = {"indicator_id": ind.id, "provisional": provisional, "year": ind.year,
                   "opd_id": ind.opd_id, "entry": Rollup(ind.rollup) == Rollup.MANUAL,
                   "month_values": encode(values), "month_scores": encode(scores)}
            known[(ind.id, provisional)] = (row["month_values"], row["month_scores"])
            out.append(row)
    return out


def _one(ind, own: dict[int, Decimal], monthly: list | None, direct: list, cap: Decimal):
    """One indicator's twelve month values and scores (as cascade._build computes them)."""
    rollup = Rollup(ind.rollup)
    if rollup in (Rollup.CHILDREN_SUM, Rollup.CHILDREN_AVERAGE):
        values = []
        for m in MONTHS:
            got = [vals[m - 1] for _, vals, _ in direct if vals[m - 1] is not None]
            if not got:
                values.append(None)
                continue
            total = sum(got, Decimal(0))
            values.append(total if rollup == Rollup.CHILDREN_SUM else total / len(got))
    else:
        values = [own.get(m) for m in MONTHS]
    if rollup == Rollup.CHILDREN_SCORE:
        scores = [scoring.weighted_mean((sc[m - 1], w) for w, _, sc in direct).value for m in MONTHS]
    else:
        scores = _scores(ind, values, monthly, cap)
    return values, scores


def _scores(ind, values: list[Decimal | None], monthly: list | None, cap: Decimal) -> list[Decimal | None]:
    """The year-to-date score at each month: scoring.indicator_figures(...).score for months 1..12,
    with the realisation carried from month to month instead of summed again (a full rebuild
    scores 2.4 million months)."""
    aggregation = scoring.Aggregation(ind.aggregation)
    total, count, last = Decimal(0), 0, None
    out: list[Decimal | None] = []
    for m in MONTHS:
        v = values[m - 1]
        if v is not None:
            total, count, last = total + Decimal(v), count + 1, Decimal(v)
        if not count:
            out.append(None)
            continue
        r = total if aggregation == scoring.Aggregation.SUM else total / count \
            if aggregation == scoring.Aggregation.AVERAGE else last
        t = scoring.target_at(aggregation, ind.target, m, monthly)
        hi = scoring.range_high_at(aggregation, ind.target, ind.target_high, m, monthly)
        out.append(scoring.score(scoring.achievement(ind.polarity, r, t, hi), cap))
    return out


class EntryCounts:
    """Changes to EntryCount: each provisional rollup row of an entry indicator (rollup manual) of an
    OPD counts once in month 0 and once in every month it has a submitted or approved value."""

    def __init__(self) -> None:
        self.delta: dict[tuple[int, int, int], int] = defaultdict(int)

    def add(self, row, sign: int = 1) -> None:
        get = row.get if isinstance(row, dict) else row._mapping.get
        if not get("provisional") or not get("entry") or get("opd_id") is None:
            return
        year, opd_id = get("year"), get("opd_id")
        self.delta[(year, opd_id, 0)] += sign
        for m, v in enumerate(json.loads(get("month_values")), start=1):
            if v is not None:
                self.delta[(year, opd_id, m)] += sign

    def apply(self, conn) -> None:
        c = EntryCount.__table__
        for (year, opd_id, month), d in sorted(self.delta.items()):
            if not d:
                continue
            where = (c.c.year == year) & (c.c.opd_id == opd_id) & (c.c.month == month)
            if not conn.execute(update(c).where(where).values(entered=c.c.entered + d)).rowcount:
                conn.execute(insert(c).values(year=year, opd_id=opd_id, month=month, entered=d))
        self.delta.clear()


def recompute(conn, ids: Iterable[int], cap: Decimal = scoring.DEFAULT_CAP) -> int:
    """Recompute `ids` and every ancestor of theirs (ids of indicators deleted meanwhile: their rows
    go). Everything they read is read at once, whatever their levels; then they are computed
    deepest first, each from its children as just computed or as kept; then written at once.
    About fifteen statements for one changed value. Returns how many were recomputed."""
    t = Indicator.__table__
    r = IndicatorRollup.__table__
    parent_of: dict[int, int | None] = {}
    asked = sorted(set(ids) - {0})  # 0: only the data version moves
    frontier = asked
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        for chunk in _chunks(frontier):
            parent_of.update(conn.execute(select(t.c.id, t.c.parent_id).where(t.c.id.in_(chunk))).all())
        frontier = sorted({p for p in (parent_of.get(i) for i in frontier) if p is not None and p not in parent_of})
    gone = [i for i in asked if i not in parent_of]
    every = sorted(parent_of) + gone
    got = _read_inputs(conn, every, with_old=True)
    counts = EntryCounts()
    for row in got.old:
        counts.add(row, -1)
    known: dict = {}
    rows: list[dict] = []
    for level in _levels(parent_of):
        rows += _rows_for(got, set(level), cap, known)
    for chunk in _chunks(every):
        conn.execute(delete(r).where(r.c.indicator_id.in_(chunk)))
    for i in range(0, len(rows), 5000):
        conn.execute(insert(r), rows[i:i + 5000])
    for row in rows:
        counts.add(row)
    counts.apply(conn)
    return len(parent_of)


def _levels(parent_of: dict[int, int | None]) -> list[list[int]]:
    """The indicators of `parent_of` by their depth in the cascade, the deepest level first (so
    that each is computed after its children)."""
    by_depth: dict[int, list[int]] = defaultdict(list)
    for i, d in _depths(parent_of).items():
        by_depth[d].append(i)
    return [sorted(by_depth[d]) for d in sorted(by_depth, reverse=True)]


def _depths(parent_of: dict[int, int | None]) -> dict[int, int]:
    depth: dict[int, int] = {}
    for start in parent_of:
        chain, i = [], start
        while i is not None and i not in depth and i in parent_of and len(chain) < MAX_DEPTH:
            chain.append(i)
            i = parent_of[i]
        base = depth.get(i, -1) if i is not None else -1
        for k, j in enumerate(reversed(chain), start=1):
            depth[j] = base + k
    return depth


def _take_turn(conn) -> None:
    """Wait for the recomputation before this one to end (the lock row, made again if missing)."""
    lock = RollupLock.__table__
    now = utcnow()
    if conn.execute(update(lock).where(lock.c.id == 1).values(turns=lock.c.turns + 1, changed_at=now)).rowcount:
        return
    try:
        with conn.begin_nested():  # an emptied database: start somewhere no earlier version was
            conn.execute(insert(lock).values(id=1, turns=secrets.randbelow(2 ** 30), changed_at=now))
    except IntegrityError:  # made meanwhile by another: wait for it like everyone else
        conn.execute(update(lock).where(lock.c.id == 1).values(turns=lock.c.turns + 1, changed_at=now))


def refresh_pending(engine) -> int:
    """Recompute what the queue holds, in turns with every other recomputation. Returns the number
    of indicators recomputed."""
    q = RollupQueue.__table__
    done = 0
    while True:
        with engine.begin() as conn:
            _take_turn(conn)
            queued = conn.execute(select(q.c.id, q.c.indicator_id).order_by(q.c.id).limit(QUEUE_BATCH)).all()
            if not queued:
                return done
            done += recompute(conn, {row.indicator_id for row in queued})
            for chunk in _chunks([row.id for row in queued]):
                conn.execute(delete(q).where(q.c.id.in_(chunk)))
        if len(queued) < QUEUE_BATCH:
            return done


def rebuild(engine, year: int | None = None) -> int:
    """Recompute every indicator (of `year`, or all), level by level from the bottom of the cascade,
    and the entry counts with them. For after a bulk load that did not go through the session, and
    nightly."""
    t = Indicator.__table__
    r = IndicatorRollup.__table__
    c = EntryCount.__table__
    q = RollupQueue.__table__
    with engine.begin() as conn:
        _take_turn(conn)
        # What is queued now is recomputed below; what others queue meanwhile stays for its refresh.
        queued = [] if year is not None else list(conn.scalars(select(q.c.id)))
        stmt = select(t.c.id, t.c.parent_id)
        if year is not None:
            stmt = stmt.where(t.c.year == year)
        parent_of = dict(conn.execute(stmt).all())
        conn.execute(delete(r) if year is None else delete(r).where(r.c.year == year))
        conn.execute(delete(c) if year is None else delete(c).where(c.c.year == year))
        counts = EntryCounts()
        below: dict = {}  # the level just computed (encoded): the children of the next one
        for level in _levels(parent_of):
            known = dict(below)
            below_ids = {i for i, _ in below}
            for chunk in _chunks(level):
                got = _read_inputs(conn, chunk, computed_too=below_ids)
                rows = _rows_for(got, set(chunk), scoring.DEFAULT_CAP, known)
                for i in range(0, len(rows), 5000):
                    conn.execute(insert(r), rows[i:i + 5000])
                for row in rows:
                    counts.add(row)
            below = {key: v for key, v in known.items() if key[0] not in below_ids}
        counts.apply(conn)
        for chunk in _chunks(queued):
            conn.execute(delete(q).where(q.c.id.in_(chunk)))
    # The tables changed wholesale: the planner's statistics of them too (an old count of a nearly
    # empty table makes SQLite read all of it for each lookup).
    from ekinerja.maintenance import analyze

    analyze([IndicatorRollup.__tablename__, EntryCount.__tablename__, RollupQueue.__tablename__])
    return len(parent_of)


# ---------------------------------------------------------------- noting what changed

def _changed(obj, fields: Iterable[str]) -> bool:
    from sqlalchemy import inspect

    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _old(obj, field: str):
    from sqlalchemy import inspect

    history = inspect(obj).attrs[field].history
    return history.deleted[0] if history.deleted else getattr(obj, field)


_watched: tuple = ()


def watched() -> tuple:
    """What the province's and the public pages and the menu's counts show besides the figures: a
    change to any of these bumps the data version too (a queue row for indicator 0, which
    recomputes nothing). So do a realisation's change of status and a user's link to an employee."""
    global _watched
    if not _watched:
        from ekinerja.auth.models import UserRole
        from ekinerja.contracts.models import Agreement, AgreementVersion
        from ekinerja.org.models import Employee, Opd, Position, PositionHolding, Unit
        from ekinerja.realisations.models import PeriodLock, PeriodReopening, PeriodSetting

        _watched = (Indicator, MonthlyTarget, Objective, Scorecard, Opd, Unit, Position, PositionHolding,
                    Employee, UserRole, Agreement, AgreementVersion, PeriodLock, PeriodReopening, PeriodSetting)
    return _watched


def data_version() -> tuple[str, datetime | None]:
    """(key, time) of the last recomputation: the key moves whenever a figure, an entry count or
    anything in watched() may have changed, on any host. One query by primary key, once per request
    (a commit in the request reads it again)."""
    from flask import has_request_context, request

    from ekinerja.extensions import db

    store = request.environ if has_request_context() else {}
    if VERSION_KEY in store:
        return store[VERSION_KEY]
    store[VERSION_KEY] = _read_version(db)
    return store[VERSION_KEY]


def _read_version(db) -> tuple[str, datetime | None]:
    lock = RollupLock.__table__
    row = db.session.execute(select(lock.c.turns, lock.c.changed_at).where(lock.c.id == 1)).first()
    if row is None:
        return "0", None
    changed = row.changed_at
    if changed is not None and changed.tzinfo is None:
        changed = changed.replace(tzinfo=timezone.utc)
    return f"{row.turns}@{changed.isoformat() if changed else ''}", changed


def _after_flush(session: Session, flush_context) -> None:
    counted = set(COUNTED)
    marked: set[int] = set()
    kinds = watched()
    from ekinerja.auth.models import User

    if not session.info.get(BUMPED) and (  # once per transaction is enough
            any(isinstance(obj, kinds) for obj in session.new)
            or any(isinstance(obj, kinds) or (isinstance(obj, Realisation) and _changed(obj, ("status",)))
                   or (isinstance(obj, User) and _changed(obj, ("employee_id",)))
                   for obj in (*session.dirty, *session.deleted))):
        marked.add(0)
    for obj in session.new:
        if isinstance(obj, Realisation) and obj.status in counted and obj.value is not None:
            marked.add(obj.indicator_id)
        elif isinstance(obj, MonthlyTarget):
            marked.add(obj.indicator_id)
        elif isinstance(obj, Indicator):
            marked.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Realisation):
            if ({obj.status, _old(obj, "status")} & counted) and _changed(obj, ("value", "status", "indicator_id",
                                                                                  "month")):
                marked |= {obj.indicator_id, _old(obj, "indicator_id")}
        elif isinstance(obj, MonthlyTarget) and _changed(obj, ("value", "month", "indicator_id")):
            marked |= {obj.indicator_id, _old(obj, "indicator_id")}
        elif isinstance(obj, Indicator) and _changed(obj, FIGURE_FIELDS):
            marked |= {obj.id, _old(obj, "parent_id")}
    for obj in session.deleted:
        if isinstance(obj, Realisation) and _old(obj, "status") in counted:
            marked.add(_old(obj, "indicator_id"))
        elif isinstance(obj, MonthlyTarget):
            marked.add(_old(obj, "indicator_id"))
        elif isinstance(obj, Indicator):  # its rows go (and what they counted), its parent changes
            marked |= {obj.id, _old(obj, "parent_id")}
    marked.discard(None)
    if marked:
        session.connection().execute(insert(RollupQueue.__table__), [{"indicator_id": i} for i in sorted(marked)])
        session.info[PENDING] = True
        if 0 in marked:
            session.info[BUMPED] = True
        session.info.setdefault(UNSEEN, set()).update(marked)


def catch_up(session: Session) -> None:
    """Before reading rollups inside a transaction that changed what they depend on: recompute
    those here, so that the transaction reads its own changes (as compute() would). The queue rows
    stay: after the commit the refresh recomputes them again, in turn with everyone else."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    unseen = session.info.pop(UNSEEN, None)
    if unseen:
        recompute(session.connection(), unseen)


def _after_commit(session: Session) -> None:
    from flask import has_request_context, request

    session.info.pop(UNSEEN, None)
    session.info.pop(BUMPED, None)
    if has_request_context():
        request.environ.pop(VERSION_KEY, None)
    if not session.info.pop(PENDING, False):
        return
    from ekinerja.extensions import db

    try:
        refresh_pending(db.engine)
    except Exception:  # the change itself is saved; the queue keeps what to recompute
        log.exception("rollup refresh failed; the queue keeps it for the next one")


def _after_rollback(session: Session) -> None:
    session.info.pop(UNSEEN, None)
    session.info.pop(BUMPED, None)


def init_app(app) -> None:
    # A rolled-back transaction takes its queue rows with it; a PENDING flag left set only makes the
    # next commit look at an empty queue.
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
