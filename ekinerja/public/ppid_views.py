"""PPID pages (no login for the public part; the officer's pages need ppid.manage).

Public (UU 14/2008, Perki 1/2021; domain.md §7): anyone files an information request and gets a
registration number and the deadline, tracks it by number, and objects with the number and the
contact given in the request. These pages never show the requester's name, address or contact,
nor the texts the requester typed (they may hold personal data): only number, dates, status, the
addressed OPD and the officer's answer or reason. They are never cached (Cache-Control no-store),
and their POSTs are limited in size before the body is read.

Officers (the governor's office and the administrator, "ppid.manage") answer, extend once or
refuse with a reason, and answer objections; the administrator ("periods.manage") keeps the list
of holidays that working days skip.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ekinerja.auth.models import User
from ekinerja.auth.permissions import can, require
from ekinerja.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ekinerja.extensions import csrf, db
from ekinerja.forms_util import BaseForm, apply_errors, saving
from ekinerja.org.models import Opd
from ekinerja.public import ppid, workdays
from ekinerja.public.models import (Delivery, Holiday, InfoForm, InformationRequest, Objection,
                                    ObjectionStatus, RequestStatus)
from ekinerja.realisations.periods import today
from ekinerja.web import WITA, format_date_id

bp = Blueprint("ppid", __name__)

MAX_PUBLIC_POST = 32 * 1024  # a request form with every field at its longest is about 9 KB
TOO_LONG = "Isian terlalu panjang. Persingkat rincian atau tujuan lalu kirim kembali."
STALE_FORM = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim kembali."
UNMATCHED = "Nomor registrasi dan kontak tidak cocok dengan permohonan mana pun. Periksa kembali keduanya."
RECEIPT_KEY = "ppid_receipt"            # the number of the request this browser just filed
OBJECTION_RECEIPT_KEY = "ppid_objection"

# Grounds of a refusal: the exemptions of UU 14/2008 Pasal 17, and information not held.
REFUSAL_GROUNDS = [
    ("17a", "Pasal 17 huruf a: menghambat proses penegakan hukum"),
    ("17b", "Pasal 17 huruf b: mengganggu perlindungan hak atas kekayaan intelektual dan persaingan usaha"),
    ("17c", "Pasal 17 huruf c: membahayakan pertahanan dan keamanan negara"),
    ("17d", "Pasal 17 huruf d: mengungkapkan kekayaan alam Indonesia"),
    ("17e", "Pasal 17 huruf e: merugikan ketahanan ekonomi nasional"),
    ("17f", "Pasal 17 huruf f: merugikan kepentingan hubungan luar negeri"),
    ("17g", "Pasal 17 huruf g: mengungkapkan isi akta otentik yang bersifat pribadi atau wasiat"),
    ("17h", "Pasal 17 huruf h: mengungkap rahasia pribadi"),
    ("17i", "Pasal 17 huruf i: memorandum atau surat antar/intra badan publik yang dirahasiakan"),
    ("17j", "Pasal 17 huruf j: tidak boleh diungkapkan berdasarkan undang-undang"),
    ("tidak-dikuasai", "Informasi belum dikuasai atau belum didokumentasikan"),
]
# Grounds of an objection: UU 14/2008 Pasal 35 ayat (1).
OBJECTION_GROUNDS = [
    ("a", "Permohonan informasi ditolak"),
    ("b", "Informasi berkala tidak disediakan"),
    ("c", "Permohonan informasi tidak ditanggapi"),
    ("d", "Permohonan ditanggapi tidak sebagaimana yang diminta"),
    ("e", "Permohonan informasi tidak dipenuhi"),
    ("f", "Biaya yang dikenakan tidak wajar"),
    ("g", "Informasi disampaikan melebihi jangka waktu"),
]


# ---------------------------------------------------------------- forms

def _select(pairs, empty: str) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(key, label) for key, label in pairs]


def _length(limit: int, label: str) -> Length:
    return Length(max=limit, message=f"{label} paling panjang {limit} karakter.")


class RequestForm(BaseForm):
    """Field names are the service's, so its messages land on the right field."""

    name = StringField("Nama lengkap", validators=[_length(120, "Nama")])
    address = StringField("Alamat", validators=[_length(255, "Alamat")])
    contact = StringField("Nomor telepon atau e-mail", validators=[_length(120, "Kontak")])
    opd_id = SelectField("Perangkat daerah yang dituju", validate_choice=False)
    information = TextAreaField("Rincian informasi yang dibutuhkan",
                                validators=[_length(ppid.TEXT_LIMIT, "Rincian informasi")])
    purpose = TextAreaField("Tujuan penggunaan informasi", validators=[_length(ppid.TEXT_LIMIT, "Tujuan")])
    form = RadioField("Bentuk informasi", choices=[SelectChoice(f.value, f.label) for f in InfoForm],
                      validate_choice=False)
    delivery = RadioField("Cara mendapatkan informasi", choices=[SelectChoice(d.value, d.label) for d in Delivery],
                          validate_choice=False)
    submit = SubmitField("Kirim permohonan")


