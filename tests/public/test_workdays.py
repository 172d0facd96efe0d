"""Working days skip weekends and the holidays an administrator keeps (real 2026 dates)."""
from datetime import date

import pytest
from sqlalchemy import event, func, select

from ekinerja.errors import PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.public.models import Holiday
from ekinerja.public.workdays import add_holiday, add_working_days, is_working_day, remove_holiday

# Nyepi, Idul Fitri 1447 H with its cuti bersama, Wafat Isa Almasih, Hari Kemerdekaan, Natal.
HOLIDAYS_2026 = {
    date(2026, 3, 19): "Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti bersama Idul Fitri",
    date(2026, 3, 21): "Idul Fitri 1447 H",
    date(2026, 3, 22): "Idul Fitri 1447 H",
    date(2026, 3, 23): "Cuti bersama Idul Fitri",
    date(2026, 3, 24): "Cuti bersama Idul Fitri",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 8, 17): "Hari Kemerdekaan RI",
    date(2026, 12, 25): "Hari Raya Natal",
}


@pytest.fixture
def holidays(ctx):
    for day, name in HOLIDAYS_2026.items():
        db.session.add(Holiday(date=day, name=name))
    db.session.flush()


def test_weekends_are_skipped(ctx):
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # from a Saturday
    assert add_working_days(date(2026, 11, 23), 10) == date(2026, 12, 7)
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_seventeen_august_is_skipped(holidays):
    assert add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)  # Fri → (Mon 17 off) → Tue
    assert not is_working_day(date(2026, 8, 17))
    assert is_working_day(date(2026, 8, 18))
    assert not is_working_day(date(2026, 8, 15))  # Saturday


def test_idul_fitri_nyepi_and_good_friday_are_skipped(holidays):
    # From Tuesday 17 March: 18 counts; 19–24 March are off; 3 April is Good Friday.
    assert add_working_days(date(2026, 3, 17), 10) == date(2026, 4, 7)
    # The same without the holidays: two weeks later exactly.
    assert add_working_days(date(2026, 3, 3), 10) == date(2026, 3, 17)


def test_holiday_on_a_weekend_does_not_count_twice(holidays):
    # 21–22 March are a weekend and holidays; Friday 20 → Wednesday 25 is the 1st working day.
    assert add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 25)


def test_thirty_working_days_read_holidays_in_one_query(holidays, app):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        due = add_working_days(date(2026, 12, 1), 30)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # December 2026: 22 weekdays minus Natal; January 2027 has no holiday in the table.
    assert due == date(2027, 1, 13)
    assert len([s for s in statements if "holiday" in s.lower()]) == 1


def test_only_an_administrator_keeps_the_list(ctx, make_user):
    gov, admin = make_user("governor_office"), make_user("admin")
    with pytest.raises(PermissionDenied):
        add_holiday(gov, date(2026, 5, 1), "Hari Buruh")
    assert db.session.scalar(select(func.count(Holiday.id))) == 0

    holiday = add_holiday(admin, date(2026, 5, 1), " Hari Buruh ")
    assert holiday.name == "Hari Buruh" and not is_working_day(date(2026, 5, 1))

    with pytest.raises(ValidationFailed) as err:
        add_holiday(admin, date(2026, 5, 1), "Lagi")
    assert err.value.details == [{"field": "date", "message": "Tanggal ini sudah ada dalam daftar hari libur."}]
    with pytest.raises(ValidationFailed) as err:
        add_holiday(admin, None, "")
    assert {d["field"] for d in err.value.details} == {"date", "name"}
    assert db.session.scalar(select(func.count(Holiday.id))) == 1

    with pytest.raises(PermissionDenied):
        remove_holiday(gov, holiday.id)
    remove_holiday(admin, holiday.id)
    assert is_working_day(date(2026, 5, 1))
