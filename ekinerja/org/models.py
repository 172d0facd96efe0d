"""NTB's organisation: the province, OPDs, a unit tree, positions, employees and who held what."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ekinerja.db import Audited, TimestampMixin, enum_column
from ekinerja.extensions import db


class PositionKind(enum.StrEnum):
    JPT = "jpt"                      # eselon II: the OPD head
    ADMINISTRATOR = "administrator"  # eselon III
    PENGAWAS = "pengawas"            # eselon IV
    FUNGSIONAL = "fungsional"
    PELAKSANA = "pelaksana"

    @property
    def label(self) -> str:
        return POSITION_KIND_LABELS[self]


POSITION_KIND_LABELS = {
    PositionKind.JPT: "JPT Pratama (eselon II)",
    PositionKind.ADMINISTRATOR: "Administrator (eselon III)",
    PositionKind.PENGAWAS: "Pengawas (eselon IV)",
    PositionKind.FUNGSIONAL: "Fungsional",
    PositionKind.PELAKSANA: "Pelaksana",
}


class UnitKind(enum.StrEnum):
    OPD = "opd"              # the OPD's own office, root of its unit tree
    SEKRETARIAT = "sekretariat"
    BIDANG = "bidang"
    UPT = "upt"
    SEKSI = "seksi"
    SUBBAGIAN = "subbagian"
    LAINNYA = "lainnya"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.OPD: "Perangkat Daerah",
    UnitKind.SEKRETARIAT: "Sekretariat",
    UnitKind.BIDANG: "Bidang",
    UnitKind.UPT: "UPT/UPTD",
    UnitKind.SEKSI: "Seksi",
    UnitKind.SUBBAGIAN: "Subbagian",
    UnitKind.LAINNYA: "Lainnya",
}




class Province(TimestampMixin, Audited, db.Model):
    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str]
    governor_name: Mapped[str | None]
    governor_title: Mapped[str] = mapped_column(default="Gubernur Nusa Tenggara Barat")


class Opd(TimestampMixin, Audited, db.Model):
    """Perangkat daerah. Its offices and sub-units form a tree rooted in `root_unit`."""

    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)  # SIPD code
    name: Mapped[str]
    short_name: Mapped[str | None] = mapped_column(String(64))

    province: Mapped[Province] = relationship()
    units: Mapped[list["Unit"]] = relationship(back_populates="opd", order_by="Unit.code")

    @property
    def root_unit(self) -> "Unit | None":
        return next((u for u in self.units if u.parent_id is None), None)

    def __str__(self) -> str:
        return self.name


class Unit(TimestampMixin, Audited, db.Model):
    __tablename__ = "unit"
    __table_args__ = (
        # No CHECK on parent_id <> id: MariaDB refuses checks on AUTO_INCREMENT columns; the
        # service refuses cycles (a unit under itself or its own sub-units).
        Index("ix_unit_opd_parent", "opd_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str]
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))

    opd: Mapped[Opd] = relationship(back_populates="units")
    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.code")
    positions: Mapped[list["Position"]] = relationship(
        back_populates="unit", foreign_keys="Position.unit_id",
        order_by="(Position.head_of_unit_id.is_(None), Position.name, Position.id)")

    @property
    def head_position(self) -> "Position | None":
        return next((p for p in self.positions if p.head_of_unit_id == self.id), None)

    def __str__(self) -> str:
        return self.name


class Position(TimestampMixin, Audited, db.Model):
    """A post (jabatan) in a unit, held by at most one employee at a time."""

    __tablename__ = "position"
    __table_args__ = (
        # The head of a unit is a position of that unit; one head per unit (unique column).
        CheckConstraint("head_of_unit_id IS NULL OR head_of_unit_id = unit_id", name="head_in_own_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str]
    kind: Mapped[PositionKind] = mapped_column(enum_column(PositionKind, "position_kind"))
    head_of_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="positions", foreign_keys=[unit_id])
    holder: Mapped["Employee | None"] = relationship(back_populates="position", uselist=False)

    @property
    def is_unit_head(self) -> bool:
        return self.head_of_unit_id is not None

    def __str__(self) -> str:
        return self.name


class Sex(enum.StrEnum):
    MALE = "L"
    FEMALE = "P"


class Employee(TimestampMixin, Audited, db.Model):
    """A civil servant (ASN). `position_id` is the post held now; history in PositionHolding."""

    __tablename__ = "employee"
    __table_args__ = (CheckConstraint("length(nip) = 18", name="nip_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str]
    rank: Mapped[str | None] = mapped_column(String(64))  # pangkat/golongan, e.g. "Pembina (IV/a)"
    birth_date: Mapped[date]
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    # One post at a time per employee, one holder at a time per post: a unique column holds both.
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), unique=True)

    position: Mapped[Position | None] = relationship(back_populates="holder")
    holdings: Mapped[list["PositionHolding"]] = relationship(
        back_populates="employee", order_by="PositionHolding.start_date.desc()")

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"


class PositionHolding(TimestampMixin, Audited, db.Model):
    """Who held which position from when until when (end_date empty: still held)."""

    __tablename__ = "position_holding"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
        Index("ix_position_holding_position_dates", "position_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    employee: Mapped[Employee] = relationship(back_populates="holdings")
    position: Mapped[Position] = relationship()