class ObjectionForm(BaseForm):
    number = StringField("Nomor registrasi permohonan",
                         validators=[InputRequired("Nomor registrasi wajib diisi."), _length(20, "Nomor registrasi")])
    contact = StringField("Nomor telepon atau e-mail yang diisi pada permohonan",
                          validators=[InputRequired("Nomor telepon atau e-mail wajib diisi."), _length(120, "Kontak")])
    grounds = SelectField("Alasan keberatan", choices=_select(OBJECTION_GROUNDS, "— Pilih alasan —"),
                          validators=[InputRequired("Pilih alasan keberatan.")], validate_choice=False)
    reason = TextAreaField("Uraian keberatan", validators=[_length(3500, "Uraian keberatan")])
    submit = SubmitField("Ajukan keberatan")


class AnswerForm(BaseForm):
    answer = TextAreaField("Jawaban", validators=[_length(ppid.TEXT_LIMIT, "Jawaban")])
    submit = SubmitField("Kirim jawaban")


class ExtendForm(BaseForm):
    reason = TextAreaField("Alasan perpanjangan", validators=[_length(ppid.TEXT_LIMIT, "Alasan perpanjangan")])


class RefuseForm(BaseForm):
    grounds = SelectField("Dasar penolakan", choices=_select(REFUSAL_GROUNDS, "— Pilih dasar penolakan —"),
                          validators=[InputRequired("Pilih dasar penolakan.")], validate_choice=False)
    reason = TextAreaField("Pertimbangan (uji konsekuensi)",
                           validators=[InputRequired("Pertimbangan penolakan wajib diisi."),
                                       _length(3500, "Pertimbangan")])
    submit = SubmitField("Tolak permohonan")


class ObjectionAnswerForm(BaseForm):
    answer = TextAreaField("Tanggapan atas keberatan", validators=[_length(ppid.TEXT_LIMIT, "Tanggapan")])
    submit = SubmitField("Kirim tanggapan")


class HolidayForm(BaseForm):
    date = DateField("Tanggal", validators=[Optional()])
    name = StringField("Keterangan", validators=[_length(120, "Nama hari libur")])
    submit = SubmitField("Tambah hari libur")


def _ground(choices, key: str | None) -> str | None:
    return dict(choices).get(key or "")


# ---------------------------------------------------------------- the public side

