"""CSV imports of OPDs/UPTs and of staff: all-or-nothing, every bad line reported, idempotent."""
from datetime import date, timedelta
from importlib import resources

import pytest
from sqlalchemy import func, select

from ekinerja.audit.models import AuditEntry
from ekinerja.auth.models import User
from ekinerja.errors import ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.importer import import_employees, import_opds
from ekinerja.org.models import (Employee, Opd, Position, PositionHolding, PositionKind, Province, Unit,
                                 UnitKind)
from ekinerja.org.services import superior_position
from tests.conftest import valid_nip

OPD_HEADER = "sipd_code,name,parent_sipd_code,level\n"
STAFF_HEADER = "nip,name,position,position_kind,unit_code,is_unit_head,rank\n"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def real_file() -> str:
    return resources.files("ekinerja.demo").joinpath("data/ntb-opd.csv").read_text(encoding="utf-8")


def details(exc_info) -> list[tuple[int, str]]:
    return [(d["line"], d["message"]) for d in exc_info.value.details]


# ------------------------------------------------------------------ OPD / UPT file

def test_real_file_loads_44_opds_and_110_upts(ctx):
    result = import_opds(real_file())
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (154, 0, 0)
    assert count(Opd) == 44
    units = db.session.scalars(select(Unit)).all()
    assert sum(u.kind == UnitKind.OPD for u in units) == 44
    assert sum(u.kind == UnitKind.UPT for u in units) == 110
    for unit in units:
        if unit.kind == UnitKind.OPD:
            # the OPD's own office: the root of its tree, same code and name as the OPD
            assert unit.parent_id is None and unit.code == unit.opd.code and unit.name == unit.opd.name
        else:
            assert unit.parent.kind == UnitKind.OPD and unit.parent.opd_id == unit.opd_id
    dinkes = db.session.scalar(select(Opd).where(Opd.code == "1.02.0.00.0.00.01.0000"))
    assert dinkes.name == "Dinas Kesehatan"
    lab = db.session.scalar(select(Unit).where(Unit.code == "1.02.0.00.0.00.01.0006"))
    # a quoted name with a comma survives
    assert lab.name == "Balai Laboratorium Kesehatan, Pengujian dan Kalibrasi"
    assert lab.opd_id == dinkes.id and lab.parent == dinkes.root_unit
    assert count(Province) == 1


def test_second_load_of_the_same_file_changes_nothing(ctx):
    import_opds(real_file())
    db.session.commit()
    audit_rows, units = count(AuditEntry), count(Unit)
    assert audit_rows > 0  # the first load is in the trail
    result = import_opds(real_file())
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 154)
    assert count(AuditEntry) == audit_rows
    assert count(Unit) == units and count(Opd) == 44


def test_changed_name_is_an_update_of_opd_and_root_unit(ctx):
    import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0000,Dinas Lama,,opd\n"
                "7.01.0.00.0.00.01.0001,UPT Satu,7.01.0.00.0.00.01.0000,upt\n")
    db.session.commit()
    result = import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0000,Dinas Baru,,opd\n"
                         "7.01.0.00.0.00.01.0001,UPT Satu Baru,7.01.0.00.0.00.01.0000,upt\n")
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    opd = db.session.scalar(select(Opd))
    assert opd.name == "Dinas Baru" and opd.root_unit.name == "Dinas Baru"
    changes = db.session.execute(select(AuditEntry.entity, AuditEntry.old_value, AuditEntry.new_value)
                                 .where(AuditEntry.action == "update", AuditEntry.field == "name")).all()
    assert sorted(changes) == [("opd", "Dinas Lama", "Dinas Baru"), ("unit", "Dinas Lama", "Dinas Baru"),
                               ("unit", "UPT Satu", "UPT Satu Baru")]


def test_upt_may_hang_under_an_opd_already_in_the_database(ctx):
    import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0000,Dinas Induk,,opd\n")
    db.session.commit()
    result = import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0009,UPT Baru,7.01.0.00.0.00.01.0000,upt\n")
    db.session.commit()
    assert result.created == 1
    upt = db.session.scalar(select(Unit).where(Unit.code == "7.01.0.00.0.00.01.0009"))
    assert upt.parent.code == "7.01.0.00.0.00.01.0000" and upt.kind == UnitKind.UPT


