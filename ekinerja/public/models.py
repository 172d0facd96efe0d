"""Tables of the public side: the holiday list behind working days, and PPID information
requests with their objections (domain.md §7; UU 14/2008, Perki 1/2021)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.db import Audited, TimestampMixin, enum_column, utcnow
from ekinerja.extensions import db
from ekinerja.org.models import Opd


class Holiday(TimestampMixin, Audited, db.Model):
    """A national holiday or joint leave day (libur nasional / cuti bersama) kept by an
    administrator; working days skip it."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))


class RequestStatus(enum.StrEnum):
    RECEIVED = "received"   # diterima, waiting for an answer
    EXTENDED = "extended"   # diperpanjang once by 7 working days
    ANSWERED = "answered"   # dijawab
    REFUSED = "refused"     # ditolak, with the reason

    @property
    def label(self) -> str:
        return REQUEST_STATUS_LABELS[self]


REQUEST_STATUS_LABELS = {
    RequestStatus.RECEIVED: "Diterima",
    RequestStatus.EXTENDED: "Diperpanjang",
    RequestStatus.ANSWERED: "Dijawab",
    RequestStatus.REFUSED: "Ditolak",
}


class InfoForm(enum.StrEnum):
    """The form in which the requester wants the information (bentuk informasi)."""

    SOFTCOPY = "softcopy"
    HARDCOPY = "hardcopy"
    LIHAT = "lihat"

    @property
    def label(self) -> str:
        return {"softcopy": "Salinan elektronik (softcopy)", "hardcopy": "Salinan tercetak (hardcopy)",
                "lihat": "Melihat / membaca"}[self.value]


class Delivery(enum.StrEnum):
    """How the requester receives it (cara mendapatkan)."""

    AMBIL = "ambil"
    POS = "pos"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return {"ambil": "Mengambil langsung", "pos": "Dikirim lewat pos", "email": "Dikirim lewat e-mail"}[self.value]


class PpidCounter(db.Model):
    """The last registration number given in a year; the row is locked (SELECT ... FOR UPDATE)
    while the next number is taken, so two requests never get the same number."""

    __tablename__ = "ppid_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class InformationRequest(TimestampMixin, Audited, db.Model):
    """A request for public information (permohonan informasi), answered within 10 working days,
    extendable once by 7. The requester's personal data never appears on public pages."""

    __tablename__ = "information_request"
    __audit_masked__ = ("name", "address", "contact")
    __table_args__ = (
        CheckConstraint("status <> 'answered' OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
                        name="answered_has_answer"),
        CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name="refused_has_reason"),
        CheckConstraint("extended_until IS NULL OR extension_reason IS NOT NULL", name="extension_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # PPID/2026/0001
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    contact: Mapped[str] = mapped_column(String(120))  # telephone or e-mail
    information: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    form: Mapped[InfoForm] = mapped_column(enum_column(InfoForm, "info_form"))
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "info_delivery"))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date] = mapped_column(Date)
    extended_until: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, "request_status"),
                                                  default=RequestStatus.RECEIVED, index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    opd: Mapped[Opd | None] = relationship()

    @property
    def deadline(self) -> date:
        """The date the answer is due: the extended date once extended."""
        return self.extended_until or self.due_date

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.RECEIVED, RequestStatus.EXTENDED)


class ObjectionStatus(enum.StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return {"received": "Diterima", "answered": "Dijawab"}[self.value]


class Objection(TimestampMixin, Audited, db.Model):
    """An objection (keberatan) against how a request was handled, answered within 30 working
    days; one per request."""

    __tablename__ = "objection"
    __table_args__ = (
        CheckConstraint("status <> 'answered' OR (answer IS NOT NULL AND answered_at IS NOT NULL)",
                        name="answered_has_answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("information_request.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[ObjectionStatus] = mapped_column(enum_column(ObjectionStatus, "objection_status"),
                                                    default=ObjectionStatus.RECEIVED)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    request: Mapped[InformationRequest] = relationship(
        backref=db.backref("objection", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