@bp.after_request
def _never_cached(response):
    """Forms with a CSRF token and pages about one person's request: no browser or proxy keeps them."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        if request.endpoint not in FORM_ENDPOINTS:  # a request's own pages: reached by number, never listed
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    return response


def _posted(form_class):
    """The posted form, read only after the body is limited; None when the body is too large.
    The form checks its own CSRF token (the views are exempt from the global check, which would
    read the body before the limit is set)."""
    request.max_content_length = MAX_PUBLIC_POST
    try:
        return form_class()
    except RequestEntityTooLarge:
        return None


def _opd_choices() -> list[SelectChoice]:
    opds = db.session.execute(select(Opd.id, Opd.name).order_by(Opd.name)).all()
    return _select([(str(i), name) for i, name in opds], "— Tidak tahu / PPID Utama Pemprov NTB —")


def _request_page(form: RequestForm, status: int = 200, error: str | None = None):
    form.opd_id.choices = _opd_choices()
    return render_template("ppid/permohonan.html", form=form, error=error,
                           answer_days=ppid.ANSWER_DAYS, extension_days=ppid.EXTENSION_DAYS), status


@bp.get("/permohonan")
def request_form():
    form = RequestForm(formdata=None)
    code = request.args.get("opd", "")[:32]
    if code:
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == code))
        form.opd_id.data = str(opd_id) if opd_id else ""
    return _request_page(form)


@bp.post("/permohonan")
@csrf.exempt  # RequestForm checks its token, after the size limit (see _posted)
def request_submit():
    form = _posted(RequestForm)
    if form is None:
        return _request_page(RequestForm(formdata=None), 413, TOO_LONG)
    form.opd_id.choices = _opd_choices()
    if not form.validate():
        if form.meta.csrf and form.csrf_token.errors:
            return _request_page(form, 400, STALE_FORM)
        return _request_page(form, 422)
    try:
        with saving(form) as saved:
            filed = ppid.submit_request(
                name=form.name.data, address=form.address.data, contact=form.contact.data,
                information=form.information.data, purpose=form.purpose.data, form=form.form.data,
                delivery=form.delivery.data, opd_id=form.opd_id.data or None)
            number = filed.number
    except Conflict as exc:  # another request took the number at the same moment: send again, nothing lost
        db.session.rollback()
        return _request_page(form, 409, exc.message)
    if not saved:
        return _request_page(form, 422)
    session[RECEIPT_KEY] = number
    return redirect(url_for("ppid.request_receipt"), 303)


@bp.get("/permohonan/terkirim")
def request_receipt():
    """The receipt of the request this browser filed: number, deadline, what to keep."""
    number = session.get(RECEIPT_KEY)
    if not number:
        return redirect(url_for("ppid.request_form"))
    try:
        filed = ppid.track(number)
    except NotFound:
        session.pop(RECEIPT_KEY, None)
        return redirect(url_for("ppid.request_form"))
    return render_template("ppid/permohonan_terkirim.html", r=filed, answer_days=ppid.ANSWER_DAYS,
                           extension_days=ppid.EXTENSION_DAYS)


@bp.get("/lacak")
def tracking():
    """?nomor=PPID/2026/0001: what anyone may know of a request. Every unknown number (or any text
    that is not one) gets the same answer."""
    typed = (request.args.get("nomor") or "").strip()
    if not typed:
        return render_template("ppid/lacak.html", typed="", r=None)
    found = None
    if len(typed) <= 20:
        try:
            found = ppid.track(typed)
        except NotFound:
            found = None
    if found is None:
        return render_template("ppid/lacak.html", typed=typed[:20], r=None, unknown=True), 404
    return render_template("ppid/lacak.html", typed=found.number, r=found, objection=found.objection)


def _objection_page(form: ObjectionForm, status: int = 200, error: str | None = None):
    return render_template("ppid/keberatan.html", form=form, error=error,
                           objection_days=ppid.OBJECTION_DAYS), status


@bp.get("/keberatan")
def objection_form():
    return _objection_page(ObjectionForm(formdata=None, number=(request.args.get("nomor") or "")[:20]))


@bp.post("/keberatan")
@csrf.exempt  # ObjectionForm checks its token, after the size limit (see _posted)
def objection_submit():
    form = _posted(ObjectionForm)
    if form is None:
        return _objection_page(ObjectionForm(formdata=None), 413, TOO_LONG)
    if not form.validate():
        if form.meta.csrf and form.csrf_token.errors:
            return _objection_page(form, 400, STALE_FORM)
        return _objection_page(form, 422)
    ground = _ground(OBJECTION_GROUNDS, form.grounds.data)
    if ground is None:
        form.grounds.errors = ["Pilih alasan keberatan dari daftar."]
        return _objection_page(form, 422)
    detail = (form.reason.data or "").strip()
    try:
        objection = ppid.submit_objection(form.number.data, form.contact.data,
                                          f"{ground}. {detail}" if detail else ground)
    except ValidationFailed as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _objection_page(form, 422)
    except NotFound:  # an unknown number and a wrong contact: one answer
        db.session.rollback()
        return _objection_page(form, 422, UNMATCHED)
    except InvalidTransition as exc:  # objected already, or too early
        db.session.rollback()
        return _objection_page(form, 422, exc.message)
    number = objection.request.number
    db.session.commit()
    session[OBJECTION_RECEIPT_KEY] = number
    return redirect(url_for("ppid.objection_receipt"), 303)


@bp.get("/keberatan/terkirim")
def objection_receipt():
    number = session.get(OBJECTION_RECEIPT_KEY)
    found = None
    if number:
        try:
            found = ppid.track(number)
        except NotFound:
            found = None
    if found is None or found.objection is None:
        session.pop(OBJECTION_RECEIPT_KEY, None)
        return redirect(url_for("ppid.objection_form"))
    return render_template("ppid/keberatan_terkirim.html", r=found, objection=found.objection,
                           objection_days=ppid.OBJECTION_DAYS)


FORM_ENDPOINTS = {"ppid.request_form", "ppid.request_submit", "ppid.objection_form", "ppid.objection_submit"}
PUBLIC_ENDPOINTS = FORM_ENDPOINTS | {"ppid.request_receipt", "ppid.tracking", "ppid.objection_receipt"}


# ---------------------------------------------------------------- the officers

def _officer() -> None:
    require(can(current_user, "ppid.manage"), ppid.DENIED)


@dataclass
class Deadline:
    """How a request or objection stands against its deadline: the words carry it, colour helps."""

    label: str
    colour: str

    @classmethod
    def of(cls, deadline: date, on: date) -> Deadline:
        if on > deadline:
            return cls(f"Lewat batas waktu {(on - deadline).days} hari", "red")
        if on == deadline:
            return cls("Batas waktu hari ini", "yellow")
        return cls(f"{(deadline - on).days} hari lagi", "green")


def _late(done: InformationRequest) -> bool:
    """Answered or refused after its deadline (the day in NTB)."""
    at = done.answered_at
    if at is None:
        return False
    local = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(WITA).date()
    return local > done.deadline


def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else today().year


def _history(year: int) -> list[InformationRequest]:
    """Requests of a year (by their number) that were answered or refused, latest first."""
    return list(db.session.scalars(
        select(InformationRequest).options(selectinload(InformationRequest.opd))
        .where(InformationRequest.number.like(f"PPID/{year}/%"),
               InformationRequest.status.in_((RequestStatus.ANSWERED, RequestStatus.REFUSED)))
        .order_by(InformationRequest.number.desc())))


def _objections(year: int) -> tuple[list[Objection], list[Objection]]:
    """Open objections (nearest deadline first) and those of the year's requests already answered."""
    rows = db.session.scalars(
        select(Objection).options(selectinload(Objection.request))
        .join(InformationRequest, Objection.request_id == InformationRequest.id)
        .where((Objection.status == ObjectionStatus.RECEIVED) | InformationRequest.number.like(f"PPID/{year}/%"))
        .order_by(Objection.due_date, Objection.id)).all()
    return ([o for o in rows if o.status == ObjectionStatus.RECEIVED],
            [o for o in rows if o.status == ObjectionStatus.ANSWERED])


