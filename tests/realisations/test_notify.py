"""Notifications by e-mail, against a real SMTP server on 127.0.0.1 (aiosmtpd) started by the test:
a submission mails the approver, a return mails the owner with the comment; a refused action or a
rolled-back transaction mails nobody; a mail server that is down or refuses an address never undoes
the action (it is logged); the notifications that went out are marked `emailed`."""
from __future__ import annotations

import email
import logging
import socket
from email import policy

import pytest
from sqlalchemy import select

from ekinerja.bsc.models import Realisation, RealisationStatus
from ekinerja.errors import Conflict
from ekinerja.extensions import db
from ekinerja.realisations import notify
from ekinerja.realisations import services as rs
from ekinerja.realisations.models import Notification, NotificationKind

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    """An aiosmtpd handler that keeps every accepted message; addresses starting with "ditolak"
    are refused at RCPT, as a real server refuses an unknown mailbox."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("ditolak"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_config(app):
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT", "SMTP_STARTTLS", "SMTP_USER")}

    def set_(host, port):
        app.config.update(SMTP_HOST=host, SMTP_PORT=port, SMTP_TIMEOUT=5, SMTP_STARTTLS=False, SMTP_USER=None)
    yield set_
    app.config.update(saved)


@pytest.fixture
def inbox(smtp_config):
    handler = Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    smtp_config("127.0.0.1", port)
    yield handler
    controller.stop()


@pytest.fixture
def mailboxes(people):
    people.kabid.email = "kabid@ntbprov.go.id"
    people.staff1.email = "staf.satu@ntbprov.go.id"
    db.session.commit()
    return people


@pytest.fixture
def notify_log():
    """The records of the ekinerja.notify logger (the app's loggers do not propagate to the root,
    where caplog listens; and Alembic's fileConfig, run by the schema upgrade, disables loggers
    that existed before it, so the test turns it back on)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)
    handler, logger = Keep(logging.ERROR), logging.getLogger("ekinerja.notify")
    disabled, logger.disabled = logger.disabled, False
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.disabled = disabled


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def submitted(people, iku, value="25", month=4):
    r = rs.save(people.staff1, iku.s1, month, rs.Entry(value=value))
    return rs.submit(people.staff1, r, r.version)


def emailed_flags() -> list[bool]:
    with db.engine.connect() as conn:
        return [bool(v) for v in conn.execute(select(Notification.emailed).order_by(Notification.id)).scalars()]


# ------------------------------------------------------------------ what is sent

def test_a_submission_mails_the_approver_after_the_commit(org, iku, mailboxes, inbox):
    people = mailboxes
    r = submitted(people, iku)
    assert inbox.messages == []  # nothing before the commit
    db.session.commit()
    [mail] = inbox.to("kabid@ntbprov.go.id")
    assert mail["Subject"] == notify.SUBJECTS[NotificationKind.SUBMITTED]
    assert mail["From"] == "ekinerja@ntbprov.go.id"
    body = body_of(mail)
    assert "Staf Satu mengajukan realisasi April 2026" in body and iku.s1.code in body
    assert "http://localhost:5000/realisasi/tugas" in body
    assert inbox.envelopes[0].rcpt_tos == ["kabid@ntbprov.go.id"]
    assert len(inbox.messages) == 1  # the submitter himself gets nothing
    row = db.session.scalar(select(Notification).where(Notification.realisation_id == r.id))
    assert row.user_id == people.kabid.id and row.kind == NotificationKind.SUBMITTED
    assert emailed_flags() == [True]


