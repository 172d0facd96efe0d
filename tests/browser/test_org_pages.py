"""The operator of Diskominfotik keeps the organisation of their OPD through the pages."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import expect, sign_in

pytestmark = pytest.mark.browser

# Valid NIPs: birth date + appointment (YYYYMM) + sex + serial. The demo never uses a day past the
# 28th, so these cannot clash with it.
NEW_NIP = "199203292020121004"
NEW_NAME = "Lalu Hasbi Wiranata, S.Kom."


def _employee_count(page, demo) -> int:
    page.goto(f"/organisasi/opd/{demo.kominfo_opd_id}/pegawai")
    caption = page.locator("caption").inner_text()
    match = re.fullmatch(r"(\d+) pegawai", caption.strip())
    assert match, caption
    return int(match.group(1))


def test_operator_adds_a_post_then_an_employee_who_shows_in_the_list(page, demo):
    sign_in(page, "operator.kominfo", demo.password)
    before = _employee_count(page, demo)

    # A new (vacant) post in Bidang Aplikasi Informatika, from its unit page.
    page.goto(f"/organisasi/unit/{demo.kabid_unit_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.kabid_unit_name)
    page.get_by_role("link", name="Tambah jabatan").click()
    page.get_by_label("Nama jabatan").fill("Analis Sistem Informasi")
    page.get_by_label("Jenis jabatan").select_option(label="Fungsional")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status")).to_have_text("Jabatan Analis Sistem Informasi ditambahkan.")
    post = page.locator("li[data-position]", has_text="Analis Sistem Informasi")
    expect(post.locator(".badge.vacant")).to_have_text("kosong")

    # Tambah pegawai (on the page of the OPD): NIP, name, rank and that vacant post.
    page.goto(f"/organisasi/opd/{demo.kominfo_opd_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.kominfo_name)
    page.get_by_role("link", name="Tambah pegawai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai baru")
    page.get_by_label("NIP", exact=True).fill(NEW_NIP)
    page.get_by_label("Nama lengkap (dengan gelar)").fill(NEW_NAME)
    page.get_by_label("Pangkat/golongan").fill("Penata Muda (III/a)")
    page.get_by_label("Jabatan").select_option(label=f"Analis Sistem Informasi — {demo.kabid_unit_name}")
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_NAME)
    expect(page.get_by_role("status")).to_contain_text(f"Pegawai {NEW_NAME} ditambahkan.")
    facts = page.locator("main")
    expect(facts).to_contain_text(NEW_NIP)
    expect(facts).to_contain_text("29 Maret 1992")  # read from the NIP
    expect(facts).to_contain_text("Laki-laki")
    expect(facts).to_contain_text(demo.kabid_name)  # the head of the bidang is the superior

    # In the employee list, and found by the search.
    assert _employee_count(page, demo) == before + 1
    row = page.locator("tbody tr", has=page.get_by_role("link", name=NEW_NAME))
    expect(row).to_contain_text(NEW_NIP)
    expect(row).to_contain_text("Analis Sistem Informasi")
    page.get_by_label("Cari nama, NIP atau jabatan").fill("Hasbi")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(NEW_NIP)


def test_malformed_nip_is_refused_next_to_the_field_and_nothing_is_saved(page, demo):
    sign_in(page, "operator.kominfo", demo.password)
    before = _employee_count(page, demo)
    page.get_by_role("link", name="Tambah pegawai").click()  # on the employee list
    nip_input = page.get_by_label("NIP", exact=True)
    nip_error = page.locator(".field", has=nip_input).locator(".error")

    # Every mistake at once: a NIP too short, and no name.
    nip_input.fill("1992032920201210")
    page.get_by_label("Jabatan").select_option(label=demo.vacant_position)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai baru")
    expect(nip_error).to_have_text("NIP harus 18 digit angka.")
    expect(page.locator(".field", has=page.get_by_label("Nama lengkap (dengan gelar)")).locator(".error")) \
        .to_have_text("Nama wajib diisi.")

    # 18 digits that are not a NIP: the reason is given, next to the field, and nowhere else.
    page.get_by_label("Nama lengkap (dengan gelar)").fill("Baiq Salah Ketik")
    for nip, message in [
        ("199213292020121005", "Tanggal lahir pada NIP (29-13-1992) tidak valid."),
        ("199203292020123005", "Digit jenis kelamin pada NIP harus 1 (laki-laki) atau 2 (perempuan)."),
    ]:
        nip_input.fill(nip)
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai baru")
        expect(nip_error).to_have_text(message)
        expect(page.locator(".error")).to_have_count(1)
        expect(nip_input).to_have_attribute("aria-invalid", "true")
        expect(nip_input).to_have_accessible_description(re.compile(re.escape(message)))
        expect(nip_input).to_have_value(nip)  # what was typed is kept, to be corrected
        expect(page.get_by_label("Nama lengkap (dengan gelar)")).to_have_value("Baiq Salah Ketik")
        expect(page.get_by_label("Jabatan")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Nama lengkap (dengan gelar)")).not_to_have_attribute("aria-invalid", re.compile(".*"))

    assert _employee_count(page, demo) == before
    page.get_by_label("Cari nama, NIP atau jabatan").fill("Salah Ketik")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("tbody")).to_have_text("Tidak ada pegawai yang cocok.")


def test_employee_form_says_when_no_post_is_vacant(page, demo):
    sign_in(page, "admin", demo.password)
    page.goto("/organisasi/?q=Dinas+Kesehatan")
    page.get_by_role("link", name="Dinas Kesehatan", exact=True).click()
    page.get_by_role("link", name="Tambah pegawai").click()
    expect(page.get_by_text("Belum ada jabatan kosong di Dinas Kesehatan.")).to_be_visible()
    expect(page.get_by_role("link", name="struktur organisasi")).to_be_visible()