def test_bom_and_blank_lines_are_tolerated(ctx):
    text = "\ufeff" + OPD_HEADER + "\n7.01.0.00.0.00.01.0000,Dinas A,,opd\n\n"
    assert import_opds(text).created == 1


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(ctx):
    text = (OPD_HEADER +                                                          # line 1
            "7.01.0.00.0.00.01.0000,Dinas Baik,,opd\n"                            # 2 good
            "7.01.0.00.0.00.01.0001,UPT Baik,7.01.0.00.0.00.01.0000,upt\n"        # 3 good
            "bukan-kode,Dinas Salah,,opd\n"                                       # 4 bad code
            "\n"                                                                  # 5 blank
            "7.02.0.00.0.00.01.0000,,,opd\n"                                      # 6 no name
            "7.03.0.00.0.00.01.0001,UPT Yatim,9.99.0.00.0.00.01.0000,upt\n"       # 7 unknown parent
            "7.04.0.00.0.00.01.0001,UPT Tanpa Induk,,upt\n"                       # 8 no parent
            "7.05.0.00.0.00.01.0000,Dinas Beranak,7.01.0.00.0.00.01.0000,opd\n"   # 9 OPD with parent
            "7.06.0.00.0.00.01.0000,Dinas Aneh,,kabupaten\n"                      # 10 bad level
            "7.01.0.00.0.00.01.0001,UPT Kembar,7.01.0.00.0.00.01.0000,upt\n"      # 11 duplicate of 3
            "\"7.07.0.00.0.00.01.0000\",\"" + "x" * 256 + "\",,opd\n")             # 12 name too long
    with pytest.raises(ValidationFailed) as exc:
        import_opds(text)
    lines = [line for line, _ in details(exc)]
    assert lines == [4, 6, 7, 8, 9, 10, 11, 12]
    messages = dict(details(exc))
    assert messages[4] == "Kode SIPD 'bukan-kode' tidak valid."
    assert messages[6] == "Nama wajib diisi."
    assert messages[7] == "OPD induk 9.99.0.00.0.00.01.0000 tidak dikenal."
    assert messages[8] == "UPT harus memiliki kode OPD induk."
    assert messages[9] == "Baris OPD tidak boleh memiliki induk."
    assert "Level 'kabupaten' tidak dikenal" in messages[10]
    assert messages[11] == "Kode SIPD 7.01.0.00.0.00.01.0001 ganda (juga di baris 3)."
    assert "terlalu panjang" in messages[12]
    assert "8 baris bermasalah" in exc.value.message
    assert exc.value.status_code == 422
    db.session.commit()
    assert count(Opd) == count(Unit) == count(AuditEntry) == count(Province) == 0


def test_a_code_keeps_its_level(ctx, make_opd, make_unit):
    """An OPD office reloaded as a UPT (or a UPT or bidang as an OPD) would move a unit tree
    from one OPD to another; it is refused, the data stays as it was."""
    import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0000,Dinas X,,opd\n"
                "7.02.0.00.0.00.01.0000,Dinas Y,,opd\n"
                "7.02.0.00.0.00.01.0001,UPT Y,7.02.0.00.0.00.01.0000,upt\n")
    y_root = db.session.scalar(select(Unit).where(Unit.code == "7.02.0.00.0.00.01.0000"))
    make_unit(y_root, "Bidang Y", code="7.02.0.00.0.00.01.0002")
    db.session.commit()
    audit_rows = count(AuditEntry)
    with pytest.raises(ValidationFailed) as exc:
        import_opds(OPD_HEADER + "7.02.0.00.0.00.01.0000,Dinas Y,,opd\n"
                    "7.01.0.00.0.00.01.0000,Dinas X jadi UPT,7.02.0.00.0.00.01.0000,upt\n"
                    "7.02.0.00.0.00.01.0001,UPT Y jadi OPD,,opd\n"
                    "7.02.0.00.0.00.01.0002,Bidang jadi UPT,7.02.0.00.0.00.01.0000,upt\n")
    assert [line for line, _ in details(exc)] == [3, 4, 5]
    assert "sudah dipakai oleh unit berjenis Perangkat Daerah" in details(exc)[0][1]
    db.session.rollback()
    x = db.session.scalar(select(Opd).where(Opd.code == "7.01.0.00.0.00.01.0000"))
    assert [u.code for u in x.units] == ["7.01.0.00.0.00.01.0000"] and x.root_unit.kind == UnitKind.OPD
    assert count(Opd) == 2 and count(AuditEntry) == audit_rows


