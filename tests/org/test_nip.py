"""NIP: 18 digits = birth date (8) + appointment year and month (6) + sex (1) + serial (3)."""
from datetime import date

import pytest

from ekinerja.org.models import Sex
from ekinerja.org.nip import InvalidNip, normalise_nip, parse_nip

TODAY = date(2026, 5, 20)


def nip(birth="19850314", appointed="201003", sex="1", serial="007") -> str:
    return birth + appointed + sex + serial


def test_valid_nip_gives_its_parts():
    parts = parse_nip(nip(), today=TODAY)
    assert parts.birth_date == date(1985, 3, 14)
    assert (parts.appointment_year, parts.appointment_month) == (2010, 3)
    assert parts.sex == Sex.MALE
    assert parts.serial == 7


def test_female_digit_and_spaces_are_accepted():
    parts = parse_nip("19850314 201003 2 001", today=TODAY)
    assert parts.sex == Sex.FEMALE
    assert parts.serial == 1
    assert normalise_nip(" 19850314 201003 2 001 ") == "198503142010032001"


@pytest.mark.parametrize("raw", ["", None, "12345", "1985031420100310071", "19850314201003100A",
                                 "1985-03-14-2010031-007"])
def test_not_eighteen_digits(raw):
    with pytest.raises(InvalidNip, match="NIP harus 18 digit angka"):
        parse_nip(raw, today=TODAY)


@pytest.mark.parametrize("birth", ["19850230", "19851301", "19850001", "19850431", "19850300"])
def test_impossible_birth_date(birth):
    with pytest.raises(InvalidNip, match=r"Tanggal lahir pada NIP .* tidak valid"):
        parse_nip(nip(birth=birth), today=TODAY)


def test_leap_day_birth_is_valid():
    assert parse_nip(nip(birth="19880229", appointed="201001"), today=TODAY).birth_date == date(1988, 2, 29)
    with pytest.raises(InvalidNip, match="Tanggal lahir"):
        parse_nip(nip(birth="19870229", appointed="201001"), today=TODAY)


def test_birth_in_the_future_or_too_early():
    with pytest.raises(InvalidNip, match="Tahun lahir pada NIP"):
        parse_nip(nip(birth="20270101", appointed="202601"), today=TODAY)
    with pytest.raises(InvalidNip, match=r"Tahun lahir pada NIP \(1900\)"):
        parse_nip(nip(birth="19000101", appointed="192001"), today=TODAY)


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_appointment_month_must_be_1_to_12(month):
    with pytest.raises(InvalidNip, match=f"Bulan pengangkatan pada NIP \\({month}\\) tidak valid"):
        parse_nip(nip(appointed="2010" + month), today=TODAY)


@pytest.mark.parametrize("month", ["01", "12"])
def test_appointment_month_bounds_are_valid(month):
    assert parse_nip(nip(appointed="2010" + month), today=TODAY).appointment_month == int(month)


def test_appointment_at_least_seventeen_years_after_birth():
    assert parse_nip(nip(appointed="200201"), today=TODAY).appointment_year == 2002  # 1985 + 17
    with pytest.raises(InvalidNip, match=r"Tahun pengangkatan pada NIP \(2001\)"):
        parse_nip(nip(appointed="200112"), today=TODAY)


def test_appointment_not_in_the_future():
    assert parse_nip(nip(appointed="202605"), today=TODAY).appointment_month == 5  # this month
    with pytest.raises(InvalidNip, match="Tahun pengangkatan"):
        parse_nip(nip(appointed="202606"), today=TODAY)  # next month
    with pytest.raises(InvalidNip, match="Tahun pengangkatan"):
        parse_nip(nip(appointed="202701"), today=TODAY)


def test_today_defaults_to_the_real_date():
    next_year = date.today().year + 1
    with pytest.raises(InvalidNip, match="Tahun pengangkatan"):
        parse_nip(nip(appointed=f"{next_year}01"))
    assert parse_nip(nip()).appointment_year == 2010


@pytest.mark.parametrize("sex", ["0", "3", "9"])
def test_sex_digit_must_be_1_or_2(sex):
    with pytest.raises(InvalidNip, match=r"jenis kelamin pada NIP harus 1 \(laki-laki\) atau 2 \(perempuan\)"):
        parse_nip(nip(sex=sex), today=TODAY)


def test_serial_000_is_refused():
    with pytest.raises(InvalidNip, match="Nomor urut pada NIP tidak boleh 000"):
        parse_nip(nip(serial="000"), today=TODAY)
    assert parse_nip(nip(serial="999"), today=TODAY).serial == 999


def test_invalid_nip_is_a_value_error():
    assert issubclass(InvalidNip, ValueError)


def test_conftest_valid_nip_helper_passes():
    from tests.conftest import valid_nip
    for i in range(30):
        parse_nip(valid_nip(i))
        parse_nip(valid_nip(i, female=True))
