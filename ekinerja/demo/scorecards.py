"""The demo's Balanced Scorecards for DEMO_YEAR: the province's IKU of the NTB Gemilang RPJMD,
cascaded (by ekinerja.bsc.services.cascade) to the three demo OPDs, their bidang and the staff of
those bidang, and monthly realisations up to LAST_MONTH in every workflow state and every colour.

Each step is guarded by codes (objective and indicator codes, the parent link, indicator and month),
so loading again adds nothing: no row and no audit entry. The realisations are written as rows:
the workflow services come later, and a demo must show history that no one typed in today.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from ekinerja.auth.models import User
from ekinerja.bsc import scoring, services
from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, RealisationStatus, Scorecard
from ekinerja.bsc.scoring import Aggregation, Polarity
from ekinerja.demo.loader import BAPPEDA, DINKES, KOMINFO
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Position, Unit

DEMO_YEAR = 2026
LAST_MONTH = 10  # realisations January–October; November and December are still to come


A, S, D, R = (RealisationStatus.APPROVED, RealisationStatus.SUBMITTED, RealisationStatus.DRAFT,
              RealisationStatus.RETURNED)


# ---------------------------------------------------------------- the province's IKU

OBJECTIVES = [
    ("SS1", "stakeholder", "Meningkatnya kualitas sumber daya manusia NTB yang sehat dan cerdas"),
    ("SS2", "stakeholder", "Meningkatnya kesejahteraan masyarakat melalui pertumbuhan ekonomi yang inklusif"),
    ("SP1", "customer", "Meningkatnya kepuasan masyarakat atas pelayanan publik dan kemandirian desa"),
    ("IP1", "internal_process", "Terwujudnya tata kelola pemerintahan digital yang terbuka dan terpadu"),
    ("LG1", "learning_growth", "Meningkatnya akuntabilitas kinerja dan kapasitas birokrasi"),
]


@dataclass
class Spec:
    """An indicator as the demo writes it: its fields, and its realisations by month."""

    name: str
    unit: str
    polarity: str
    aggregation: str
    target: str
    target_high: str | None = None
    weight: str = "1"
    source: str | None = None
    definition: str | None = None
    formula: str | None = None
    # month -> (value, status); a plan of statuses with a performance is used when this is empty
    values: dict[int, tuple[str, RealisationStatus]] = field(default_factory=dict)


IKU = {
    "IKU-01": ("SS1", Spec(
        "Indeks Pembangunan Manusia", "indeks", "max", "last", "73.10", weight="10",
        source="BPS Provinsi NTB",
        definition="Capaian pembangunan manusia: umur panjang dan hidup sehat, pengetahuan, standar hidup layak.",
        formula="Rata-rata geometrik indeks kesehatan, indeks pendidikan dan indeks pengeluaran (metode BPS).",
        values={3: ("72.61", A), 6: ("72.74", A), 9: ("72.90", A)})),
    "IKU-02": ("SS1", Spec(
        "Prevalensi stunting pada balita", "%", "min", "last", "18.00", weight="10",
        source="Survei Kesehatan Indonesia (Kemenkes); e-PPGBM Dinas Kesehatan",
        formula="Balita dengan tinggi badan menurut umur < -2 SD ÷ balita yang diukur × 100",
        values={3: ("24.10", A), 6: ("23.60", A), 9: ("23.10", A)})),
    "IKU-03": ("SS2", Spec(
        "Persentase penduduk miskin", "%", "min", "last", "11.40", weight="10",
        source="BPS Provinsi NTB (Susenas Maret dan September)",
        formula="Penduduk dengan pengeluaran per kapita di bawah garis kemiskinan ÷ jumlah penduduk × 100",
        values={3: ("11.78", A)})),
    "IKU-04": ("SS2", Spec(
        "Tingkat pengangguran terbuka", "%", "min", "last", "2.80", weight="10",
        source="BPS Provinsi NTB (Sakernas Februari dan Agustus)",
        formula="Jumlah penganggur ÷ jumlah angkatan kerja × 100",
        values={2: ("2.81", A), 8: ("2.73", A)})),
    "IKU-05": ("SS2", Spec(
        "Pertumbuhan ekonomi", "%", "max", "last", "5.50", weight="10",
        source="BPS Provinsi NTB (PDRB atas dasar harga konstan)",
        formula="(PDRB ADHK tahun t − PDRB ADHK tahun t−1) ÷ PDRB ADHK tahun t−1 × 100",
        values={3: ("5.08", A), 6: ("5.21", A), 9: ("5.34", R)})),
    "IKU-06": ("SS2", Spec(
        "Inflasi (year on year)", "%", "stabilize", "last", "1.50", target_high="3.50", weight="5",
        source="BPS Provinsi NTB (Indeks Harga Konsumen)",
        definition="Sasaran inflasi nasional 2,5 ± 1 persen: di dalam rentang itu capaiannya 100%.",
        formula="(IHK bulan t − IHK bulan t−12) ÷ IHK bulan t−12 × 100",
        values={m: (v, A) for m, v in zip(range(1, 10), ["2.12", "2.35", "2.58", "2.71", "2.66", "2.49",
                                                         "2.30", "2.27", "2.41"])} | {10: ("2.38", S)})),
    "IKU-07": ("SP1", Spec(
        "Nilai Indeks Kepuasan Masyarakat", "nilai", "max", "last", "85.00", weight="10",
        source="Survei Kepuasan Masyarakat (PermenPANRB 14/2017), Biro Organisasi Setda NTB",
        values={6: ("86.40", A)})),
    "IKU-08": ("SP1", Spec(
        "Persentase desa mandiri", "%", "max", "last", "60.00", weight="5",
        source="Indeks Desa Membangun, Kementerian Desa PDTT",
        formula="Desa berstatus mandiri ÷ jumlah desa × 100")),  # published once a year: no data yet
    "IKU-09": ("IP1", Spec(
        "Indeks SPBE", "indeks", "max", "last", "3.60", weight="10",
        source="Evaluasi SPBE, Kementerian PANRB",
        values={4: ("3.21", A)})),
    "IKU-10": ("IP1", Spec(
        "Nilai keterbukaan informasi publik", "nilai", "max", "last", "90.00", weight="5",
        source="Monitoring dan evaluasi Komisi Informasi Provinsi NTB",
        values={8: ("92.10", A)})),
    "IKU-11": ("LG1", Spec(
        "Indeks Reformasi Birokrasi", "nilai", "max", "last", "78.00", weight="10",
        source="Evaluasi Reformasi Birokrasi, Kementerian PANRB",
        values={10: ("76.45", S)})),  # submitted, not approved: grey officially, yellow provisionally
    "IKU-12": ("LG1", Spec(
        "Nilai SAKIP Pemerintah Provinsi", "nilai", "max", "last", "72.00", weight="5",
        source="Evaluasi AKIP, Kementerian PANRB (PermenPANRB 88/2021)",
        values={3: ("70.35", A)})),
}


# ---------------------------------------------------------------- the cascade below

@dataclass
class Step:
    """Cascade `parent` (a code on the scorecard above) to `owner`: the indicator keeps the parent's
    name and measure unless `own` names the owner's own measure (cascade kind indirect then)."""

    parent: str
    target: str
    own: Spec | None = None
    target_high: str | None = None
    weight: str = "1"
    plan: str = "approved"
    performance: str | None = "1.00"