def test_a_return_mails_the_owner_with_the_comment(org, iku, mailboxes, inbox):
    people = mailboxes
    r = submitted(people, iku)
    db.session.commit()
    rs.return_(people.kabid, r, r.version, "Lampirkan laporan bulanan yang ditandatangani.")
    db.session.commit()
    [mail] = inbox.to("staf.satu@ntbprov.go.id")
    assert mail["Subject"] == notify.SUBJECTS[NotificationKind.RETURNED]
    assert "dikembalikan: Lampirkan laporan bulanan yang ditandatangani." in body_of(mail)
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="26"), version=r.version)
    rs.submit(people.staff1, r, r.version)
    rs.approve(people.kabid, r, r.version)
    db.session.commit()
    # one commit, two events (resubmitted to the kabid, approved to the staff): one mail each
    assert len(inbox.to("kabid@ntbprov.go.id")) == 2
    approved = inbox.to("staf.satu@ntbprov.go.id")[-1]
    assert approved["Subject"] == notify.SUBJECTS[NotificationKind.APPROVED]
    assert emailed_flags() == [True, True, True, True]


def test_several_notifications_to_one_person_in_one_commit_are_one_mail(org, iku, mailboxes, inbox, realise):
    people = mailboxes
    first = submitted(people, iku, month=4)
    second = rs.save_and_submit(people.staff1, iku.s1, 5, rs.Entry(value="30"))
    db.session.commit()
    assert len(inbox.to("kabid@ntbprov.go.id")) == 1
    [mail] = inbox.to("kabid@ntbprov.go.id")
    assert mail["Subject"] == "[e-Kinerja NTB] 2 pemberitahuan baru"
    assert "April 2026" in body_of(mail) and "Mei 2026" in body_of(mail)
    rs.approve_many(people.kabid, [(first.id, first.version), (second.id, second.version)])
    db.session.commit()
    assert len(inbox.to("staf.satu@ntbprov.go.id")) == 1
    assert emailed_flags() == [True] * 4


def test_no_email_address_or_no_smtp_host_sends_nothing_but_notifies_in_the_app(org, iku, people, inbox, app):
    submitted(people, iku)  # the kabid has no address
    db.session.commit()
    people.kabid.email = "kabid@ntbprov.go.id"
    db.session.commit()
    host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None
    try:
        rs.save_and_submit(people.staff1, iku.s1, 5, rs.Entry(value="30"))
        db.session.commit()
    finally:
        app.config["SMTP_HOST"] = host
    assert inbox.messages == []
    assert emailed_flags() == [False, False]  # both in the app, neither e-mailed


# ------------------------------------------------------------------ what is not sent

def test_a_refused_action_sends_nothing(org, iku, mailboxes, inbox):
    people = mailboxes
    r = rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"))
    db.session.commit()
    with pytest.raises(Conflict):
        rs.submit(people.staff1, r, r.version + 1)  # a stale version
    db.session.rollback()  # what the edge does with a refusal
    db.session.commit()
    assert inbox.messages == []
    assert db.session.scalar(select(Notification.id)) is None


def test_a_batch_refused_halfway_sends_nothing(org, iku, mailboxes, inbox):
    """approve_many approves the first (queueing its mail), then meets a stale version: none is
    approved, and the queued mail never leaves."""
    people = mailboxes
    first = submitted(people, iku, month=4)
    second = rs.save_and_submit(people.staff1, iku.s1, 5, rs.Entry(value="30"))
    db.session.commit()
    inbox.messages.clear()
    with pytest.raises(Conflict):
        rs.approve_many(people.kabid, [(first.id, first.version), (second.id, second.version - 1)])
    db.session.rollback()
    db.session.commit()
    assert inbox.messages == []
    assert set(db.session.scalars(select(Realisation.status))) == {RealisationStatus.SUBMITTED}


def test_a_rolled_back_transaction_sends_nothing(org, iku, mailboxes, inbox):
    people = mailboxes
    submitted(people, iku)
    db.session.rollback()
    db.session.commit()  # a later commit does not send what was rolled back
    submitted(people, iku, month=5, value="30")
    db.session.commit()
    assert len(inbox.messages) == 1 and "Mei 2026" in body_of(inbox.messages[0])


# ------------------------------------------------------------------ a server that fails

