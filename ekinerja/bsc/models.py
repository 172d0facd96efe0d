"""Balanced Scorecards (domain.md §3): a scorecard per owner per year, its objectives and indicators,
cascaded from the province to OPDs, units and employees; and the monthly realisations they score."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, Integer, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.bsc.scoring import DEFAULT_PERSPECTIVE_WEIGHTS, Aggregation, Polarity
from ekinerja.db import Audited, TimestampMixin, enum_column
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Opd, Unit

VALUE = Numeric(20, 4)   # targets and realisations
WEIGHT = Numeric(9, 2)




class OwnerKind(enum.StrEnum):
    PROVINCE = "province"
    OPD = "opd"
    UNIT = "unit"
    EMPLOYEE = "employee"

    @property
    def level(self) -> int:
        return {"province": 0, "opd": 1, "unit": 2, "employee": 3}[self.value]


class Perspective(enum.StrEnum):
    STAKEHOLDER = "stakeholder"
    CUSTOMER = "customer"
    INTERNAL_PROCESS = "internal_process"
    LEARNING_GROWTH = "learning_growth"

    @property
    def label(self) -> str:
        return PERSPECTIVE_LABELS[self]


PERSPECTIVE_LABELS = {
    Perspective.STAKEHOLDER: "Pemangku Kepentingan",
    Perspective.CUSTOMER: "Pelanggan",
    Perspective.INTERNAL_PROCESS: "Proses Bisnis Internal",
    Perspective.LEARNING_GROWTH: "Pembelajaran dan Pertumbuhan",
}


class CascadeKind(enum.StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"


class Rollup(enum.StrEnum):
    MANUAL = "manual"
    CHILDREN_SUM = "children_sum"
    CHILDREN_AVERAGE = "children_average"
    CHILDREN_SCORE = "children_score"


class RealisationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Scorecard(TimestampMixin, Audited, db.Model):
    __tablename__ = "scorecard"
    __table_args__ = (
        # owner_key ("province", "opd:12", "unit:40", "employee:7") makes one scorecard per owner
        # per year a constraint the database holds (NULL owners would escape a plain unique key).
        UniqueConstraint("year", "owner_key"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint(
            "(owner_kind = 'province' AND opd_id IS NULL AND unit_id IS NULL AND employee_id IS NULL)"
            " OR (owner_kind = 'opd' AND opd_id IS NOT NULL AND unit_id IS NULL AND employee_id IS NULL)"
            " OR (owner_kind = 'unit' AND unit_id IS NOT NULL AND opd_id IS NOT NULL AND employee_id IS NULL)"
            " OR (owner_kind = 'employee' AND employee_id IS NOT NULL AND opd_id IS NOT NULL)",
            name="owner_matches_kind"),
        CheckConstraint("w_stakeholder IS NULL OR w_stakeholder > 0", name="w_stakeholder_positive"),
        CheckConstraint("w_customer IS NULL OR w_customer > 0", name="w_customer_positive"),
        CheckConstraint("w_internal_process IS NULL OR w_internal_process > 0", name="w_internal_process_positive"),
        CheckConstraint("w_learning_growth IS NULL OR w_learning_growth > 0", name="w_learning_growth_positive"),
        Index("ix_scorecard_opd_year", "opd_id", "year"),
        Index("ix_scorecard_owner_kind_year", "owner_kind", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    owner_kind: Mapped[OwnerKind] = mapped_column(enum_column(OwnerKind, "owner_kind"))
    owner_key: Mapped[str] = mapped_column(String(40))
    # opd_id is set for every scorecard inside an OPD (opd, unit, employee): the OPD scope of checks.
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    # Perspective weights for the NKO; all empty: the NKO is the weighted mean of all indicators.
    w_stakeholder: Mapped[Decimal | None] = mapped_column(WEIGHT)
    w_customer: Mapped[Decimal | None] = mapped_column(WEIGHT)
    w_internal_process: Mapped[Decimal | None] = mapped_column(WEIGHT)
    w_learning_growth: Mapped[Decimal | None] = mapped_column(WEIGHT)

    opd: Mapped[Opd | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    employee: Mapped[Employee | None] = relationship()
    objectives: Mapped[list["Objective"]] = relationship(
        back_populates="scorecard", order_by="(Objective.perspective_order, Objective.code)",
        cascade="all, delete-orphan")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="scorecard", order_by="Indicator.code", viewonly=True)

    @staticmethod
    def key_for(kind: OwnerKind, owner_id: int | None) -> str:
        return "province" if kind == OwnerKind.PROVINCE else f"{OwnerKind(kind).value}:{owner_id}"

    def perspective_weights(self) -> dict[str, Decimal] | None:
        weights = {p.value: getattr(self, f"w_{p.value}") for p in Perspective}
        if all(w is None for w in weights.values()):
            return None
        return {p: w for p, w in weights.items() if w is not None}

    @property
    def owner_name(self) -> str:
        if self.owner_kind == OwnerKind.PROVINCE:
            return "Pemerintah Provinsi Nusa Tenggara Barat"
        if self.owner_kind == OwnerKind.OPD:
            return self.opd.name
        if self.owner_kind == OwnerKind.UNIT:
            return self.unit.name
        return self.employee.name


DEFAULT_WEIGHTS = {f"w_{k}": v for k, v in DEFAULT_PERSPECTIVE_WEIGHTS.items()}


class Objective(TimestampMixin, Audited, db.Model):
    """Sasaran strategis: belongs to one perspective of a scorecard."""

    __tablename__ = "objective"
    __table_args__ = (UniqueConstraint("scorecard_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    perspective: Mapped[Perspective] = mapped_column(enum_column(Perspective, "perspective"))
    perspective_order: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(500))

    scorecard: Mapped[Scorecard] = relationship(back_populates="objectives")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="objective", order_by="Indicator.code", cascade="all, delete-orphan")


class Indicator(TimestampMixin, Audited, db.Model):
    """IKU (province, OPD) or IKI (individual), with every field of domain.md §3."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "code"),
        UniqueConstraint("id", "year"),  # target of the parent's (id, year) key below
        # A parent is an indicator of the same year: (parent_id, year) must exist as (id, year).
        ForeignKeyConstraint(["parent_id", "year"], ["indicator.id", "indicator.year"],
                             name="fk_indicator_parent_same_year"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("target_high IS NULL OR target_high >= target", name="range_ordered"),
        CheckConstraint("polarity <> 'stabilize' OR target_high IS NOT NULL", name="stabilize_has_range"),
        CheckConstraint("(parent_id IS NULL) = (cascade_kind IS NULL)", name="cascade_kind_with_parent"),
        Index("ix_indicator_parent", "parent_id"),
        Index("ix_indicator_year", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id", ondelete="CASCADE"))
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # the scorecard's year, kept here for the parent key
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(500))
    unit_of_measure: Mapped[str] = mapped_column(String(64))
    definition: Mapped[str | None] = mapped_column(Text)
    formula: Mapped[str | None] = mapped_column(Text)
    data_source: Mapped[str | None] = mapped_column(String(255))
    polarity: Mapped[Polarity] = mapped_column(enum_column(Polarity, "polarity"))
    aggregation: Mapped[Aggregation] = mapped_column(enum_column(Aggregation, "aggregation"))
    weight: Mapped[Decimal] = mapped_column(WEIGHT, default=Decimal(1))
    target: Mapped[Decimal] = mapped_column(VALUE)
    target_high: Mapped[Decimal | None] = mapped_column(VALUE)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    cascade_kind: Mapped[CascadeKind | None] = mapped_column(enum_column(CascadeKind, "cascade_kind"))
    rollup: Mapped[Rollup] = mapped_column(enum_column(Rollup, "rollup"), default=Rollup.MANUAL)

    scorecard: Mapped[Scorecard] = relationship(back_populates="indicators")
    objective: Mapped[Objective] = relationship(back_populates="indicators")
    parent: Mapped["Indicator | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children")
    children: Mapped[list["Indicator"]] = relationship(
        back_populates="parent", foreign_keys=[parent_id], order_by="Indicator.id")
    monthly_targets: Mapped[list["MonthlyTarget"]] = relationship(
        back_populates="indicator", order_by="MonthlyTarget.month", cascade="all, delete-orphan")

    def monthly_target_list(self) -> list[Decimal] | None:
        if not self.monthly_targets:
            return None
        by_month = {t.month: t.value for t in self.monthly_targets}
        return [by_month.get(m) for m in range(1, 13)]


class MonthlyTarget(db.Model):
    __tablename__ = "monthly_target"
    __table_args__ = (
        UniqueConstraint("indicator_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    month: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(VALUE)

    indicator: Mapped[Indicator] = relationship(back_populates="monthly_targets")


class Realisation(TimestampMixin, Audited, db.Model):
    """One value of one indicator for one month, and where it is in the approval workflow."""

    __tablename__ = "realisation"
    __table_args__ = (
        UniqueConstraint("indicator_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_realisation_status", "status", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    month: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(VALUE)
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)      # faktor penghambat
    follow_up: Mapped[str | None] = mapped_column(Text)   # tindak lanjut
    status: Mapped[RealisationStatus] = mapped_column(enum_column(RealisationStatus, "realisation_status"),
                                                      default=RealisationStatus.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    return_comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    indicator: Mapped[Indicator] = relationship()

    # Every UPDATE says "WHERE version = the version read": a change made meanwhile by someone else
    # matches no row and fails (StaleDataError → 409) instead of being overwritten. The services
    # raise the version themselves, on every change of value, status or evidence.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class IndicatorRollup(db.Model):
    """An indicator's month values and scores as the cascade computes them (domain.md §3.2–3.3),
    kept up to date by ekinerja.bsc.rollups whenever something they depend on changes, so that the
    province's and the OPDs' figures are read, not computed from every realisation below them.

    One row per indicator and basis (official: approved values; provisional: submitted ones too).
    `month_values[m-1]` is the month's value (its own, or rolled up from its direct children),
    `month_scores[m-1]` the score year-to-date at month m. Both are JSON lists of twelve exact
    decimal strings or nulls: text, so that neither SQLite's floating point nor a fixed scale rounds
    what the cascade computed. No foreign key: the recomputation drops a deleted indicator's rows
    itself, taking back what they counted in EntryCount."""

    __tablename__ = "indicator_rollup"
    __table_args__ = (Index("ix_indicator_rollup_year", "year"),)

    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    provisional: Mapped[bool] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer)
    opd_id: Mapped[int | None] = mapped_column(Integer)     # the scorecard's OPD (none: the province's)
    entry: Mapped[bool]                                     # rollup manual: someone enters its values
    month_values: Mapped[str] = mapped_column(Text)
    month_scores: Mapped[str] = mapped_column(Text)


class EntryCount(db.Model):
    """Per OPD and year: month 0, how many entry indicators (rollup manual) its cards have; month m,
    how many of them have a submitted or approved value for m. Kept with the rollups, so that the
    governor's dashboard shows every OPD's completeness without counting a year of realisations."""

    __tablename__ = "entry_count"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opd_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entered: Mapped[int] = mapped_column(Integer, default=0)


class RollupQueue(db.Model):
    """Indicators whose rollups are to be recomputed with their ancestors: written in the same
    transaction as the change, taken off once recomputed (so a crash in between loses nothing)."""

    __tablename__ = "rollup_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(Integer)  # no foreign key: a deleted one's parent is queued


class RollupLock(db.Model):
    """One row; the recomputation updates it first, so that recomputations take turns (each then
    reads what the one before it wrote) on every database and every host."""

    __tablename__ = "rollup_lock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    turns: Mapped[int] = mapped_column(Integer, default=0)   # the data version (rollups.data_version)
    changed_at: Mapped[datetime | None]
