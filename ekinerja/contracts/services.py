"""The lifecycle shared by A3 agreements and Perjanjian Kinerja (domain.md §5, §6).

draft (the first party's side) → submitted → returned with notes | agreed (the reviewer) → printed
(number and date given, PDF produced and its SHA-256 kept) → signed (scan of the signed paper and
the date) → published. A signed version never changes by any path: the services refuse it and a
flush guard (`_guard_frozen`) refuses whatever else tries. An amendment is a new version, copied
from the one in force, naming its reason.

Each kind registers its content (copy, checks before submission, the PDF, the rows to compare) in
CONTENT; the A3 content lives in ekinerja.a3.content, the PK's in ekinerja.contracts.pk.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import select

from ekinerja import storage
from ekinerja.auth.models import Role
from ekinerja.auth.permissions import can_opd
from ekinerja.contracts.models import (AmendmentReason, Agreement, AgreementVersion, DocumentKind, Level,
                                       VersionStatus)
from ekinerja.db import get_or_raise, utcnow
from ekinerja.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.org.models import Position, PositionKind
from ekinerja.org.services import get_province, holder_on, superior_position

# ------------------------------------------------------------------ content of each kind


@dataclass
class Content:
    """What a kind of document brings to the shared lifecycle."""

    copy: Callable[[AgreementVersion, AgreementVersion], None]       # (source, target)
    check: Callable[[AgreementVersion], list[dict]]                   # errors before submission
    render: Callable[[AgreementVersion, str], bytes]                  # (version, paper) → PDF
    rows: Callable[[AgreementVersion], dict[str, list[tuple[str, ...]]]]  # section → rows, to compare
    papers: tuple[str, ...] = ("A4",)                                 # the first is the default


CONTENT: dict[DocumentKind, Content] = {}


def content(kind: DocumentKind) -> Content:
    if kind not in CONTENT:  # registered on first use, so that importing a module registers nothing
        if kind == DocumentKind.A3:
            from ekinerja.a3 import content as a3_content
            CONTENT[kind] = a3_content.CONTENT
        else:
            from ekinerja.contracts import pk
            CONTENT[kind] = pk.CONTENT
    return CONTENT[kind]


# ------------------------------------------------------------------ look-ups

def get_agreement(agreement_id: int) -> Agreement:
    return get_or_raise(Agreement, agreement_id, "Perjanjian tidak ditemukan.")


def get_version(version_id: int) -> AgreementVersion:
    return get_or_raise(AgreementVersion, version_id, "Versi perjanjian tidak ditemukan.")


def find_agreement(kind: DocumentKind, year: int, first_position: Position) -> Agreement | None:
    return db.session.scalar(select(Agreement).where(Agreement.kind == kind, Agreement.year == year,
                                                     Agreement.first_position_id == first_position.id))


def by_code(code: str) -> AgreementVersion | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(AgreementVersion).where(AgreementVersion.verification_code == code))


def new_code() -> str:
    """80 random bits in Crockford-like base32, in four groups: K7P2-9QXM-4RTA-H3WD."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


# ------------------------------------------------------------------ who may do what

def _roles(user) -> set:
    return {r.role for r in user.roles} if user is not None else set()


def _is_office(user) -> bool:
    return user is None or bool(_roles(user) & {Role.GOVERNOR_OFFICE, Role.ADMIN})


def _operator_of(user, opd_id: int) -> bool:
    return user is not None and any(r.role == Role.OPD_OPERATOR and r.opd_id == opd_id for r in user.roles)


def _holds(user, position: Position | None) -> bool:
    return (user is not None and position is not None and user.employee_id is not None
            and position.holder is not None and position.holder.id == user.employee_id)


def can_view(user, agreement: Agreement) -> bool:
    if user is None or _holds(user, agreement.first_position) or _holds(user, agreement.second_position):
        return True
    return can_opd(user, "bsc.view", agreement.opd)


def can_draft(user, agreement: Agreement) -> bool:
    """The first party's side: the OPD operator, the first party himself, the governor's office."""
    return _is_office(user) or _operator_of(user, agreement.opd_id) or _holds(user, agreement.first_position)


def can_review(user, agreement: Agreement) -> bool:
    """Return or agree: the governor's office for the governor's agreements; for the ones below, the
    superior who is the second party (or the governor's office)."""
    if user is None or Role.GOVERNOR_OFFICE in _roles(user):
        return True
    if agreement.level == Level.GOVERNOR_OPD:
        return False
    return _holds(user, agreement.second_position)