OPD_STEPS = {
    DINKES: [
        Step("IKU-02", "18.00", plan="monthly", performance="0.72"),
        Step("IKU-01", "72.30", own=Spec("Umur harapan hidup saat lahir (komponen kesehatan IPM)", "tahun",
                                        "max", "last", "72.30", source="BPS Provinsi NTB"),
             performance="0.995"),
        Step("IKU-07", "85.00", own=Spec("Nilai IKM layanan kesehatan (RSUD dan labkesda)", "nilai", "max", "last",
                                        "85.00", source="Survei Kepuasan Masyarakat Dinas Kesehatan"),
             performance="1.03", plan="quarterly"),
    ],
    KOMINFO: [
        Step("IKU-09", "3.60", performance="0.90", plan="quarterly"),
        Step("IKU-10", "90.00", performance="1.02", plan="quarterly"),
    ],
    BAPPEDA: [
        Step("IKU-05", "5.50", performance="0.95", plan="quarterly"),
        Step("IKU-03", "11.40", performance="0.96", plan="quarterly"),
        Step("IKU-01", "73.10", performance="0.997", plan="quarterly"),
        Step("IKU-12", "80.00", own=Spec("Persentase OPD dengan nilai SAKIP minimal B", "%", "max", "last", "80.00",
                                        source="Hasil evaluasi AKIP internal, Inspektorat dan Bappeda"),
             performance="0.88", plan="quarterly"),
    ],
}

