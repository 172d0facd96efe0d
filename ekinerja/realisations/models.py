"""Tables of the monthly workflow: evidence files, period settings, locks and reopenings,
and in-app notifications. The realisation itself lives in ekinerja.bsc.models."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.bsc.models import Realisation
from ekinerja.db import Audited, TimestampMixin, enum_column, utcnow
from ekinerja.extensions import db
from ekinerja.org.models import Opd


class Evidence(TimestampMixin, Audited, db.Model):
    """A file attached to a realisation as evidence, stored in the shared storage under a random
    name; the original name is kept only to show and to offer on download."""

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    realisation_id: Mapped[int] = mapped_column(ForeignKey("realisation.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    realisation: Mapped[Realisation] = relationship(
        backref=db.backref("evidence", order_by="Evidence.id", cascade="all, delete-orphan", passive_deletes=True))


class PeriodSetting(TimestampMixin, Audited, db.Model):
    """Per-year settings of the monthly periods: the day of month m+1 on which month m closes."""

    __tablename__ = "period_setting"
    __table_args__ = (CheckConstraint("deadline_day BETWEEN 1 AND 28", name="deadline_day_range"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    deadline_day: Mapped[int] = mapped_column(Integer)


class PeriodLock(TimestampMixin, Audited, db.Model):
    """A month locked by an administrator: nothing in it changes (except where reopened)."""

    __tablename__ = "period_lock"
    __table_args__ = (UniqueConstraint("year", "month"),
                      CheckConstraint("month BETWEEN 1 AND 12", name="month_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class PeriodReopening(TimestampMixin, Audited, db.Model):
    """A closed or locked month opened again for one OPD, with the reason, until a date."""

    __tablename__ = "period_reopening"
    __table_args__ = (CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
                      Index("ix_period_reopening_lookup", "year", "month", "opd_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    opd: Mapped[Opd] = relationship()


class NotificationKind(enum.StrEnum):
    SUBMITTED = "submitted"   # to the approver: something waits for you
    RETURNED = "returned"     # to the owner: corrected needed
    APPROVED = "approved"     # to the owner


class Notification(db.Model):
    """An event for one user, shown in the app (and e-mailed when SMTP is configured)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"))
    realisation_id: Mapped[int | None] = mapped_column(ForeignKey("realisation.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)

    realisation: Mapped[Realisation | None] = relationship()
