"""import_document: check a whole interchange document against the database, then write it.

Nothing is written until every check has passed: the document is read (schema.py), then checked
against the organisation as it will be once the document's own organisation block is in (OrgView),
then written in dependency order: organisation (through the org import code), scorecards from the
province down (so that every parent exists before its children), objectives, indicators with their
monthly targets, realisations. Items are matched by their codes; an unchanged item is not touched,
so importing the same document twice writes nothing the second time (and no audit rows).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ekinerja.auth.permissions import can, can_scorecard
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import (Indicator, Objective, OwnerKind, Perspective, Realisation, RealisationStatus,
                                 Rollup, Scorecard)
from ekinerja.db import utcnow
from ekinerja.errors import ValidationFailed
from ekinerja.exchange.schema import (INDICATOR_TEXTS, ABSENT, OwnerRef, ParsedDocument, Problems, at,
                                      infer_unit_kind, parse_document)
from ekinerja.extensions import db
from ekinerja.org import services as org
from ekinerja.org.importer import import_employees, import_opds
from ekinerja.org.models import Employee, Opd, Position, Unit, UnitKind

KINDS = ("opds", "units", "employees", "scorecards", "objectives", "indicators", "realisations")
OUTCOMES = ("created", "updated", "unchanged")
CHUNK = 900
TOP_ORDER = {"(file)": 0, "(document)": 0, "format": 1, "year": 2, "organisation": 3, "scorecards": 4,
             "realisations": 5}
ABOVE_RULE = ("(the province is above every OPD, an OPD above its units and staff, a unit above its "
              "sub-units and the staff in them)")
EXCHANGE_ONLY = "only an administrator or the governor's office may import"


@dataclass
class ImportResult:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: dict.fromkeys(OUTCOMES, 0) for k in KINDS})

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    def _total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    @property
    def created(self) -> int:
        return self._total("created")

    @property
    def updated(self) -> int:
        return self._total("updated")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "counts": {k: dict(v) for k, v in self.counts.items()}}


def import_document(actor, doc: dict) -> ImportResult:
    """Check the whole document, then write it; on any error raise ValidationFailed listing every
    error with its path (sheet and row for a workbook) and write nothing. actor None: the system."""
    problems = Problems()
    parsed = parse_document(doc, problems)
    check = None
    if parsed is not None:
        check = _Check(actor, parsed, problems)
        check.run()
    if problems or parsed is None:
        raise _failure(problems, doc)
    result = ImportResult()
    _Writer(actor, parsed, check, result).run()
    return result


def _failure(problems: Problems, doc) -> ValidationFailed:
    def key(d):
        head = re.split(r"[.\[]", d["path"], maxsplit=1)[0]
        parts = re.split(r"(\d+)", d["path"])
        return (TOP_ORDER.get(head, 9), [int(p) if p.isdigit() else p for p in parts])

    details = sorted(problems.items, key=key)
    locate = getattr(doc, "locate", None)
    if locate is not None:
        details = [{"path": locate(d["path"]), "message": d["message"]} for d in details]
    return ValidationFailed(f"{len(details)} kesalahan pada dokumen; tidak ada data yang disimpan.", details)


# ---------------------------------------------------------------- the organisation to come

@dataclass
class UnitNode:
    code: str
    opd: str
    parent: str | None       # None: the OPD's own office (the root of its tree)
    kind: UnitKind | None
    id: int | None = None    # None: made by the document


@dataclass
class EmployeeNode:
    id: int | None
    unit: str | None         # the unit of the post held, None without a post


class OrgView:
    """OPD codes, the unit tree and employees' posts, as they will be after the document's
    organisation block is written (read from the database, then overlaid with the document)."""

    def __init__(self) -> None:
        self.opds: dict[str, int | None] = dict(db.session.execute(select(Opd.code, Opd.id)).all())
        self.opd_code = {i: c for c, i in self.opds.items()}
        rows = db.session.execute(select(Unit.id, Unit.code, Unit.parent_id, Unit.kind, Unit.opd_id)).all()
        code_of = {r.id: r.code for r in rows}
        self.units: dict[str, UnitNode] = {
            r.code: UnitNode(r.code, self.opd_code[r.opd_id], code_of.get(r.parent_id), r.kind, r.id) for r in rows}
        self.stored_units = {c: UnitNode(n.code, n.opd, n.parent, n.kind, n.id) for c, n in self.units.items()}
        self.employees: dict[str, EmployeeNode] = {}

    def load_employees(self, nips: set[str]) -> None:
        nips = [n for n in nips if n not in self.employees]
        for i in range(0, len(nips), CHUNK):
            for nip, eid, unit in db.session.execute(
                    select(Employee.nip, Employee.id, Unit.code)
                    .outerjoin(Position, Employee.position_id == Position.id)
                    .outerjoin(Unit, Position.unit_id == Unit.id)
                    .where(Employee.nip.in_(nips[i:i + CHUNK]))):
                self.employees[nip] = EmployeeNode(eid, unit)

    def ancestors(self, code: str | None):
        seen = set()
        while code is not None and code not in seen and code in self.units:
            seen.add(code)
            yield code
            code = self.units[code].parent

    def depth(self, code: str) -> int:
        return sum(1 for _ in self.ancestors(code))


@dataclass
class OwnerCtx:
    ref: OwnerRef
    id: int | None           # the OPD's, unit's or employee's id; None when the document creates it
    opd: str | None          # OPD code (a stored scorecard's own opd, as services.is_above uses it)
    unit: str | None         # the unit itself, or the unit of the employee's post
    scorecard: Scorecard | None = None

    @property
    def owner_key(self) -> str | None:
        if self.ref.kind == OwnerKind.PROVINCE:
            return "province"
        return Scorecard.key_for(self.ref.kind, self.id) if self.id is not None else None


# ---------------------------------------------------------------- checks (read only)

class _Check:
    def __init__(self, actor, parsed: ParsedDocument, problems: Problems) -> None:
        self.actor = actor
        self.parsed = parsed
        self.problems = problems
        self.year = parsed.year
        self.exchange = can(actor, "exchange")
        self.view = OrgView()
        self.owners: dict[tuple, tuple[OwnerCtx | None, str | None]] = {}
        self.doc_indicators: dict[tuple, object] = {}       # (owner key, code) -> IndicatorRow
        self.stored_indicators: dict[tuple, tuple[int, Rollup]] = {}
        self.allowed: dict[tuple, bool] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def run(self) -> None:
        if self.parsed.has_organisation and not self.exchange:
            self.add("organisation", f"{EXCHANGE_ONLY} the organisation")
        self._organisation()
        refs = [s.owner for s in self.parsed.scorecards] + [r.owner for r in self.parsed.realisations]
        refs += [i.parent.owner for s in self.parsed.scorecards for o in s.objectives for i in o.indicators
                 if i.parent is not None]
        self.view.load_employees({r.code for r in refs if r.kind == OwnerKind.EMPLOYEE})
        for ref in refs:
            self._resolve(ref)
        self._load_scorecards()
        for sc in self.parsed.scorecards:
            for o in sc.objectives:
                for i in o.indicators:
                    self.doc_indicators[(sc.owner.key, i.code)] = i
        for row in self.parsed.scorecards:
            self._scorecard(row)
        self._realisations()

    # ------------------------------------------------ organisation

    def _organisation(self) -> None:
        p, view = self.parsed, self.view
        doc_opds = {o.code for o in p.opds}
        doc_units = {u.code: u for u in p.units}
        for o in p.opds:
            node = view.units.get(o.code)
            if node is not None and node.kind != UnitKind.OPD:
                self.add(at(o.path, "code"), f"{o.code} is already the code of a unit ({node.kind.value}); "
                         "it cannot become an OPD")
        for u in p.units:
            stored = view.stored_units.get(u.code)
            if u.code in view.opds and u.code not in doc_opds:
                self.add(at(u.path, "code"), f"{u.code} is an OPD's code; the OPD's own office comes with the OPD")
                continue
            if u.opd not in view.opds and u.opd not in doc_opds:
                self.add(at(u.path, "opd"), f"OPD {u.opd} does not exist")
            elif stored is not None and stored.opd != u.opd:
                self.add(at(u.path, "opd"), f"unit {u.code} belongs to OPD {stored.opd}; a unit does not move "
                         "to another OPD")
            if u.parent is not None:
                if u.parent in doc_opds:  # the office of an OPD the document brings
                    parent_opd = u.parent
                elif u.parent in doc_units:
                    parent_opd = doc_units[u.parent].opd
                else:
                    parent_opd = view.units[u.parent].opd if u.parent in view.units else None
                if parent_opd is None:
                    self.add(at(u.path, "parent"), f"unit {u.parent} does not exist")
                elif parent_opd != u.opd:
                    self.add(at(u.path, "parent"), f"unit {u.parent} belongs to OPD {parent_opd}, not {u.opd}")
        # The tree as it will be.
        for o in p.opds:
            view.opds.setdefault(o.code, None)
            stored = view.units.get(o.code)
            view.units[o.code] = UnitNode(o.code, o.code, None, UnitKind.OPD, stored.id if stored else None)
        for u in p.units:
            stored = view.units.get(u.code)
            view.units[u.code] = UnitNode(u.code, u.opd, u.parent or u.opd, u.kind or (stored.kind if stored else None),
                                          stored.id if stored else None)
        for u in p.units:
            node, seen = view.units[u.code].parent, {u.code}
            while node is not None and node in view.units and node not in seen:
                seen.add(node)
                node = view.units[node].parent
            if node in seen:
                self.add(at(u.path, "parent"), f"this would put unit {u.code} under itself")
        view.load_employees({e.nip for e in p.employees})
        for e in p.employees:
            if e.unit not in view.units:
                self.add(at(e.path, "unit"), f"unit {e.unit} does not exist")
            node = view.employees.get(e.nip)
            view.employees[e.nip] = EmployeeNode(node.id if node else None, e.unit)

    # ------------------------------------------------ owners

    def _resolve(self, ref: OwnerRef) -> OwnerCtx | None:
        """The owner's context; an owner that does not exist is reported at every reference."""
        if ref.key not in self.owners:
            self.owners[ref.key] = self._lookup(ref)
        ctx, message = self.owners[ref.key]
        if ctx is None:
            self.add(ref.code_path, message)
        return ctx

    def _lookup(self, ref: OwnerRef) -> tuple[OwnerCtx | None, str | None]:
        view, code = self.view, ref.code
        if ref.kind == OwnerKind.PROVINCE:
            return OwnerCtx(ref, None, None, None), None
        if ref.kind == OwnerKind.OPD:
            if code not in view.opds:
                return None, f"OPD {code} does not exist"
            return OwnerCtx(ref, view.opds[code], code, None), None
        if ref.kind == OwnerKind.UNIT:
            node = view.units.get(code)
            if node is None:
                return None, f"unit {code} does not exist"
            if node.parent is None:
                return None, f"{code} is an OPD's own office: its scorecard is the OPD's (kind opd)"
            return OwnerCtx(ref, node.id, node.opd, code), None
        node = view.employees.get(code)
        if node is None:
            return None, f"there is no employee with NIP {code}"
        opd = view.units[node.unit].opd if node.unit in view.units else None
        return OwnerCtx(ref, node.id, opd, node.unit), None

    def ctx(self, ref: OwnerRef) -> OwnerCtx | None:
        return self.owners.get(ref.key, (None, None))[0]

    def _load_scorecards(self) -> None:
        contexts = {c.owner_key: c for c, _ in self.owners.values() if c is not None and c.owner_key}
        keys = list(contexts)
        cards: list[Scorecard] = []
        for i in range(0, len(keys), CHUNK):
            cards += db.session.scalars(
                select(Scorecard).where(Scorecard.year == self.year, Scorecard.owner_key.in_(keys[i:i + CHUNK]))
                .options(selectinload(Scorecard.objectives))).all()
        by_id = {}
        for sc in cards:
            ctx = contexts[sc.owner_key]
            ctx.scorecard = sc
            if ctx.ref.kind != OwnerKind.PROVINCE:
                ctx.opd = self.view.opd_code.get(sc.opd_id, ctx.opd)
            by_id[sc.id] = ctx
        ids = list(by_id)
        for i in range(0, len(ids), CHUNK):
            for iid, sc_id, code, rollup in db.session.execute(
                    select(Indicator.id, Indicator.scorecard_id, Indicator.code, Indicator.rollup)
                    .where(Indicator.scorecard_id.in_(ids[i:i + CHUNK]))):
                self.stored_indicators[(by_id[sc_id].ref.key, code)] = (iid, rollup)

    def may_change(self, ctx: OwnerCtx) -> bool:
        """bsc.manage on the owner's scorecard (one made up for the check when there is none yet)."""
        if self.exchange:
            return True
        if ctx.ref.key not in self.allowed:
            sc = ctx.scorecard
            if sc is None and (ctx.id is not None or ctx.ref.kind == OwnerKind.PROVINCE):
                model = {OwnerKind.OPD: Opd, OwnerKind.UNIT: Unit, OwnerKind.EMPLOYEE: Employee}.get(ctx.ref.kind)
                owner = db.session.get(model, ctx.id) if model else None
                try:
                    sc = bsc.new_scorecard(self.year, ctx.ref.kind, owner)
                except ValidationFailed:
                    sc = None
                else:
                    sc.opd = db.session.get(Opd, sc.opd_id) if sc.opd_id else None
                    sc.unit = owner if ctx.ref.kind == OwnerKind.UNIT else None
                    sc.employee = owner if ctx.ref.kind == OwnerKind.EMPLOYEE else None
            self.allowed[ctx.ref.key] = sc is not None and can_scorecard(self.actor, "bsc.manage", sc)
        return self.allowed[ctx.ref.key]

    # ------------------------------------------------ scorecards

    def _scorecard(self, row) -> None:
        ctx = self.ctx(row.owner)
        if ctx is None:
            return
        if ctx.scorecard is None and row.owner.kind == OwnerKind.EMPLOYEE and ctx.unit is None:
            self.add(row.owner.code_path, f"employee {row.owner.code} holds no position, so no scorecard "
                     "can be made for them")
        elif not self.may_change(ctx):
            self.add(row.owner.path, f"you may not change the scorecard of {row.owner.label}")
        for o in row.objectives:
            for i in o.indicators:
                if i.parent is not None:
                    self._parent(ctx, i)

    def _parent(self, child: OwnerCtx, indicator) -> None:
        ref = indicator.parent
        parent = self.ctx(ref.owner)
        if parent is None:
            return
        key = (ref.owner.key, ref.code)
        if key not in self.doc_indicators and key not in self.stored_indicators:
            if key not in self._declared():
                self.add(at(ref.path, "code"), f"{ref.owner.label} has no indicator {ref.code} in {self.year}")
        elif not _above(self.view, parent, child):
            self.add(ref.path, f"{ref.code} of {ref.owner.label} is not on a scorecard above "
                     f"{child.ref.label} {ABOVE_RULE}")

    def _declared(self) -> set:
        if not hasattr(self, "_declared_keys"):
            self._declared_keys = {(s.owner.key, c) for s in self.parsed.scorecards for c in s.declared}
        return self._declared_keys

    # ------------------------------------------------ realisations

    def _realisations(self) -> None:
        stored: dict[tuple[int, int], Realisation] = {}
        if not self.exchange:
            ids = list({v[0] for v in self.stored_indicators.values()})
            for i in range(0, len(ids), CHUNK):
                for r in db.session.scalars(select(Realisation).where(Realisation.indicator_id.in_(ids[i:i + CHUNK]))):
                    stored[(r.indicator_id, r.month)] = r
        for row in self.parsed.realisations:
            ctx = self.ctx(row.owner)
            if ctx is None:
                continue
            key = (row.owner.key, row.indicator)
            if key in self.doc_indicators:
                rollup = self.doc_indicators[key].rollup
            elif key in self.stored_indicators:
                rollup = self.stored_indicators[key][1]
            else:
                if key not in self._declared():
                    self.add(row.indicator_path, f"{row.owner.label} has no indicator {row.indicator} in {self.year}")
                continue
            if rollup != Rollup.MANUAL:
                self.add(row.indicator_path, f"{row.indicator} is computed from its children (rollup "
                         f"{rollup.value}); it takes no values of its own")
            if self.exchange:
                continue
            if row.status != RealisationStatus.DRAFT:
                self.add(at(row.path, "status"), f"{EXCHANGE_ONLY} {row.status.value} realisations")
            if not self.may_change(ctx):
                self.add(row.owner.path, f"you may not change the realisations of {row.owner.label}")
                continue
            current = stored.get((self.stored_indicators[key][0], row.month)) if key in self.stored_indicators else None
            if current is not None and current.status not in (RealisationStatus.DRAFT, RealisationStatus.RETURNED) \
                    and not _same_realisation(current, row):
                self.add(row.path, f"the realisation of month {row.month} is already {current.status.value}; "
                         f"{EXCHANGE_ONLY} a replacement")
            elif (current is None or not _same_realisation(current, row)) and not self._month_open(ctx, row.month):
                # A user's import is a change like any other: a closed or locked month keeps what it
                # had (domain.md §4). Only the exchange of whole documents (administrators migrating
                # history, statuses included) is outside the periods.
                self.add(at(row.path, "month"), f"month {row.month} of {self.year} is closed or locked "
                         f"for {row.owner.label}; nothing in it may change")

    def _month_open(self, ctx: OwnerCtx, month: int) -> bool:
        from ekinerja.org.models import Opd
        from ekinerja.realisations import periods

        cache = self.__dict__.setdefault("_open_months", {})
        if ctx.opd not in cache:
            opd_id = db.session.scalar(select(Opd.id).where(Opd.code == ctx.opd)) if ctx.opd else None
            cache[ctx.opd] = {s.month: s.open for s in periods.year_states(self.year, opd_id)}
        return cache[ctx.opd][month]


