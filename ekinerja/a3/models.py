"""The content of an A3 agreement version (domain.md §5): Attitude, Attention and Action items.

Texts are copied when an item is made (indicator names, units, targets), so that a signed version
reads as it was signed even when the scorecard changes later; the links to the scorecard stay for
navigation and for the public pages.
"""
from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.bsc.models import VALUE, Indicator, Objective
from ekinerja.contracts.models import MONEY, AgreementVersion
from ekinerja.db import Audited, enum_column
from ekinerja.extensions import db
from ekinerja.org.models import Unit


class ProgrammeKind(enum.StrEnum):
    STRATEGIS = "strategis"
    UNGGULAN = "unggulan"

    @property
    def label(self) -> str:
        return {"strategis": "Program strategis", "unggulan": "Program unggulan"}[self.value]


class A3Attitude(Audited, db.Model):
    """A commitment of conduct (integrity, service, complaints answered in time, BerAKHLAK)."""

    __tablename__ = "a3_attitude"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    commitment: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str | None] = mapped_column(String(500))   # optional measure of the commitment

    version: Mapped[AgreementVersion] = relationship(
        backref=db.backref("a3_attitudes", order_by="A3Attitude.position", cascade="all, delete-orphan"))


class A3Attention(Audited, db.Model):
    """A priority programme of the province the OPD must attend to, linked to what it serves."""

    __tablename__ = "a3_attention"
    # "Serves an objective or an IKU" is the service's check: MariaDB refuses a CHECK on a column
    # that a foreign key sets to NULL.
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(500))
    kind: Mapped[ProgrammeKind] = mapped_column(enum_column(ProgrammeKind, "programme_kind"))
    objective_id: Mapped[int | None] = mapped_column(ForeignKey("objective.id", ondelete="SET NULL"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))
    serves: Mapped[str] = mapped_column(String(600))   # "SS1 …" or "IKU-03 …" as written when made

    version: Mapped[AgreementVersion] = relationship(
        backref=db.backref("a3_attentions", order_by="A3Attention.position", cascade="all, delete-orphan"))
    objective: Mapped[Objective | None] = relationship()
    province_indicator: Mapped[Indicator | None] = relationship()


class A3Action(Audited, db.Model):
    """A concrete action: an indicator of the first party's scorecard with its target, quarterly
    targets (TW I–IV), budget, responsible unit and due month."""

    __tablename__ = "a3_action"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        CheckConstraint("due_month IS NULL OR due_month BETWEEN 1 AND 12", name="due_month_range"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(500))          # the indicator's name as agreed
    code: Mapped[str | None] = mapped_column(String(32))
    unit_of_measure: Mapped[str] = mapped_column(String(64))
    target: Mapped[Decimal] = mapped_column(VALUE)
    q1: Mapped[Decimal | None] = mapped_column(VALUE)
    q2: Mapped[Decimal | None] = mapped_column(VALUE)
    q3: Mapped[Decimal | None] = mapped_column(VALUE)
    q4: Mapped[Decimal | None] = mapped_column(VALUE)
    budget: Mapped[Decimal | None] = mapped_column(MONEY)
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    responsible: Mapped[str | None] = mapped_column(String(255))   # the unit's name as agreed
    due_month: Mapped[int | None] = mapped_column(Integer)
    serves: Mapped[str | None] = mapped_column(String(600))        # the province IKU it serves

    version: Mapped[AgreementVersion] = relationship(
        backref=db.backref("a3_actions", order_by="A3Action.position", cascade="all, delete-orphan"))
    source: Mapped[Indicator | None] = relationship()
    responsible_unit: Mapped[Unit | None] = relationship()
