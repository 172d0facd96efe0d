"""`flask demo load`: the real OPDs and UPTs of NTB, and a believable organisation for three OPDs.

Everything goes through the same services as the pages and the import command; it is
idempotent (codes and NIPs are the keys, passwords are set only when an account is created).
"""
from __future__ import annotations

import csv
import io
from datetime import date
from importlib import resources

from sqlalchemy import select

from ekinerja.auth.models import Role, User
from ekinerja.auth.services import grant_role, hash_password
from ekinerja.extensions import db
from ekinerja.org.importer import import_employees, import_opds
from ekinerja.org.models import Unit, UnitKind
from ekinerja.org.services import get_province

DEMO_PASSWORD = "ntb-demo-2026"
GOVERNOR_NAME = "Dr. H. Mahsun Arifin, M.Si."  # fictional: demo data names no real official
START = date(2025, 1, 2)

KOMINFO = "2.16.2.20.2.21.04.0000"
DINKES = "1.02.0.00.0.00.01.0000"
BAPPEDA = "5.01.0.00.0.00.01.0000"

# (suffix, name, kind, parent suffix or None for the OPD office)
STRUCTURES = {
    KOMINFO: [
        ("SEK", "Sekretariat", UnitKind.SEKRETARIAT, None),
        ("SEK.UK", "Subbagian Umum dan Kepegawaian", UnitKind.SUBBAGIAN, "SEK"),
        ("SEK.KP", "Subbagian Keuangan dan Program", UnitKind.SUBBAGIAN, "SEK"),
        ("B1", "Bidang Informasi dan Komunikasi Publik", UnitKind.BIDANG, None),
        ("B2", "Bidang Aplikasi Informatika", UnitKind.BIDANG, None),
        ("B3", "Bidang Persandian dan Keamanan Informasi", UnitKind.BIDANG, None),
        ("B4", "Bidang Statistik", UnitKind.BIDANG, None),
    ],
    DINKES: [
        ("SEK", "Sekretariat", UnitKind.SEKRETARIAT, None),
        ("SEK.UK", "Subbagian Umum dan Kepegawaian", UnitKind.SUBBAGIAN, "SEK"),
        ("SEK.KP", "Subbagian Keuangan dan Aset", UnitKind.SUBBAGIAN, "SEK"),
        ("B1", "Bidang Kesehatan Masyarakat", UnitKind.BIDANG, None),
        ("B2", "Bidang Pencegahan dan Pengendalian Penyakit", UnitKind.BIDANG, None),
        ("B3", "Bidang Pelayanan Kesehatan", UnitKind.BIDANG, None),
        ("B4", "Bidang Sumber Daya Kesehatan", UnitKind.BIDANG, None),
    ],
    BAPPEDA: [
        ("SEK", "Sekretariat", UnitKind.SEKRETARIAT, None),
        ("SEK.UK", "Subbagian Umum dan Kepegawaian", UnitKind.SUBBAGIAN, "SEK"),
        ("SEK.KP", "Subbagian Keuangan", UnitKind.SUBBAGIAN, "SEK"),
        ("B1", "Bidang Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah", UnitKind.BIDANG, None),
        ("B2", "Bidang Perekonomian dan Sumber Daya Alam", UnitKind.BIDANG, None),
        ("B3", "Bidang Pemerintahan dan Pembangunan Manusia", UnitKind.BIDANG, None),
        ("B4", "Bidang Infrastruktur dan Kewilayahan", UnitKind.BIDANG, None),
    ],
}

HEAD_TITLES = {KOMINFO: "Kepala Dinas Komunikasi, Informatika dan Statistik",
               DINKES: "Kepala Dinas Kesehatan", BAPPEDA: "Kepala Bappeda"}

