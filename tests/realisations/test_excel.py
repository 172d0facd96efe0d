"""The Excel round-trip of a month's realisations (issue 4, point 6): who may download which
people's indicators, the workbook's contents, the preview of an upload row by row, the confirmation
that applies exactly the valid rows in one transaction (never half), and every refusal.

ROUTES_COVERED lists every route of the realisations_excel blueprint with who may reach it (the
identities of tests/test_access.py); test_route_matrix_* below check each of them.
"""
from __future__ import annotations

import io
import re
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select

from ekinerja.auth.models import User
from ekinerja.bsc import services as bsc
from ekinerja.bsc.models import OwnerKind, Realisation, RealisationStatus, Rollup
from ekinerja.extensions import db
from ekinerja.realisations import periods, workbook
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import Notification
from tests import kit
from tests.kit import assert_routes_listed, is_login_redirect, text_of


def snapshot() -> dict[str, list[str]]:
    """The rows only: the uploads waiting in the storage are checked apart (stored_uploads)."""
    return {k: v for k, v in kit.snapshot().items() if k != "(files)"}


# ------------------------------------------------------------------ who (the names of tests/test_access.py)

ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR = "admin", "governor_office", "governor", "auditor"
OPERATOR_A, OPERATOR_B = "operator_a", "operator_b"
KABID, STAFF1, B_STAFF = "kabid", "staff1", "b_staff"
IDENTITIES = [ADMIN, GOVERNOR_OFFICE, GOVERNOR, AUDITOR, OPERATOR_A, OPERATOR_B, KABID, STAFF1, B_STAFF]
EVERYONE = frozenset(IDENTITIES)
# Operators (their OPD), unit heads (their subtree), the governor's office (the province's IKU).
EXCEL_USERS = frozenset({GOVERNOR_OFFICE, OPERATOR_A, OPERATOR_B, KABID})
OPD_A_BIDANG = frozenset({OPERATOR_A, KABID})

ROUTES_COVERED: dict[str, list[tuple[str, str, frozenset[str]]]] = {
    "realisations_excel.index": [
        ("GET", "/realisasi/excel/", EXCEL_USERS),
        ("GET", "/realisasi/excel/?tahun=2026&bulan=4&unit={bidang}", OPD_A_BIDANG),
        ("GET", "/realisasi/excel/?opd={opd_b}", frozenset({OPERATOR_B})),
    ],
    "realisations_excel.download": [
        ("GET", "/realisasi/excel/unduh?tahun=2026&bulan=4", EXCEL_USERS),
        ("GET", "/realisasi/excel/unduh?tahun=2026&bulan=4&unit={bidang}", OPD_A_BIDANG),
        ("GET", "/realisasi/excel/unduh?tahun=2026&bulan=4&opd={opd_a}", frozenset({OPERATOR_A})),
        ("GET", "/realisasi/excel/unduh?tahun=2026&bulan=4&lingkup=provinsi", frozenset({GOVERNOR_OFFICE})),
    ],
    "realisations_excel.upload": [
        ("GET", "/realisasi/excel/unggah", EXCEL_USERS),
        ("POST", "/realisasi/excel/unggah", EXCEL_USERS),
    ],
    "realisations_excel.apply": [("POST", "/realisasi/excel/terapkan", EXCEL_USERS)],
}
ALL_ROUTES = [(endpoint, *route) for endpoint, routes in ROUTES_COVERED.items() for route in routes]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------ fixtures and helpers

