"""Who enters and who approves the realisations of a scorecard (domain.md §4).

- An employee's own indicators: entered by the employee (or, on their behalf, by the OPD operator
  or a unit head above them); approved by the atasan langsung: the nearest head post above that
  has a holder (an acting head when the direct one is vacant). OPD heads: the governor's office.
- A unit's indicators: entered by the unit head (or the OPD operator); approved by the head above.
- An OPD's indicators: entered by the OPD operator (or the OPD head); approved by the OPD head.
- The province's IKU: entered and approved by the governor's office.
Where no held head is found above, the governor's office decides.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ekinerja.auth.models import Role
from ekinerja.bsc.models import OwnerKind, Scorecard
from ekinerja.extensions import db
from ekinerja.org.models import Employee, Position, Unit

GOVERNOR_OFFICE = "governor_office"
DECIDING_ROLES = (Role.GOVERNOR_OFFICE, Role.GOVERNOR)


def _roles(user) -> set:
    return {r.role for r in user.roles} if user is not None else set()


def _operator_of(user, opd_id: int | None) -> bool:
    return opd_id is not None and any(r.role == Role.OPD_OPERATOR and r.opd_id == opd_id for r in user.roles)


def nearest_held_head(unit: Unit | None, skip: Position | None = None) -> Position | None:
    while unit is not None:
        head = unit.head_position
        if head is not None and head is not skip and head.holder is not None:
            return head
        unit = unit.parent
    return None


def approver_post(scorecard: Scorecard) -> Position | str | None:
    """The post whose holder approves this scorecard's realisations, or GOVERNOR_OFFICE."""
    kind = scorecard.owner_kind
    if kind == OwnerKind.PROVINCE:
        return GOVERNOR_OFFICE
    if kind == OwnerKind.OPD:
        root = scorecard.opd.root_unit
        head = root.head_position if root is not None else None
        return head if head is not None and head.holder is not None else GOVERNOR_OFFICE
    if kind == OwnerKind.UNIT:
        return nearest_held_head(scorecard.unit.parent) or GOVERNOR_OFFICE
    position = scorecard.employee.position
    if position is None:
        return None  # without a post nobody approves; the OPD operator may move them
    start = position.unit.parent if position.is_unit_head else position.unit
    return nearest_held_head(start, skip=position) or GOVERNOR_OFFICE


def approver_users(scorecard: Scorecard) -> list:
    """The user accounts that may approve (for notifications)."""
    from ekinerja.auth.models import User, UserRole

    post = approver_post(scorecard)
    if post is None:
        return []
    if post == GOVERNOR_OFFICE:
        return list(db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == Role.GOVERNOR_OFFICE, User.active.is_(True))
            .distinct().order_by(User.id)))
    holder = post.holder
    user = db.session.scalar(select(User).where(User.employee_id == holder.id, User.active.is_(True)))
    return [user] if user is not None else []


def owner_users(scorecard: Scorecard) -> list:
    """The user accounts that enter this scorecard's values as its owner (for notifications)."""
    from ekinerja.auth.models import User, UserRole

    kind = scorecard.owner_kind
    employee_id = None
    if kind == OwnerKind.EMPLOYEE:
        employee_id = scorecard.employee_id
    elif kind == OwnerKind.UNIT:
        head = scorecard.unit.head_position
        employee_id = head.holder.id if head is not None and head.holder is not None else None
    if employee_id is not None:
        user = db.session.scalar(select(User).where(User.employee_id == employee_id, User.active.is_(True)))
        return [user] if user is not None else []
    if kind == OwnerKind.OPD:
        return list(db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == Role.OPD_OPERATOR, UserRole.opd_id == scorecard.opd_id,
                                              User.active.is_(True)).distinct().order_by(User.id)))
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.GOVERNOR_OFFICE, User.active.is_(True))
        .distinct().order_by(User.id)))


def is_owner(user, scorecard: Scorecard) -> bool:
    """Is the user the one who enters this scorecard's values himself (not on behalf)?"""
    if user is None:
        return False
    kind = scorecard.owner_kind
    if kind == OwnerKind.EMPLOYEE:
        return user.employee_id is not None and user.employee_id == scorecard.employee_id
    if kind == OwnerKind.UNIT:
        head = scorecard.unit.head_position
        return head is not None and user.employee_id is not None and head.holder is not None \
            and head.holder.id == user.employee_id
    if kind == OwnerKind.OPD:
        return _operator_of(user, scorecard.opd_id)
    return Role.GOVERNOR_OFFICE in _roles(user)