# Staff posts per unit suffix: (title, kind, count)
STAFF = {
    KOMINFO: {
        "SEK.UK": [("Analis Kepegawaian Ahli Muda", "fungsional", 1), ("Pengadministrasi Perkantoran", "pelaksana", 3)],
        "SEK.KP": [("Pengelola Keuangan", "pelaksana", 2), ("Perencana Ahli Pertama", "fungsional", 1)],
        "B1": [("Pranata Humas Ahli Muda", "fungsional", 2), ("Pengelola Informasi Publik", "pelaksana", 2)],
        "B2": [("Pranata Komputer Ahli Muda", "fungsional", 3), ("Pranata Komputer Ahli Pertama", "fungsional", 2)],
        "B3": [("Sandiman Ahli Muda", "fungsional", 2), ("Pengelola Keamanan Informasi", "pelaksana", 1)],
        "B4": [("Statistisi Ahli Muda", "fungsional", 2), ("Statistisi Ahli Pertama", "fungsional", 2)],
    },
    DINKES: {
        "SEK.UK": [("Analis Kepegawaian Ahli Muda", "fungsional", 1), ("Pengadministrasi Perkantoran", "pelaksana", 3)],
        "SEK.KP": [("Pengelola Keuangan", "pelaksana", 2), ("Perencana Ahli Pertama", "fungsional", 1)],
        "B1": [("Nutrisionis Ahli Muda", "fungsional", 2), ("Promotor Kesehatan Ahli Muda", "fungsional", 2)],
        "B2": [("Epidemiolog Kesehatan Ahli Muda", "fungsional", 2), ("Entomolog Kesehatan Ahli Pertama", "fungsional", 1)],
        "B3": [("Administrator Kesehatan Ahli Muda", "fungsional", 2), ("Dokter Ahli Madya", "fungsional", 1)],
        "B4": [("Apoteker Ahli Muda", "fungsional", 2), ("Pengelola Data SDM Kesehatan", "pelaksana", 2)],
    },
    BAPPEDA: {
        "SEK.UK": [("Analis Kepegawaian Ahli Muda", "fungsional", 1), ("Pengadministrasi Perkantoran", "pelaksana", 3)],
        "SEK.KP": [("Pengelola Keuangan", "pelaksana", 2), ("Perencana Ahli Pertama", "fungsional", 1)],
        "B1": [("Perencana Ahli Muda", "fungsional", 3), ("Perencana Ahli Pertama", "fungsional", 1)],
        "B2": [("Perencana Ahli Muda", "fungsional", 2), ("Analis Perekonomian", "pelaksana", 2)],
        "B3": [("Perencana Ahli Muda", "fungsional", 2), ("Analis Kebijakan Ahli Muda", "fungsional", 2)],
        "B4": [("Perencana Ahli Muda", "fungsional", 2), ("Analis Tata Ruang", "pelaksana", 2)],
    },
}

# Heads of the UPTs of the three demo OPDs (unit code, title, kind): every unit of those has a head.
UPT_HEADS = [
    ("2.16.2.20.2.21.04.0001", "Kepala Pusat Layanan Digital", "administrator"),
    ("1.02.0.00.0.00.01.0006", "Kepala Balai Laboratorium Kesehatan", "administrator"),
    ("1.02.0.00.0.00.01.0001", "Direktur Rumah Sakit Umum Daerah Provinsi", "administrator"),
    ("1.02.0.00.0.00.01.0002", "Direktur Rumah Sakit Jiwa Mutiara Sukma", "administrator"),
    ("1.02.0.00.0.00.01.0003", "Direktur Rumah Sakit H. L. Manambai Abdul Kadir", "administrator"),
    ("1.02.0.00.0.00.01.0004", "Direktur Rumah Sakit Mandalika", "administrator"),
    ("1.02.0.00.0.00.01.0005", "Direktur Rumah Sakit Mata Nusa Tenggara Barat", "administrator"),
]

MALE = ["Lalu Ahmad", "Muhammad Rizal", "Lalu Satria", "Agus", "Hendra", "I Made", "Zulkarnain", "Fauzan",
        "Syamsul", "Rahmat", "Imam", "Arif", "Bayu", "Dedi", "Fathurrahman", "Gede", "Haris",
        "Irwan", "Joko", "Kurniawan", "Mansur", "Nasrullah", "Pahrurrozi", "Ridwan", "Sahnan",
        "Taufik", "Wahyu", "Yusuf", "Zainal", "Abdul Hakim", "Burhanuddin", "Chairul", "Darmawan"]