# bidang suffix -> steps from the OPD's indicators (by the province code they came from)
UNIT_STEPS = {
    DINKES: {
        "B1": [Step("IKU-02", "18.00", plan="monthly", performance="0.75")],
        "B2": [Step("IKU-01", "95.00", own=Spec("Cakupan imunisasi dasar lengkap", "%", "max", "last", "95.00",
                                               source="Laporan imunisasi rutin kabupaten/kota"),
                    plan="monthly", performance="0.93")],
        "B3": [Step("IKU-01", "72.30", performance="0.995", plan="quarterly"),
               Step("IKU-07", "85.00", performance="1.03", plan="quarterly")],
    },
    KOMINFO: {
        "B1": [Step("IKU-10", "90.00", performance="1.02", plan="quarterly")],
        "B2": [Step("IKU-09", "3.60", performance="0.90", plan="quarterly")],
        "B3": [Step("IKU-09", "600", own=Spec("Skor Indeks KAMI (keamanan informasi)", "skor", "max", "last", "600",
                                             source="Penilaian mandiri Indeks KAMI, BSSN"),
                    performance="0.78", plan="quarterly")],
        "B4": [Step("IKU-09", "90.00", own=Spec("Persentase data prioritas Satu Data NTB terbit tepat waktu", "%",
                                               "max", "last", "90.00", source="Portal Satu Data NTB"),
                    plan="monthly", performance="1.01")],
    },
    BAPPEDA: {
        "B1": [Step("IKU-12", "80.00", performance="0.88", plan="quarterly")],
        "B2": [Step("IKU-05", "5.50", performance="0.95", plan="quarterly")],
        "B3": [Step("IKU-03", "11.40", performance="0.96", plan="quarterly"),
               Step("IKU-01", "73.10", performance=None)],  # IPM is BPS's: the bidang reports none
    },
}

# bidang suffix -> the individual indicators (IKI) of its staff, taken in turn
STAFF_IKI = {
    DINKES: {
        "B1": [Spec("Jumlah desa lokus stunting yang didampingi", "desa", "max", "sum", "24"),
               Spec("Persentase balita ditimbang dan diukur di desa dampingan", "%", "max", "average", "85")],
        "B2": [Spec("Jumlah laporan penyelidikan epidemiologi yang diselesaikan", "laporan", "max", "sum", "24"),
               Spec("Persentase kabupaten/kota yang melapor SKDR tepat waktu", "%", "max", "average", "90")],
        "B3": [Spec("Jumlah fasilitas kesehatan yang dibina menuju akreditasi", "faskes", "max", "sum", "12"),
               Spec("Rata-rata waktu tanggap rujukan SISRUTE", "menit", "min", "average", "30")],
    },
    KOMINFO: {
        "B1": [Spec("Jumlah konten informasi publik yang dipublikasikan", "konten", "max", "sum", "240"),
               Spec("Persentase permohonan informasi dijawab tepat waktu", "%", "max", "average", "100")],
        "B2": [Spec("Jumlah aplikasi yang terhubung ke sistem penghubung layanan", "aplikasi", "max", "sum", "6"),
               Spec("Persentase ketersediaan layanan pusat data (uptime)", "%", "max", "average", "99.50")],
        "B3": [Spec("Jumlah sistem elektronik yang diuji keamanannya (ITSA)", "sistem", "max", "sum", "12"),
               Spec("Rata-rata waktu penanganan insiden siber", "jam", "min", "average", "24")],
        "B4": [Spec("Jumlah dataset yang diverifikasi untuk Portal Satu Data NTB", "dataset", "max", "sum", "120"),
               Spec("Persentase metadata statistik sektoral yang lengkap", "%", "max", "last", "90")],
    },
    BAPPEDA: {
        "B1": [Spec("Jumlah OPD yang didampingi menyusun Renja dan Perjanjian Kinerja", "OPD", "max", "sum", "11"),
               Spec("Persentase laporan evaluasi triwulanan yang tepat waktu", "%", "max", "average", "100")],
        "B2": [Spec("Jumlah kajian dan rekomendasi kebijakan ekonomi daerah", "dokumen", "max", "sum", "4"),
               Spec("Persentase program prioritas ekonomi yang terpantau", "%", "max", "last", "90")],
        "B3": [Spec("Jumlah desa lokus kemiskinan ekstrem yang dipantau", "desa", "max", "sum", "40"),
               Spec("Persentase data P3KE yang dipadankan", "%", "max", "last", "95")],
    },
}

