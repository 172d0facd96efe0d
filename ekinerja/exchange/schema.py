"""The interchange document (interchange.md) read into plain rows, each with its JSON path.

Pure: no database and no Flask. Every problem is collected with its path ("scorecards[2].
objectives[0].indicators[1].polarity"); reading never stops at the first one.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import partial
from decimal import Decimal

from ekinerja.bsc.models import CascadeKind, OwnerKind, Perspective, RealisationStatus, Rollup
from ekinerja.bsc.scoring import Aggregation, Polarity
from ekinerja.org.importer import SIPD_RE
from ekinerja.org.models import PositionKind, UnitKind
from ekinerja.org.nip import InvalidNip, normalise_nip, parse_nip
from ekinerja.org.services import HEAD_KINDS, UNIT_CODE_RE

FORMAT = "ekinerja/v1"
IMPORT_STATUSES = (RealisationStatus.DRAFT, RealisationStatus.SUBMITTED, RealisationStatus.APPROVED)
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
VALUE_PLACES, VALUE_DIGITS = 4, 16    # Numeric(20, 4): more places would be rounded, and re-imports differ
WEIGHT_PLACES, WEIGHT_DIGITS = 2, 7   # Numeric(9, 2)
TRUE_WORDS = {"true", "1", "ya", "y", "yes"}
FALSE_WORDS = {"false", "0", "tidak", "t", "no", "n"}

DOCUMENT_FIELDS = ("format", "year", "organisation", "scorecards", "realisations")
ORGANISATION_FIELDS = ("opds", "units", "employees")
OPD_FIELDS = ("code", "name")
UNIT_FIELDS = ("code", "name", "opd", "parent", "kind")
EMPLOYEE_FIELDS = ("nip", "name", "position", "position_kind", "unit", "is_unit_head", "rank")
SCORECARD_FIELDS = ("owner", "perspective_weights", "objectives", "computed")
OBJECTIVE_FIELDS = ("code", "perspective", "name", "indicators", "computed")
INDICATOR_FIELDS = ("code", "name", "unit", "polarity", "aggregation", "weight", "target", "target_high",
                    "monthly_targets", "parent", "cascade", "rollup", "definition", "formula", "data_source",
                    "computed")
# Fields ekinerja keeps beyond interchange.md: when a document leaves them out (as other systems'
# documents do), the stored value stays; only an explicit null clears it.
INDICATOR_TEXTS = {"definition": None, "formula": None, "data_source": 255}
PARENT_FIELDS = ("owner", "code")
REALISATION_FIELDS = ("owner", "indicator", "month", "value", "status", "note")


class _Absent:
    """A field the document leaves out (as opposed to an explicit null)."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()


def at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