FEMALE = ["Baiq Nurul", "Siti Aisyah", "Ni Luh", "Dewi", "Fitri", "Hairunnisa", "Indah", "Juwita",
          "Kartini", "Lestari", "Maya", "Nurhayati", "Putri", "Rahmawati", "Sri Wahyuni", "Yuliana",
          "Aminah", "Eka", "Ratna", "Wulan", "Zahratul", "Desi", "Laila", "Mutmainnah", "Sofia"]
FAMILY = ["Hidayat", "Saputra", "Suhaimi", "Wirawan", "Fadli", "Rosadi", "Maulana", "Pratama",
          "Hamdani", "Kusuma", "Mahendra", "Ramdhani", "Sasmita", "Utama", "Wardana", "Yasin",
          "Zulkifli", "Anwar", "Bahri", "Effendi", "Gunawan", "Hakim", "Iskandar", "Junaidi"]
RANKS = {"jpt": "Pembina Utama Muda (IV/c)", "administrator": "Pembina (IV/a)",
         "pengawas": "Penata Tingkat I (III/d)", "fungsional": "Penata (III/c)",
         "pelaksana": "Pengatur Tingkat I (II/d)"}


def _person(i: int) -> tuple[str, str]:
    """A name and a valid NIP, both determined by i."""
    female = i % 3 == 1
    first = (FEMALE if female else MALE)[i * 7 % len(FEMALE if female else MALE)]
    name = f"{first} {FAMILY[i * 5 % len(FAMILY)]}"
    year = 1968 + i * 11 % 28
    month, day = 1 + i * 5 % 12, 1 + i * 13 % 28
    appointed = year + 23 + i % 6
    nip = f"{year:04d}{month:02d}{day:02d}{appointed:04d}{1 + i % 12:02d}{2 if female else 1}{1 + i % 999:03d}"
    return name, nip


def staff_rows() -> list[dict]:
    rows, i = [], 0

    def add(title, kind, unit_code, head):
        nonlocal i
        i += 1
        name, nip = _person(i)
        rows.append({"nip": nip, "name": name, "position": title, "position_kind": kind,
                     "unit_code": unit_code, "is_unit_head": "ya" if head else "tidak", "rank": RANKS[kind]})

    for opd_code, units in STRUCTURES.items():
        add(HEAD_TITLES[opd_code], "jpt", opd_code, True)
        for suffix, name, kind, _ in units:
            code = f"{opd_code}.{suffix}"
            if kind == UnitKind.SEKRETARIAT:
                add("Sekretaris", "administrator", code, True)
            elif kind == UnitKind.BIDANG:
                add(f"Kepala {name}", "administrator", code, True)
            else:
                add(f"Kepala {name}", "pengawas", code, True)
            for title, pkind, count in STAFF[opd_code].get(suffix, []):
                for _ in range(count):
                    add(title, pkind, code, False)
    for unit_code, title, kind in UPT_HEADS:
        add(title, kind, unit_code, True)
        add("Pengadministrasi Perkantoran", "pelaksana", unit_code, False)
    return rows


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _ensure_units() -> None:
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(list(STRUCTURES))))}
    for opd_code, units in STRUCTURES.items():
        root = existing[opd_code]
        by_code = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.opd_id == root.opd_id))}
        for suffix, name, kind, parent in units:
            code = f"{opd_code}.{suffix}"
            if code not in by_code:
                unit = Unit(code=code, name=name, kind=kind, opd_id=root.opd_id,
                            parent=by_code[f"{opd_code}.{parent}"] if parent else root)
                db.session.add(unit)
                by_code[code] = unit
    db.session.flush()


def _ensure_user(username: str, display_name: str, password_hash: str, roles) -> None:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=display_name, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    for role, opd_id in roles:
        grant_role(None, user, role, opd_id)