# Staff take these in turn: (performance, plan). A performance of None: nothing entered yet (grey).
STAFF_PROFILES = [("1.04", "approved"), ("0.90", "submitted"), ("0.65", "returned"), ("1.00", "draft"),
                  (None, "approved"), ("0.85", "late"), ("1.10", "submitted"), ("0.72", "approved")]

# Which months carry a value and in what state, months 1..LAST_MONTH.
PLANS = {
    "approved": {m: A for m in range(1, LAST_MONTH + 1)},
    "submitted": {**{m: A for m in range(1, 9)}, 9: S, 10: S},
    "returned": {**{m: A for m in range(1, 8)}, 8: R, 9: D, 10: D},
    "draft": {**{m: A for m in range(1, 10)}, 10: D},
    "late": {**{m: A for m in range(1, 7)}, 7: S, 8: S},
    "monthly": {**{m: A for m in range(1, 9)}, 9: S, 10: D},
    "quarterly": {3: A, 6: A, 9: S},
}

RETURN_COMMENTS = [
    "Bukti dukung belum dilampirkan; unggah laporan bulanan yang ditandatangani.",
    "Angka berbeda dengan laporan aplikasi sumber; mohon dicek ulang.",
]
REASONS = [
    ("Data kabupaten/kota belum lengkap masuk sampai batas waktu pelaporan.",
     "Koordinasi dengan dinas kabupaten/kota dan pendampingan entri data minggu depan."),
    ("Anggaran kegiatan baru cair pada APBD perubahan; kegiatan lapangan tertunda.",
     "Percepatan pelaksanaan kegiatan pada triwulan IV dengan jadwal mingguan."),
    ("Keterbatasan tenaga teknis di lapangan.",
     "Pelatihan petugas dan penambahan tenaga pendamping dari UPT."),
]


# ---------------------------------------------------------------- loading

def load_scorecards() -> dict[str, int]:
    """Create what is missing; return counts of what was created (all zero on a second load)."""
    created = {"indicators": 0, "realisations": 0}
    opds = {o.code: o for o in db.session.scalars(select(Opd).where(Opd.code.in_([DINKES, KOMINFO, BAPPEDA])))}
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.opd_id.in_([o.id for o in opds.values()])))}
    plans: list[tuple[Indicator, Spec | None, str, str | None]] = []  # (indicator, spec, plan, performance)

    province = services.ensure_scorecard(None, DEMO_YEAR, OwnerKind.PROVINCE)
    iku = _province_indicators(province, created)
    for code, (_, spec) in IKU.items():
        plans.append((iku[code], spec, "explicit", None))

    for opd_code, steps in OPD_STEPS.items():
        opd = opds[opd_code]
        opd_card = services.ensure_scorecard(None, DEMO_YEAR, OwnerKind.OPD, opd)
        by_origin = {}
        for step in steps:
            ind = _cascade(iku[step.parent], OwnerKind.OPD, opd.id, opd_card, step, created)
            by_origin[step.parent] = ind
            plans.append((ind, step.own, step.plan, step.performance))
        for suffix, unit_steps in UNIT_STEPS[opd_code].items():
            unit = units[f"{opd_code}.{suffix}"]
            unit_card = services.ensure_scorecard(None, DEMO_YEAR, OwnerKind.UNIT, unit)
            unit_indicators = []
            for step in unit_steps:
                ind = _cascade(by_origin[step.parent], OwnerKind.UNIT, unit.id, unit_card, step, created)
                unit_indicators.append(ind)
                plans.append((ind, step.own, step.plan, step.performance))
            plans += _staff(unit, unit_indicators[0], STAFF_IKI[opd_code][suffix], created)

    _realisations(plans, created)
    db.session.flush()
    return created


