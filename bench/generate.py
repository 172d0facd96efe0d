"""A synthetic NTB for the benchmarks (issue 7): the real OPD list, a unit tree, employees in posts
with their superiors, accounts, scorecards cascaded province → OPD → unit → staff and a year of
monthly realisations in every status, and an agreed A3 for every OPD head.

    .venv/bin/python bench/generate.py --scale small|province [--db sqlite|mariadb]

The schema comes from the migrations; the OPDs from ekinerja/demo/data/ntb-opd.csv through the
app's importer; the province's IKU and the 44 A3 agreements through the app's services. Everything
else is written with Core bulk inserts in chunks (explicit ids, computed here), which is what makes
the province scale load in minutes. Fixed seed: the same data every time.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import HASH_METHOD, OUT, PASSWORD, SCALES, YEAR, app_config, database_url, storage_path  # noqa: E402

SEED = 20260701
CHUNK = 5000
BIG_OPD = "1.01.2.22.0.00.02.0000"   # Dinas Pendidikan dan Kebudayaan
HEALTH_OPD = "1.02.0.00.0.00.01.0000"  # Dinas Kesehatan
START = date(2025, 1, 2)
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)

SUBBAGIAN = ["Subbagian Umum dan Kepegawaian", "Subbagian Keuangan dan Aset", "Subbagian Perencanaan dan Pelaporan"]
BIDANG = ["Bidang Perencanaan dan Pengembangan", "Bidang Pelayanan", "Bidang Pembinaan dan Pengawasan",
          "Bidang Data dan Informasi", "Bidang Sarana dan Prasarana"]
SEKSI = ["Seksi Program", "Seksi Pelaksanaan", "Seksi Evaluasi"]
STAFF_TITLES = [("Pengadministrasi Perkantoran", "pelaksana"), ("Analis Kebijakan Ahli Muda", "fungsional"),
                ("Pengelola Data", "pelaksana"), ("Perencana Ahli Pertama", "fungsional"),
                ("Pranata Komputer Ahli Pertama", "fungsional"), ("Pengelola Keuangan", "pelaksana"),
                ("Guru Ahli Muda", "fungsional"), ("Penyuluh Ahli Muda", "fungsional")]


def log(message: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:7.1f}s] {message}", flush=True)


# ---------------------------------------------------------------- the database

def reset_database(db_kind: str, scale: str) -> None:
    """An empty database (SQLite: a new file; MariaDB: dropped and created again)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if db_kind == "sqlite":
        path = OUT / f"ekinerja-{scale}.db"
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                  path.with_name(path.name + "-journal")):
            p.unlink(missing_ok=True)
    else:
        from sqlalchemy import create_engine, text
        url = database_url(db_kind, scale)
        server, name = url.rsplit("/", 1)[0], f"ekinerja_bench_{scale}"
        engine = create_engine(server + "/?charset=utf8mb4")
        with engine.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
        engine.dispose()
    import shutil
    shutil.rmtree(storage_path(db_kind, scale), ignore_errors=True)