def _above(view: OrgView, upper: OwnerCtx, lower: OwnerCtx) -> bool:
    """services.is_above over the organisation to come: the province above every OPD, an OPD above
    its units and their staff, a unit above its sub-units and the employees in them."""
    if upper.ref.key == lower.ref.key:
        return False
    uk, lk = upper.ref.kind, lower.ref.kind
    if uk == OwnerKind.PROVINCE:
        return lk == OwnerKind.OPD
    if uk == OwnerKind.OPD:
        return lk in (OwnerKind.UNIT, OwnerKind.EMPLOYEE) and lower.opd == upper.ref.code
    if uk == OwnerKind.UNIT:
        if lk == OwnerKind.UNIT:
            start = view.units[lower.ref.code].parent if lower.ref.code in view.units else None
        elif lk == OwnerKind.EMPLOYEE:
            start = lower.unit
        else:
            return False
        return upper.ref.code in view.ancestors(start)
    return False


def _same_realisation_status(current: Realisation, row) -> bool:
    # "returned" travels as "draft": back in the owner's hands (interchange.md has no returned)
    return current.status == row.status or (
        row.status == RealisationStatus.DRAFT and current.status == RealisationStatus.RETURNED)


def _same_realisation(current: Realisation, row) -> bool:
    return (_same_realisation_status(current, row) and current.value == row.value
            and (current.note or None) == row.note)