@bp.get("/petugas")
@login_required
def officer_index():
    _officer()
    year, on = _year_arg(), today()
    waiting = ppid.open_requests(current_user)
    opd_names = dict(db.session.execute(select(Opd.id, Opd.name).where(
        Opd.id.in_({r.opd_id for r in waiting if r.opd_id}))).all()) if waiting else {}
    open_objections, answered_objections = _objections(year)
    return render_template(
        "ppid/petugas.html", year=year, today=on, waiting=[(r, Deadline.of(r.deadline, on)) for r in waiting],
        opd_names=opd_names, history=[(r, _late(r)) for r in _history(year)],
        open_objections=[(o, Deadline.of(o.due_date, on)) for o in open_objections],
        answered_objections=answered_objections, keeps_holidays=can(current_user, "periods.manage"))


def _request_or_404(request_id: int) -> InformationRequest:
    found = db.session.get(InformationRequest, request_id)
    if found is None:
        abort(404)
    return found


def _answered_by(user_id: int | None) -> str | None:
    return db.session.scalar(select(User.display_name).where(User.id == user_id)) if user_id else None


def _request_detail(found: InformationRequest, answer_form=None, extend_form=None, refuse_form=None,
                    status: int = 200):
    on = today()
    return render_template(
        "ppid/petugas_permohonan.html", r=found, today=on, state=Deadline.of(found.deadline, on),
        answered_by=_answered_by(found.answered_by_id),
        answer_form=answer_form or AnswerForm(formdata=None), extend_form=extend_form or ExtendForm(formdata=None),
        refuse_form=refuse_form or RefuseForm(formdata=None),
        may_extend=found.status == RequestStatus.RECEIVED and on <= found.due_date,
        extension_days=ppid.EXTENSION_DAYS), status


