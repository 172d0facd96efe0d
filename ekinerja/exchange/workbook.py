"""The interchange document as an Excel workbook (interchange.md): one sheet per top-level list,
one row per item, the document's field names as column headers (nested fields with dots:
"owner.kind", "parent.code", "monthly_targets.1" … "monthly_targets.12").

Sheets: document (format, year), opds, units, employees (the organisation block), scorecards
(perspective weights), indicators (scorecards flattened: each row names its owner and objective;
a row without indicator fields is an objective without indicators), realisations.

workbook_to_document gives a WorkbookDocument: a dict that also knows the sheet and row of every
item, so that import_document names errors as "indicators!R5.polarity".
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ekinerja.bsc.models import Perspective
from ekinerja.errors import ValidationFailed

PERSPECTIVES = [p.value for p in Perspective]
MONTHS = range(1, 13)
OBJECTIVE_COMPUTED = ("month", "score", "colour", "coverage")
INDICATOR_COMPUTED = ("month", "target", "target_high", "realisation", "achievement", "score", "colour",
                      "missing_months", "coverage")
SCORECARD_COMPUTED = ("month", "nko", "nko_colour", "coverage")
INDICATOR_SIMPLE = ("code", "name", "unit", "polarity", "aggregation", "weight", "target", "target_high")
INDICATOR_TAIL = ("cascade", "rollup", "definition", "formula", "data_source")

COLUMNS = {
    "document": ["field", "value"],
    "opds": ["code", "name"],
    "units": ["code", "name", "opd", "parent", "kind"],
    "employees": ["nip", "name", "position", "position_kind", "unit", "is_unit_head", "rank"],
    "scorecards": (["owner.kind", "owner.code"] + [f"perspective_weights.{p}" for p in PERSPECTIVES]
                   + [f"computed.{k}" for k in SCORECARD_COMPUTED]
                   + [f"computed.perspectives.{p}" for p in PERSPECTIVES]),
    "indicators": (["owner.kind", "owner.code", "objective.code", "objective.perspective", "objective.name"]
                   + [f"objective.computed.{k}" for k in OBJECTIVE_COMPUTED]
                   + list(INDICATOR_SIMPLE) + [f"monthly_targets.{m}" for m in MONTHS]
                   + ["parent.owner.kind", "parent.owner.code", "parent.code"] + list(INDICATOR_TAIL)
                   + [f"computed.{k}" for k in INDICATOR_COMPUTED]),
    "realisations": ["owner.kind", "owner.code", "indicator", "month", "value", "status", "note"],
}
# Columns a sheet always has; the others appear when some item has the field.
ALWAYS = {
    "document": COLUMNS["document"],
    "opds": COLUMNS["opds"],
    "units": ["code", "name", "opd", "parent"],
    "employees": ["nip", "name", "position", "position_kind", "unit", "is_unit_head"],
    "scorecards": COLUMNS["scorecards"][:6],
    "indicators": COLUMNS["indicators"][:5] + list(INDICATOR_SIMPLE) + [f"monthly_targets.{m}" for m in MONTHS]
                  + ["parent.owner.kind", "parent.owner.code", "parent.code", "cascade", "rollup"],
    "realisations": COLUMNS["realisations"],
}
ORGANISATION_SHEETS = ("opds", "units", "employees")
LIST_COLUMNS = {"computed.missing_months"}
WIDTHS = {"name": 40, "objective.name": 40, "definition": 40, "formula": 30, "note": 30, "position": 35}


# ---------------------------------------------------------------- document → workbook

def _owner_cells(owner, prefix: str) -> dict:
    owner = owner if isinstance(owner, dict) else {}
    return {f"{prefix}kind": owner.get("kind"), f"{prefix}code": owner.get("code", owner.get("nip"))}


def _with_computed(flat: dict, computed, prefix: str, keys) -> None:
    if isinstance(computed, dict):
        for k in keys:
            flat[f"{prefix}{k}"] = computed.get(k)


def _scorecard_flat(sc: dict) -> dict:
    flat = _owner_cells(sc.get("owner"), "owner.")
    weights = sc.get("perspective_weights") or {}
    for p in PERSPECTIVES:
        flat[f"perspective_weights.{p}"] = weights.get(p) if isinstance(weights, dict) else None
    computed = sc.get("computed")
    _with_computed(flat, computed, "computed.", SCORECARD_COMPUTED)
    if isinstance(computed, dict):
        perspectives = computed.get("perspectives") or {}
        for p in PERSPECTIVES:
            flat[f"computed.perspectives.{p}"] = perspectives.get(p)
    return flat


def _indicator_flat(sc: dict, obj: dict, ind: dict | None) -> dict:
    flat = _owner_cells(sc.get("owner"), "owner.")
    flat.update({"objective.code": obj.get("code"), "objective.perspective": obj.get("perspective"),
                 "objective.name": obj.get("name")})
    _with_computed(flat, obj.get("computed"), "objective.computed.", OBJECTIVE_COMPUTED)
    if ind is None:
        return flat
    for key in INDICATOR_SIMPLE + INDICATOR_TAIL:
        if key in ind:
            flat[key] = ind[key]
    if "monthly_targets" in ind:
        monthly = ind["monthly_targets"] if isinstance(ind["monthly_targets"], list) else []
        for m in MONTHS:
            flat[f"monthly_targets.{m}"] = monthly[m - 1] if m <= len(monthly) else None
    if "parent" in ind:
        parent = ind["parent"] if isinstance(ind["parent"], dict) else {}
        flat.update(_owner_cells(parent.get("owner"), "parent.owner."))
        flat["parent.code"] = parent.get("code")
    _with_computed(flat, ind.get("computed"), "computed.", INDICATOR_COMPUTED)
    return flat


def _realisation_flat(r: dict) -> dict:
    flat = _owner_cells(r.get("owner"), "owner.")
    for key in ("indicator", "month", "value", "status", "note"):
        if key in r:
            flat[key] = r[key]
    return flat


def _cell_value(value):
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, (dict, tuple)):
        return str(value)
    return value


def _write_sheet(wb: Workbook, title: str, rows: list[dict]) -> None:
    present = set(ALWAYS[title]).union(*(r.keys() for r in rows)) if rows else set(ALWAYS[title])
    columns = [c for c in COLUMNS[title] if c in present]
    ws = wb.create_sheet(title)
    for col, header in enumerate(columns, start=1):
        ws.cell(1, col, header).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(header, max(12, min(len(header) + 2, 24)))
    for r, flat in enumerate(rows, start=2):
        for col, header in enumerate(columns, start=1):
            value = _cell_value(flat.get(header))
            if value is None:
                continue
            cell = ws.cell(r, col, value)
            if isinstance(value, str):
                # Text stays text: "72.50" keeps its zeros, an NIP its 18 digits, "=…" is no formula.
                cell.data_type = "s"
                cell.number_format = "@"
    ws.freeze_panes = "A2"


def document_to_workbook(doc: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _write_sheet(wb, "document", [{"field": "format", "value": doc.get("format")},
                                  {"field": "year", "value": doc.get("year")}])
    organisation = doc.get("organisation")
    if isinstance(organisation, dict):
        for sheet in ORGANISATION_SHEETS:
            if sheet in organisation:
                _write_sheet(wb, sheet, [dict(x) for x in organisation[sheet] or [] if isinstance(x, dict)])
    if "scorecards" in doc:
        cards = [sc for sc in doc["scorecards"] or [] if isinstance(sc, dict)]
        # A scorecard has a row of its own when it says something beyond its objectives.
        _write_sheet(wb, "scorecards", [_scorecard_flat(sc) for sc in cards
                                        if "perspective_weights" in sc or "computed" in sc or not sc.get("objectives")])
        rows = []
        for sc in cards:
            for obj in sc.get("objectives") or []:
                if not isinstance(obj, dict):
                    continue
                indicators = [i for i in obj.get("indicators") or [] if isinstance(i, dict)]
                rows += [_indicator_flat(sc, obj, i) for i in indicators] or [_indicator_flat(sc, obj, None)]
        _write_sheet(wb, "indicators", rows)
    if "realisations" in doc:
        _write_sheet(wb, "realisations",
                     [_realisation_flat(r) for r in doc["realisations"] or [] if isinstance(r, dict)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- workbook → document

class WorkbookDocument(dict):
    """A document read from a workbook; `sources` maps a JSON path prefix to (sheet!row, column prefix)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources: dict[str, tuple[str, str]] = {}

    def locate(self, path: str) -> str:
        """A JSON path as the workbook's sheet, row and column: "indicators!R5.polarity"."""
        probe = path
        while probe:
            if probe in self.sources:
                where, prefix = self.sources[probe]
                rest = path[len(probe):].lstrip(".")
                rest = re.sub(r"monthly_targets\[(\d+)\]", lambda m: f"monthly_targets.{int(m.group(1)) + 1}", rest)
                rest = re.sub(r"owner\.nip\b", "owner.code", rest)
                column = (prefix + rest) if rest else prefix.rstrip(".")
                return f"{where}.{column}" if column else where
            cut = max(probe.rfind("."), probe.rfind("["))
            if cut <= 0:
                break
            probe = probe[:cut]
        return path