@pytest.fixture
def world(org, iku, people, make_user):
    """iku (province → OPD A → bidang → staff1, staff2) plus: a second indicator of staff1's, OPD B's
    indicator cascaded to its staff, and a login for each identity of the access table."""
    [b_ind] = bsc.cascade(None, iku.top, [bsc.CascadeTarget(OwnerKind.OPD, org.b.id, 50)])
    [b_staff_ind] = bsc.cascade(None, b_ind, [bsc.CascadeTarget(OwnerKind.EMPLOYEE, org.b_staff.id, 50)])
    s1_extra = bsc.save_indicator(None, iku.s1.objective, bsc.IndicatorInput(
        code="IKI-02", name="Persentase dokumen selesai", unit_of_measure="%", polarity="max",
        aggregation="last", weight=1, target=90))
    make_user("governor", username="gubernur")
    db.session.commit()
    users = {ADMIN: people.admin, GOVERNOR_OFFICE: people.gov, AUDITOR: people.auditor, OPERATOR_A: people.op_a,
             OPERATOR_B: people.op_b, KABID: people.kabid, STAFF1: people.staff1, B_STAFF: people.b_staff}
    logins = {name: u.username for name, u in users.items()}
    logins[GOVERNOR] = "gubernur"
    w = SimpleNamespace(
        org=org, iku=iku, people=people, b_ind=b_ind, b_staff_ind=b_staff_ind, s1_extra=s1_extra, logins=logins,
        ids={"opd_a": org.a.id, "opd_b": org.b.id, "bidang": org.bidang.id},
        a_ids={iku.opd.id, iku.unit.id, iku.s1.id, iku.s2.id, s1_extra.id}, b_ids={b_ind.id, b_staff_ind.id})
    db.session.commit()  # end the read: requests see fresh data (MariaDB's snapshots)
    return w


def login(client, auth, w, who: str) -> None:
    auth.logout()
    assert auth.login(w.logins[who]).status_code == 302


def download(client, query: str = "tahun=2026&bulan=4") -> bytes:
    r = client.get(f"/realisasi/excel/unduh?{query}")
    assert r.status_code == 200, r.status_code
    assert r.mimetype == XLSX_TYPE
    return r.data


def header_columns(ws) -> dict[str, int]:
    values = [c.value for c in ws[workbook.HEADER_ROW]]
    return {key: values.index(header) + 1 for key, header in workbook.HEADERS.items() if header in values}


def rows_of(data: bytes) -> dict[int, dict]:
    """indicator id -> {column key: value} of a downloaded workbook."""
    ws = load_workbook(io.BytesIO(data))[workbook.SHEET]
    cols = header_columns(ws)
    cols["target"] = workbook.COL["target"]
    out = {}
    for row in range(workbook.HEADER_ROW + 1, ws.max_row + 1):
        ident = ws.cell(row, cols["indicator_id"]).value
        if ident is not None:
            out[ident] = {key: ws.cell(row, n).value for key, n in cols.items()} | {"row": row}
    return out