def test_a_upt_may_move_to_another_opd(ctx):
    import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0000,Dinas X,,opd\n"
                "7.02.0.00.0.00.01.0000,Dinas Y,,opd\n"
                "7.01.0.00.0.00.01.0001,UPT Pindah,7.01.0.00.0.00.01.0000,upt\n")
    db.session.commit()
    result = import_opds(OPD_HEADER + "7.01.0.00.0.00.01.0001,UPT Pindah,7.02.0.00.0.00.01.0000,upt\n")
    assert result.updated == 1
    upt = db.session.scalar(select(Unit).where(Unit.code == "7.01.0.00.0.00.01.0001"))
    assert upt.opd.code == "7.02.0.00.0.00.01.0000" and upt.parent.code == "7.02.0.00.0.00.01.0000"


def test_a_row_with_two_problems_reports_both(ctx):
    with pytest.raises(ValidationFailed) as exc:
        import_opds(OPD_HEADER + "x,,,opd\n")
    assert [line for line, _ in details(exc)] == [2, 2]


def test_missing_column_is_reported_on_line_1(ctx):
    with pytest.raises(ValidationFailed) as exc:
        import_opds("sipd_code,name,level\n7.01.0.00.0.00.01.0000,Dinas,opd\n")
    assert details(exc) == [(1, "Kolom wajib tidak ada: parent_sipd_code")]


# ------------------------------------------------------------------ staff file

@pytest.fixture
def units(ctx, make_opd, make_unit):
    """An OPD (root code R) with a bidang R.B1 and a seksi R.B1.S1 under it."""
    opd = make_opd(code="7.10.0.00.0.00.01.0000", name="Dinas Impor")
    root = opd.units[0]
    bidang = make_unit(root, "Bidang Satu", code="7.10.0.00.0.00.01.0000.B1")
    seksi = make_unit(bidang, "Seksi Satu", kind=UnitKind.SEKSI, code="7.10.0.00.0.00.01.0000.B1.S1")
    db.session.commit()
    return opd, root, bidang, seksi


ROOT, B1, S1 = "7.10.0.00.0.00.01.0000", "7.10.0.00.0.00.01.0000.B1", "7.10.0.00.0.00.01.0000.B1.S1"
HEAD, KABID, KASI, STAF_A, STAF_B = (valid_nip(101), valid_nip(102), valid_nip(103, female=True),
                                     valid_nip(104), valid_nip(105))


def staff_file(*extra: str) -> str:
    return STAFF_HEADER + "".join(line + "\n" for line in [
        f"{HEAD},Kepala Dinas,Kepala Dinas Impor,jpt,{ROOT},ya,Pembina Utama Muda (IV/c)",
        f"{KABID},Kabid Satu,Kepala Bidang Satu,administrator,{B1},ya,Pembina (IV/a)",
        f"{KASI},Kasi Satu,Kepala Seksi Satu,pengawas,{S1},1,",
        f"{STAF_A},Staf A,Pengadministrasi,pelaksana,{S1},tidak,",
        f"{STAF_B},Staf B,Pengadministrasi,PELAKSANA,{S1},0,",
        *extra])


def employee(nip: str) -> Employee:
    return db.session.scalar(select(Employee).where(Employee.nip == nip))


