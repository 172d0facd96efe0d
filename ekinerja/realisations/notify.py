"""Notifications: a row per user in the app, and an e-mail when SMTP is configured.

E-mails are queued on the session and sent only after the transaction commits (a refused or
rolled-back action sends nothing); a mail server that fails is logged, never undoes the action.
All mails of one transaction go over one SMTP connection, one mail per recipient (approving
thirty values at once sends their owner one mail, not thirty); the notifications that went out
are marked `emailed`.
Files written to storage for a transaction that rolls back are removed; files of deleted evidence
are removed once the deletion commits.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from ekinerja.extensions import db
from ekinerja.realisations.models import Notification, NotificationKind

log = logging.getLogger("ekinerja.notify")
MAIL_KEY = "pending_mail"

SUBJECTS = {
    NotificationKind.SUBMITTED: "[e-Kinerja NTB] Realisasi menunggu persetujuan Anda",
    NotificationKind.RETURNED: "[e-Kinerja NTB] Realisasi Anda dikembalikan",
    NotificationKind.APPROVED: "[e-Kinerja NTB] Realisasi Anda disetujui",
}
FOOTER = "Pesan ini dikirim otomatis; mohon tidak membalas."


@dataclass
class PendingMail:
    to: str
    subject: str
    body: str
    notification: Notification | None = None  # marked emailed once the mail is accepted


def mail_enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def notify(users, kind: NotificationKind, realisation, message: str) -> list[Notification]:
    rows = []
    mail = mail_enabled()
    for user in users:
        if user is None:
            continue
        row = Notification(user_id=user.id, kind=kind, realisation=realisation, message=message)
        db.session.add(row)
        rows.append(row)
        if mail and user.email and getattr(user, "active", True):
            queue_mail(PendingMail(user.email, SUBJECTS[kind], message, row))
    return rows


def queue_mail(mail: PendingMail) -> None:
    """Send `mail` when (and only if) the session's transaction commits."""
    db.session.info.setdefault(MAIL_KEY, []).append(mail)


def tasks_url() -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/realisasi/tugas"


def compose(to: str, items: list[PendingMail]) -> EmailMessage:
    """One message for one recipient: the item's own subject, or a count when there are several."""
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    if len(items) == 1:
        msg["Subject"] = items[0].subject
        text = items[0].body
    else:
        msg["Subject"] = f"[e-Kinerja NTB] {len(items)} pemberitahuan baru"
        text = "\n\n".join(f"{n}. {item.body}" for n, item in enumerate(items, 1))
    msg.set_content(f"{text}\n\nBuka e-Kinerja NTB: {tasks_url()}\n\n{FOOTER}")
    return msg