def fill(data: bytes, changes: dict[int, dict], extra: list[dict] = ()) -> bytes:
    """Fill a downloaded workbook as a user would (entry cells), and optionally append rows."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[workbook.SHEET]
    cols = header_columns(ws)
    where = {ws.cell(r, cols["indicator_id"]).value: r for r in range(workbook.HEADER_ROW + 1, ws.max_row + 1)}
    for ident, values in changes.items():
        for key, value in values.items():
            ws.cell(where[ident], cols[key], value)
    for values in extra:
        row = ws.max_row + 1
        for key, value in values.items():
            ws.cell(row, cols[key], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, submit: bool = False, name: str = "realisasi.xlsx"):
    form = {"file": (io.BytesIO(data), name)}
    if submit:
        form["ajukan"] = "y"
    return client.post("/realisasi/excel/unggah", data=form, content_type="multipart/form-data")


def token_of(response) -> str:
    m = re.search(r'name="token"[^>]*value="([^"]*)"', response.get_data(as_text=True))
    assert m and m.group(1), "no confirmation token on the page"
    return m.group(1)


def confirm(client, token: str):
    return client.post("/realisasi/excel/terapkan", data={"token": token})


def section(response, title: str) -> str:
    """The text of one preview section ("Galat", "Baru", ...) up to the next heading."""
    html = response.get_data(as_text=True)
    start = html.find(f"<h2>{title}")
    assert start >= 0, f"no section {title}"
    end = html.find("<h2>", start + 4)
    end = html.find("<details", start) if end < 0 else end
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end if end > 0 else None]))


def realisation(indicator, month: int = 4) -> Realisation | None:
    db.session.rollback()  # a fresh read (MariaDB's snapshots)
    return db.session.scalar(select(Realisation).where(Realisation.indicator_id == indicator.id,
                                                       Realisation.month == month))


def stored_uploads(app) -> list:
    base = __import__("pathlib").Path(app.config["STORAGE_PATH"]) / workbook.UPLOAD_KIND
    return sorted(p for p in base.glob("*/*") if p.is_file()) if base.is_dir() else []


@pytest.fixture
def no_uploads(app):
    """Each test starts without stored uploads (the storage directory outlives the database)."""
    for p in stored_uploads(app):
        p.unlink()
    yield


# ------------------------------------------------------------------ the download

def test_the_operator_gets_every_indicator_of_his_opd_with_targets_and_current_values(client, auth, world):
    w = world
    draft = rs.save(w.people.staff1, w.iku.s1, 4, rs.Entry(value="22,5", note="Data Maret", reason="Hujan"))
    db.session.commit()
    login(client, auth, w, OPERATOR_A)
    data = download(client)
    rows = rows_of(data)
    assert set(rows) == w.a_ids  # manual indicators only: the province's roll-up is not there
    s1 = rows[w.iku.s1.id]
    assert s1["owner_code"] == w.org.staff1.nip and s1["owner_name"] == "Staf Satu" and s1["position"] == "Analis"
    assert s1["target"] == 20  # 60 a year, summed: 60·4/12 at April
    assert D(str(s1["value"])) == D("22.5") and s1["note"] == "Data Maret" and s1["reason"] == "Hujan"
    assert s1["version"] == draft.version == 1 and s1["status"] == "Draf"
    s2 = rows[w.iku.s2.id]
    assert s2["value"] is None and s2["version"] is None and s2["status"] == "Belum diisi"
    assert rows[w.iku.opd.id]["owner_code"] == w.org.a.code and rows[w.s1_extra.id]["target"] == 90

    ws = load_workbook(io.BytesIO(data))[workbook.SHEET]
    assert ws["A1"].value == workbook.MARKER and (ws["A2"].value, ws["A3"].value) == (2026, 4)
    assert "April 2026" in [c.value for c in ws["D"][:5]] and ws["C3"].value == "Bulan"
    assert ws.protection.sheet and ws.freeze_panes == "E9"
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    cols = header_columns(ws)
    r = s1["row"]
    assert ws.cell(r, cols["indicator_id"]).protection.locked and ws.cell(r, cols["owner_name"]).protection.locked
    assert all(not ws.cell(r, cols[k]).protection.locked for k in workbook.ENTRY)
    assert ws.cell(r, cols["owner_code"]).data_type == "s"  # the NIP stays 18 digits of text


def test_an_operator_of_b_never_sees_a(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_B)
    assert set(rows_of(download(client))) == w.b_ids
    for query in (f"opd={w.org.a.id}", f"unit={w.org.bidang.id}", f"unit={w.org.a_root.id}"):
        assert client.get(f"/realisasi/excel/unduh?tahun=2026&bulan=4&{query}").status_code == 403


def test_a_unit_head_gets_his_subtree_only(client, auth, world):
    w = world
    login(client, auth, w, KABID)
    assert set(rows_of(download(client))) == {w.iku.unit.id, w.iku.s1.id, w.iku.s2.id, w.s1_extra.id}
    assert client.get(f"/realisasi/excel/unduh?opd={w.org.a.id}").status_code == 403
    assert client.get(f"/realisasi/excel/unduh?unit={w.org.a_root.id}").status_code == 403
    assert client.get(f"/realisasi/excel/unduh?unit={w.org.b_root.id}").status_code == 403
    # The OPD head heads the OPD's root unit: the whole OPD, its own scorecard too.
    auth.logout()
    assert auth.login(w.org.a_head.nip).status_code == 302
    assert set(rows_of(download(client))) == w.a_ids


def test_the_operator_may_narrow_down_to_a_unit(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_A)
    rows = rows_of(download(client, f"tahun=2026&bulan=4&unit={w.org.bidang.id}"))
    assert set(rows) == {w.iku.unit.id, w.iku.s1.id, w.iku.s2.id, w.s1_extra.id}
    page = client.get(f"/realisasi/excel/?lingkup=unit:{w.org.bidang.id}&tahun=2026&bulan=4")
    assert page.status_code == 200 and "Bidang Satu" in text_of(page)
    assert f"unit={w.org.bidang.id}" in page.get_data(as_text=True)  # the download button keeps the scope


def test_staff_without_a_headed_unit_is_refused_everywhere(client, auth, world, app, no_uploads):
    w = world
    login(client, auth, w, OPERATOR_A)
    data = download(client)
    login(client, auth, w, STAFF1)
    before = snapshot()
    for path in ("/realisasi/excel/", "/realisasi/excel/unduh", "/realisasi/excel/unggah"):
        r = client.get(path)
        assert r.status_code == 403
    assert "Kinerja saya" in text_of(client.get("/realisasi/excel/"))
    assert upload(client, fill(data, {w.iku.s1.id: {"value": 5}})).status_code == 403
    assert snapshot() == before and stored_uploads(app) == []


def test_the_page_explains_and_offers_download_and_upload(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_A)
    r = client.get("/realisasi/excel/?tahun=2026&bulan=4")
    assert r.status_code == 200
    text = text_of(r)
    assert "Unduh buku kerja April 2026" in text and "Terapkan" in text and "Dinas Alfa" in text
    assert "Terbuka" in text
    html = r.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'name="ajukan"' in html
    r = client.get("/realisasi/excel/?tahun=2026&bulan=3")
    assert "ditutup" in text_of(r)


def test_the_download_takes_a_fixed_number_of_queries(world, make_position, make_employee):
    """No query per row: a bigger OPD costs the same number of queries."""
    from ekinerja.org.models import PositionKind

    w = world
    op_a_id, unit_ind_id, bidang_id = w.people.op_a.id, w.iku.unit.id, w.org.bidang.id

    def count_queries() -> int:
        db.session.remove()  # a cold session, as in a request
        user = db.session.get(User, op_a_id)
        scope = workbook.resolve_scope(user)
        n = [0]

        def tick(*args):
            n[0] += 1
        event.listen(db.engine, "before_cursor_execute", tick)
        try:
            data = workbook.build(user, scope, 2026, 4)
        finally:
            event.remove(db.engine, "before_cursor_execute", tick)
        return n[0], len(rows_of(data))

    small, small_rows = count_queries()
    from ekinerja.bsc.models import Indicator
    from ekinerja.org.models import Unit
    bidang = db.session.get(Unit, bidang_id)
    more = [make_employee(make_position(bidang, f"Analis {i}", PositionKind.FUNGSIONAL)) for i in range(6)]
    bsc.cascade(None, db.session.get(Indicator, unit_ind_id),
                [bsc.CascadeTarget(OwnerKind.EMPLOYEE, e.id, 10) for e in more])
    db.session.commit()
    big, big_rows = count_queries()
    assert big_rows == small_rows + 6
    assert big == small, (small, big)


# ------------------------------------------------------------------ the round trip

def _prepare_round_trip(w):
    """Stored before the download: a submitted OPD value, a draft of staff1, a draft of IKI-02."""
    opd = rs.save(w.people.op_a, w.iku.opd, 4, rs.Entry(value="45"))
    rs.submit(w.people.op_a, opd, 1)
    rs.save(w.people.staff1, w.iku.s1, 4, rs.Entry(value="10"))
    rs.save(w.people.staff1, w.s1_extra, 4, rs.Entry(value="70", note="Sesuai SK"))
    db.session.commit()


def test_round_trip_preview_then_confirm_applies_exactly_the_valid_rows(client, auth, world, app, no_uploads):
    w = world
    _prepare_round_trip(w)
    login(client, auth, w, OPERATOR_A)
    data = download(client)
    filled = fill(data, {
        w.iku.opd.id: {"value": 50},                               # submitted: cannot change
        w.iku.unit.id: {"value": "dua puluh"},                     # not a number
        w.iku.s1.id: {"value": 25, "note": "Naik"},                # changed
        w.iku.s2.id: {"value": "5,5"},                             # new (red: a warning only)
        # IKI-02 left as downloaded: unchanged
    }, extra=[{"indicator_id": 999999, "value": 1},               # unknown
              {"indicator_id": w.b_staff_ind.id, "value": 3},      # another OPD's
              {"owner_name": "Baris tambahan", "value": 4}])       # no id
    before = snapshot()
    r = upload(client, filled)
    assert r.status_code == 200, text_of(r)
    assert snapshot() == before  # the preview writes nothing
    assert len(stored_uploads(app)) == 1
    counts = text_of(r)
    assert "Baru 1 baris" in counts and "Diubah 1 baris" in counts and "Tidak berubah 1 baris" in counts
    assert "Galat 5 baris" in counts
    errors = section(r, "Galat")
    assert "sudah diajukan" in errors and "bukan angka" in errors and "ID indikator tidak dikenal" in errors
    assert "Di luar lingkup Anda" in errors and "Baris tanpa ID indikator" in errors
    assert "Capaian merah" in section(r, "Baru")  # a warning for a draft, not an error
    assert "Naik" not in errors and "10 → 25" in section(r, "Diubah")

    token = token_of(r)
    r = confirm(client, token)
    assert r.status_code == 200, text_of(r)
    assert "1 baru dan 1 diubah disimpan sebagai draf" in text_of(r)
    s1 = realisation(w.iku.s1)
    assert (s1.value, s1.note, s1.status, s1.version) == (D("25"), "Naik", RealisationStatus.DRAFT, 2)
    s2 = realisation(w.iku.s2)
    assert (s2.value, s2.status, s2.version) == (D("5.5"), RealisationStatus.DRAFT, 1)
    opd = realisation(w.iku.opd)
    assert (opd.value, opd.status, opd.version) == (D("45"), RealisationStatus.SUBMITTED, 2)
    assert realisation(w.iku.unit) is None and realisation(w.b_staff_ind) is None
    assert realisation(w.s1_extra).version == 1
    assert stored_uploads(app) == []  # deleted once applied
    # The audit trail has the changes, by the operator.
    from ekinerja.audit.models import AuditEntry
    actors = set(db.session.scalars(select(AuditEntry.actor_label).where(
        AuditEntry.entity == "realisation", AuditEntry.entity_id == str(s2.id))))
    assert actors == {"operator.a"}
    # The same confirmation again (a second click, a reload): the upload is gone, nothing happens twice.
    before = snapshot()
    r = confirm(client, token)
    assert r.status_code == 404 and "sudah diterapkan" in text_of(r)
    assert snapshot() == before


def test_a_row_changed_between_preview_and_confirm_is_an_error_and_the_rest_applies(client, auth, world):
    w = world
    _prepare_round_trip(w)
    login(client, auth, w, OPERATOR_A)
    filled = fill(download(client), {w.iku.s1.id: {"value": 25}, w.iku.s2.id: {"value": 21}})
    r = upload(client, filled)
    assert "Diubah 1 baris" in text_of(r) and "Baru 1 baris" in text_of(r)
    token = token_of(r)
    # Meanwhile staff1 changes his draft himself.
    s1 = realisation(w.iku.s1)
    rs.save(w.people.staff1, s1.indicator, 4, rs.Entry(value="11"), version=1)
    db.session.commit()
    r = confirm(client, token)
    assert r.status_code == 200
    assert "diubah sejak diunduh" in section(r, "Galat")
    assert "0 baru" not in text_of(r) and "1 baru dan 0 diubah" in text_of(r)
    s1 = realisation(w.iku.s1)
    assert (s1.value, s1.version) == (D("11"), 2)  # staff1's change stands
    assert realisation(w.iku.s2).value == D("21")


def test_a_database_failure_while_applying_changes_nothing(client, auth, world, app, no_uploads):
    """A real failure in the database in the middle of applying: all rows roll back together."""
    w = world
    _prepare_round_trip(w)
    login(client, auth, w, OPERATOR_A)
    # s1 (a change) comes before s2 (a new row) in the workbook; the database refuses s2's insert.
    filled = fill(download(client), {w.iku.s1.id: {"value": 25}, w.iku.s2.id: {"value": 21, "note": "GAGAL-DB"}})
    r = upload(client, filled)
    assert "Diubah 1 baris" in text_of(r) and "Baru 1 baris" in text_of(r)
    token = token_of(r)
    mysql = db.engine.dialect.name == "mysql"
    db.session.rollback()  # no open read may hold the table while the trigger is created
    with db.engine.begin() as conn:
        if mysql:
            conn.execute(sa.text("SET SESSION lock_wait_timeout = 20"))
            conn.execute(sa.text(
                "CREATE TRIGGER excel_test_refuse BEFORE INSERT ON realisation FOR EACH ROW BEGIN "
                "IF NEW.note = 'GAGAL-DB' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'; "
                "END IF; END"))
        else:
            conn.execute(sa.text(
                "CREATE TRIGGER excel_test_refuse BEFORE INSERT ON realisation WHEN NEW.note = 'GAGAL-DB' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"))
    try:
        before = snapshot()
        r = confirm(client, token)
        assert r.status_code == 409
        assert "Tidak ada data yang diubah" in text_of(r) and "baris" in text_of(r)
        assert snapshot() == before
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER excel_test_refuse"))
    s1 = realisation(w.iku.s1)
    assert (s1.value, s1.version) == (D("10"), 1)
    assert realisation(w.iku.s2) is None
    assert len(stored_uploads(app)) == 1  # kept: the same confirmation may be tried again
    r = confirm(client, token)
    assert r.status_code == 200 and realisation(w.iku.s2).value == D("21")


def test_submit_as_well(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_A)
    filled = fill(download(client), {
        w.iku.s1.id: {"value": 25},                                  # green: submitted
        w.iku.s2.id: {"value": 5},                                   # red without reason: an error now
        w.s1_extra.id: {"value": 10, "reason": "Anggaran terlambat", "follow_up": "Percepatan lelang"},
    })
    r = upload(client, filled, submit=True)
    assert r.status_code == 200
    errors = section(r, "Galat")
    assert "Tidak dapat diajukan" in errors and "faktor penghambat dan tindak lanjut wajib diisi" in errors
    assert "Diajukan 2 baris" in text_of(r)
    r = confirm(client, token_of(r))
    assert r.status_code == 200 and "2 diajukan ke atasan" in text_of(r)
    s1, extra = realisation(w.iku.s1), realisation(w.s1_extra)
    assert s1.status == extra.status == RealisationStatus.SUBMITTED and s1.version == 2
    assert realisation(w.iku.s2) is None
    kabid_notes = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.people.kabid.id))
    assert kabid_notes == 2


def test_submit_as_well_also_submits_unchanged_drafts(client, auth, world):
    w = world
    rs.save(w.people.staff1, w.iku.s1, 4, rs.Entry(value="25"))
    db.session.commit()
    login(client, auth, w, KABID)
    r = upload(client, download(client), submit=True)
    assert "Diajukan 1 baris" in text_of(r)
    assert confirm(client, token_of(r)).status_code == 200
    assert realisation(w.iku.s1).status == RealisationStatus.SUBMITTED


# ------------------------------------------------------------------ refusals

def test_closed_and_locked_months_are_errors(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_A)
    r = upload(client, fill(download(client, "tahun=2026&bulan=3"), {w.iku.s1.id: {"value": 4}}))
    assert r.status_code == 200
    assert "ditutup" in section(r, "Galat") and "Tidak ada baris yang dapat diterapkan" in text_of(r)
    assert 'name="token"' not in r.get_data(as_text=True)
    april = download(client)
    periods.lock(w.people.admin, 2026, 4)
    db.session.commit()
    r = upload(client, fill(april, {w.iku.s1.id: {"value": 4}}))
    assert "dikunci" in section(r, "Galat")
    assert realisation(w.iku.s1) is None and realisation(w.iku.s1, 3) is None


def test_a_month_closed_between_preview_and_confirm(client, auth, world, today):
    from datetime import date

    w = world
    login(client, auth, w, OPERATOR_A)
    r = upload(client, fill(download(client), {w.iku.s1.id: {"value": 4}}))
    token = token_of(r)
    today(date(2026, 5, 11))  # April closed on 10 May
    r = confirm(client, token)
    assert r.status_code == 200 and "ditutup" in section(r, "Galat")
    assert realisation(w.iku.s1) is None


def test_a_file_that_is_not_xlsx_is_refused_with_a_clear_message(client, auth, world, app, no_uploads):
    w = world
    login(client, auth, w, OPERATOR_A)
    before = snapshot()
    r = upload(client, b"%PDF-1.4 not a workbook", name="realisasi.xlsx")
    assert r.status_code == 422 and "bukan buku kerja Excel (.xlsx)" in text_of(r)
    r = upload(client, b"NIP;Realisasi\n1;2\n", name="realisasi.csv")
    assert r.status_code == 422 and "bukan buku kerja Excel" in text_of(r)
    other = io.BytesIO()
    Workbook().save(other)
    r = upload(client, other.getvalue())
    assert r.status_code == 422 and "bukan buku kerja realisasi e-Kinerja" in text_of(r)
    r = client.post("/realisasi/excel/unggah", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "Pilih berkas" in text_of(r)
    app.config["REALISATION_EXCEL_MAX_BYTES"] = 1000
    try:
        r = upload(client, download(client))
        assert r.status_code == 422 and "Ukuran berkas melebihi" in text_of(r)
    finally:
        del app.config["REALISATION_EXCEL_MAX_BYTES"]
    assert snapshot() == before and stored_uploads(app) == []


def test_texts_too_long_duplicates_stale_versions_and_computed_indicators(client, auth, world):
    w = world
    rs.save(w.people.staff1, w.iku.s1, 4, rs.Entry(value="10"))
    db.session.commit()
    login(client, auth, w, OPERATOR_A)
    data = download(client)
    # After the download: staff1 changes his value; the bidang's indicator becomes a roll-up.
    rs.save(w.people.staff1, w.iku.s1, 4, rs.Entry(value="12"), version=1)
    w.iku.unit.rollup = Rollup.CHILDREN_SUM
    db.session.commit()
    filled = fill(data, {w.iku.s1.id: {"value": 13}, w.iku.unit.id: {"value": 7},
                         w.iku.s2.id: {"note": "x" * (rs.TEXT_LIMIT + 1)}},
                  extra=[{"indicator_id": w.s1_extra.id, "value": 1}, {"indicator_id": w.s1_extra.id, "value": 2}])
    r = upload(client, filled)
    errors = section(r, "Galat")
    assert "diubah sejak diunduh" in errors
    assert "dihitung dari indikator bawahannya" in errors
    assert "Catatan terlalu panjang" in errors
    assert "lebih dari sekali" in errors
    assert "Galat 6 baris" in text_of(r)  # all three rows of IKI-02: which one was meant?
    assert 'name="token"' not in r.get_data(as_text=True)


def test_someone_elses_token_is_refused(client, auth, world, app):
    w = world
    login(client, auth, w, OPERATOR_A)
    r = upload(client, fill(download(client), {w.iku.s1.id: {"value": 25}}))
    token = token_of(r)
    login(client, auth, w, KABID)  # kabid may enter staff1's values too, but this upload is not his
    before = snapshot()
    r = confirm(client, token)
    assert r.status_code == 403 and "milik pengguna lain" in text_of(r)
    r = confirm(client, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    assert r.status_code == 403
    assert snapshot() == before
    from ekinerja.realisations.excel_views import sign_upload
    with app.test_request_context():
        forged = sign_upload("import/../../etc/passwd", w.people.kabid.id, False)
    assert confirm(client, forged).status_code == 404
    assert realisation(w.iku.s1) is None


def test_rows_outside_the_users_scope_are_errors(client, auth, world):
    """can_enter is asked for every row: the kabid uploads the operator's whole-OPD workbook."""
    w = world
    login(client, auth, w, OPERATOR_A)
    data = fill(download(client), {w.iku.opd.id: {"value": 50}, w.iku.s1.id: {"value": 25}})
    login(client, auth, w, KABID)
    r = upload(client, data)
    assert "Di luar lingkup Anda" in section(r, "Galat") and "IKU-01" in section(r, "Galat")
    assert "Galat 1 baris" in text_of(r) and "Diubah 0 baris" in text_of(r) and "Baru 1 baris" in text_of(r)
    assert confirm(client, token_of(r)).status_code == 200
    assert realisation(w.iku.opd) is None and realisation(w.iku.s1).value == D("25")


