"""Notifications: a row per user in the app, and an e-mail when SMTP is configured.

E-mails are queued on the session and sent only after the transaction commits (a refused or
rolled-back action sends nothing); a mail server that fails is logged, never undoes the action.
Files written to storage for a transaction that rolls back are removed; files of deleted evidence
are removed once the deletion commits.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import event
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


def notify(users, kind: NotificationKind, realisation, message: str) -> list[Notification]:
    rows = []
    for user in users:
        if user is None:
            continue
        row = Notification(user_id=user.id, kind=kind, realisation=realisation, message=message)
        db.session.add(row)
        rows.append(row)
        if has_app_context() and current_app.config.get("SMTP_HOST") and user.email:
            db.session.info.setdefault(MAIL_KEY, []).append((user.email, SUBJECTS[kind], message))
    return rows


def send_mail(to: str, subject: str, body: str) -> bool:
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(f"{body}\n\nBuka e-Kinerja NTB: {config['BASE_URL'].rstrip('/')}/realisasi/tugas\n\n"
                    "Pesan ini dikirim otomatis; mohon tidak membalas.")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(msg)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("sending mail to %s failed", to)
        return False


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
    for to, subject, body in mails:
        send_mail(to, subject, body)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(MAIL_KEY, None)
    session.info.pop("deleted_files", None)
    written = session.info.pop("stored_files", [])
    if written and has_app_context():
        from ekinerja import storage
        for key in written:
            storage.delete(key)