class Problems:
    """Errors as interchange.md lists them: {"path": ..., "message": ...}."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"path": path, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


# ---------------------------------------------------------------- rows

@dataclass
class OwnerRef:
    kind: OwnerKind
    code: str | None          # SIPD code, unit code or NIP; None for the province
    path: str
    code_path: str

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.kind.value, self.code)

    @property
    def label(self) -> str:
        if self.kind == OwnerKind.PROVINCE:
            return "the province"
        return {"opd": "OPD", "unit": "unit", "employee": "employee"}[self.kind.value] + f" {self.code}"


def owner_json(kind: OwnerKind | str, code: str | None) -> dict:
    kind = OwnerKind(kind)
    if kind == OwnerKind.PROVINCE:
        return {"kind": kind.value}
    return {"kind": kind.value, "nip" if kind == OwnerKind.EMPLOYEE else "code": code}


@dataclass
class OpdRow:
    path: str
    code: str
    name: str


@dataclass
class UnitRow:
    path: str
    code: str
    name: str
    opd: str
    parent: str | None                  # None: directly under the OPD's own office
    kind: UnitKind | None               # None: keep (an existing unit) or infer from the name


@dataclass
class EmployeeRow:
    path: str
    nip: str
    name: str
    position: str
    position_kind: PositionKind
    unit: str                           # a unit code, or an OPD code for a post at the OPD's top
    is_unit_head: bool
    rank: str | None


@dataclass
class ParentRef:
    path: str
    owner: OwnerRef
    code: str


@dataclass
class IndicatorRow:
    path: str
    code: str
    name: str
    unit_of_measure: str
    polarity: Polarity
    aggregation: Aggregation
    weight: Decimal
    target: Decimal
    target_high: Decimal | None
    monthly_targets: list[Decimal] | None
    parent: ParentRef | None
    cascade: CascadeKind | None
    rollup: Rollup
    texts: dict = field(default_factory=dict)   # definition/formula/data_source when given


@dataclass
class ObjectiveRow:
    path: str
    code: str
    perspective: Perspective
    name: str
    indicators: list[IndicatorRow]


@dataclass
class ScorecardRow:
    path: str
    owner: OwnerRef
    weights: object                      # ABSENT, None, or {perspective: Decimal | None}
    objectives: list[ObjectiveRow]
    declared: set[str] = field(default_factory=set)  # every indicator code given, even on a bad row


@dataclass
class RealisationRow:
    path: str
    owner: OwnerRef
    indicator: str
    indicator_path: str
    month: int
    value: Decimal | None
    status: RealisationStatus
    note: str | None


@dataclass
class ParsedDocument:
    year: int
    has_organisation: bool = False
    opds: list[OpdRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    employees: list[EmployeeRow] = field(default_factory=list)
    scorecards: list[ScorecardRow] = field(default_factory=list)
    realisations: list[RealisationRow] = field(default_factory=list)


def infer_unit_kind(name: str) -> UnitKind:
    """A new unit's kind from its name when the document does not say (interchange.md has no kind)."""
    lowered = name.lower()
    for prefix, kind in (("sekretariat", UnitKind.SEKRETARIAT), ("bidang", UnitKind.BIDANG),
                         ("seksi", UnitKind.SEKSI), ("subbagian", UnitKind.SUBBAGIAN),
                         ("sub bagian", UnitKind.SUBBAGIAN), ("upt", UnitKind.UPT), ("balai", UnitKind.UPT),
                         ("rumah sakit", UnitKind.UPT)):
        if lowered.startswith(prefix):
            return kind
    return UnitKind.LAINNYA


# ---------------------------------------------------------------- field readers