def test_staff_file_creates_employees_posts_heads_and_logins(units):
    opd, root, bidang, seksi = units
    result = import_employees(staff_file(), start_date=date(2025, 1, 2))
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    head, kabid, kasi, a, b = (employee(n) for n in (HEAD, KABID, KASI, STAF_A, STAF_B))
    assert head.position.head_of_unit_id == root.id and head.position.kind == PositionKind.JPT
    assert kabid.position.head_of_unit_id == bidang.id
    assert kasi.position.head_of_unit_id == seksi.id and kasi.position.kind == PositionKind.PENGAWAS
    assert head.rank == "Pembina Utama Muda (IV/c)" and kasi.rank is None
    assert kasi.birth_date == date(1985, 3, 14) and kasi.sex.value == "P"
    # two staff with the same title get two posts, not one
    assert a.position.name == b.position.name == "Pengadministrasi"
    assert a.position_id != b.position_id and a.position.unit_id == seksi.id
    assert not a.position.is_unit_head
    # the chain of superiors follows the heads
    assert superior_position(a.position) == kasi.position
    assert superior_position(kasi.position) == kabid.position
    assert superior_position(kabid.position) == head.position
    assert superior_position(head.position) is None
    for e in (head, kabid, kasi, a, b):
        assert [(h.start_date, h.end_date) for h in e.holdings] == [(date(2025, 1, 2), None)]
        user = db.session.scalar(select(User).where(User.employee_id == e.id))
        assert user.username == e.nip and user.password_hash is None and user.display_name == e.name
    assert count(Position) == 5


def test_second_load_of_the_staff_file_changes_nothing(units):
    import_employees(staff_file(), start_date=date(2025, 1, 2))
    db.session.commit()
    before = {m: count(m) for m in (Employee, Position, PositionHolding, User, AuditEntry)}
    result = import_employees(staff_file(), start_date=date(2025, 6, 1))
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert {m: count(m) for m in before} == before


def test_changed_name_rank_or_title_is_an_update(units):
    import_employees(staff_file(), start_date=date(2025, 1, 2))
    db.session.commit()
    text = staff_file().replace("Staf A,Pengadministrasi,pelaksana", "Staf A Baru,Pengadministrasi,pelaksana") \
        .replace("Kepala Dinas,Kepala Dinas Impor,jpt", "Kepala Dinas,Kepala Dinas Impor Baru,jpt")
    result = import_employees(text, start_date=date(2025, 6, 1))
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    a = employee(STAF_A)
    assert a.name == "Staf A Baru"
    assert db.session.scalar(select(User.display_name).where(User.employee_id == a.id)) == "Staf A Baru"
    assert employee(HEAD).position.name == "Kepala Dinas Impor Baru"
    assert employee(HEAD).holdings[0].end_date is None  # same post, no new holding


def test_a_new_head_takes_the_post_and_the_old_one_leaves_the_day_before(units):
    import_employees(staff_file(), start_date=date(2025, 1, 2))
    db.session.commit()
    new_head = valid_nip(106)
    head_post = employee(KASI).position
    result = import_employees(STAFF_HEADER + f"{new_head},Kasi Baru,Kepala Seksi Satu,pengawas,{S1},ya,\n",
                              start_date=date(2025, 7, 1))
    db.session.commit()
    assert result.created == 1
    old, new = employee(KASI), employee(new_head)
    assert new.position == head_post and old.position is None
    assert [(h.start_date, h.end_date) for h in old.holdings] == [(date(2025, 1, 2), date(2025, 6, 30))]
    assert count(Position) == 5