def fast_loading(engine) -> None:
    """Per connection of this process only: no fsync on SQLite, no per-row checks on MariaDB."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")
        else:
            cursor.execute("SET SESSION foreign_key_checks=0, unique_checks=0")
        cursor.close()
    engine.dispose()


class Writer:
    """Rows of one table, inserted CHUNK at a time with explicit ids."""

    def __init__(self, model, after: tuple = ()):
        from sqlalchemy import func, select

        from ekinerja.extensions import db
        self.after = after  # writers whose rows these rows refer to: flushed first
        self.table = model.__table__
        self.rows: list[dict] = []
        self.count = 0
        self.next_id = (db.session.scalar(select(func.max(self.table.c.id))) or 0) + 1 if "id" in self.table.c else None

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, **row) -> int:
        if "id" not in row and self.next_id is not None:
            row["id"] = self.new_id()
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()
        return row.get("id")

    def flush(self) -> None:
        from ekinerja.extensions import db
        for writer in self.after:
            writer.flush()
        if self.rows:
            db.session.execute(self.table.insert(), self.rows)
            self.count += len(self.rows)
            self.rows = []


def stamps() -> dict:
    return {"created_at": NOW, "updated_at": NOW}


# ---------------------------------------------------------------- the organisation

@dataclass
class UnitRec:
    id: int
    code: str
    name: str
    opd_id: int
    parent_id: int | None
    kind: str
    children: list = field(default_factory=list)
    head_post: int | None = None
    head_employee: int | None = None
    staff: list = field(default_factory=list)   # employee ids (not the head)


@dataclass
class OpdRec:
    id: int
    code: str
    name: str
    root: UnitRec
    units: list = field(default_factory=list)   # every unit, root first
    operator_user: int | None = None


@dataclass
class EmployeeRec:
    id: int
    nip: str
    name: str
    unit: UnitRec
    is_head: bool
    user_id: int = 0


def opd_sizes(opds: list[OpdRec], total: int, share: float) -> dict[int, int]:
    """Employees per OPD: Dinas Pendidikan dan Kebudayaan (the teachers' OPD) the largest, Dinas
    Kesehatan next, the rest alike with a little spread."""
    rng = random.Random(SEED + 1)
    big = {BIG_OPD: share, HEALTH_OPD: share * 0.6}
    rest = [o for o in opds if o.code not in big]
    left = total - sum(int(total * s) for s in big.values())
    weights = [rng.uniform(0.6, 1.4) for _ in rest]
    out = {o.id: int(total * big[o.code]) for o in opds if o.code in big}
    for o, w in zip(rest, weights):
        out[o.id] = int(left * w / sum(weights))
    return out


def build_units(opds: list[OpdRec], scale, t0: float) -> None:
    from ekinerja.org.models import Unit
    writer = Writer(Unit)
    for n, opd in enumerate(opds):
        def add(parent: UnitRec, suffix: str, name: str, kind: str) -> UnitRec:
            uid = writer.add(opd_id=opd.id, parent_id=parent.id, code=f"{opd.code}.{suffix}", name=name,
                             kind=kind, **stamps())
            rec = UnitRec(uid, f"{opd.code}.{suffix}", name, opd.id, parent.id, kind)
            parent.children.append(rec)
            opd.units.append(rec)
            return rec
        sek = add(opd.root, "SEK", "Sekretariat", "sekretariat")
        for i in range(scale.subbagian):
            add(sek, f"SEK.{i + 1}", SUBBAGIAN[i % len(SUBBAGIAN)], "subbagian")
        for b in range(scale.bidang):
            bidang = add(opd.root, f"B{b + 1}", BIDANG[(b + n) % len(BIDANG)], "bidang")
            for s in range(scale.seksi[(b + n) % len(scale.seksi)]):
                add(bidang, f"B{b + 1}.S{s + 1}", f"{SEKSI[s % len(SEKSI)]} {bidang.name[7:]}", "seksi")
    writer.flush()
    log(f"{writer.count} units added ({sum(len(o.units) for o in opds)} in all)", t0)


def person(rng: random.Random, taken: set) -> tuple[str, str, date, str]:
    from ekinerja.demo.loader import FAMILY, FEMALE, MALE
    while True:
        female = rng.random() < 0.45
        first = rng.choice(FEMALE if female else MALE)
        name = f"{first} {rng.choice(FAMILY)}"
        birth = date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
        appointed = min(birth.year + rng.randint(22, 30), 2024)
        nip = (f"{birth:%Y%m%d}{appointed:04d}{rng.randint(1, 12):02d}{2 if female else 1}"
               f"{rng.randint(1, 999):03d}")
        if nip not in taken:
            taken.add(nip)
            return nip, name, birth, "P" if female else "L"


RANKS = {"jpt": "Pembina Utama Muda (IV/c)", "administrator": "Pembina (IV/a)",
         "pengawas": "Penata Tingkat I (III/d)", "fungsional": "Penata (III/c)",
         "pelaksana": "Pengatur Tingkat I (II/d)"}


def head_title(unit: UnitRec, opd: OpdRec) -> tuple[str, str]:
    kind = unit.kind
    if kind == "opd":
        return f"Kepala {opd.name}", "jpt"
    if kind == "sekretariat":
        return "Sekretaris", "administrator"
    if kind in ("bidang", "upt"):
        return f"Kepala {unit.name}"[:255], "administrator"
    return f"Kepala {unit.name}"[:255], "pengawas"


def build_people(opds: list[OpdRec], scale, t0: float) -> list[EmployeeRec]:
    """A head for every unit, the rest of each OPD's people as staff of its leaf units; each in a
    post since START, each with an account (the NIP, one password)."""
    from ekinerja.auth.models import User
    from ekinerja.auth.services import hash_password
    from ekinerja.org.models import Employee, Position, PositionHolding

    rng = random.Random(SEED)
    taken: set = set()
    positions = Writer(Position)
    employees = Writer(Employee, after=(positions,))
    holdings, users = Writer(PositionHolding, after=(employees,)), Writer(User, after=(employees,))
    password_hash = hash_password(PASSWORD, HASH_METHOD)
    sizes = opd_sizes(opds, scale.employees, scale.big_opd_share)
    people: list[EmployeeRec] = []

    def hire(unit: UnitRec, title: str, kind: str, head: bool) -> EmployeeRec:
        post = positions.add(unit_id=unit.id, name=title, kind=kind, head_of_unit_id=unit.id if head else None,
                             **stamps())
        nip, name, birth, sex = person(rng, taken)
        eid = employees.add(nip=nip, name=name, rank=RANKS[kind], birth_date=birth, sex=sex, position_id=post,
                            **stamps())
        holdings.add(employee_id=eid, position_id=post, start_date=START, end_date=None, **stamps())
        uid = users.add(username=nip, display_name=name, email=None, employee_id=eid, password_hash=password_hash,
                        active=True, last_login_at=None, **stamps())
        rec = EmployeeRec(eid, nip, name, unit, head, uid)
        if head:
            unit.head_post, unit.head_employee = post, eid
        else:
            unit.staff.append(eid)
        people.append(rec)
        return rec

    for opd in opds:
        for unit in opd.units:
            title, kind = head_title(unit, opd)
            hire(unit, title, kind, True)
        leaves = [u for u in opd.units if not u.children]
        staff = max(0, sizes[opd.id] - len(opd.units))
        for i in range(staff):
            unit = leaves[i % len(leaves)]
            title, kind = STAFF_TITLES[(i + len(unit.staff)) % len(STAFF_TITLES)]
            hire(unit, title, kind, False)
    for w in (positions, employees, holdings, users):
        w.flush()
    log(f"{employees.count} employees in {positions.count} posts, {users.count} accounts", t0)
    return people


def build_accounts(opds: list[OpdRec], people: list[EmployeeRec], t0: float) -> dict[str, int]:
    """admin, biro.organisasi (governor's office), gubernur, an operator per OPD; the roles."""
    from ekinerja.auth.models import User, UserRole
    from ekinerja.auth.services import hash_password

    users, roles = Writer(User), Writer(UserRole)
    password_hash = hash_password(PASSWORD, HASH_METHOD)
    ids = {}
    for username, name, role in (("admin", "Administrator", "admin"),
                                 ("biro.organisasi", "Biro Organisasi Setda NTB", "governor_office"),
                                 ("gubernur", "Gubernur NTB", "governor")):
        ids[username] = users.add(username=username, display_name=name, email=None, employee_id=None,
                                  password_hash=password_hash, active=True, last_login_at=None, **stamps())
        roles.add(user_id=ids[username], role=role, opd_id=None, **stamps())
    for n, opd in enumerate(opds, start=1):
        opd.operator_user = users.add(username=f"operator.{n:02d}", display_name=f"Operator {opd.name}"[:255],
                                      email=None, employee_id=None, password_hash=password_hash, active=True,
                                      last_login_at=None, **stamps())
        roles.add(user_id=opd.operator_user, role="opd_operator", opd_id=opd.id, **stamps())
    users.flush()
    roles.flush()
    log(f"{users.count} role accounts", t0)
    return ids


# ---------------------------------------------------------------- scorecards and indicators

@dataclass
class Ind:
    """What a realisation row needs to know of its indicator."""

    id: int
    target: Decimal
    target_high: Decimal | None
    polarity: str
    aggregation: str
    manual: bool
    profile: int             # which status plan its owner follows
    decider: int | None      # the user who approves its values
    performance: Decimal
    objective: tuple = ()    # (code, perspective, name) of its objective
    name: str = ""
    unit: str = ""


class Cards:
    """Scorecards, their objectives and indicators, written as they are made."""

    def __init__(self):
        from ekinerja.bsc.models import Indicator, Objective, Scorecard
        self.cards = Writer(Scorecard)
        self.objectives = Writer(Objective, after=(self.cards,))
        self.indicators = Writer(Indicator, after=(self.objectives,))
        self.all: list[Ind] = []

    def card(self, kind: str, owner_id: int | None, opd_id: int, unit_id=None, employee_id=None) -> dict:
        from ekinerja.bsc.models import DEFAULT_WEIGHTS
        cid = self.cards.add(year=YEAR, owner_kind=kind, owner_key=f"{kind}:{owner_id}", opd_id=opd_id,
                             unit_id=unit_id, employee_id=employee_id, **DEFAULT_WEIGHTS, **stamps())
        return {"id": cid, "objectives": {}, "codes": set()}

    def objective(self, card: dict, objective: tuple) -> int:
        from ekinerja.bsc.services import PERSPECTIVE_ORDER
        code, perspective, name = objective
        if code not in card["objectives"]:
            card["objectives"][code] = self.objectives.add(
                scorecard_id=card["id"], code=code, perspective=perspective,
                perspective_order=PERSPECTIVE_ORDER[perspective], name=name, **stamps())
        return card["objectives"][code]

    def indicator(self, card: dict, parent: Ind, code: str, kind: str, *, name=None, unit=None, polarity=None,
                  aggregation=None, target, target_high=None, rollup="manual", profile=0, decider=None,
                  performance=Decimal(1)) -> Ind:
        base, n = code, 2
        while code in card["codes"]:
            code, n = f"{base}-{n}", n + 1
        card["codes"].add(code)
        same = kind == "direct"
        ind = Ind(0, Decimal(target), Decimal(target_high) if target_high is not None else None,
                  parent.polarity if same or polarity is None else polarity,
                  parent.aggregation if same or aggregation is None else aggregation,
                  rollup == "manual", profile, decider, performance, parent.objective,
                  parent.name if same or name is None else name, parent.unit if same or unit is None else unit)
        if ind.polarity == "stabilize" and ind.target_high is None:
            ind.target_high = ind.target * Decimal("1.5")
        ind.id = self.indicators.add(
            scorecard_id=card["id"], objective_id=self.objective(card, parent.objective), year=YEAR, code=code,
            name=ind.name[:500], unit_of_measure=ind.unit, definition=None, formula=None, data_source=None,
            polarity=ind.polarity, aggregation=ind.aggregation, weight=Decimal(1), target=ind.target,
            target_high=ind.target_high, parent_id=parent.id, cascade_kind=kind, rollup=rollup, **stamps())
        self.all.append(ind)
        return ind

    def flush(self) -> None:
        for w in (self.cards, self.objectives, self.indicators):
            w.flush()


def province_iku(governor_office: int, t0: float) -> list[Ind]:
    """The province's scorecard and its 12 IKU (the demo's NTB Gemilang IKU), through the services."""
    from ekinerja.bsc import services
    from ekinerja.bsc.models import OwnerKind
    from ekinerja.demo import scorecards as demo

    card = services.ensure_scorecard(None, YEAR, OwnerKind.PROVINCE)
    objectives = {code: services.save_objective(None, card, code, perspective, name)
                  for code, perspective, name in demo.OBJECTIVES}
    names = {code: (code, perspective, name) for code, perspective, name in demo.OBJECTIVES}
    out = []
    for n, (code, (objective, spec)) in enumerate(demo.IKU.items()):
        ind = services.save_indicator(None, objectives[objective], demo._input(code, spec))
        out.append(Ind(ind.id, ind.target, ind.target_high, ind.polarity.value, ind.aggregation.value, True,
                       n, governor_office, Decimal("0.97"), names[objective], ind.name, ind.unit_of_measure))
    log(f"province scorecard with {len(out)} IKU (services)", t0)
    return out


def staff_templates() -> list:
    from ekinerja.demo import scorecards as demo
    return [spec for units in demo.STAFF_IKI.values() for specs in units.values() for spec in specs]


def build_cards(opds: list[OpdRec], people: list[EmployeeRec], iku: list[Ind], scale, office: int,
                t0: float) -> Cards:
    """OPD: four indicators (two IKU handed down as they are, a count the units add up, a percentage of
    its own). Unit: the count (added up from below) and a percentage. Employee: a share of the unit's
    count and individual indicators (IKI) under the unit's percentage."""
    cards = Cards()
    templates = staff_templates()
    users_of = {p.id: p.user_id for p in people}
    by_unit_people: dict[int, list[EmployeeRec]] = {}
    for p in people:
        by_unit_people.setdefault(p.unit.id, []).append(p)
    perf_rng = random.Random(SEED + 2)

    def performance() -> Decimal:
        return Decimal(str(round(perf_rng.choice([0.55, 0.7, 0.82, 0.9, 0.95, 1.0, 1.02, 1.05, 1.1, 1.15]), 2)))

    for n, opd in enumerate(opds):
        head_user = users_of[opd.root.head_employee]
        card = cards.card("opd", opd.id, opd.id)
        picks = [iku[(n + k) % len(iku)] for k in (0, 5, 7, 9)]
        o0 = cards.indicator(card, picks[0], _code(picks[0], iku), "direct",
                             target=picks[0].target, target_high=picks[0].target_high, profile=n,
                             decider=head_user, performance=performance())
        o1 = cards.indicator(card, picks[1], _code(picks[1], iku), "direct", target=picks[1].target,
                             target_high=picks[1].target_high, profile=n + 1, decider=head_user,
                             performance=performance())
        count_target = Decimal(120 * max(1, len(opd.units)))
        o2 = cards.indicator(card, picks[2], _code(picks[2], iku), "indirect",
                             name=f"Jumlah layanan {opd.name} yang diselesaikan tepat waktu", unit="layanan",
                             polarity="max", aggregation="sum", target=count_target, rollup="children_sum",
                             profile=n, decider=head_user)
        o3 = cards.indicator(card, picks[3], _code(picks[3], iku), "indirect",
                             name=f"Persentase program {opd.name} yang terlaksana sesuai rencana", unit="%",
                             polarity="max", aggregation="average", target=Decimal(90), profile=n + 2,
                             decider=head_user, performance=performance())
        opd_inds = (o0, o1, o3)
        unit_inds: dict[int, tuple[Ind, Ind]] = {}
        for u, unit in enumerate(opd.units):
            if unit.parent_id is None:
                continue
            parent_unit = next(x for x in opd.units if x.id == unit.parent_id)
            above_count, above_pct = (o2, opd_inds[u % 3]) if parent_unit.parent_id is None \
                else unit_inds[parent_unit.id]
            decider = users_of[parent_unit.head_employee]
            ucard = cards.card("unit", unit.id, opd.id, unit_id=unit.id)
            count = cards.indicator(ucard, above_count, "IKU-1", "direct", target=Decimal(120),
                                    rollup="children_sum", profile=u, decider=decider)
            pct_kind = "direct" if above_pct.unit == "%" and parent_unit.parent_id is not None else "indirect"
            pct = cards.indicator(ucard, above_pct, "IKU-2", pct_kind,
                                  name=f"Persentase kegiatan {unit.name} yang terlaksana tepat waktu", unit="%",
                                  polarity="max", aggregation="average", target=Decimal(95), profile=u + n,
                                  decider=decider, performance=performance())
            unit_inds[unit.id] = (count, pct)
        for unit in opd.units:
            members = by_unit_people.get(unit.id, [])
            for e, person_ in enumerate(members):
                if unit.parent_id is None:  # the OPD head: under the OPD's own indicators
                    above_count, above_pct, decider = o0, o3, office
                else:
                    above_count, above_pct = unit_inds[unit.id]
                    if person_.is_head:
                        parent_unit = next(x for x in opd.units if x.id == unit.parent_id)
                        decider = users_of[parent_unit.head_employee]
                    else:
                        decider = users_of[unit.head_employee]
                ecard = cards.card("employee", person_.id, opd.id, employee_id=person_.id)
                profile = person_.id
                perf = performance()
                if unit.parent_id is None:
                    cards.indicator(ecard, above_count, "IKI-01", "indirect",
                                    name=f"Capaian {above_count.name}"[:500], target=above_count.target,
                                    target_high=above_count.target_high, profile=profile, decider=decider,
                                    performance=perf)
                else:
                    share = max(Decimal(1), (Decimal(120) / max(1, len(members))).quantize(Decimal(1)))
                    cards.indicator(ecard, above_count, "IKI-01", "direct", target=share, profile=profile,
                                    decider=decider, performance=perf)
                for k in range(1, scale.staff_indicators):
                    spec = templates[(person_.id + k) % len(templates)]
                    cards.indicator(ecard, above_pct, f"IKI-{k + 1:02d}", "indirect", name=spec.name,
                                    unit=spec.unit, polarity=spec.polarity, aggregation=spec.aggregation,
                                    target=Decimal(spec.target), profile=profile, decider=decider,
                                    performance=perf)
    cards.flush()
    log(f"{cards.cards.count} scorecards, {cards.objectives.count} objectives, {cards.indicators.count} "
        "indicators", t0)
    return cards


def _code(parent: Ind, iku: list[Ind]) -> str:
    return f"IKU-{iku.index(parent) + 1:02d}"


# ---------------------------------------------------------------- realisations

A, S, D, R = "approved", "submitted", "draft", "returned"


def plan(profile: int) -> dict[int, str]:
    """Months 1–12 in every status: the closed months approved (a few late or returned), November
    (open until 10 December) half waiting for the superior, December mostly drafts."""
    p = profile % 20
    months = {m: A for m in range(1, 10)}
    months[10] = S if p == 0 else R if p == 1 else A
    months[11] = S if 2 <= p <= 11 else A if 12 <= p <= 16 else R if p in (17, 18) else D
    if p <= 13:
        months[12] = D
    elif p <= 16:
        months[12] = S
    return months


def value_of(ind: Ind, month: int) -> Decimal:
    p = ind.performance + Decimal(month - 6) / 200
    if ind.aggregation == "sum":
        return (ind.target / 12 * p).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if ind.polarity == "stabilize":
        return ((ind.target + ind.target_high) / 2).quantize(Decimal("0.01"))
    value = ind.target * p if ind.polarity != "min" else ind.target * (2 - p)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def at(month: int, day: int) -> datetime:
    """Day `day` of the month after `month`; the open months' entries before the server's day."""
    if month >= 11:
        return datetime(YEAR, 12, min(day, 4) - (1 if month == 11 else 0), 2, 0, tzinfo=timezone.utc)
    return datetime(YEAR, month + 1, day, 2, 0, tzinfo=timezone.utc)


def build_realisations(indicators: list[Ind], t0: float) -> dict[str, int]:
    from ekinerja.bsc.models import Realisation
    writer = Writer(Realisation)
    counts = {A: 0, S: 0, D: 0, R: 0}
    reason = "Data pendukung dari kabupaten/kota terlambat masuk."
    follow_up = "Koordinasi dan pendampingan entri data pada minggu berikutnya."
    for ind in indicators:
        if not ind.manual:
            continue
        weak = ind.performance < Decimal("0.85")
        for month, status in plan(ind.profile).items():
            decided = status in (A, R)
            writer.add(indicator_id=ind.id, month=month, value=value_of(ind, month),
                       note="Sesuai laporan bulanan." if month % 4 == 0 else None,
                       reason=reason if weak else None, follow_up=follow_up if weak else None,
                       status=status, version=1,
                       return_comment="Bukti dukung belum dilampirkan." if status == R else None,
                       submitted_at=at(month, 5) if status != D else None,
                       decided_at=at(month, 8) if decided else None,
                       decided_by_id=ind.decider if decided else None, **stamps())
            counts[status] += 1
    writer.flush()
    log(f"{writer.count} realisations ({', '.join(f'{k} {v}' for k, v in counts.items())})", t0)
    return counts


# ---------------------------------------------------------------- A3 agreements

def build_agreements(opds: list[OpdRec], t0: float) -> int:
    """An A3 for every OPD head, prefilled from the OPD's scorecard and agreed, through the services
    (bench/run.py prints them)."""
    from ekinerja.a3 import content as a3_content
    from ekinerja.contracts import services as cs
    from ekinerja.contracts.models import DocumentKind
    from ekinerja.extensions import db
    from ekinerja.org.models import Position

    budgets = [Decimal("1250000000"), Decimal("845500000"), Decimal("432750000"), Decimal("310000000")]
    for opd in opds:
        post = db.session.get(Position, opd.root.head_post)
        agreement = cs.create(None, DocumentKind.A3, YEAR, post)
        version = agreement.latest
        a3_content.prefill(version)
        for i, action in enumerate(version.a3_actions):
            action.budget = budgets[i % len(budgets)]
        db.session.flush()
        cs.submit(None, version)
        cs.agree(None, version)
    log(f"{len(opds)} A3 agreements agreed (services)", t0)
    return len(opds)


# ---------------------------------------------------------------- main

def load_opds(t0: float) -> list[OpdRec]:
    from sqlalchemy import select

    from ekinerja.extensions import db
    from ekinerja.org.importer import import_opds
    from ekinerja.org.models import Opd, Unit
    from ekinerja.org.services import get_province

    province = get_province()
    province.governor_name = "Gubernur Nusa Tenggara Barat (data uji)"
    text = resources.files("ekinerja.demo").joinpath("data/ntb-opd.csv").read_text(encoding="utf-8")
    import_opds(text)
    db.session.flush()
    units = db.session.execute(select(Unit.id, Unit.code, Unit.name, Unit.opd_id, Unit.parent_id, Unit.kind)
                               .order_by(Unit.code)).all()
    recs = {u.id: UnitRec(u.id, u.code, u.name, u.opd_id, u.parent_id, u.kind.value) for u in units}
    opds = []
    for o in db.session.execute(select(Opd.id, Opd.code, Opd.name).order_by(Opd.code)):
        root = next(r for r in recs.values() if r.opd_id == o.id and r.parent_id is None)
        opd = OpdRec(o.id, o.code, o.name, root, [root])
        for r in recs.values():
            if r.opd_id == o.id and r.parent_id is not None:
                recs[r.parent_id].children.append(r)
                opd.units.append(r)
        opds.append(opd)
    log(f"{len(opds)} OPDs and {len(units)} offices/UPTs from ntb-opd.csv (importer)", t0)
    return opds


def analyze(t0: float) -> None:
    """Planner statistics, as an installation gathers them after a large import and nightly
    (`flask maintenance analyze`, ekinerja/maintenance.py); --no-analyze leaves them out."""
    from ekinerja.extensions import db
    from ekinerja.maintenance import analyze as gather

    db.session.commit()
    gather()
    log("ANALYZE (flask maintenance analyze)", t0)


def rollup(t0: float) -> None:
    """The cascade's rollups of everything (`flask maintenance rollups --rebuild`): the bulk inserts
    above went around the session, whose commits keep them up to date otherwise."""
    from ekinerja.bsc import rollups
    from ekinerja.extensions import db

    n = rollups.rebuild(db.engine)
    log(f"rollups of {n:,} indicators (flask maintenance rollups --rebuild)", t0)


def generate(scale_name: str, db_kind: str, with_analyze: bool = False) -> dict:
    t0 = time.monotonic()
    scale = SCALES[scale_name]
    reset_database(db_kind, scale_name)
    from flask_migrate import upgrade

    from ekinerja import create_app
    from ekinerja.audit.trail import set_actor
    from ekinerja.extensions import db

    app = create_app(app_config(db_kind, scale_name))
    with app.app_context():
        upgrade()
        log("schema from the migrations", t0)
        fast_loading(db.engine)
        set_actor(db.session, label="bench:generate")
        opds = load_opds(t0)
        build_units(opds, scale, t0)
        people = build_people(opds, scale, t0)
        accounts = build_accounts(opds, people, t0)
        iku = province_iku(accounts["biro.organisasi"], t0)
        db.session.commit()
        cards = build_cards(opds, people, iku, scale, accounts["biro.organisasi"], t0)
        db.session.commit()
        counts = build_realisations(iku + cards.all, t0)
        db.session.commit()
        build_agreements(opds, t0)
        db.session.commit()
        if with_analyze:
            analyze(t0)
        rollup(t0)
    summary = {"scale": scale_name, "db": db_kind, "opds": len(opds), "units": sum(len(o.units) for o in opds),
               "employees": len(people), "indicators": len(iku) + len(cards.all),
               "realisations": sum(counts.values()), "seconds": round(time.monotonic() - t0, 1)}
    print(summary)
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--db", choices=("sqlite", "mariadb"), default="sqlite")
    parser.add_argument("--no-analyze", action="store_true",
                        help="leave out the planner's statistics (`flask maintenance analyze`, which an "
                             "installation runs after a large import and nightly)")
    args = parser.parse_args(argv)
    generate(args.scale, args.db, not args.no_analyze)


if __name__ == "__main__":
    main()
