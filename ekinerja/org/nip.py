"""NIP (Nomor Induk Pegawai): 18 digits = birth date (8) + appointment month (6) + sex (1) + serial (3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ekinerja.org.models import Sex


class InvalidNip(ValueError):
    pass


@dataclass(frozen=True)
class NipParts:
    birth_date: date
    appointment_year: int
    appointment_month: int
    sex: Sex
    serial: int


def parse_nip(raw: str, today: date | None = None) -> NipParts:
    """Validate a NIP and return its parts; raise InvalidNip with an Indonesian reason."""
    today = today or date.today()
    nip = (raw or "").replace(" ", "").strip()
    if len(nip) != 18 or not nip.isdigit():
        raise InvalidNip("NIP harus 18 digit angka.")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise InvalidNip(f"Tanggal lahir pada NIP ({nip[6:8]}-{nip[4:6]}-{nip[0:4]}) tidak valid.") from None
    if birth.year < 1940 or birth > today:
        raise InvalidNip(f"Tahun lahir pada NIP ({birth.year}) tidak masuk akal.")
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise InvalidNip(f"Bulan pengangkatan pada NIP ({nip[12:14]}) tidak valid.")
    if year < birth.year + 17 or (year, month) > (today.year, today.month):
        raise InvalidNip(f"Tahun pengangkatan pada NIP ({year}) tidak sesuai dengan tanggal lahir.")
    if nip[14] not in "12":
        raise InvalidNip("Digit jenis kelamin pada NIP harus 1 (laki-laki) atau 2 (perempuan).")
    serial = int(nip[15:18])
    if serial == 0:
        raise InvalidNip("Nomor urut pada NIP tidak boleh 000.")
    return NipParts(birth, year, month, Sex.MALE if nip[14] == "1" else Sex.FEMALE, serial)


def normalise_nip(raw: str) -> str:
    return (raw or "").replace(" ", "").strip()