def can_issue(user, agreement: Agreement) -> bool:
    """Print, record the signing, publish: the governor's office; below the governor, also the
    OPD's operator."""
    if user is None or Role.GOVERNOR_OFFICE in _roles(user):
        return True
    return agreement.level != Level.GOVERNOR_OPD and _operator_of(user, agreement.opd_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_editable(version: AgreementVersion) -> None:
    if version.status.frozen:
        raise InvalidTransition("Versi yang sudah ditandatangani tidak dapat diubah; buat perubahan (versi baru).")
    if not version.status.editable:
        raise InvalidTransition(f"Versi berstatus {version.status.label} tidak dapat diubah; "
                                "hanya draf atau versi yang dikembalikan.")


# ------------------------------------------------------------------ creating

def level_for(kind: DocumentKind, first: Position) -> Level:
    if first.is_unit_head and first.unit.parent_id is None:
        return Level.GOVERNOR_OPD
    if first.kind == PositionKind.ADMINISTRATOR:
        return Level.OPD_ESELON3
    if first.kind == PositionKind.PENGAWAS:
        return Level.ESELON3_ESELON4
    if kind == DocumentKind.A3:
        raise ValidationFailed("Perjanjian A3 dibuat untuk Kepala OPD, pejabat eselon III dan eselon IV.",
                               [{"field": "position", "message": "Jabatan ini tidak menandatangani perjanjian A3."}])
    return Level.ESELON4_STAFF


def create(actor, kind: DocumentKind, year: int, first: Position) -> Agreement:
    """A new agreement of the year for the post, with its first version as a draft."""
    agreement = Agreement(kind=kind, year=year, opd_id=first.unit.opd_id, first_position=first)
    agreement.opd = first.unit.opd
    _require(can_draft(actor, agreement), "Anda tidak berhak menyusun perjanjian untuk jabatan ini.")
    agreement.level = level_for(kind, first)
    second = None if agreement.level == Level.GOVERNOR_OPD else superior_position(first)
    if agreement.level != Level.GOVERNOR_OPD and second is None:
        raise ValidationFailed("Jabatan ini tidak memiliki atasan langsung.",
                               [{"field": "position", "message": "Atasan langsung jabatan ini tidak ditemukan."}])
    agreement.second_position = second
    if find_agreement(kind, year, first) is not None:
        raise ValidationFailed(f"{kind.label} {year} untuk jabatan ini sudah ada.",
                               [{"field": "position", "message": "Perjanjian tahun ini untuk jabatan ini sudah ada."}])
    agreement.versions.append(AgreementVersion(number=1, status=VersionStatus.DRAFT, verification_code=new_code()))
    db.session.add(agreement)
    db.session.flush()
    return agreement


def amend(actor, agreement: Agreement, reason: AmendmentReason | str | None, note: str | None) -> AgreementVersion:
    """A new version (perubahan) copied from the one in force, with its reason."""
    _require(can_draft(actor, agreement), "Anda tidak berhak membuat perubahan perjanjian ini.")
    latest = agreement.latest
    if not latest.status.frozen:
        raise InvalidTransition("Perubahan hanya dapat dibuat dari versi yang sudah ditandatangani; "
                                f"versi {latest.number} masih berstatus {latest.status.label}.")
    errors = []
    try:
        reason = AmendmentReason(reason) if reason else None
    except ValueError:
        reason = None
    if reason is None:
        errors.append({"field": "reason", "message": "Pilih alasan perubahan."})
    note = (note or "").strip()
    if len(note) < 10:
        errors.append({"field": "note", "message": "Jelaskan perubahan (sekurang-kurangnya 10 karakter)."})
    if errors:
        raise ValidationFailed("Perubahan perjanjian belum lengkap.", errors)
    version = AgreementVersion(number=latest.number + 1, status=VersionStatus.DRAFT, amendment_reason=reason,
                               amendment_note=note, verification_code=new_code())
    agreement.versions.append(version)
    db.session.flush()
    content(agreement.kind).copy(latest, version)
    db.session.flush()
    return version


# ------------------------------------------------------------------ transitions

def submit(actor, version: AgreementVersion) -> AgreementVersion:
    agreement = version.agreement
    _require(can_draft(actor, agreement), "Anda tidak berhak mengajukan perjanjian ini.")
    require_editable(version)
    errors = content(agreement.kind).check(version)
    if errors:
        raise ValidationFailed("Perjanjian belum dapat diajukan.", errors)
    version.status = VersionStatus.SUBMITTED
    version.submitted_at = utcnow()
    db.session.flush()
    return version


def return_(actor, version: AgreementVersion, notes: str | None) -> AgreementVersion:
    _require(can_review(actor, version.agreement), "Anda tidak berhak menelaah perjanjian ini.")
    if version.status != VersionStatus.SUBMITTED:
        raise InvalidTransition("Hanya perjanjian yang diajukan yang dapat dikembalikan.")
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed("Catatan pengembalian wajib diisi.",
                               [{"field": "notes", "message": "Tuliskan apa yang perlu diperbaiki."}])
    version.status = VersionStatus.RETURNED
    version.review_notes = notes
    db.session.flush()
    return version


def agree(actor, version: AgreementVersion) -> AgreementVersion:
    _require(can_review(actor, version.agreement), "Anda tidak berhak menyetujui perjanjian ini.")
    if version.status != VersionStatus.SUBMITTED:
        raise InvalidTransition("Hanya perjanjian yang diajukan yang dapat disetujui.")
    version.status = VersionStatus.AGREED
    version.agreed_at = utcnow()
    version.agreed_by_id = getattr(actor, "id", None)
    db.session.flush()
    return version


def _party(position: Position | None, day: date) -> tuple[str | None, str | None, str | None, str]:
    """(name, NIP, rank, title) of whoever held the post on the day; the governor without a post."""
    if position is None:
        province = get_province()
        return province.governor_name or "Gubernur Nusa Tenggara Barat", None, None, province.governor_title
    holder = holder_on(position, day)
    title = position.name
    if holder is None:
        raise ValidationFailed("Jabatan kosong pada tanggal penandatanganan.",
                               [{"field": "signing_date",
                                 "message": f"Tidak ada pejabat yang memegang jabatan {title} pada tanggal itu."}])
    return holder.name, holder.nip, holder.rank, title


def print_(actor, version: AgreementVersion, number: str, print_date: date | None, signing_date: date | None,
           place: str = "Mataram", paper: str | None = None) -> bytes:
    """Give the number and date, record the parties as held on the signing date, produce the PDF,
    keep it and its SHA-256. An agreed version becomes printed; a printed one may be printed again
    (a new number or date) until it is signed."""
    agreement = version.agreement
    _require(can_issue(actor, agreement), "Anda tidak berhak mencetak perjanjian ini.")
    if version.status not in (VersionStatus.AGREED, VersionStatus.PRINTED):
        raise InvalidTransition("Hanya perjanjian yang sudah disetujui yang dapat dicetak.")
    kind_content = content(agreement.kind)
    paper = paper or kind_content.papers[0]
    errors = []
    number = (number or "").strip()
    if not number:
        errors.append({"field": "number", "message": "Nomor perjanjian wajib diisi."})
    elif len(number) > 64:
        errors.append({"field": "number", "message": "Nomor paling panjang 64 karakter."})
    if print_date is None:
        errors.append({"field": "print_date", "message": "Tanggal cetak wajib diisi."})
    if signing_date is None:
        errors.append({"field": "signing_date", "message": "Tanggal penandatanganan wajib diisi."})
    elif print_date is not None and signing_date < print_date:
        errors.append({"field": "signing_date", "message": "Tanggal penandatanganan tidak boleh sebelum tanggal cetak."})
    elif signing_date.year not in (agreement.year - 1, agreement.year):
        errors.append({"field": "signing_date", "message": f"Tanggal penandatanganan harus pada {agreement.year - 1} "
                                                           f"atau {agreement.year}."})
    if paper not in kind_content.papers:
        errors.append({"field": "paper", "message": "Ukuran kertas harus " + " atau ".join(kind_content.papers) + "."})
    place = (place or "Mataram").strip()[:64]
    if errors:
        raise ValidationFailed("Perjanjian belum dapat dicetak.", errors)
    version.first_name, version.first_nip, version.first_rank, version.first_title = _party(
        agreement.first_position, signing_date)
    version.second_name, version.second_nip, version.second_rank, version.second_title = _party(
        agreement.second_position, signing_date)
    version.print_number, version.print_date, version.planned_signing_date = number, print_date, signing_date
    version.place, version.printed_paper = place, paper
    pdf = kind_content.render(version, paper)
    old_key = version.printed_key
    version.printed_key = storage.save(pdf, "printed")
    version.printed_sha256 = hashlib.sha256(pdf).hexdigest()
    version.status = VersionStatus.PRINTED
    db.session.flush()
    db.session.info.setdefault("stored_files", []).append(version.printed_key)
    if old_key:
        db.session.info.setdefault("deleted_files", []).append(old_key)
    return pdf


def record_signing(actor, version: AgreementVersion, scan: bytes, filename: str | None,
                   signed_date: date | None) -> AgreementVersion:
    """The scan of the signed paper (PDF, JPG or PNG) and the date of signing."""
    from ekinerja.realisations import periods
    from ekinerja.realisations.evidence import JPEG, PDF, PNG, sniff

    agreement = version.agreement
    _require(can_issue(actor, agreement), "Anda tidak berhak mencatat penandatanganan perjanjian ini.")
    if version.status != VersionStatus.PRINTED:
        raise InvalidTransition("Penandatanganan hanya dicatat untuk perjanjian yang sudah dicetak.")
    errors = []
    kind = sniff(scan or b"")
    if not scan:
        errors.append({"field": "scan", "message": "Unggah pindaian dokumen yang sudah ditandatangani."})
    elif kind not in (PDF, JPEG, PNG):
        errors.append({"field": "scan", "message": "Pindaian harus berupa PDF, JPG atau PNG."})
    elif len(scan) > 20 * 1024 * 1024:
        errors.append({"field": "scan", "message": "Ukuran pindaian melebihi 20 MB."})
    if signed_date is None:
        errors.append({"field": "signed_date", "message": "Tanggal penandatanganan wajib diisi."})
    elif signed_date < version.print_date:
        errors.append({"field": "signed_date", "message": "Tanggal penandatanganan tidak boleh sebelum tanggal cetak."})
    elif signed_date > periods.today():
        errors.append({"field": "signed_date", "message": "Tanggal penandatanganan tidak boleh setelah hari ini."})
    if errors:
        raise ValidationFailed("Penandatanganan belum dapat dicatat.", errors)
    version.scan_key = storage.save(scan, "signed")
    version.scan_sha256 = hashlib.sha256(scan).hexdigest()
    version.signed_date = signed_date
    version.status = VersionStatus.SIGNED
    db.session.flush()
    db.session.info.setdefault("stored_files", []).append(version.scan_key)
    return version


def publish(actor, version: AgreementVersion) -> AgreementVersion:
    _require(can_issue(actor, version.agreement), "Anda tidak berhak mempublikasikan perjanjian ini.")
    if version.status != VersionStatus.SIGNED:
        raise InvalidTransition("Hanya perjanjian yang sudah ditandatangani yang dapat dipublikasikan.")
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    db.session.flush()
    return version


# ------------------------------------------------------------------ comparing and verifying

@dataclass
class SectionDiff:
    name: str
    rows: list[tuple[str, tuple | None, tuple | None]]   # ("same"|"changed"|"added"|"removed", old, new)

    @property
    def changed(self) -> bool:
        return any(kind != "same" for kind, _, _ in self.rows)


def compare(old: AgreementVersion, new: AgreementVersion) -> list[SectionDiff]:
    """Side by side, section by section: rows matched by their first cell (code or text)."""
    kind_content = content(old.agreement.kind)
    a, b = kind_content.rows(old), kind_content.rows(new)
    out = []
    for section in dict.fromkeys(list(a) + list(b)):
        left = {r[0]: r for r in a.get(section, [])}
        right = {r[0]: r for r in b.get(section, [])}
        rows = []
        for key in dict.fromkeys(list(left) + list(right)):
            o, n = left.get(key), right.get(key)
            rows.append(("same" if o == n else "changed" if o and n else "added" if n else "removed", o, n))
        out.append(SectionDiff(section, rows))
    return out


@dataclass(frozen=True)
class Verification:
    version: AgreementVersion | None
    matches: str | None     # "printed" / "scan" / None when a file was checked and matched nothing
    sha256: str | None      # the checked file's


def verify(code: str, data: bytes | None = None) -> Verification:
    version = by_code(code)
    if version is None or version.status not in (VersionStatus.PRINTED, VersionStatus.SIGNED, VersionStatus.PUBLISHED):
        return Verification(None, None, None)
    if data is None:
        return Verification(version, None, None)
    digest = hashlib.sha256(data).hexdigest()
    matches = "printed" if digest == version.printed_sha256 else "scan" if digest == version.scan_sha256 else None
    return Verification(version, matches, digest)