def test_a_user_who_lost_his_role_cannot_confirm(client, auth, world):
    w = world
    login(client, auth, w, OPERATOR_A)
    token = token_of(upload(client, fill(download(client), {w.iku.s1.id: {"value": 25}})))
    role = next(x for x in w.people.op_a.roles if x.opd_id == w.org.a.id)
    db.session.delete(role)
    db.session.commit()
    r = confirm(client, token)
    assert r.status_code == 403
    assert realisation(w.iku.s1) is None


def test_old_uploads_are_purged(app, ctx, no_uploads):
    import os
    import time

    with app.test_request_context():
        key = workbook.store_upload(b"old")
        path = stored_uploads(app)[0]
        os.utime(path, (time.time() - 3 * 24 * 3600,) * 2)
        workbook.store_upload(b"new")
    remaining = stored_uploads(app)
    assert len(remaining) == 1 and path not in remaining  # the old one is gone, the new one stays
    assert key.startswith("import/")


# ------------------------------------------------------------------ access to every route

def test_every_route_of_the_blueprint_is_covered(app):
    assert_routes_listed(app, "realisations_excel.", ALL_ROUTES)


def test_anonymous_is_sent_to_log_in(client, world):
    before = snapshot()
    for _endpoint, method, path, _ in ALL_ROUTES:
        url = path.format(**world.ids)
        r = client.get(url) if method == "GET" else client.post(url, data={})
        assert is_login_redirect(r), (method, url, r.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, path, allowed", [r for r in ALL_ROUTES if r[1] == "GET"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_route_matrix_get(client, auth, world, endpoint, method, path, allowed):
    url = path.format(**world.ids)
    for who in IDENTITIES:
        login(client, auth, world, who)
        r = client.get(url)
        expected = 200 if who in allowed else 403
        assert r.status_code == expected, f"{who} GET {url}: {r.status_code}, expected {expected}"


def _own_upload(client, auth, w, who) -> bytes:
    """What `who` would upload: his own download (or, for those without one, operator A's)."""
    login(client, auth, w, who if who in EXCEL_USERS else OPERATOR_A)
    data = download(client)
    login(client, auth, w, who)
    return data


def test_route_matrix_post_upload(client, auth, world, app, no_uploads):
    w = world
    for who in IDENTITIES:
        data = _own_upload(client, auth, w, who)
        before = snapshot()
        r = upload(client, data)
        if who in EXCEL_USERS:
            assert r.status_code == 200, f"{who} should reach the upload: {r.status_code}"
        else:
            assert r.status_code == 403, f"{who} should be refused the upload: {r.status_code}"
            assert snapshot() == before
    assert stored_uploads(app) == []  # unchanged workbooks: nothing to confirm, nothing kept


def test_route_matrix_post_apply(client, auth, world, app):
    from ekinerja.realisations.excel_views import sign_upload

    w = world
    users = {OPERATOR_A: w.people.op_a, OPERATOR_B: w.people.op_b, KABID: w.people.kabid, GOVERNOR_OFFICE: w.people.gov}
    changes = {OPERATOR_A: w.iku.opd.id, OPERATOR_B: w.b_ind.id, KABID: w.iku.unit.id}
    for who in IDENTITIES:
        data = _own_upload(client, auth, w, who)
        if who in changes:
            data = fill(data, {changes[who]: {"value": 3}})
        user = users.get(who, w.people.op_a)
        with app.test_request_context():
            token = sign_upload(workbook.store_upload(data), user.id, False)
        before = snapshot()
        r = confirm(client, token)
        if who in EXCEL_USERS:
            assert r.status_code == 200, f"{who} should reach the confirmation: {r.status_code}"
            if who in changes:
                assert snapshot() != before
        else:
            assert r.status_code == 403, f"{who} should be refused the confirmation: {r.status_code}"
            assert snapshot() == before