def _held_post(user) -> Position | None:
    employee = getattr(user, "employee", None)
    return employee.position if employee is not None else None


def _heads_above(user, unit: Unit | None) -> bool:
    """Does the user head this unit or one above it?"""
    post = _held_post(user)
    if post is None or post.head_of_unit_id is None:
        return False
    while unit is not None:
        if unit.id == post.head_of_unit_id:
            return True
        unit = unit.parent
    return False


def can_enter(user, scorecard: Scorecard) -> bool:
    """May the user enter (and submit) values of this scorecard's indicators?"""
    if user is None:
        return True
    if is_owner(user, scorecard):
        return True
    kind = scorecard.owner_kind
    if kind == OwnerKind.PROVINCE:
        return False
    if _operator_of(user, scorecard.opd_id):
        return True  # the OPD operator keeps the OPD's data, on behalf of its people
    if kind == OwnerKind.OPD:
        root = scorecard.opd.root_unit
        return root is not None and _heads_above(user, root)
    if kind == OwnerKind.UNIT:
        return _heads_above(user, scorecard.unit.parent)
    position = scorecard.employee.position
    if position is None:
        return False
    start = position.unit.parent if position.is_unit_head else position.unit
    return _heads_above(user, start)


def can_decide(user, scorecard: Scorecard) -> bool:
    """May the user approve or return this scorecard's realisations?"""
    if user is None:
        return True
    post = approver_post(scorecard)
    if post is None:
        return False
    if post == GOVERNOR_OFFICE:
        return bool(_roles(user) & set(DECIDING_ROLES))
    mine = _held_post(user)
    return mine is not None and mine.id == post.id


@dataclass
class Subordinates:
    """The scorecards whose realisations a user decides."""

    employee_ids: set[int]
    unit_ids: set[int]
    opd_ids: set[int]          # OPD scorecards (the user heads the OPD)
    governor_office: bool      # province, OPD heads, and wherever no held head is found above


def subordinates(user) -> Subordinates:
    """What the user approves, from the organisation in three queries (no walk per employee): once
    per request (the inbox and the menu's count both ask), and remembered by the worker for the
    data version, which every change to the organisation or the roles moves (ekinerja.memo)."""
    from flask import has_request_context, request

    from ekinerja.bsc.rollups import data_version
    from ekinerja.memo import remembered

    store = request.environ if has_request_context() else {}
    key = "ekinerja.subordinates"
    cached = store.get(key)
    if cached is not None and cached[0] == user.id:
        return cached[1]
    version, _ = data_version()
    out = remembered(("subordinates", user.id, version), lambda: _subordinates(user))
    store[key] = (user.id, out)
    return out


def _subordinates(user) -> Subordinates:
    out = Subordinates(set(), set(), set(), bool(_roles(user) & set(DECIDING_ROLES)))
    post = _held_post(user)
    if post is None or post.head_of_unit_id is None:
        return out
    opd_id = post.unit.opd_id
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.opd_id == opd_id))}
    positions = db.session.execute(
        select(Position.id, Position.unit_id, Position.head_of_unit_id, Employee.id)
        .join(Unit, Position.unit_id == Unit.id).outerjoin(Employee, Employee.position_id == Position.id)
        .where(Unit.opd_id == opd_id)).all()
    held_head_of: dict[int, int] = {}   # unit id -> id of its head post, when held
    for pid, _uid, head_of, emp in positions:
        if head_of is not None and emp is not None:
            held_head_of[head_of] = pid

    def effective(unit_id: int | None, skip: int | None = None) -> int | None:
        while unit_id is not None:
            head = held_head_of.get(unit_id)
            if head is not None and head != skip:
                return head
            unit_id = units[unit_id].parent_id
        return None

    for pid, uid, head_of, emp in positions:
        if emp is None or pid == post.id:
            continue
        start = units[uid].parent_id if head_of is not None else uid
        if effective(start, skip=pid) == post.id:
            out.employee_ids.add(emp)
    for uid, unit in units.items():
        if unit.parent_id is None:
            if post.head_of_unit_id == uid:
                out.opd_ids.add(opd_id)
            continue
        if effective(unit.parent_id) == post.id:
            out.unit_ids.add(uid)
    return out