def test_every_bad_staff_row_is_reported_and_nothing_is_written(units):
    text = staff_file(
        f"12345,Nip Pendek,Analis,fungsional,{S1},tidak,",                         # 7 malformed NIP
        f"{STAF_A},Staf Kembar,Analis,fungsional,{S1},tidak,",                     # 8 duplicate of 5
        f"{valid_nip(110)},Unit Hilang,Analis,fungsional,9.99.X,tidak,",           # 9 unknown unit
        f"{valid_nip(111)},Fungsional Kepala,Kepala Palsu,fungsional,{B1},ya,",    # 10 fungsional head (and 2nd head)
        f"{valid_nip(112)},Jenis Salah,Analis,eselon5,{S1},tidak,",                # 11 unknown kind
        f"{valid_nip(113)},Bendera Salah,Analis,pelaksana,{S1},mungkin,",          # 12 bad flag
        f"{valid_nip(114)},,,pelaksana,{S1},tidak,",                               # 13 no name, no post
        f"{valid_nip(115)},Kepala Kedua,Kepala Lain,jpt,{ROOT},ya,",               # 14 second head of ROOT
        "198503140000011001,Tahun Salah,Analis,pelaksana,{},tidak,".format(S1),    # 15 appointed in year 0
    )
    with pytest.raises(ValidationFailed) as exc:
        import_employees(text)
    found = details(exc)
    assert sorted({line for line, _ in found}) == [7, 8, 9, 10, 11, 12, 13, 14, 15]
    by_line: dict[int, list[str]] = {}
    for line, message in found:
        by_line.setdefault(line, []).append(message)
    assert by_line[7] == ["NIP '12345': NIP harus 18 digit angka."]
    assert by_line[8] == [f"NIP {STAF_A} ganda (juga di baris 5)."]
    assert by_line[9] == ["Kode unit '9.99.X' tidak dikenal."]
    assert "Kepala unit harus jabatan JPT, administrator atau pengawas." in by_line[10]
    assert f"Unit {B1} sudah memiliki kepala di baris 3." in by_line[10]
    assert "Jenis jabatan 'eselon5' tidak dikenal" in by_line[11][0]
    assert by_line[12] == ["is_unit_head 'mungkin' harus ya/tidak."]
    assert by_line[13] == ["Nama pegawai wajib diisi.", "Nama jabatan wajib diisi."]
    assert by_line[14] == [f"Unit {ROOT} sudah memiliki kepala di baris 2."]
    assert "Tahun pengangkatan" in by_line[15][0]
    db.session.commit()
    assert count(Employee) == count(Position) == count(PositionHolding) == count(User) == 0


def test_fungsional_head_alone_is_refused(units):
    with pytest.raises(ValidationFailed) as exc:
        import_employees(STAFF_HEADER + f"{HEAD},Dr. Fungsional,Dokter Ahli Madya,fungsional,{S1},ya,\n")
    assert details(exc) == [(2, "Kepala unit harus jabatan JPT, administrator atau pengawas.")]
    assert count(Employee) == 0


def test_too_long_values_are_line_errors_not_database_errors(units):
    text = STAFF_HEADER + (f"{HEAD},{'N' * 256},Analis,fungsional,{S1},tidak,\n"
                           f"{KABID},Nama Wajar,{'J' * 256},fungsional,{S1},tidak,\n"
                           f"{KASI},Nama Wajar,Analis,fungsional,{S1},tidak,{'R' * 65}\n")
    with pytest.raises(ValidationFailed) as exc:
        import_employees(text)
    assert [line for line, _ in details(exc)] == [2, 3, 4]
    assert count(Employee) == 0


def test_missing_staff_column(units):
    with pytest.raises(ValidationFailed) as exc:
        import_employees("nip,name,position,unit_code\n")
    assert details(exc) == [(1, "Kolom wajib tidak ada: position_kind, is_unit_head")]


def test_staff_start_date_defaults_to_today(units):
    import_employees(STAFF_HEADER + f"{HEAD},Kepala,Kepala Dinas Impor,jpt,{ROOT},ya,\n")
    assert employee(HEAD).holdings[0].start_date == date.today()


def test_moving_to_another_unit_ends_the_old_post(units):
    import_employees(staff_file(), start_date=date(2025, 1, 2))
    db.session.commit()
    old_post = employee(STAF_A).position
    result = import_employees(STAFF_HEADER + f"{STAF_A},Staf A,Analis,fungsional,{B1},tidak,\n",
                              start_date=date(2025, 3, 1))
    db.session.commit()
    assert result.updated == 1
    a = employee(STAF_A)
    assert a.position.unit.code == B1 and a.position.name == "Analis"
    assert old_post.holder is None
    assert [(h.position_id, h.start_date, h.end_date) for h in a.holdings] == [
        (a.position_id, date(2025, 3, 1), None), (old_post.id, date(2025, 1, 2), date(2025, 3, 1) - timedelta(days=1))]
