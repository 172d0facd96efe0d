"""The OPDs' periodic performance reports (laporan kinerja berkala), "informasi berkala" of the
Daftar Informasi Publik (domain.md §7; UU 14/2008, Perki 1/2021): one per OPD, year and quarter,
a draft until it is published with its PDF; only published reports enter the DIP."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.db import Audited, TimestampMixin, enum_column
from ekinerja.extensions import db
from ekinerja.org.models import Opd

QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}
DEFAULT_FORM = "Softcopy (PDF)"
DEFAULT_RETENTION = "5 tahun"


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Draf", "published": "Dipublikasikan"}[self.value]


class PeriodicReport(TimestampMixin, Audited, db.Model):
    """An OPD's quarterly performance report (laporan kinerja triwulanan) with the DIP's fields:
    summary, person responsible (an official: name and position, never a NIP), place and date of
    making, form available and retention period. Published only with its PDF."""

    __tablename__ = "periodic_report"
    __table_args__ = (
        UniqueConstraint("opd_id", "year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("status <> 'published' OR (file_key IS NOT NULL AND published_at IS NOT NULL)",
                        name="published_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))  # indexed by the unique key
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(64))       # nomor dokumen, when it has one
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text)
    responsible_name: Mapped[str] = mapped_column(String(120))
    responsible_position: Mapped[str] = mapped_column(String(255))
    made_place: Mapped[str] = mapped_column(String(64), default="Mataram")
    made_date: Mapped[date] = mapped_column(Date)
    form_available: Mapped[str] = mapped_column(String(120), default=DEFAULT_FORM)
    retention: Mapped[str] = mapped_column(String(120), default=DEFAULT_RETENTION)
    file_key: Mapped[str | None] = mapped_column(String(80))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus, "report_status"),
                                                 default=ReportStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    opd: Mapped[Opd] = relationship()

    @property
    def quarter_name(self) -> str:
        return QUARTER_NAMES[self.quarter]

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED
