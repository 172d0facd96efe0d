"""Administration of the monthly periods (domain.md §4): the deadline day of a year, locking and
unlocking a month, and reopening a closed or locked month for named OPDs with a reason until a
date. Administrators only ("periods.manage"); the same actions exist as `flask periods ...`."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from ekinerja.auth.models import User
from ekinerja.auth.permissions import can, require
from ekinerja.errors import NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import BaseForm, saving
from ekinerja.org.models import Opd
from ekinerja.realisations import periods
from ekinerja.realisations.models import PeriodLock, PeriodReopening, PeriodSetting
from ekinerja.web import MONTHS_ID

bp = Blueprint("periods", __name__)

MONTH_CHOICES = [SelectChoice(m, name) for m, name in enumerate(MONTHS_ID, 1)]


@bp.before_request
@login_required
def _guard():
    require(can(current_user, "periods.manage"))


# ---------------------------------------------------------------- forms

class DeadlineForm(BaseForm):
    deadline_day = IntegerField("Tanggal batas pengisian (1–28)",
                                validators=[InputRequired("Tanggal batas wajib diisi.")])
    submit = SubmitField("Simpan tanggal batas")


def _id_or_none(value):
    """Coerce for the OPD multi-select: junk becomes None, which the view then names as unknown
    (WTForms' own message for it is English)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ReopenForm(BaseForm):
    month = SelectField("Bulan", choices=MONTH_CHOICES, coerce=int)
    # Checked against the OPD table in the view, with an Indonesian message (WTForms' is English).
    opd = SelectMultipleField("Perangkat daerah", coerce=_id_or_none, validate_choice=False)
    reason = TextAreaField("Alasan")
    # Empty passes here: the service says what is missing, with the other fields' messages.
    until = DateField("Dibuka sampai dengan tanggal", validators=[Optional()])
    submit = SubmitField("Buka kembali")


class ActionForm(BaseForm):
    """A bare POST with its CSRF token (lock, unlock)."""


# ---------------------------------------------------------------- the page

@dataclass
class MonthRow:
    state: periods.MonthState
    lock: PeriodLock | None = None
    locked_by: str | None = None
    reopenings: list = field(default_factory=list)  # (PeriodReopening, opd name, by whom)

    @property
    def name(self) -> str:
        return MONTHS_ID[self.state.month - 1]

    @property
    def badge(self) -> str:
        """The status class of the month's state: the words carry the meaning, the colour helps."""
        s = self.state
        if not s.started:
            return "grey"
        if s.open:
            return "green"
        return "red" if s.locked else "yellow"


def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else periods.today().year


def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise NotFound("Tahun tidak valid.")
    return year


def _opd_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(select(Opd).order_by(Opd.name))]


def _default_month(year: int) -> int:
    """The month most likely to be reopened: ?bulan=M (from a row's link), else the latest that has
    closed."""
    month = request.args.get("bulan", type=int)
    if month and 1 <= month <= 12:
        return month
    closed = [s.month for s in periods.year_states(year, None) if s.started and not s.open]
    return closed[-1] if closed else 1


def _reopen_form(year: int, posted: bool = False) -> ReopenForm:
    """The posted form (what was typed, to show again on a refusal), or a fresh one."""
    form = ReopenForm() if posted else ReopenForm(formdata=None, month=_default_month(year))
    form.opd.choices = _opd_choices()
    return form


def _deadline_form(year: int, posted: bool = False) -> DeadlineForm:
    return DeadlineForm() if posted else DeadlineForm(formdata=None, deadline_day=periods.deadline_day(year))


def _rows(year: int) -> list[MonthRow]:
    today = periods.today()
    rows = [MonthRow(s) for s in periods.year_states(year, None)]
    locker = aliased(User)
    for lock, name in db.session.execute(
            select(PeriodLock, locker.display_name).outerjoin(locker, PeriodLock.locked_by_id == locker.id)
            .where(PeriodLock.year == year)):
        rows[lock.month - 1].lock, rows[lock.month - 1].locked_by = lock, name
    for reopening, opd_name, by in db.session.execute(
            select(PeriodReopening, Opd.name, locker.display_name)
            .join(Opd, PeriodReopening.opd_id == Opd.id)
            .outerjoin(locker, PeriodReopening.created_by_id == locker.id)
            .where(PeriodReopening.year == year, PeriodReopening.until >= today)
            .order_by(PeriodReopening.month, Opd.name, PeriodReopening.until)):
        rows[reopening.month - 1].reopenings.append((reopening, opd_name, by))
    return rows