def load_demo(hash_method: str = "scrypt") -> list[tuple[str, str, str]]:
    """Load (or top up) the demo; return the demo logins as (login, password, who)."""
    province = get_province()
    if province.governor_name is None:
        province.governor_name = GOVERNOR_NAME
    text = resources.files("ekinerja.demo").joinpath("data/ntb-opd.csv").read_text(encoding="utf-8")
    import_opds(text)
    _ensure_units()
    rows = staff_rows()
    import_employees(_csv(rows), start_date=START)

    # One hash for every demo account: they share the printed demo password anyway, and hashing
    # a hundred passwords with a memory-hard KDF would make the demo load slow.
    demo_hash = hash_password(DEMO_PASSWORD, hash_method)
    users = db.session.scalars(select(User).where(User.username.in_([r["nip"] for r in rows]))).all()
    for user in users:
        if user.password_hash is None:
            user.password_hash = demo_hash
    opd_ids = {u.code: u.opd_id for u in db.session.scalars(select(Unit).where(Unit.code.in_(list(STRUCTURES))))}
    accounts = [
        ("admin", "Administrator Diskominfotik", [(Role.ADMIN, None)]),
        ("gubernur", GOVERNOR_NAME, [(Role.GOVERNOR, None)]),
        ("biro.organisasi", "Biro Organisasi Setda NTB", [(Role.GOVERNOR_OFFICE, None)]),
        ("inspektorat", "Auditor Inspektorat", [(Role.AUDITOR, None)]),
        ("operator.kominfo", "Operator Diskominfotik", [(Role.OPD_OPERATOR, opd_ids[KOMINFO])]),
        ("operator.dinkes", "Operator Dinas Kesehatan", [(Role.OPD_OPERATOR, opd_ids[DINKES])]),
        ("operator.bappeda", "Operator Bappeda", [(Role.OPD_OPERATOR, opd_ids[BAPPEDA])]),
    ]
    for username, name, roles in accounts:
        _ensure_user(username, name, demo_hash, roles)
    db.session.flush()
    from ekinerja.demo.scorecards import load_scorecards  # it builds on this module's organisation
    from ekinerja.demo.workflow import REOPEN_UNTIL, load_workflow
    load_scorecards()
    from ekinerja.demo import history  # 2024 and 2025: the years the public LKjIP table compares with
    history.load([DINKES, KOMINFO, BAPPEDA], 2026)
    from ekinerja.demo.agreements import load_agreements  # A3s and PKs, made from those scorecards
    load_agreements()
    # The workflow's logins: a staff member of Bidang Aplikasi Informatika with open work in
    # November, and the head of the bidang with an inbox.
    by_unit = {r["unit_code"]: r for r in rows if r["is_unit_head"] == "ya"}
    kominfo_staff = next(r for r in rows if r["unit_code"] == f"{KOMINFO}.B2" and r["is_unit_head"] == "tidak")
    load_workflow(kominfo_staff["nip"])
    from ekinerja.demo import dip, ppid  # PPID: the OPDs' periodic reports, requests and holidays
    dip.load()
    ppid.load()

    notes = {"admin": " — periode realisasi: menu Pengguna › Periode realisasi (/admin/periode)"}
    logins = [(u, DEMO_PASSWORD, n + notes.get(u, "")) for u, n, _ in accounts]
    kabid = by_unit[f"{KOMINFO}.B2"]
    logins.append((by_unit[KOMINFO]["nip"], DEMO_PASSWORD, f"{by_unit[KOMINFO]['name']}, Kepala Diskominfotik"))
    logins.append((kabid["nip"], DEMO_PASSWORD,
                   f"{kabid['name']}, Kepala Bidang Aplikasi Informatika — alur realisasi: Persetujuan berisi "
                   "2 realisasi November yang menunggu (setujui atau kembalikan)"))
    logins.append((kominfo_staff["nip"], DEMO_PASSWORD,
                   f"{kominfo_staff['name']}, {kominfo_staff['position']} — alur realisasi: Kinerja saya, "
                   "realisasi November dikembalikan atasan; perbaiki, lampirkan bukti, ajukan lagi"))
    logins.append((by_unit[DINKES]["nip"], DEMO_PASSWORD,
                   f"{by_unit[DINKES]['name']}, Kepala Dinas Kesehatan — Persetujuan: September dibuka kembali "
                   f"untuk Dinas Kesehatan s.d. {REOPEN_UNTIL.day} Desember {REOPEN_UNTIL.year}"))
    logins.append((by_unit[BAPPEDA]["nip"], DEMO_PASSWORD, f"{by_unit[BAPPEDA]['name']}, Kepala Bappeda"))
    return logins
