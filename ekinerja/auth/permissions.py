"""Who may see or change what: every check in the project goes through this module.

An action is granted per role with a scope: all (province-wide), opd (the operator's OPD),
unit (the subtree of the unit the user heads) or own (the user's own records). A user's access is
the union of what each of their roles (and being staff, and heading a unit) grants.
`user=None` is the system itself (CLI commands, the demo loader): it may do everything.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import select

from ekinerja.auth.models import Role
from ekinerja.errors import PermissionDenied
from ekinerja.extensions import db


class Scope(enum.IntEnum):
    NONE = 0
    OWN = 1
    UNIT = 2
    OPD = 3
    ALL = 4


# action -> {grantee: scope}; grantee is a Role, "unit_head" or "staff".
POLICY: dict[str, dict[object, Scope]] = {
    "org.view": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL, Role.GOVERNOR: Scope.ALL,
                 Role.AUDITOR: Scope.ALL, Role.OPD_OPERATOR: Scope.OPD,
                 "unit_head": Scope.UNIT, "staff": Scope.OWN},
    "org.manage": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL, Role.OPD_OPERATOR: Scope.OPD},
    "audit.view": {Role.ADMIN: Scope.ALL, Role.AUDITOR: Scope.ALL},
    # Scorecards: the province's belongs to the governor's office; an OPD's and its units' to the
    # operator and the OPD head (head of the OPD's root unit, so unit scope covers the whole OPD);
    # a unit head cascades to the units and staff below; staff see their own.
    "bsc.view": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL, Role.GOVERNOR: Scope.ALL,
                 Role.AUDITOR: Scope.ALL, Role.OPD_OPERATOR: Scope.OPD,
                 "unit_head": Scope.UNIT, "staff": Scope.OWN},
    "bsc.manage": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL, Role.OPD_OPERATOR: Scope.OPD,
                   "unit_head": Scope.UNIT},
    "exchange": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL},
    "users.manage": {Role.ADMIN: Scope.ALL},
    # Monthly periods: lock, reopen for named OPDs, deadline day (domain.md §4).
    "periods.manage": {Role.ADMIN: Scope.ALL},
    # PPID: answer, extend or refuse information requests and objections (domain.md §7).
    "ppid.manage": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL},
    # PPID: an OPD's periodic performance reports (informasi berkala), entered and published by its
    # operator or its head (unit scope on the OPD's root unit; ekinerja.public.dip decides).
    "ppid.report": {Role.ADMIN: Scope.ALL, Role.GOVERNOR_OFFICE: Scope.ALL, Role.OPD_OPERATOR: Scope.OPD,
                    "unit_head": Scope.UNIT},
}


@dataclass(frozen=True)
class Access:
    scope: Scope
    opd_ids: frozenset[int] = field(default_factory=frozenset)
    head_unit_ids: frozenset[int] = field(default_factory=frozenset)
    employee_id: int | None = None

    def __bool__(self) -> bool:
        return self.scope > Scope.NONE


def headed_unit_id(user) -> int | None:
    employee = getattr(user, "employee", None)
    position = employee.position if employee is not None else None
    return position.head_of_unit_id if position is not None else None


def access(user, action: str) -> Access:
    if user is None:
        return Access(Scope.ALL)
    grants = POLICY[action]
    best, opd_ids, head_units, employee_id = Scope.NONE, set(), set(), None
    for role in user.roles:
        scope = grants.get(role.role, Scope.NONE)
        if scope == Scope.OPD:
            opd_ids.add(role.opd_id)
        best = max(best, scope)
    head_unit = headed_unit_id(user)
    if head_unit is not None and grants.get("unit_head", Scope.NONE) >= Scope.UNIT:
        head_units.add(head_unit)
        best = max(best, Scope.UNIT)
    if user.employee_id is not None and grants.get("staff", Scope.NONE) >= Scope.OWN:
        employee_id = user.employee_id
        best = max(best, Scope.OWN)
    return Access(best, frozenset(opd_ids), frozenset(head_units), employee_id)


def can(user, action: str) -> bool:
    """May the user do this action anywhere at all (used for menus and list pages)?"""
    return bool(access(user, action))


def _in_subtree(unit, root_ids: frozenset[int]) -> bool:
    node = unit
    while node is not None:
        if node.id in root_ids:
            return True
        node = node.parent
    return False


def can_opd(user, action: str, opd) -> bool:
    a = access(user, action)
    if a.scope == Scope.ALL or opd.id in a.opd_ids:
        return True
    # The OPD head heads the OPD's own office, the root of its unit tree: the whole OPD.
    root = opd.root_unit
    return root is not None and root.id in a.head_unit_ids


def can_unit(user, action: str, unit) -> bool:
    a = access(user, action)
    if a.scope == Scope.ALL or unit.opd_id in a.opd_ids:
        return True
    return bool(a.head_unit_ids) and _in_subtree(unit, a.head_unit_ids)


def can_employee(user, action: str, employee) -> bool:
    a = access(user, action)
    if a.scope == Scope.ALL or (a.employee_id is not None and employee.id == a.employee_id):
        return True
    position = employee.position
    if position is None:
        # Without a post, an employee belongs to the OPD of their last post.
        last = employee.holdings[0].position if employee.holdings else None
        return last is not None and last.unit.opd_id in a.opd_ids
    return position.unit.opd_id in a.opd_ids or (
        bool(a.head_unit_ids) and _in_subtree(position.unit, a.head_unit_ids))


def can_scorecard(user, action: str, scorecard) -> bool:
    """May the user see (bsc.view) or change (bsc.manage) this scorecard? The province's needs
    province-wide scope; nobody sets their own individual targets (their superior does)."""
    from ekinerja.bsc.models import OwnerKind

    a = access(user, action)
    if a.scope == Scope.ALL:
        return True
    kind = scorecard.owner_kind
    if kind == OwnerKind.PROVINCE:
        return action == "bsc.view" and a.scope > Scope.NONE  # every official may read the IKU
    if kind == OwnerKind.OPD:
        if scorecard.opd_id in a.opd_ids:
            return True
        root = next((u for u in scorecard.opd.units if u.parent_id is None), None)
        return root is not None and root.id in a.head_unit_ids
    if kind == OwnerKind.UNIT:
        return can_unit(user, action, scorecard.unit)
    employee = scorecard.employee
    if action != "bsc.view" and user is not None and employee.id == user.employee_id:
        # Own targets come from the superior; only an OPD-wide or province-wide grant may set them.
        return scorecard.opd_id in a.opd_ids
    return can_employee(user, action, employee)


def visible_opd_ids(user, action: str) -> set[int] | None:
    """OPD ids the user may see for an action as a whole OPD; None means every OPD."""
    a = access(user, action)
    return None if a.scope == Scope.ALL else set(a.opd_ids)


def whole_opd_ids(user, action: str) -> set[int] | None:
    """The OPDs for which can_opd(user, action, opd) holds: None for every OPD; else the OPDs of
    the user's OPD-scoped roles and the OPD whose office (the root of its unit tree) he heads."""
    from ekinerja.org.models import Unit

    a = access(user, action)
    if a.scope == Scope.ALL:
        return None
    ids = set(a.opd_ids)
    if a.head_unit_ids:
        ids |= set(db.session.scalars(select(Unit.opd_id).where(Unit.id.in_(a.head_unit_ids),
                                                                Unit.parent_id.is_(None))))
    return ids


def subtree_unit_ids(unit) -> set[int]:
    """Ids of the unit and all units below it, in one query over the unit's OPD."""
    from ekinerja.org.models import Unit

    rows = db.session.execute(select(Unit.id, Unit.parent_id).where(Unit.opd_id == unit.opd_id)).all()
    children: dict[int | None, list[int]] = {}
    for uid, parent in rows:
        children.setdefault(parent, []).append(uid)
    out, stack = set(), [unit.id]
    while stack:
        uid = stack.pop()
        out.add(uid)
        stack.extend(children.get(uid, []))
    return out


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message)