def _clean(header: str, value):
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, (datetime, date, time)):
        value = value.isoformat()
    if header in LIST_COLUMNS:
        if value is None:
            return []
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        return [int(p) if p.isdigit() else p for p in parts]
    return value


def _read_sheet(ws, title: str, errors: list) -> tuple[set[str], list[tuple[int, dict]]]:
    """The sheet's known column headers, and its non-empty rows with their row numbers."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = []
    for n, h in enumerate(header, start=1):
        h = str(h).strip() if h is not None else ""
        if not h:
            columns.append(None)
            continue
        if h not in COLUMNS[title]:
            errors.append({"path": f"{title}!R1", "message": f"unknown column '{h}'"})
        elif h in columns:
            errors.append({"path": f"{title}!R1", "message": f"column '{h}' appears twice"})
        columns.append(h)
    out = []
    for number, values in enumerate(rows, start=2):
        record = {}
        for h, v in zip(columns, values):
            if h is not None and h in COLUMNS[title]:
                record[h] = _clean(h, v)
        for h in columns:
            if h is not None and h in COLUMNS[title] and h not in record:
                record[h] = _clean(h, None)
        if any(v not in (None, []) for v in record.values()):
            out.append((number, record))
    return {h for h in columns if h in COLUMNS[title]}, out


def _owner_from(record: dict, prefix: str) -> dict:
    kind, code = record.get(f"{prefix}kind"), record.get(f"{prefix}code")
    if kind == "province" and code is None:
        return {"kind": kind}
    return {"kind": kind, "nip" if kind == "employee" else "code": code}


def workbook_to_document(data: bytes) -> WorkbookDocument:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed("Berkas bukan buku kerja Excel (.xlsx).",
                               [{"path": "(file)", "message": f"not an Excel workbook (.xlsx): {exc}"}]) from exc
    errors: list[dict] = []
    sheets: dict[str, list[tuple[int, dict]]] = {}
    headers: dict[str, set[str]] = {}
    for name in wb.sheetnames:
        if name not in COLUMNS:
            errors.append({"path": name, "message": f"unknown sheet '{name}' (expected {', '.join(COLUMNS)})"})
            continue
        headers[name], sheets[name] = _read_sheet(wb[name], name, errors)
    wb.close()
    if "document" not in sheets:
        errors.append({"path": "document", "message": "the sheet 'document' (format, year) is missing"})

    doc = WorkbookDocument()
    for number, record in sheets.get("document", []):
        name = record.get("field")
        if name in ("format", "year"):
            doc[name] = record.get("value")
            doc.sources[name] = (f"document!R{number}", "value")
        else:
            errors.append({"path": f"document!R{number}.field", "message": f"unknown field '{name}' (format, year)"})

    if any(s in sheets for s in ORGANISATION_SHEETS):
        organisation = doc["organisation"] = {}
        for sheet in ORGANISATION_SHEETS:
            if sheet not in sheets:
                continue
            organisation[sheet] = []
            for number, record in sheets[sheet]:
                doc.sources[f"organisation.{sheet}[{len(organisation[sheet])}]"] = (f"{sheet}!R{number}", "")
                organisation[sheet].append(record)

    if "scorecards" in sheets or "indicators" in sheets:
        _read_scorecards(doc, sheets, headers, errors)

    if "realisations" in sheets:
        doc["realisations"] = []
        for number, record in sheets["realisations"]:
            item = {"owner": _owner_from(record, "owner.")}
            for key in ("indicator", "month", "value", "status", "note"):
                if key in record:
                    item[key] = record[key]
            if "note" in item and item["note"] is None:
                item["note"] = ""
            doc.sources[f"realisations[{len(doc['realisations'])}]"] = (f"realisations!R{number}", "")
            doc["realisations"].append(item)

    if errors:
        raise ValidationFailed(f"{len(errors)} kesalahan pada buku kerja; tidak ada data yang disimpan.", errors)
    return doc


def _read_scorecards(doc: WorkbookDocument, sheets, headers, errors: list) -> None:
    cards: list[dict] = doc.setdefault("scorecards", [])
    by_owner: dict[tuple, int] = {}
    card_headers = headers.get("scorecards", set())
    for number, record in sheets.get("scorecards", []):
        sc = {"owner": _owner_from(record, "owner.")}
        if any(h.startswith("perspective_weights.") for h in card_headers):
            weights = {p: record.get(f"perspective_weights.{p}") for p in PERSPECTIVES
                       if record.get(f"perspective_weights.{p}") is not None}
            sc["perspective_weights"] = weights or None
        if any(h.startswith("computed.") for h in card_headers):
            sc["computed"] = {k: record.get(f"computed.{k}") for k in SCORECARD_COMPUTED}
            sc["computed"]["perspectives"] = {p: record.get(f"computed.perspectives.{p}") for p in PERSPECTIVES}
            sc["computed"] = {k: sc["computed"][k] for k in ("month", "nko", "nko_colour", "perspectives", "coverage")}
        sc["objectives"] = []
        key = (record.get("owner.kind"), record.get("owner.code"))
        by_owner.setdefault(key, len(cards))
        doc.sources[f"scorecards[{len(cards)}]"] = (f"scorecards!R{number}", "")
        cards.append(sc)

    columns = headers.get("indicators", set())
    indicator_columns = [c for c in COLUMNS["indicators"]
                         if c in columns and not c.startswith(("owner.", "objective."))]
    objectives: dict[tuple, tuple[int, int, int]] = {}  # (owner, objective code) -> (card, index, first row)
    for number, record in sheets.get("indicators", []):
        key = (record.get("owner.kind"), record.get("owner.code"))
        if key not in by_owner:
            by_owner[key] = len(cards)
            doc.sources[f"scorecards[{len(cards)}]"] = (f"indicators!R{number}", "")
            cards.append({"owner": _owner_from(record, "owner."), "objectives": []})
        c = by_owner[key]
        sc = cards[c]
        okey = (key, record.get("objective.code"))
        if okey not in objectives:
            obj = {"code": record.get("objective.code"), "perspective": record.get("objective.perspective"),
                   "name": record.get("objective.name")}
            if any(h.startswith("objective.computed.") for h in columns):
                obj["computed"] = {k: record.get(f"objective.computed.{k}") for k in OBJECTIVE_COMPUTED}
            obj["indicators"] = []
            objectives[okey] = (c, len(sc["objectives"]), number)
            doc.sources[f"scorecards[{c}].objectives[{len(sc['objectives'])}]"] = (f"indicators!R{number}",
                                                                                    "objective.")
            sc["objectives"].append(obj)
        c, o, first = objectives[okey]
        obj = sc["objectives"][o]
        for field in ("perspective", "name"):
            value = record.get(f"objective.{field}")
            if value is not None and value != obj[field]:
                errors.append({"path": f"indicators!R{number}.objective.{field}",
                               "message": f"'{value}' differs from row {first} of the same objective"})
        if not any(record.get(h) not in (None, []) for h in indicator_columns):
            continue  # an objective without indicators
        ind = {k: record.get(k) for k in INDICATOR_SIMPLE if k in columns}
        if any(f"monthly_targets.{m}" in columns for m in MONTHS):
            monthly = [record.get(f"monthly_targets.{m}") for m in MONTHS]
            ind["monthly_targets"] = None if all(v is None for v in monthly) else monthly
        if any(h.startswith("parent.") for h in columns):
            parent_cells = [record.get(h) for h in ("parent.owner.kind", "parent.owner.code", "parent.code")]
            ind["parent"] = None if all(v is None for v in parent_cells) else {
                "owner": _owner_from(record, "parent.owner."), "code": record.get("parent.code")}
        for k in INDICATOR_TAIL:
            if k in columns:
                ind[k] = record.get(k)
        if any(h.startswith("computed.") for h in columns):
            ind["computed"] = {k: record.get(f"computed.{k}") for k in INDICATOR_COMPUTED}
        path = f"scorecards[{c}].objectives[{o}].indicators[{len(obj['indicators'])}]"
        doc.sources[path] = (f"indicators!R{number}", "")
        obj["indicators"].append(ind)
