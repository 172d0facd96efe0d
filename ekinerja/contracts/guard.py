"""The guard of signed agreements: whatever the path (a page, the API, an import, a script), a
signed version does not change. Registered when the models are (ekinerja.models imports it)."""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ekinerja.contracts.models import AgreementVersion, VersionStatus
from ekinerja.errors import InvalidTransition


_CONTENT_TABLES = {"pk_target", "pk_programme", "a3_attitude", "a3_attention", "a3_action"}
_AFTER_SIGNING = {"status", "published_at", "updated_at"}


def _was_frozen(version: AgreementVersion) -> bool:
    hist = inspect(version).attrs.status.history
    before = hist.deleted[0] if hist.deleted else version.status
    return before is not None and VersionStatus(before).frozen


@event.listens_for(Session, "before_flush")
def _guard_frozen(session, flush_context, instances) -> None:
    """Whatever the path (page, API, import, a script), a signed version does not change: its
    content rows are not added, changed or removed, and of its own columns only the step to
    published may change."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in _CONTENT_TABLES:
            version = obj.version if obj.version is not None else (
                session.get(AgreementVersion, obj.version_id) if obj.version_id else None)
            if version is not None and _was_frozen(version) and (obj in session.new or obj in session.deleted
                                                                  or session.is_modified(obj)):
                raise InvalidTransition("Versi yang sudah ditandatangani tidak dapat diubah; buat perubahan (versi baru).")
        elif table == "agreement_version" and obj not in session.new:
            if obj in session.deleted and _was_frozen(obj):
                raise InvalidTransition("Versi yang sudah ditandatangani tidak dapat dihapus.")
            if obj in session.dirty and _was_frozen(obj):
                state = inspect(obj)
                changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
                if changed - _AFTER_SIGNING:
                    raise InvalidTransition("Versi yang sudah ditandatangani tidak dapat diubah; buat perubahan (versi baru).")
