"""The Excel round-trip of a month's realisations for an OPD operator or a unit head (and the
governor's office for the province's IKU): a page that explains it, the download, the upload with
its preview, and the confirmation that applies the valid rows in one transaction.

Stateless across hosts: the uploaded file waits in the shared storage under a random key; the
preview page carries that key in a token signed with SECRET_KEY and the user's id, so only the one
who uploaded it can confirm it, on any host.
"""
from __future__ import annotations

import io

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileField
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired

from ekinerja import storage
from ekinerja.errors import PermissionDenied, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import BaseForm, apply_errors
from ekinerja.realisations import periods, workbook
from ekinerja.realisations.evidence import XLSX

bp = Blueprint("realisations_excel", __name__)
TOKEN_SALT = "realisasi-excel"
TOKEN_MAX_AGE = 24 * 3600


class UploadForm(BaseForm):
    file = FileField("Buku kerja yang sudah diisi (.xlsx)")
    ajukan = BooleanField("Ajukan sekaligus ke atasan (baris yang belum dapat diajukan ditandai galat)")
    submit = SubmitField("Unggah dan lihat pratinjau")


class ConfirmForm(BaseForm):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Terapkan")


@bp.before_request
@login_required
def _login():
    return None


@bp.context_processor
def _labels():
    return {"ROW_STATUS_LABELS": workbook.ROW_STATUS_LABELS, "RowStatus": workbook.RowStatus}


# ---------------------------------------------------------------- request arguments

def _scope() -> workbook.Scope:
    """?lingkup=opd:ID|unit:ID|provinsi (the page's select) or ?opd=ID / ?unit=ID."""
    chosen = request.args.get("lingkup", "")
    kind, _, ident = chosen.partition(":")
    opd_id = request.args.get("opd", type=int)
    unit_id = request.args.get("unit", type=int)
    if kind in ("opd", "unit") and ident.isdigit():
        opd_id, unit_id = (int(ident), None) if kind == "opd" else (None, int(ident))
    return workbook.resolve_scope(current_user, opd_id=opd_id, unit_id=unit_id, province=chosen == "provinsi")


def _period(scope: workbook.Scope) -> tuple[int, int]:
    year = request.args.get("tahun", type=int)
    if not year or not 2000 <= year <= 2100:
        year = periods.today().year
    month = request.args.get("bulan", type=int)
    if not month or not 1 <= month <= 12:
        month = periods.default_month(year, scope.opd_id)
    return year, month


def _scope_args(scope: workbook.Scope) -> dict:
    if scope.kind == "province":
        return {"lingkup": "provinsi"}
    return {"unit": scope.unit.id} if scope.kind == "unit" else {"opd": scope.opd.id}


def _require_some_scope() -> None:
    """Checked before anything is read or stored: who has no scope gets 403 and leaves nothing."""
    if not workbook.scopes_for(current_user):
        raise PermissionDenied(workbook.NO_SCOPE)


# ---------------------------------------------------------------- the page and the download

@bp.get("/")
def index():
    scope = _scope()
    year, month = _period(scope)
    state = periods.month_state(year, month, scope.opd_id)
    return render_template("realisations/excel_index.html", scope=scope, year=year, month=month, state=state,
                           choices=workbook.scope_choices(current_user), scope_args=_scope_args(scope),
                           form=UploadForm(), max_mb=workbook.max_bytes() // (1024 * 1024),
                           months=periods.MONTHS_ID)


@bp.get("/unduh")
def download():
    scope = _scope()
    year, month = _period(scope)
    data = workbook.build(current_user, scope, year, month)
    return send_file(io.BytesIO(data), mimetype=XLSX.content_type, as_attachment=True,
                     download_name=f"realisasi-{scope.slug}-{year}-{month:02d}.xlsx")


# ---------------------------------------------------------------- upload and preview

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def sign_upload(key: str, user_id: int, submit: bool) -> str:
    return _serializer().dumps({"k": key, "u": user_id, "s": bool(submit)})


def read_token(token: str, user) -> tuple[str, bool]:
    """The stored upload's key and the submit choice, from a token this user was given."""
    try:
        payload = _serializer().loads(token or "", max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise ValidationFailed("Pratinjau sudah kedaluwarsa (lebih dari 24 jam). Unggah ulang buku kerja.") from None
    except BadSignature:
        raise PermissionDenied("Tanda unggahan tidak sah. Unggah ulang buku kerja.") from None
    if not isinstance(payload, dict) or payload.get("u") != user.id or not isinstance(payload.get("k"), str):
        raise PermissionDenied("Unggahan ini milik pengguna lain; Anda tidak dapat menerapkannya.")
    return payload["k"], bool(payload.get("s"))


def _upload_page(form, status: int = 200):
    return render_template("realisations/excel_upload.html", form=form,
                           max_mb=workbook.max_bytes() // (1024 * 1024)), status


@bp.route("/unggah", methods=["GET", "POST"])
def upload():
    _require_some_scope()
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(form)
    if not form.validate_on_submit():
        return _upload_page(form, 422)
    file = form.file.data
    if file is None or not getattr(file, "filename", None):
        form.file.errors = ["Pilih berkas .xlsx yang akan diunggah."]
        return _upload_page(form, 422)
    data = file.stream.read(workbook.max_bytes() + 1)
    submit = bool(form.ajukan.data)
    try:
        result = workbook.preview(current_user, data, submit)
    except ValidationFailed as exc:  # not a realisation workbook: nothing stored
        apply_errors(form, exc)
        return _upload_page(form, 422)
    token = ""
    if result.actionable:
        token = sign_upload(workbook.store_upload(data), current_user.id, submit)
    confirm = ConfirmForm(formdata=None, token=token)
    return render_template("realisations/excel_preview.html", preview=result, confirm=confirm,
                           filename=file.filename)


@bp.post("/terapkan")
def apply():
    _require_some_scope()
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise ValidationFailed("Formulir penerapan tidak lengkap. Unggah ulang buku kerja.")
    key, submit = read_token(form.token.data, current_user)
    data = workbook.read_stored(key)
    try:
        result = workbook.apply(current_user, data, submit)
    except workbook.ApplyFailed as exc:
        # Rolled back already; the upload stays so that the same token may be tried again.
        return render_template("realisations/excel_result.html", failed=exc, preview=None,
                               retry=ConfirmForm(formdata=None, token=form.token.data)), exc.status_code
    db.session.commit()
    storage.delete(key)
    return render_template("realisations/excel_result.html", failed=None, preview=result, retry=None,
                           back=url_for("realisations_excel.index", tahun=result.year, bulan=result.month))


@bp.app_template_global("excel_scopes")
def excel_scopes(user) -> list:
    """For links to the round-trip from other pages (Kinerja saya): may this user use it?"""
    return workbook.scopes_for(user) if user is not None and user.is_authenticated else []