def deliver(mails: list[PendingMail]) -> int:
    """Send the mails over one SMTP connection; return how many recipients accepted theirs.
    Failures are logged: the actions behind them are committed already and stay so."""
    by_address: dict[str, list[PendingMail]] = {}
    for mail in mails:
        by_address.setdefault(mail.to.strip().lower(), []).append(mail)
    config = current_app.config
    sent: list[PendingMail] = []
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            for items in by_address.values():
                try:
                    smtp.send_message(compose(items[0].to, items))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException,
                        smtplib.SMTPNotSupportedError, ValueError):
                    # this address only (refused, or not an address at all): the others still go;
                    # a lost connection (SMTPServerDisconnected, OSError) ends the batch below
                    log.exception("sending mail to %s failed", items[0].to)
                else:
                    sent += items
    except (OSError, smtplib.SMTPException):
        log.exception("sending %d mail(s) via %s:%s failed", len(by_address), config["SMTP_HOST"], config["SMTP_PORT"])
    _mark_emailed(sent)
    return len({m.to.strip().lower() for m in sent})


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one mail now (outside any transaction): True when the server accepted it."""
    return deliver([PendingMail(to, subject, body)]) == 1


def _mark_emailed(sent: list[PendingMail]) -> None:
    ids = []
    for mail in sent:
        state = inspect(mail.notification) if mail.notification is not None else None
        if state is not None and state.identity:  # committed: its id is known without a query
            ids.append(state.identity[0])
    if not ids:
        return
    try:
        # The session's transaction is over (this runs after its commit): a short one of its own.
        with db.engine.begin() as conn:
            conn.execute(update(Notification.__table__).where(Notification.__table__.c.id.in_(ids))
                         .values(emailed=True))
    except Exception:  # noqa: BLE001  (a flag that stays false must not turn a done action into an error)
        log.exception("marking %d notification(s) as e-mailed failed", len(ids))


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    mails = session.info.pop(MAIL_KEY, [])
    session.info.pop("stored_files", None)
    deleted = session.info.pop("deleted_files", [])
    if not has_app_context():
        return
    from ekinerja import storage
    for key in deleted:
        storage.delete(key)
    if mails and current_app.config.get("SMTP_HOST"):
        deliver(mails)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    """Every rollback of the whole transaction, even one that had no database work to undo, drops
    the queued mails and removes the files written for it (after_rollback would miss that case)."""
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction goes on
        return
    session.info.pop(MAIL_KEY, None)
    session.info.pop("deleted_files", None)
    written = session.info.pop("stored_files", [])
    if written and has_app_context():
        from ekinerja import storage
        for key in written:
            storage.delete(key)


# ---------------------------------------------------------------- reminders (flask periods remind)

@dataclass
class Reminder:
    """One user with values still to enter or submit for an open month: per scorecard, how many."""

    user: object
    month_name: str
    deadline: object
    items: list[tuple[str, int]]  # (scorecard owner, indicators not yet submitted)

    @property
    def count(self) -> int:
        return sum(n for _, n in self.items)

    def mail(self) -> PendingMail:
        from ekinerja.web import format_date_id

        lines = "\n".join(f"- {owner}: {n} indikator" for owner, n in self.items)
        return PendingMail(self.user.email, f"[e-Kinerja NTB] Pengingat: realisasi {self.month_name} belum diajukan",
                           f"Realisasi {self.month_name} berikut belum diisi atau belum diajukan:\n{lines}\n\n"
                           f"Batas pengisian: {format_date_id(self.deadline)}.")


def reminders(year: int, month: int) -> list[Reminder]:
    """Everyone who still has something to submit for month m, where the month is open for the
    scorecard's OPD: manual indicators with no value, a draft or a returned one. A few queries for
    the whole province, whatever its size."""
    from sqlalchemy import func, select

    from ekinerja.auth.models import User
    from ekinerja.bsc.models import Indicator, OwnerKind, Realisation, RealisationStatus, Rollup, Scorecard
    from ekinerja.realisations import approvers, periods

    done = (select(Realisation.indicator_id).where(
        Realisation.month == month,
        Realisation.status.in_([RealisationStatus.SUBMITTED, RealisationStatus.APPROVED])))
    pending = dict(db.session.execute(
        select(Indicator.scorecard_id, func.count()).where(
            Indicator.year == year, Indicator.rollup == Rollup.MANUAL, Indicator.id.not_in(done))
        .group_by(Indicator.scorecard_id)).all())
    if not pending:
        return []
    cards = db.session.scalars(select(Scorecard).where(Scorecard.id.in_(list(pending)))).all()
    open_for: dict[int | None, bool] = {}
    for opd_id in {sc.opd_id for sc in cards}:
        open_for[opd_id] = periods.month_state(year, month, opd_id).open
    cards = [sc for sc in cards if open_for[sc.opd_id]]
    # staff scorecards (nearly all of them): their users in one query; the few others one by one
    staff = {u.employee_id: u for u in db.session.scalars(select(User).where(
        User.employee_id.in_([sc.employee_id for sc in cards if sc.owner_kind == OwnerKind.EMPLOYEE]),
        User.active.is_(True)))}
    by_user: dict[int, Reminder] = {}
    name = periods.month_name(year, month)
    due = periods.deadline(year, month)
    for sc in sorted(cards, key=lambda c: c.id):
        owners = ([staff[sc.employee_id]] if sc.employee_id in staff else []) \
            if sc.owner_kind == OwnerKind.EMPLOYEE else approvers.owner_users(sc)
        for user in owners:
            reminder = by_user.setdefault(user.id, Reminder(user, name, due, []))
            reminder.items.append((sc.owner_name, pending[sc.id]))
    return sorted(by_user.values(), key=lambda r: r.user.id)