def _page(year: int, deadline_form: DeadlineForm | None = None, reopen_form: ReopenForm | None = None,
          status: int = 200):
    setting = db.session.get(PeriodSetting, year)
    return render_template(
        "realisations/periods.html", year=year, rows=_rows(year), today=periods.today(),
        deadline_day=periods.deadline_day(year), setting=setting,
        default_day=int(current_app.config.get("REALISATION_DEADLINE_DAY", periods.DEFAULT_DEADLINE_DAY)),
        deadline_form=deadline_form or _deadline_form(year), reopen_form=reopen_form or _reopen_form(year),
        action=ActionForm()), status


@bp.get("/")
def index():
    return _page(_year_arg())


# ---------------------------------------------------------------- the actions

@bp.post("/<int:year>/batas")
def deadline(year: int):
    _check_year(year)
    form = _deadline_form(year, posted=True)
    if form.validate_on_submit():
        with saving(form) as saved:
            periods.set_deadline_day(current_user, year, form.deadline_day.data)
        if saved:
            flash(f"Batas pengisian tahun {year}: tanggal {form.deadline_day.data} bulan berikutnya.", "success")
            return redirect(url_for("periods.index", tahun=year))
    return _page(year, deadline_form=form, status=422)


def _month_action(year: int, month: int, act) -> None:
    """Lock or unlock: a refusal (a month that does not exist) becomes a message, never a change."""
    _check_year(year)
    if not ActionForm().validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu kirim kembali.", "error")
        return
    try:
        message = act()
    except ValidationFailed as exc:
        db.session.rollback()
        flash(" ".join([exc.message] + [d["message"] for d in exc.details]), "error")
        return
    db.session.commit()
    flash(*message)


@bp.post("/<int:year>/<int:month>/kunci")
def lock(year: int, month: int):
    def act():
        already = db.session.scalar(select(PeriodLock.id).where(PeriodLock.year == year, PeriodLock.month == month))
        periods.lock(current_user, year, month)
        name = periods.month_name(year, month)
        if already is not None:
            return f"Periode {name} sudah dikunci sebelumnya.", "info"
        return f"Periode {name} dikunci: realisasinya tidak dapat diubah lagi kecuali dibuka kembali.", "success"
    _month_action(year, month, act)
    return redirect(url_for("periods.index", tahun=year))


@bp.post("/<int:year>/<int:month>/buka-kunci")
def unlock(year: int, month: int):
    def act():
        name = periods.month_name(year, month)
        if periods.unlock(current_user, year, month):
            state = periods.month_state(year, month, None)
            after = "terbuka sampai batas pengisiannya" if state.open else "tetap ditutup karena batas pengisiannya lewat"
            return f"Kunci periode {name} dibuka; periode ini {after}.", "success"
        return f"Periode {name} tidak sedang dikunci.", "info"
    _month_action(year, month, act)
    return redirect(url_for("periods.index", tahun=year))


@bp.post("/<int:year>/buka-kembali")
def reopen(year: int):
    _check_year(year)
    form = _reopen_form(year, posted=True)
    if form.validate_on_submit():
        ids = set(form.opd.data or [])  # None (junk) is never an OPD id: it counts as unknown
        opds = db.session.scalars(select(Opd).where(Opd.id.in_(ids - {None})).order_by(Opd.name)).all() if ids else []
        with saving(form) as saved:
            if len(opds) != len(ids):
                raise ValidationFailed("Perangkat daerah tidak dikenal.",
                                       [{"field": "opd", "message": "Ada perangkat daerah yang tidak dikenal."}])
            periods.reopen(current_user, year, form.month.data, opds, form.reason.data, form.until.data)
        if saved:
            names = ", ".join(o.name for o in opds)
            flash(f"Periode {periods.month_name(year, form.month.data)} dibuka kembali untuk {names} "
                  f"sampai dengan {form.until.data.day} {MONTHS_ID[form.until.data.month - 1]} "
                  f"{form.until.data.year}.", "success")
            return redirect(url_for("periods.index", tahun=year))
    return _page(year, reopen_form=form, status=422)
