"""Agreements and their versions (domain.md §5, §6).

An Agreement is one kind of document (A3 or PK) for one year between two posts: the first party
(PIHAK PERTAMA, who commits) and the second (PIHAK KEDUA, the superior; no post = the governor).
Its content lives in versions: draft → submitted → returned | agreed → printed → signed →
published. A signed version never changes; an amendment (perubahan) is a new version with its
reason. The parties are recorded as the posts were held on the signing date.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.bsc.models import VALUE, Indicator
from ekinerja.db import Audited, TimestampMixin, enum_column
from ekinerja.extensions import db
from ekinerja.org.models import Opd, Position, Unit

MONEY = Numeric(18, 2)


class DocumentKind(enum.StrEnum):
    A3 = "a3"
    PK = "pk"

    @property
    def label(self) -> str:
        return {"a3": "Perjanjian A3", "pk": "Perjanjian Kinerja"}[self.value]


class Level(enum.StrEnum):
    """Who agrees with whom: the governor with an OPD head, then down the eselon ladder."""

    GOVERNOR_OPD = "governor_opd"        # Gubernur – Kepala OPD
    OPD_ESELON3 = "opd_eselon3"          # Kepala OPD – eselon III
    ESELON3_ESELON4 = "eselon3_eselon4"  # eselon III – eselon IV
    ESELON4_STAFF = "eselon4_staff"      # eselon IV – staf (PK only)

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.GOVERNOR_OPD: "Gubernur – Kepala Perangkat Daerah",
    Level.OPD_ESELON3: "Kepala Perangkat Daerah – Administrator (eselon III)",
    Level.ESELON3_ESELON4: "Administrator – Pengawas (eselon IV)",
    Level.ESELON4_STAFF: "Pengawas – Staf",
}


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    AGREED = "agreed"
    PRINTED = "printed"
    SIGNED = "signed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def frozen(self) -> bool:
        """Signed and published versions never change, by any path."""
        return self in (VersionStatus.SIGNED, VersionStatus.PUBLISHED)

    @property
    def editable(self) -> bool:
        return self in (VersionStatus.DRAFT, VersionStatus.RETURNED)


STATUS_LABELS = {
    VersionStatus.DRAFT: "Draf",
    VersionStatus.SUBMITTED: "Diajukan",
    VersionStatus.RETURNED: "Dikembalikan",
    VersionStatus.AGREED: "Disetujui",
    VersionStatus.PRINTED: "Dicetak",
    VersionStatus.SIGNED: "Ditandatangani",
    VersionStatus.PUBLISHED: "Dipublikasikan",
}


class AmendmentReason(enum.StrEnum):
    MUTASI = "mutasi"                    # change of official
    PROGRAM_BUDGET = "program_budget"    # change of programme or budget
    PRIORITIES = "priorities"            # change of priorities / strategy

    @property
    def label(self) -> str:
        return {"mutasi": "Pergantian pejabat (mutasi)", "program_budget": "Perubahan program/anggaran",
                "priorities": "Perubahan prioritas/strategi"}[self.value]


class Agreement(TimestampMixin, Audited, db.Model):
    __tablename__ = "agreement"
    __table_args__ = (
        UniqueConstraint("kind", "year", "first_position_id"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        Index("ix_agreement_year_opd", "year", "opd_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[Level] = mapped_column(enum_column(Level, "agreement_level"))
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    first_position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    # The superior's post; empty when the second party is the governor.
    second_position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"))

    opd: Mapped[Opd] = relationship()
    first_position: Mapped[Position] = relationship(foreign_keys=[first_position_id])
    second_position: Mapped[Position | None] = relationship(foreign_keys=[second_position_id])
    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number", cascade="all, delete-orphan")

    @property
    def latest(self) -> "AgreementVersion":
        return self.versions[-1]

    @property
    def current_signed(self) -> "AgreementVersion | None":
        """The version in force: the latest signed or published one."""
        return next((v for v in reversed(self.versions) if v.status.frozen), None)


class AgreementVersion(TimestampMixin, Audited, db.Model):
    __tablename__ = "agreement_version"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        # An amendment names its reason; the first version has none.
        CheckConstraint("(number = 1) = (amendment_reason IS NULL)", name="amendment_has_reason"),
        CheckConstraint("status NOT IN ('printed', 'signed', 'published') OR "
                        "(print_number IS NOT NULL AND print_date IS NOT NULL AND printed_sha256 IS NOT NULL)",
                        name="printed_has_number"),
        CheckConstraint("status NOT IN ('signed', 'published') OR (signed_date IS NOT NULL AND scan_sha256 IS NOT NULL)",
                        name="signed_has_scan"),
        Index("ix_agreement_version_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(enum_column(VersionStatus, "agreement_status"),
                                                  default=VersionStatus.DRAFT)
    amendment_reason: Mapped[AmendmentReason | None] = mapped_column(enum_column(AmendmentReason, "amendment_reason"))
    amendment_note: Mapped[str | None] = mapped_column(Text)
    review_notes: Mapped[str | None] = mapped_column(Text)       # why it was returned
    submitted_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Printing: the number and date given, the date of signing printed on it, the file and its hash.
    print_number: Mapped[str | None] = mapped_column(String(64))
    print_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(64), default="Mataram")
    planned_signing_date: Mapped[date | None] = mapped_column(Date)
    printed_key: Mapped[str | None] = mapped_column(String(80))
    printed_sha256: Mapped[str | None] = mapped_column(String(64))
    printed_paper: Mapped[str | None] = mapped_column(String(8))   # "A3" / "A4"
    # Signing: the scan of the signed paper and the date.
    signed_date: Mapped[date | None] = mapped_column(Date)
    scan_key: Mapped[str | None] = mapped_column(String(80))
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    # Unguessable code printed on every page with its QR code (public verification).
    verification_code: Mapped[str] = mapped_column(String(32), unique=True)
    # The parties as the posts were held on the signing date (kept as printed).
    first_name: Mapped[str | None] = mapped_column(String(255))
    first_nip: Mapped[str | None] = mapped_column(String(18))
    first_rank: Mapped[str | None] = mapped_column(String(64))
    first_title: Mapped[str | None] = mapped_column(String(255))
    second_name: Mapped[str | None] = mapped_column(String(255))
    second_nip: Mapped[str | None] = mapped_column(String(18))
    second_rank: Mapped[str | None] = mapped_column(String(64))
    second_title: Mapped[str | None] = mapped_column(String(255))

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    # PK content
    pk_targets: Mapped[list["PkTarget"]] = relationship(
        back_populates="version", order_by="PkTarget.position", cascade="all, delete-orphan")
    pk_programmes: Mapped[list["PkProgramme"]] = relationship(
        back_populates="version", order_by="PkProgramme.position", cascade="all, delete-orphan")


class PkTarget(Audited, db.Model):
    """A row of the PK attachment: Sasaran Strategis | Indikator Kinerja | Target (satuan), TW I–IV.
    The texts are copied from the scorecard when the row is made, so the document stays as signed."""

    __tablename__ = "pk_target"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))
    objective: Mapped[str] = mapped_column(String(500))
    indicator: Mapped[str] = mapped_column(String(500))
    unit_of_measure: Mapped[str] = mapped_column(String(64))
    target: Mapped[Decimal] = mapped_column(VALUE)
    q1: Mapped[Decimal | None] = mapped_column(VALUE)
    q2: Mapped[Decimal | None] = mapped_column(VALUE)
    q3: Mapped[Decimal | None] = mapped_column(VALUE)
    q4: Mapped[Decimal | None] = mapped_column(VALUE)

    version: Mapped[AgreementVersion] = relationship(back_populates="pk_targets")
    source: Mapped[Indicator | None] = relationship()


class PkProgramme(Audited, db.Model):
    """A row of the PK's second table: Program | Anggaran (Rp) | Keterangan."""

    __tablename__ = "pk_programme"
    __table_args__ = (UniqueConstraint("version_id", "position"),
                      CheckConstraint("budget >= 0", name="budget_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(500))
    budget: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(String(500))

    version: Mapped[AgreementVersion] = relationship(back_populates="pk_programmes")