class Reader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def add(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def obj(self, value, path: str, fields: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, "must be an object")
            return None
        for key in value:
            if key not in fields:
                self.add(at(path, str(key)), f"unknown field '{key}'")
        for key in required:
            if key not in value:  # a null is reported by the field's own reader
                self.add(at(path, key), "is required")
        return value

    def items(self, value, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "must be a list")
            return []
        return value

    def text(self, d: dict, key: str, path: str, required: bool = True, max_len: int | None = 255,
             single_line: bool = True) -> str | None:
        value, p = d.get(key), at(path, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(p, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.add(p, "must be a string")
            return None
        value = str(value).strip()
        if max_len is not None and len(value) > max_len:
            self.add(p, f"is longer than {max_len} characters")
            return None
        if single_line and any(c in value for c in "\r\n\t"):
            self.add(p, "must be a single line")
            return None
        return value

    def choice(self, d: dict, key: str, path: str, enum_cls, allowed=None, required: bool = True):
        value, p = d.get(key), at(path, key)
        if value is None or value == "":
            if required:
                self.add(p, "is required")
            return None
        names = [m.value for m in (allowed or enum_cls)]
        if not isinstance(value, str) or value.strip() not in names:
            self.add(p, f"'{value}' is not one of {', '.join(names)}")
            return None
        return enum_cls(value.strip())

    def decimal(self, value, path: str, required: bool = True, places: int = VALUE_PLACES,
                digits: int = VALUE_DIGITS) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path, "is required")
            return None
        if isinstance(value, bool):
            self.add(path, f"'{value}' is not a decimal number")
            return None
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.add(path, f"'{value}' is not a decimal number")
                return None
            number = Decimal(repr(value))
        elif isinstance(value, str) and DECIMAL_RE.match(value.strip()):
            number = Decimal(value.strip())
        else:
            self.add(path, f"'{value}' is not a decimal number (write it like \"72.50\")")
            return None
        exponent = number.normalize().as_tuple().exponent if number else 0
        if isinstance(exponent, int) and -exponent > places:
            self.add(path, f"'{value}' has more than {places} decimal places")
            return None
        if abs(number) >= Decimal(10) ** digits:
            self.add(path, f"'{value}' is too large")
            return None
        return number

    def integer(self, value, path: str, low: int, high: int, required: bool = True) -> int | None:
        if value is None or value == "":
            if required:
                self.add(path, "is required")
            return None
        number = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None:
            self.add(path, f"'{value}' is not a whole number")
            return None
        if not low <= number <= high:
            self.add(path, f"{number} is not between {low} and {high}")
            return None
        return number

    def boolean(self, value, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        if value is None:
            self.add(path, "is required")
        else:
            self.add(path, f"'{value}' is not true or false")
        return None

    def owner(self, value, path: str) -> OwnerRef | None:
        if value is None:
            self.add(path, "is required")
            return None
        d = self.obj(value, path, ("kind", "code", "nip"), required=("kind",))
        if d is None:
            return None
        kind = self.choice(d, "kind", path, OwnerKind)
        if kind is None:
            return None
        if kind == OwnerKind.PROVINCE:
            for key in ("code", "nip"):
                if d.get(key) not in (None, ""):
                    self.add(at(path, key), "the province has no code")
            return OwnerRef(kind, None, path, at(path, "kind"))
        if kind == OwnerKind.EMPLOYEE:
            key = "code" if "nip" not in d and "code" in d else "nip"
            code = self.text(d, key, path, max_len=32)
            code = normalise_nip(code) if code else None
        else:
            key = "code"
            if d.get("nip") not in (None, ""):
                self.add(at(path, "nip"), "only an employee owner has a nip")
            code = self.text(d, key, path, max_len=32)
        if code is None:
            return None
        return OwnerRef(kind, code, path, at(path, key))


# ---------------------------------------------------------------- the document

def parse_document(doc, problems: Problems) -> ParsedDocument | None:
    """Read and check every field that can be checked without the database."""
    r = Reader(problems)
    if not isinstance(doc, dict):
        problems.add("(document)", "must be a JSON object")
        return None
    r.obj(doc, "", DOCUMENT_FIELDS, required=("format", "year"))
    fmt = doc.get("format")
    if "format" in doc and fmt != FORMAT:
        problems.add("format", f"'{fmt}' is not {FORMAT}")
    year = r.integer(doc.get("year"), "year", 2000, 2100) if "year" in doc else None
    parsed = ParsedDocument(year=year or 0)
    if "organisation" in doc and doc["organisation"] is not None:
        parsed.has_organisation = True
        _organisation(r, doc["organisation"], parsed)
    for i, value in enumerate(r.items(doc.get("scorecards"), "scorecards")):
        row = _scorecard(r, value, item("scorecards", i))
        if row is not None:
            parsed.scorecards.append(row)
    for i, value in enumerate(r.items(doc.get("realisations"), "realisations")):
        row = _realisation(r, value, item("realisations", i))
        if row is not None:
            parsed.realisations.append(row)
    _duplicates(r, parsed)
    return parsed if year is not None else None


def _organisation(r: Reader, value, parsed: ParsedDocument) -> None:
    d = r.obj(value, "organisation", ORGANISATION_FIELDS)
    if d is None:
        return
    for i, v in enumerate(r.items(d.get("opds"), "organisation.opds")):
        path = item("organisation.opds", i)
        o = r.obj(v, path, OPD_FIELDS, required=OPD_FIELDS)
        if o is None:
            continue
        code, name = r.text(o, "code", path, max_len=32), r.text(o, "name", path)
        if code is not None and not SIPD_RE.match(code):
            r.add(at(path, "code"), f"'{code}' is not a SIPD code (digits separated by dots)")
            code = None
        if code and name:
            parsed.opds.append(OpdRow(path, code, name))
    for i, v in enumerate(r.items(d.get("units"), "organisation.units")):
        path = item("organisation.units", i)
        u = r.obj(v, path, UNIT_FIELDS, required=("code", "name", "opd"))
        if u is None:
            continue
        code, name = r.text(u, "code", path, max_len=32), r.text(u, "name", path)
        if code is not None and not UNIT_CODE_RE.match(code):
            r.add(at(path, "code"), f"'{code}' is not a unit code (letters, digits, dots or hyphens; at most 32)")
            code = None
        opd = r.text(u, "opd", path, max_len=32)
        parent = r.text(u, "parent", path, required=False, max_len=32)
        kind = None
        if u.get("kind") not in (None, ""):
            kind = r.choice(u, "kind", path, UnitKind, allowed=[k for k in UnitKind if k != UnitKind.OPD])
            if kind is None:
                continue
        if code and name and opd:
            if parent == code:
                r.add(at(path, "parent"), "a unit cannot be its own parent")
                continue
            parsed.units.append(UnitRow(path, code, name, opd, parent, kind))
    for i, v in enumerate(r.items(d.get("employees"), "organisation.employees")):
        path = item("organisation.employees", i)
        e = r.obj(v, path, EMPLOYEE_FIELDS,
                  required=("nip", "name", "position", "position_kind", "unit", "is_unit_head"))
        if e is None:
            continue
        nip = r.text(e, "nip", path, max_len=32)
        if nip is not None:
            nip = normalise_nip(nip)
            try:
                parse_nip(nip)
            except InvalidNip as exc:
                r.add(at(path, "nip"), f"'{nip}' is not a valid NIP: {exc}")
                nip = None
        name, position = r.text(e, "name", path), r.text(e, "position", path)
        kind = r.choice(e, "position_kind", path, PositionKind)
        unit = r.text(e, "unit", path, max_len=32)
        is_head = r.boolean(e.get("is_unit_head"), at(path, "is_unit_head"))
        rank = r.text(e, "rank", path, required=False, max_len=64)
        if is_head and kind is not None and kind not in HEAD_KINDS:
            r.add(at(path, "position_kind"), "a unit head is a jpt, administrator or pengawas post")
            continue
        if None not in (nip, name, position, kind, unit, is_head):
            parsed.employees.append(EmployeeRow(path, nip, name, position, kind, unit, is_head, rank))


def _scorecard(r: Reader, value, path: str) -> ScorecardRow | None:
    d = r.obj(value, path, SCORECARD_FIELDS, required=("owner",))
    if d is None:
        return None
    owner = r.owner(d.get("owner"), at(path, "owner")) if "owner" in d else None
    weights = ABSENT
    if "perspective_weights" in d:
        weights = _weights(r, d["perspective_weights"], at(path, "perspective_weights"))
    objectives, given_objectives, given_indicators = [], [], []
    for j, v in enumerate(r.items(d.get("objectives"), at(path, "objectives"))):
        opath = item(at(path, "objectives"), j)
        o = _objective(r, v, opath)
        if o is not None:
            objectives.append(o)
        # Duplicates are found among every code given, even on rows with other errors.
        if isinstance(v, dict):
            given_objectives.append(_Given(opath, _code(v)))
            if isinstance(v.get("indicators"), list):
                given_indicators += [_Given(item(at(opath, "indicators"), k), _code(i))
                                     for k, i in enumerate(v["indicators"]) if isinstance(i, dict)]
    _once(r, [g for g in given_objectives if g.code], lambda g: g.code, "this objective code", "code")
    _once(r, [g for g in given_indicators if g.code], lambda g: g.code, "this indicator code on the scorecard", "code")
    declared = {g.code for g in given_indicators if g.code}
    if owner is None or weights is False:
        return None
    return ScorecardRow(path, owner, weights, objectives, declared)


@dataclass
class _Given:
    path: str
    code: str | None


def _code(d: dict) -> str | None:
    code = d.get("code")
    return str(code).strip() or None if isinstance(code, (str, int)) and not isinstance(code, bool) else None


def _weights(r: Reader, value, path: str):
    """None (no perspective weights: the NKO is the mean of all indicators) or a dict; False when bad."""
    if value is None:
        return None
    d = r.obj(value, path, tuple(p.value for p in Perspective))
    if d is None:
        return False
    out, ok = {}, True
    for p in Perspective:
        if d.get(p.value) is None:
            out[p.value] = None
            continue
        w = r.decimal(d[p.value], at(path, p.value), places=WEIGHT_PLACES, digits=WEIGHT_DIGITS)
        if w is not None and w <= 0:
            r.add(at(path, p.value), "must be greater than 0 (leave it out when the perspective is not used)")
            w = None
        ok = ok and w is not None
        out[p.value] = w
    if not ok:
        return False
    return out if any(w is not None for w in out.values()) else None


def _objective(r: Reader, value, path: str) -> ObjectiveRow | None:
    d = r.obj(value, path, OBJECTIVE_FIELDS, required=("code", "perspective", "name"))
    if d is None:
        return None
    code = r.text(d, "code", path, max_len=32)
    perspective = r.choice(d, "perspective", path, Perspective)
    name = r.text(d, "name", path, max_len=500)
    indicators = []
    for k, v in enumerate(r.items(d.get("indicators"), at(path, "indicators"))):
        ind = _indicator(r, v, item(at(path, "indicators"), k))
        if ind is not None:
            indicators.append(ind)
    if None in (code, perspective, name):
        return None
    return ObjectiveRow(path, code, perspective, name, indicators)


def _indicator(r: Reader, value, path: str) -> IndicatorRow | None:
    d = r.obj(value, path, INDICATOR_FIELDS,
              required=("code", "name", "unit", "polarity", "aggregation", "weight", "target"))
    if d is None:
        return None
    code = r.text(d, "code", path, max_len=32)
    name = r.text(d, "name", path, max_len=500)
    unit = r.text(d, "unit", path, max_len=64)
    polarity = r.choice(d, "polarity", path, Polarity)
    aggregation = r.choice(d, "aggregation", path, Aggregation)
    rollup = r.choice(d, "rollup", path, Rollup, required=False) if d.get("rollup") not in (None, "") else Rollup.MANUAL
    weight = r.decimal(d.get("weight"), at(path, "weight"), places=WEIGHT_PLACES, digits=WEIGHT_DIGITS)
    if weight is not None and weight <= 0:
        r.add(at(path, "weight"), "must be greater than 0")
        weight = None
    target = r.decimal(d.get("target"), at(path, "target"))
    high = r.decimal(d.get("target_high"), at(path, "target_high"), required=False)
    ok = None not in (code, name, unit, polarity, aggregation, rollup, weight, target)
    if d.get("target_high") not in (None, "") and high is None:
        ok = False
    if target is not None and high is not None and high < target:
        r.add(at(path, "target_high"), "the upper bound of the range is below the target")
        ok = False
    if polarity == Polarity.STABILIZE and high is None and d.get("target_high") in (None, ""):
        r.add(at(path, "target_high"), "polarity stabilize needs a target range (target_high)")
        ok = False
    monthly, monthly_ok = _monthly(r, d.get("monthly_targets"), at(path, "monthly_targets"))
    parent = None
    if d.get("parent") is not None:
        p = at(path, "parent")
        pd = r.obj(d["parent"], p, PARENT_FIELDS, required=PARENT_FIELDS)
        if pd is None:
            ok = False
        else:
            owner = r.owner(pd.get("owner"), at(p, "owner")) if "owner" in pd else None
            pcode = r.text(pd, "code", p, max_len=32)
            if owner is None or pcode is None:
                ok = False
            else:
                parent = ParentRef(p, owner, pcode)
    cascade = None
    if d.get("cascade") not in (None, ""):
        cascade = r.choice(d, "cascade", path, CascadeKind)
        if cascade is None:
            ok = False
        elif d.get("parent") is None:
            r.add(at(path, "cascade"), "only an indicator with a parent has a cascade kind")
            ok = False
    elif parent is not None:
        cascade = CascadeKind.DIRECT
    texts = {}
    for key, max_len in INDICATOR_TEXTS.items():
        if key in d:
            texts[key] = r.text(d, key, path, required=False, max_len=max_len, single_line=False)
            if d[key] not in (None, "") and texts[key] is None:
                ok = False
    if not ok or not monthly_ok:
        return None
    return IndicatorRow(path, code, name, unit, polarity, aggregation, weight, target, high, monthly, parent,
                        cascade, rollup, texts)


def _monthly(r: Reader, value, path: str) -> tuple[list[Decimal] | None, bool]:
    if value is None:
        return None, True
    if not isinstance(value, list):
        r.add(path, "must be a list of 12 monthly targets (January to December) or null")
        return None, False
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in value):
        return None, True
    if len(value) != 12:
        r.add(path, f"has {len(value)} values; 12 monthly targets (January to December) are needed")
        return None, False
    out = [r.decimal(v, item(path, m)) for m, v in enumerate(value)]
    return (out, True) if None not in out else (None, False)


def _realisation(r: Reader, value, path: str) -> RealisationRow | None:
    d = r.obj(value, path, REALISATION_FIELDS, required=("owner", "indicator", "month", "status"))
    if d is None:
        return None
    owner = r.owner(d.get("owner"), at(path, "owner")) if "owner" in d else None
    indicator = r.text(d, "indicator", path, max_len=32)
    month = r.integer(d.get("month"), at(path, "month"), 1, 12) if "month" in d else None
    status = r.choice(d, "status", path, RealisationStatus, allowed=IMPORT_STATUSES)
    value_ = r.decimal(d.get("value"), at(path, "value"), required=False)
    bad_value = d.get("value") not in (None, "") and value_ is None
    if value_ is None and not bad_value and status in (RealisationStatus.SUBMITTED, RealisationStatus.APPROVED):
        r.add(at(path, "value"), f"a {status.value} realisation needs a value")
        bad_value = True
    note = r.text(d, "note", path, required=False, max_len=None, single_line=False)
    if None in (owner, indicator, month, status) or bad_value:
        return None
    return RealisationRow(path, owner, indicator, at(path, "indicator"), month, value_, status, note)


def _once(r: Reader, rows, key, what: str, field_name: str) -> None:
    """Codes are the keys items are matched by: each may appear once."""
    seen: dict = {}
    for row in rows:
        k = key(row)
        if k in seen:
            r.add(at(row.path, field_name), f"{what} is given twice (also at {seen[k]})")
        else:
            seen[k] = row.path


def _duplicates(r: Reader, parsed: ParsedDocument) -> None:
    once = partial(_once, r)
    once(parsed.opds, lambda o: o.code, "this OPD", "code")
    once(parsed.units, lambda u: u.code, "this unit", "code")
    once(parsed.employees, lambda e: e.nip, "this NIP", "nip")
    once([e for e in parsed.employees if e.is_unit_head], lambda e: e.unit, "a head of this unit", "is_unit_head")
    opd_codes = {o.code for o in parsed.opds}
    for u in parsed.units:
        if u.code in opd_codes:
            r.add(at(u.path, "code"), f"{u.code} is an OPD's code; the OPD's own office comes with the OPD")
    once(parsed.scorecards, lambda s: s.owner.key, "a scorecard for this owner", "owner")
    once(parsed.realisations, lambda x: (x.owner.key, x.indicator, x.month),
         "a realisation for this indicator and month", "month")