# ---------------------------------------------------------------- writing

def _csv(header: tuple[str, ...], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _org_import(function, text: str, rows: list):
    """The org importers check their file again; should they refuse a row, name it by its path."""
    try:
        return function(text)
    except ValidationFailed as exc:
        details = []
        for d in exc.details:
            n = d.get("line", 0) - 2  # line 1 is the header
            details.append({"path": rows[n].path if 0 <= n < len(rows) else "organisation",
                            "message": d["message"]})
        raise ValidationFailed(exc.message, details) from exc


class _Writer:
    def __init__(self, actor, parsed: ParsedDocument, check: _Check, result: ImportResult) -> None:
        self.actor = actor
        self.parsed = parsed
        self.check = check
        self.result = result
        self.written: dict[tuple, Indicator] = {}

    def run(self) -> None:
        if self.parsed.has_organisation:
            self._organisation()
        self._owners()
        view = self.check.view
        order = {OwnerKind.PROVINCE: 0, OwnerKind.OPD: 1, OwnerKind.UNIT: 2, OwnerKind.EMPLOYEE: 3}

        def level(row):
            depth = view.depth(row.owner.code) if row.owner.kind == OwnerKind.UNIT else 0
            return (order[row.owner.kind], depth)

        stored = self._stored_indicators()
        for row in sorted(self.parsed.scorecards, key=level):  # parents before their children
            self._scorecard(row, stored)
        self._realisations()
        db.session.flush()

    # ------------------------------------------------ organisation

    def _organisation(self) -> None:
        p, result = self.parsed, self.result
        if p.opds:
            text = _csv(("sipd_code", "name", "parent_sipd_code", "level"),
                        [(o.code, o.name, "", "opd") for o in p.opds])
            r = _org_import(import_opds, text, p.opds)
            for outcome in OUTCOMES:
                result.add("opds", outcome, getattr(r, outcome))
        if p.units:
            units = {u.code: u for u in db.session.scalars(select(Unit))}
            for row in sorted(p.units, key=lambda u: self.check.view.depth(u.code)):
                parent = units[row.parent or row.opd]
                unit = units.get(row.code)
                try:
                    if unit is None:
                        units[row.code] = org.create_unit(self.actor, parent, row.code, row.name,
                                                          row.kind or infer_unit_kind(row.name))
                        result.add("units", "created")
                    elif (unit.name, unit.kind, unit.parent_id) == (row.name, row.kind or unit.kind, parent.id):
                        result.add("units", "unchanged")
                    else:
                        org.update_unit(self.actor, unit, row.code, row.name, row.kind or unit.kind, parent)
                        result.add("units", "updated")
                except ValidationFailed as exc:
                    raise _at(row.path, exc) from exc
        if p.employees:
            header = ("nip", "name", "position", "position_kind", "unit_code", "is_unit_head", "rank")
            text = _csv(header, [(e.nip, e.name, e.position, e.position_kind.value, e.unit,
                                  "ya" if e.is_unit_head else "tidak", e.rank or "") for e in p.employees])
            r = _org_import(import_employees, text, p.employees)
            for outcome in OUTCOMES:
                result.add("employees", outcome, getattr(r, outcome))
        db.session.flush()

    # ------------------------------------------------ scorecards

    def _owners(self) -> None:
        """The owners' rows, a query per kind (the organisation block may just have made them)."""
        codes: dict[OwnerKind, set[str]] = {k: set() for k in OwnerKind}
        for row in self.parsed.scorecards:
            codes[row.owner.kind].add(row.owner.code)
        self.objects: dict[tuple, object] = {("province", None): None}
        for kind, model, column in ((OwnerKind.OPD, Opd, Opd.code), (OwnerKind.UNIT, Unit, Unit.code),
                                    (OwnerKind.EMPLOYEE, Employee, Employee.nip)):
            wanted = list(codes[kind])
            for i in range(0, len(wanted), CHUNK):
                for obj in db.session.scalars(select(model).where(column.in_(wanted[i:i + CHUNK]))):
                    self.objects[(kind.value, getattr(obj, column.key))] = obj

    def _stored_indicators(self) -> dict[int, dict[str, Indicator]]:
        ids = [c.scorecard.id for c, _ in self.check.owners.values() if c is not None and c.scorecard is not None]
        out: dict[int, dict[str, Indicator]] = {i: {} for i in ids}
        for i in range(0, len(ids), CHUNK):
            for ind in db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(ids[i:i + CHUNK]))
                                          .options(selectinload(Indicator.monthly_targets))):
                out[ind.scorecard_id][ind.code] = ind
        return out

    def _scorecard(self, row, stored: dict[int, dict[str, Indicator]]) -> None:
        ctx = self.check.ctx(row.owner)
        sc, outcome = ctx.scorecard, "unchanged"
        if sc is None:
            sc = bsc.ensure_scorecard(self.actor, self.parsed.year, row.owner.kind, self.objects[row.owner.key])
            ctx.scorecard, outcome = sc, "created"
        if row.weights is not ABSENT:
            wanted = {p.value: (row.weights or {}).get(p.value) for p in Perspective}
            if any(getattr(sc, f"w_{p}") != w for p, w in wanted.items()):
                bsc.set_weights(self.actor, sc, wanted)
                outcome = "updated" if outcome == "unchanged" else outcome
        self.result.add("scorecards", outcome)
        objectives = {o.code: o for o in sc.objectives} if outcome != "created" else {}
        indicators = stored.get(sc.id, {})
        for orow in row.objectives:
            objective = objectives.get(orow.code)
            if objective is None:
                objective = self._save_objective(orow, sc, None)
                self.result.add("objectives", "created")
            elif (objective.perspective, objective.name) != (orow.perspective, orow.name):
                self._save_objective(orow, sc, objective)
                self.result.add("objectives", "updated")
            else:
                self.result.add("objectives", "unchanged")
            for irow in orow.indicators:
                self._indicator(row, objective, irow, indicators.get(irow.code))

    def _save_objective(self, row, sc: Scorecard, objective: Objective | None) -> Objective:
        try:
            return bsc.save_objective(self.actor, sc, row.code, row.perspective, row.name, objective)
        except ValidationFailed as exc:  # the checks above should have caught it: say where anyway
            raise _at(row.path, exc) from exc

    def _parent_id(self, ref) -> int | None:
        if ref is None:
            return None
        key = (ref.owner.key, ref.code)
        if key in self.written:
            return self.written[key].id
        return self.check.stored_indicators[key][0]

    def _indicator(self, card_row, objective: Objective, row, indicator: Indicator | None) -> None:
        texts = {k: row.texts[k] if k in row.texts else getattr(indicator, k, None) for k in INDICATOR_TEXTS}
        data = bsc.IndicatorInput(
            code=row.code, name=row.name, unit_of_measure=row.unit_of_measure, polarity=row.polarity.value,
            aggregation=row.aggregation.value, weight=row.weight, target=row.target, target_high=row.target_high,
            monthly_targets=row.monthly_targets, parent_id=self._parent_id(row.parent),
            cascade_kind=row.cascade.value if row.cascade else None, rollup=row.rollup.value, **texts)
        if indicator is None:
            indicator = self._save(row, objective, data, None)
            self.result.add("indicators", "created")
        elif _same_indicator(indicator, objective, data):
            self.result.add("indicators", "unchanged")
        else:
            self._save(row, objective, data, indicator)
            self.result.add("indicators", "updated")
        self.written[(card_row.owner.key, row.code)] = indicator

    def _save(self, row, objective, data, indicator) -> Indicator:
        try:
            return bsc.save_indicator(self.actor, objective, data, indicator)
        except ValidationFailed as exc:  # the checks above should have caught it: say where anyway
            raise _at(row.path, exc) from exc

    # ------------------------------------------------ realisations

    def _realisations(self) -> None:
        rows = self.parsed.realisations
        if not rows:
            return
        ids = {}
        for row in rows:
            key = (row.owner.key, row.indicator)
            ids[key] = self.written[key].id if key in self.written else self.check.stored_indicators[key][0]
        wanted = list(set(ids.values()))
        stored: dict[tuple[int, int], Realisation] = {}
        for i in range(0, len(wanted), CHUNK):
            for r in db.session.scalars(select(Realisation).where(Realisation.indicator_id.in_(wanted[i:i + CHUNK]))):
                stored[(r.indicator_id, r.month)] = r
        now, actor_id = utcnow(), getattr(self.actor, "id", None)
        for row in rows:
            indicator_id = ids[(row.owner.key, row.indicator)]
            current = stored.get((indicator_id, row.month))
            if current is not None and _same_realisation(current, row):
                self.result.add("realisations", "unchanged")
                continue
            if current is None:
                current = Realisation(indicator_id=indicator_id, month=row.month)
                db.session.add(current)
                self.result.add("realisations", "created")
            else:
                self.result.add("realisations", "updated")
                current.version += 1  # a client holding the old version must reload (409)
            # Only what differs is set: 13.2 over a stored 13.2000 would be an empty change in the trail.
            if current.value != row.value:
                current.value = row.value
            if (current.note or None) != row.note:
                current.note = row.note
            if current.status != row.status and not _same_realisation_status(current, row):
                current.status = row.status
                # Imported history: submitted and decided at the import, by the importing actor.
                if row.status in (RealisationStatus.SUBMITTED, RealisationStatus.APPROVED):
                    current.submitted_at = current.submitted_at or now
                if row.status == RealisationStatus.APPROVED:
                    current.decided_at, current.decided_by_id = now, actor_id


def _at(path: str, exc: ValidationFailed) -> ValidationFailed:
    """A service's refusal, its fields named as the document names them."""
    names = {"unit_of_measure": "unit", "parent_id": "parent", "cascade_kind": "cascade"}
    details = [{"path": at(path, names.get(d.get("field"), d.get("field") or "")).rstrip("."), "message": d["message"]}
               for d in exc.details] or [{"path": path, "message": exc.message}]
    return ValidationFailed(exc.message, details)


def _same_indicator(ind: Indicator, objective: Objective, data: bsc.IndicatorInput) -> bool:
    return (ind.objective_id == objective.id and ind.name == data.name
            and ind.unit_of_measure == data.unit_of_measure and ind.polarity == data.polarity
            and ind.aggregation == data.aggregation and ind.weight == data.weight and ind.target == data.target
            and ind.target_high == data.target_high and ind.parent_id == data.parent_id
            and (ind.cascade_kind.value if ind.cascade_kind else None) == data.cascade_kind
            and ind.rollup == data.rollup and ind.monthly_target_list() == data.monthly_targets
            and all(getattr(ind, k) == getattr(data, k) for k in INDICATOR_TEXTS))