def _province_indicators(card: Scorecard, created: dict) -> dict[str, Indicator]:
    objectives = {o.code: o for o in card.objectives}
    for code, perspective, name in OBJECTIVES:
        if code not in objectives:
            objectives[code] = services.save_objective(None, card, code, perspective, name)
    existing = {i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.scorecard_id == card.id))}
    for code, (objective, spec) in IKU.items():
        if code not in existing:
            existing[code] = services.save_indicator(None, objectives[objective], _input(code, spec))
            created["indicators"] += 1
    return existing


def _input(code: str, spec: Spec, parent: Indicator | None = None, kind: str | None = None) -> services.IndicatorInput:
    return services.IndicatorInput(
        code=code, name=spec.name, unit_of_measure=spec.unit, polarity=spec.polarity,
        aggregation=spec.aggregation, weight=spec.weight, target=spec.target, target_high=spec.target_high,
        definition=spec.definition, formula=spec.formula, data_source=spec.source,
        parent_id=parent.id if parent else None, cascade_kind=kind)


def _existing_child(parent: Indicator, card: Scorecard) -> Indicator | None:
    return db.session.scalar(select(Indicator).where(Indicator.scorecard_id == card.id,
                                                     Indicator.parent_id == parent.id))


def _cascade(parent: Indicator, kind: OwnerKind, owner_id: int, card: Scorecard, step: Step,
             created: dict) -> Indicator:
    """The owner's indicator under `parent`: cascaded once, found by its parent link afterwards."""
    found = _existing_child(parent, card)
    if found is not None:
        return found
    cascade_kind = "indirect" if step.own is not None else "direct"
    [ind] = services.cascade(None, parent, [services.CascadeTarget(kind, owner_id, step.target, step.weight,
                                                                   step.target_high, cascade_kind)])
    if step.own is not None:
        ind = services.save_indicator(None, ind.objective, _input(ind.code, step.own, parent, cascade_kind), ind)
    created["indicators"] += 1
    return ind


def _staff(unit: Unit, parent: Indicator, templates: list[Spec], created: dict) -> list:
    """Each staff member of the bidang (not its head) gets an IKI under the bidang's indicator."""
    staff = db.session.scalars(
        select(Employee).join(Position, Employee.position_id == Position.id)
        .where(Position.unit_id == unit.id, Position.head_of_unit_id.is_(None)).order_by(Employee.nip)).all()
    have = {sc_employee: ind for ind, sc_employee in db.session.execute(
        select(Indicator, Scorecard.employee_id).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
        .where(Indicator.parent_id == parent.id, Scorecard.owner_kind == OwnerKind.EMPLOYEE))}
    missing = [e for e in staff if e.id not in have]
    if missing:
        targets = [services.CascadeTarget(OwnerKind.EMPLOYEE, e.id, templates[0].target, 1, None, "indirect")
                   for e in missing]
        for employee, ind in zip(missing, services.cascade(None, parent, targets)):
            spec = templates[staff.index(employee) % len(templates)]
            have[employee.id] = services.save_indicator(None, ind.objective,
                                                        _input(ind.code, spec, parent, "indirect"), ind)
            created["indicators"] += 1
    out = []
    for n, employee in enumerate(staff):
        spec = templates[n % len(templates)]
        # by the NIP's serial number: the same profile on every load, whatever the row ids
        performance, plan = STAFF_PROFILES[int(employee.nip[-3:]) % len(STAFF_PROFILES)]
        out.append((have[employee.id], spec, plan, performance))
    return out


