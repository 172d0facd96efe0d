"""The monthly workflow in a real browser: a staff member enters a red value with a PDF as evidence
(the hint asks for reason and follow-up as he types) and submits; his superior returns it with a
comment; he reads the comment, corrects and resubmits; the superior approves; the scorecard shows the
new figure and colour. And the pages fit a phone.

The shared demo has realisations January–October 2026; "today" is fixed at 20 November 2026 for this
module (November open, October closed) and restored afterwards. The staff member is found by query
(a demo employee with a manual "last value" indicator on his own 2026 scorecard, nothing entered
for November yet, and a superior with a login), so that changes to the demo do not break the test.
With EKINERJA_SHOTS=<folder> the screenshots are kept there (realisasi-*.png); else in tmp_path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.browser.helpers import PHONE, expect, fixed_today, log_in

pytestmark = pytest.mark.browser

YEAR, MONTH = 2026, 11
TODAY = date(2026, 11, 20)
RED_VALUE, GOOD_VALUE = "50", "92,5"
COMMENT = "Angka belum sesuai rekap Portal Satu Data; mohon dicek ulang dan lampirkan rekap terbaru."


@dataclass(frozen=True)
class Case:
    staff_nip: str
    staff_name: str
    superior_login: str
    scorecard_id: int
    indicator_id: int
    code: str
    unit: str


@pytest.fixture(scope="module")
def november(app, demo):
    """"Today" inside November 2026 for this module's requests (the live server shares the app)."""
    with fixed_today(app, TODAY):
        yield TODAY


@pytest.fixture(scope="module")
def case(app, demo, november) -> Case:
    from sqlalchemy import select

    from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, Rollup, Scorecard
    from ekinerja.bsc.scoring import Aggregation, Polarity
    from ekinerja.extensions import db
    from ekinerja.org.models import Employee
    from ekinerja.realisations import approvers

    with app.app_context():
        rows = db.session.execute(
            select(Indicator, Scorecard).join(Scorecard, Indicator.scorecard_id == Scorecard.id)
            .join(Employee, Scorecard.employee_id == Employee.id)
            .where(Scorecard.owner_kind == OwnerKind.EMPLOYEE, Scorecard.year == YEAR,
                   Indicator.rollup == Rollup.MANUAL, Indicator.polarity == Polarity.MAX,
                   Indicator.aggregation == Aggregation.LAST, Indicator.target_high.is_(None))
            .order_by(Employee.nip, Indicator.code)).all()
        taken = set(db.session.scalars(select(Realisation.indicator_id).where(Realisation.month == MONTH)))
        for ind, sc in rows:
            superiors = [u for u in approvers.approver_users(sc) if u.employee_id is not None]
            if ind.id in taken or not superiors or demo.staff_nip == sc.employee.nip:
                continue
            found = Case(sc.employee.nip, sc.employee.name, superiors[0].username, sc.id, ind.id, ind.code,
                         ind.unit_of_measure)
            break
        else:
            pytest.fail("the demo has no employee with a manual 'last value' indicator free in November 2026")
        db.session.remove()
    return found



def _shot(page, shots: Path, name: str) -> None:
    page.screenshot(path=shots / f"realisasi-{name}.png", full_page=True)


def _fits(page, what: str) -> None:
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= client, f"{what} scrolls sideways: {width} px in {client} px"


def _follow(page, locator) -> None:
    """Click a link or button and wait until the next page has loaded, images included."""
    with page.expect_navigation():
        locator.click()


def _log_in(page, login: str, password: str) -> None:
    log_in(page, login, password)
    page.wait_for_url(re.compile(r"/$"))


def _pdf(tmp_path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "rekap-metadata-november.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Rekap bulanan November 2026")
    c.drawString(72, 740, "Bukti dukung realisasi indikator kinerja individu")
    c.save()
    return path


def _status_text(page) -> str:
    return " ".join(page.get_by_role("status").all_inner_texts())


def test_the_pages_fit_a_phone(open_page, demo, case, shots):
    """Runs first, while the November value is still empty (the form is shown)."""
    phone = open_page(phone=True)
    _log_in(phone, case.staff_nip, demo.password)
    phone.goto(f"/realisasi/?kartu={case.scorecard_id}&bulan={MONTH}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kinerja saya")
    _fits(phone, "Kinerja saya")
    value = phone.locator("input[inputmode=decimal]").first
    expect(value).to_be_visible()
    assert value.bounding_box()["height"] >= 44, "the value field is too small for a finger"
    _shot(phone, shots, "entry-phone")
    phone.goto(f"/realisasi/?kartu={case.scorecard_id}&bulan=10")
    expect(phone.locator(".period-closed")).to_contain_text("telah ditutup")
    _fits(phone, "a closed month")
    phone.goto("/realisasi/tugas")
    _fits(phone, "Tugas")
    _shot(phone, shots, "tasks-phone")

    boss = open_page(phone=True)
    _log_in(boss, demo.kabid_nip, demo.password)
    boss.goto("/realisasi/persetujuan")
    expect(boss.get_by_role("heading", level=1)).to_have_text("Persetujuan realisasi")
    _fits(boss, "Persetujuan")
    _shot(boss, shots, "inbox-phone")
    assert boss.viewport_size["width"] == PHONE["width"]