@bp.get("/petugas/permohonan/<int:request_id>")
@login_required
def officer_request(request_id: int):
    _officer()
    return _request_detail(_request_or_404(request_id))


def _act_on_request(request_id: int, form_class, slot: str, act, done: str):
    """The edge of an officer's action: a refusal by the rules (already decided, extended twice)
    becomes a message; missing text is shown on the form with what was typed."""
    _officer()
    found = _request_or_404(request_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            with saving(form) as saved:
                act(found, form)
        except InvalidTransition as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("ppid.officer_request", request_id=request_id))
        if saved:
            flash(done.format(number=found.number), "success")
            return redirect(url_for("ppid.officer_request", request_id=request_id))
    db.session.refresh(found)
    return _request_detail(found, status=422, **{slot: form})


@bp.post("/petugas/permohonan/<int:request_id>/jawab")
@login_required
def officer_answer(request_id: int):
    return _act_on_request(request_id, AnswerForm, "answer_form",
                           lambda r, f: ppid.answer(current_user, r, f.answer.data),
                           "Jawaban atas permohonan {number} disimpan.")


@bp.post("/petugas/permohonan/<int:request_id>/perpanjang")
@login_required
def officer_extend(request_id: int):
    return _act_on_request(request_id, ExtendForm, "extend_form",
                           lambda r, f: ppid.extend(current_user, r, f.reason.data),
                           "Batas waktu permohonan {number} diperpanjang 7 hari kerja.")


def _refuse(found: InformationRequest, form: RefuseForm) -> None:
    """The reason kept is the grounds and the officer's consideration, both required."""
    ground, consideration = _ground(REFUSAL_GROUNDS, form.grounds.data), (form.reason.data or "").strip()
    errors = []
    if ground is None:
        errors.append({"field": "grounds", "message": "Pilih dasar penolakan dari daftar."})
    if not consideration:
        errors.append({"field": "reason", "message": "Pertimbangan penolakan wajib diisi."})
    if errors:
        raise ValidationFailed("Alasan penolakan belum lengkap.", errors)
    ppid.refuse(current_user, found, f"{ground}. {consideration}")