def test_a_mail_server_that_is_down_does_not_break_the_action(org, iku, mailboxes, smtp_config, notify_log):
    people = mailboxes
    smtp_config("127.0.0.1", free_port())  # nothing listens there
    r = submitted(people, iku)
    db.session.commit()
    [record] = notify_log
    assert "sending 1 mail(s) via 127.0.0.1" in record.getMessage() and record.exc_info
    with db.engine.connect() as conn:
        assert conn.execute(select(Realisation.status).where(Realisation.id == r.id)).scalar() == "submitted"
    assert emailed_flags() == [False]  # in the app; the mail can be sent again later


def test_a_refused_address_does_not_stop_the_others(org, iku, mailboxes, inbox, notify_log):
    people = mailboxes
    people.staff1.email = "ditolak@ntbprov.go.id"
    people.staff2.email = "staf.dua@ntbprov.go.id"
    db.session.commit()
    one = submitted(people, iku)
    two = rs.save_and_submit(people.staff2, iku.s2, 4, rs.Entry(value="25"))
    db.session.commit()
    inbox.messages.clear()
    rs.approve_many(people.kabid, [(one.id, one.version), (two.id, two.version)])
    db.session.commit()
    assert [m["To"] for m in inbox.messages] == ["staf.dua@ntbprov.go.id"]
    assert [rec.getMessage() for rec in notify_log] == ["sending mail to ditolak@ntbprov.go.id failed"]
    assert emailed_flags() == [True, True, False, True]


def test_send_mail_now(app, ctx, inbox):
    assert notify.send_mail("siapa@ntbprov.go.id", "[e-Kinerja NTB] Uji", "Halo.") is True
    assert inbox.messages[0]["Subject"] == "[e-Kinerja NTB] Uji"
    assert notify.send_mail("ditolak@ntbprov.go.id", "[e-Kinerja NTB] Uji", "Halo.") is False


# ------------------------------------------------------------------ flask periods remind

def test_remind_mails_who_still_has_something_to_submit_in_an_open_month(runner, org, iku, mailboxes, inbox):
    people = mailboxes
    people.staff2.email = "staf.dua@ntbprov.go.id"
    people.op_a.email = "operator.a@ntbprov.go.id"
    rs.save_and_submit(people.staff2, iku.s2, 4, rs.Entry(value="25"))  # staff2 is done with April
    rs.save(people.staff1, iku.s1, 4, rs.Entry(value="25"))             # staff1 only has a draft
    db.session.commit()
    inbox.messages.clear()
    result = runner.invoke(args=["periods", "remind", "--year", "2026", "--month", "4"])
    assert result.exit_code == 0, result.output
    assert "3 pengguna masih punya yang belum diajukan" in result.output
    # staff1 (his own card), the kabid (the bidang's card) and OPD A's operator (the OPD's card)
    assert sorted(m["To"] for m in inbox.messages) == ["kabid@ntbprov.go.id", "operator.a@ntbprov.go.id",
                                                       "staf.satu@ntbprov.go.id"]
    [mail] = inbox.to("staf.satu@ntbprov.go.id")
    assert mail["Subject"] == "[e-Kinerja NTB] Pengingat: realisasi April 2026 belum diajukan"
    assert "- Staf Satu: 1 indikator" in body_of(mail) and "Batas pengisian: 10 Mei 2026." in body_of(mail)
    assert "3 dari 3 surel terkirim." in result.output


def test_remind_skips_closed_months_and_a_dry_run_sends_nothing(runner, org, iku, mailboxes, inbox):
    closed = runner.invoke(args=["periods", "remind", "--year", "2026", "--month", "3"])
    assert closed.exit_code == 0 and "0 pengguna" in closed.output
    dry = runner.invoke(args=["periods", "remind", "--year", "2026", "--month", "4", "--dry-run"])
    assert dry.exit_code == 0 and "(--dry-run)" in dry.output and mailboxes.staff1.username in dry.output
    assert inbox.messages == []
    bad = runner.invoke(args=["periods", "remind", "--year", "2026", "--month", "13"])
    assert bad.exit_code == 1 and "Periode tidak valid." in bad.output