def test_enter_return_correct_approve_and_the_scorecard_shows_it(open_page, demo, case, tmp_path, shots):
    pdf = _pdf(tmp_path)

    # -- the staff member: a red value with a PDF; the hint appears as he types
    staff = open_page()
    _log_in(staff, case.staff_nip, demo.password)
    _follow(staff, staff.locator(".menu-wide").get_by_role("link", name="Kinerja saya", exact=True))
    expect(staff.get_by_role("heading", level=1)).to_have_text("Kinerja saya")
    expect(staff.locator(".month[aria-current]")).to_contain_text("Nov")
    card = staff.locator(f"#ind-{case.indicator_id}")
    value = card.get_by_label(f"Realisasi November ({case.unit})")
    hint = card.locator("[data-hint]")
    reason, follow_up = card.get_by_label(re.compile("^Faktor penghambat")), card.get_by_label(re.compile("^Tindak lanjut"))
    expect(card.locator("[data-req]").first).to_be_hidden()
    value.press_sequentially(RED_VALUE)
    expect(hint).to_contain_text("(merah)")
    expect(hint).to_contain_text("faktor penghambat dan tindak lanjut wajib diisi")
    expect(card.locator("[data-req]")).to_have_count(2)
    for marker in card.locator("[data-req]").all():
        expect(marker).to_be_visible()
    expect(reason).to_have_attribute("aria-required", "true")
    expect(card).to_have_class(re.compile(r"\bis-red\b"))
    card.get_by_label("Catatan").fill("Rekap sementara dari 8 OPD.")
    card.get_by_label("Tambah bukti dukung").set_input_files(str(pdf))
    _shot(staff, shots, "entry-red-desktop")
    reason.fill("Sebagian OPD belum mengirim metadata tepat waktu.")
    follow_up.fill("Pendampingan pengisian metadata pada minggu pertama Desember.")
    _follow(staff, card.get_by_role("button", name="Ajukan"))
    expect(staff.get_by_role("status")).to_contain_text(f"Realisasi {case.code} November 2026 diajukan kepada atasan")
    card = staff.locator(f"#ind-{case.indicator_id}")
    expect(card.locator(".wstatus")).to_contain_text("Diajukan")
    expect(card.get_by_role("link", name=pdf.name)).to_be_visible()
    expect(card.get_by_role("button", name="Ajukan")).to_have_count(0)  # nothing to change while submitted

    # -- the superior: the submission with its evidence; returned with a comment
    boss = open_page()
    _log_in(boss, case.superior_login, demo.password)
    _follow(boss, boss.locator(".menu-wide").get_by_role("link", name=re.compile(r"^Persetujuan \d+$")))
    expect(boss.get_by_role("heading", level=1)).to_have_text("Persetujuan realisasi")
    item = boss.locator("article.inbox-item", has_text=case.staff_name).filter(has_text=case.code)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"NIP {case.staff_nip}")
    expect(item).to_contain_text("Merah")
    expect(item).to_contain_text("Sebagian OPD belum mengirim metadata")
    link = item.get_by_role("link", name=pdf.name)
    download = boss.request.get(link.get_attribute("href"))
    assert download.status == 200 and download.body().startswith(b"%PDF-")
    assert download.headers["content-disposition"].startswith("attachment")
    _shot(boss, shots, "inbox-desktop")
    item.locator("summary").click()
    item.get_by_label("Catatan pengembalian (wajib)").fill(COMMENT)
    _follow(boss, item.get_by_role("button", name="Kembalikan untuk diperbaiki"))
    expect(boss.get_by_role("status")).to_contain_text("dikembalikan kepada pemiliknya")

    # -- the staff member reads the comment, corrects and resubmits
    staff.reload()
    card = staff.locator(f"#ind-{case.indicator_id}")
    expect(card.locator(".return-note")).to_contain_text(COMMENT)
    expect(card.locator(".wstatus")).to_contain_text("Dikembalikan")
    value = card.get_by_label(f"Realisasi November ({case.unit})")
    expect(value).to_have_value(RED_VALUE)
    value.fill("")
    value.press_sequentially(GOOD_VALUE)
    expect(card.locator("[data-hint]")).to_contain_text("(hijau)")
    for marker in card.locator("[data-req]").all():
        expect(marker).to_be_hidden()
    _follow(staff, card.get_by_role("button", name="Ajukan"))
    expect(staff.get_by_role("status")).to_contain_text("diajukan kepada atasan")

    # -- the superior approves
    boss.goto("/realisasi/persetujuan")
    item = boss.locator("article.inbox-item", has_text=case.staff_name).filter(has_text=case.code)
    expect(item).to_contain_text("92,5")
    expect(item).to_contain_text("Hijau")
    _follow(boss, item.get_by_role("button", name=re.compile(r"^Setujui")))
    expect(boss.get_by_role("status")).to_contain_text("disetujui")

    # -- the scorecard counts it: the new figure and its colour
    _follow(staff, staff.locator(".menu-wide").get_by_role("link", name=re.compile(r"^Tugas")))
    expect(staff.locator(".notes")).to_contain_text(f"Realisasi November 2026 untuk {case.code}")
    expect(staff.locator(".notes")).to_contain_text("disetujui")
    staff.goto(f"/kinerja/kartu/{case.scorecard_id}?bulan={MONTH}")
    row = staff.locator(f"#ind-{case.indicator_id}")
    expect(row.locator("td[data-label='Realisasi s.d. November']")).to_have_text("92,5")
    expect(row.locator(".status")).to_contain_text("Hijau")
    _shot(staff, shots, "scorecard-desktop")