# ---------------------------------------------------------------- realisations

def _realisations(plans, created: dict) -> None:
    ids = [ind.id for ind, *_ in plans]
    existing = set()
    for i in range(0, len(ids), 900):
        existing |= set(db.session.execute(select(Realisation.indicator_id, Realisation.month)
                                           .where(Realisation.indicator_id.in_(ids[i:i + 900]))).all())
    deciders = _deciders([ind for ind, *_ in plans])
    rows = []
    for n, (ind, spec, plan, performance) in enumerate(plans):
        if plan == "explicit":
            months = {m: (Decimal(v), status) for m, (v, status) in spec.values.items()}
        elif performance is None:
            continue
        else:
            months = {m: (_value(ind, Decimal(performance), m), status) for m, status in PLANS[plan].items()}
        entered: dict[int, Decimal] = {}
        for month in sorted(months):
            value, status = months[month]
            entered[month] = value
            if (ind.id, month) in existing:
                continue
            rows.append(_row(ind, month, value, status, entered, deciders.get(ind.scorecard_id), n))
    db.session.add_all(rows)
    created["realisations"] += len(rows)


def _value(ind: Indicator, performance: Decimal, month: int) -> Decimal:
    """A month's value that gives roughly `performance` as achievement, drifting a little over the
    year (for sums: that share of the month's part of the annual target)."""
    drift = Decimal(month - LAST_MONTH) / 400  # the last months are the truest
    p = performance + drift
    target = Decimal(ind.target)
    if ind.aggregation == Aggregation.SUM:
        value = target / 12 * p
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP) if target >= 12 else value.quantize(Decimal("0.1"))
    value = target * p if ind.polarity != Polarity.MIN else target * (2 - p)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _row(ind: Indicator, month: int, value: Decimal, status: RealisationStatus, entered: dict,
         decided_by: int | None, n: int) -> Realisation:
    figures = scoring.indicator_figures(ind.polarity, ind.aggregation, ind.target, month, entered, ind.target_high,
                                        ind.monthly_target_list())
    red = figures.colour == scoring.Colour.RED
    reason, follow_up = REASONS[(n + month) % len(REASONS)] if red else (None, None)
    submitted = status != D
    decided = status in (A, R)
    return Realisation(
        indicator_id=ind.id, month=month, value=value, status=status, version=2 if decided else 1,
        note=f"Realisasi {ind.name.lower()} bulan {month}.", reason=reason, follow_up=follow_up,
        return_comment=RETURN_COMMENTS[(n + month) % len(RETURN_COMMENTS)] if status == R else None,
        submitted_at=_at(month, 5) if submitted else None,
        decided_at=_at(month, 8) if decided else None,
        decided_by_id=decided_by if decided else None)


def _at(month: int, day: int) -> datetime:
    """Day `day` of the month after `month`, 10.00 WITA (02.00 UTC)."""
    return datetime(DEMO_YEAR + month // 12, month % 12 + 1, day, 2, 0, tzinfo=timezone.utc)


def _deciders(indicators: list[Indicator]) -> dict[int, int | None]:
    """Scorecard id -> the user who approves its values (domain.md §4): the governor's office for
    the province, the OPD head for an OPD and its bidang, the head of the bidang for its staff."""
    users = {u.employee_id: u.id for u in db.session.scalars(select(User).where(User.employee_id.is_not(None)))}
    office = db.session.scalar(select(User.id).where(User.username == "biro.organisasi"))
    out: dict[int, int | None] = {}
    for ind in indicators:
        sc = ind.scorecard
        if sc.id in out:
            continue
        head = None
        if sc.owner_kind in (OwnerKind.OPD, OwnerKind.UNIT):
            root = sc.opd.root_unit
            head = root.head_position.holder if root and root.head_position else None
        elif sc.owner_kind == OwnerKind.EMPLOYEE and sc.employee.position is not None:
            unit = sc.employee.position.unit
            head = unit.head_position.holder if unit.head_position else None
        out[sc.id] = office if sc.owner_kind == OwnerKind.PROVINCE else (users.get(head.id) if head else None)
    return out