@bp.post("/petugas/permohonan/<int:request_id>/tolak")
@login_required
def officer_refuse(request_id: int):
    return _act_on_request(request_id, RefuseForm, "refuse_form", _refuse, "Permohonan {number} ditolak.")


def _objection_or_404(objection_id: int) -> Objection:
    found = db.session.get(Objection, objection_id)
    if found is None:
        abort(404)
    return found


def _objection_detail(objection: Objection, form=None, status: int = 200):
    on = today()
    return render_template(
        "ppid/petugas_keberatan.html", o=objection, r=objection.request, today=on,
        state=Deadline.of(objection.due_date, on), answered_by=_answered_by(objection.answered_by_id),
        form=form or ObjectionAnswerForm(formdata=None)), status


@bp.get("/petugas/keberatan/<int:objection_id>")
@login_required
def officer_objection(objection_id: int):
    _officer()
    return _objection_detail(_objection_or_404(objection_id))


@bp.post("/petugas/keberatan/<int:objection_id>/jawab")
@login_required
def officer_objection_answer(objection_id: int):
    _officer()
    objection = _objection_or_404(objection_id)
    form = ObjectionAnswerForm()
    if form.validate_on_submit():
        try:
            with saving(form) as saved:
                ppid.answer_objection(current_user, objection, form.answer.data)
        except InvalidTransition as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("ppid.officer_objection", objection_id=objection_id))
        if saved:
            flash(f"Tanggapan atas keberatan permohonan {objection.request.number} disimpan.", "success")
            return redirect(url_for("ppid.officer_objection", objection_id=objection_id))
    db.session.refresh(objection)
    return _objection_detail(objection, form, 422)


# ---------------------------------------------------------------- holidays (the administrator)

def _holiday_keeper() -> None:
    require(can(current_user, "periods.manage"), "Hanya administrator yang dapat mengubah daftar hari libur.")


def _holidays_page(year: int, form: HolidayForm | None = None, status: int = 200):
    return render_template("ppid/libur.html", year=year, holidays=workdays.holidays(year),
                           form=form or HolidayForm(formdata=None), remove=BaseForm(formdata=None)), status


@bp.get("/petugas/libur")
@login_required
def officer_holidays():
    _holiday_keeper()
    return _holidays_page(_year_arg())


@bp.post("/petugas/libur")
@login_required
def officer_holiday_add():
    _holiday_keeper()
    form = HolidayForm()
    year = _year_arg()
    if form.validate_on_submit():
        with saving(form) as saved:
            holiday = workdays.add_holiday(current_user, form.date.data, form.name.data)
            added = (holiday.date, holiday.name)
        if saved:
            flash(f"{added[1]} ({format_date_id(added[0])}) ditambahkan ke daftar hari libur.", "success")
            return redirect(url_for("ppid.officer_holidays", tahun=added[0].year))
    return _holidays_page(form.date.data.year if form.date.data else year, form, 422)


@bp.post("/petugas/libur/<int:holiday_id>/hapus")
@login_required
def officer_holiday_remove(holiday_id: int):
    _holiday_keeper()
    if not BaseForm().validate_on_submit():
        flash(STALE_FORM, "error")
        return redirect(url_for("ppid.officer_holidays", tahun=_year_arg()))
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    day, name = holiday.date, holiday.name
    workdays.remove_holiday(current_user, holiday_id)
    db.session.commit()
    flash(f"{name} ({format_date_id(day)}) dihapus dari daftar hari libur.", "success")
    return redirect(url_for("ppid.officer_holidays", tahun=day.year))


# The Daftar Informasi Publik and the OPDs' periodic reports add their routes to this blueprint.
from ekinerja.public import dip_views  # noqa: E402,F401
