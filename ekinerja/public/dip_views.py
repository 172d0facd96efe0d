"""PPID pages of the Daftar Informasi Publik (no login) and of the OPDs' periodic performance
reports (login: the OPD's operator and head, the governor's office and the administrator).

The public DIP lists only published A3/PK documents and published periodic reports
(ekinerja/public/dip.py), each with its file; a draft report's file is a 404 for the public. The
staff pages ask dip.may_report before they read a form, so the wrong person gets 403 whatever he
sent; a refused save shows the form again with the message and what was typed.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from ekinerja import storage
from ekinerja.auth.permissions import require
from ekinerja.errors import InvalidTransition, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import apply_errors
from ekinerja.org.models import Opd
from ekinerja.public import dip
from ekinerja.public.dip_forms import ReportForm, StepForm
from ekinerja.public.dip_models import PeriodicReport, ReportStatus
from ekinerja.public.ppid_views import bp
from ekinerja.public.views import revalidated
from ekinerja.realisations.periods import today

# ------------------------------------------------------------------ the public DIP

def _int_arg(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


def _request_form_url() -> str | None:
    """The information-request form, when the PPID request pages are there."""
    try:
        return url_for("ppid.request_form")
    except BuildError:
        return None


@bp.get("/")
def dip_index():
    """The Daftar Informasi Publik: filters by OPD, year and category, a search box, a page."""
    opds = db.session.scalars(select(Opd).order_by(Opd.name)).all()
    code = request.args.get("opd", "")
    unit = next((o for o in opds if o.code == code), None)
    year = _int_arg("tahun", dip.MIN_YEAR, dip.MAX_YEAR)
    kind = request.args.get("kategori", "")
    category = dip.Category(kind) if kind in dip.Category._value2member_map_ else None
    text = request.args.get("q", "").strip()[:100]
    page = _int_arg("page", 1, 100000) or 1

    def build():
        result = dip.entries(unit.id if unit else None, year, category, text, page)
        args = {k: v for k, v in (("opd", unit.code if unit else ""), ("tahun", year or ""),
                                  ("kategori", category.value if category else ""), ("q", text)) if v}
        return render_template("ppid/dip.html", result=result, opds=opds, unit=unit, year=year, category=category,
                               text=text, years=dip.years(), categories=list(dip.Category), args=args,
                               request_form_url=_request_form_url())
    return revalidated(dip.fingerprint(), build)


@bp.get("/berkala/<int:report_id>.pdf")
def report_file(report_id: int):
    """The PDF of a published periodic report; a draft (or a withdrawn report) is not there."""
    report = dip.published_report(report_id)
    if report is None:
        abort(404)
    return _pdf(report)


def _pdf(report: PeriodicReport):
    response = send_file(storage.path_of(report.file_key), mimetype="application/pdf", as_attachment=True,
                         download_name=report.file_name or f"laporan-{report.id}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------ the OPDs' periodic reports

def _report_for(report_id: int) -> PeriodicReport:
    report = dip.get_report(report_id)
    require(dip.may_report(current_user, report.opd), "Anda tidak berhak mengelola laporan berkala OPD ini.")
    return report


def _year_arg() -> int:
    return _int_arg("tahun", dip.MIN_YEAR, dip.MAX_YEAR) or today().year


def _refusal(form, exc) -> int:
    apply_errors(form, exc)
    if exc.details:
        form.form_errors = [exc.message] + [e for e in form.form_errors if e != exc.message]
    return exc.status_code


def _file_chosen(form) -> bool:
    return bool(getattr(form.file.data, "filename", None))


def _upload(form) -> tuple[bytes, str | None]:
    upload = form.file.data
    name = getattr(upload, "filename", None) or None
    return (upload.read(dip.MAX_FILE_BYTES + 1) if name else b""), name


@bp.get("/laporan")
@login_required
def reports():
    require(dip.keeps_reports(current_user), "Anda tidak berhak mengelola laporan berkala.")
    year = _year_arg()
    opds = dip.reporting_opds(current_user)
    items = dip.reports(current_user, year)
    done = {(r.opd_id, r.quarter) for r in items}
    return render_template("ppid/laporan_list.html", year=year, reports=items, opds=opds, done=done,
                           ReportStatus=ReportStatus)


@bp.route("/laporan/baru", methods=["GET", "POST"])
@login_required
def report_new():
    require(dip.keeps_reports(current_user), "Anda tidak berhak mengelola laporan berkala.")
    opds = dip.reporting_opds(current_user)
    if not opds:
        abort(404)
    form = ReportForm()
    form.opd.choices = ([("", "— pilih perangkat daerah —")] if len(opds) > 1 else []) + [(o.id, o.name) for o in opds]
    status = 200
    if request.method == "GET":
        chosen = next((o for o in opds if str(o.id) == request.args.get("opd")), None)
        if chosen is None and len(opds) == 1:
            chosen = opds[0]
        form.opd.data = chosen.id if chosen else None
        form.year.data = _year_arg()
        quarter = request.args.get("triwulan", "")
        form.quarter.data = int(quarter) if quarter in ("1", "2", "3", "4") else None
        form.made_date.data = today()
        if chosen is not None:  # the OPD head as the person responsible, to be changed if need be
            form.responsible_name.data, form.responsible_position.data = dip.opd_head(chosen)
    elif form.validate():
        unit = next((o for o in opds if o.id == form.opd.data), None)
        # An OPD that is not among the choices was not offered: someone else's OPD, refused.
        require(unit is not None or form.opd.data is None, "Anda tidak berhak membuat laporan berkala OPD ini.")
        if unit is None:
            form.opd.errors = ["Pilih perangkat daerah."]
            status = 422
        else:
            try:
                report = dip.create(current_user, unit, form.values())
                data, name = _upload(form)
                if name:
                    dip.attach_file(current_user, report, data, name)
            except ValidationFailed as exc:
                db.session.rollback()
                status = _refusal(form, exc)
                if _file_chosen(form):
                    form.form_errors.append("Pilih kembali berkas PDF-nya sebelum menyimpan.")
            else:
                db.session.commit()
                flash(f"Laporan {report.quarter_name} {report.year} disimpan sebagai draf"
                      + ("." if report.file_key else "; unggah berkas PDF-nya sebelum dipublikasikan."), "success")
                return redirect(url_for(".report_edit", report_id=report.id))
    else:
        status = 400
    return render_template("ppid/laporan_form.html", form=form, report=None, step=StepForm()), status


@bp.route("/laporan/<int:report_id>", methods=["GET", "POST"])
@login_required
def report_edit(report_id: int):
    report = _report_for(report_id)
    form = ReportForm()
    status = 200
    if request.method == "GET":
        form.fill(report)
    elif form.validate():
        try:
            dip.update(current_user, report, form.values())
            data, name = _upload(form)
            if name:
                dip.attach_file(current_user, report, data, name)
        except (ValidationFailed, InvalidTransition) as exc:
            db.session.rollback()
            status = _refusal(form, exc)
            if _file_chosen(form) and isinstance(exc, ValidationFailed):
                form.form_errors.append("Pilih kembali berkas PDF-nya sebelum menyimpan.")
        else:
            db.session.commit()
            flash("Perubahan laporan disimpan.", "success")
            return redirect(url_for(".report_edit", report_id=report.id))
    else:
        status = 400
    return render_template("ppid/laporan_form.html", form=form, report=report, step=StepForm()), status


def _step(report: PeriodicReport, action, done: str):
    form = StepForm()
    if not form.validate():
        flash("Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim kembali.", "error")
        return redirect(url_for(".report_edit", report_id=report.id))
    try:
        action()
    except InvalidTransition as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".report_edit", report_id=report.id))


@bp.post("/laporan/<int:report_id>/publikasikan")
@login_required
def report_publish(report_id: int):
    report = _report_for(report_id)
    return _step(report, lambda: dip.publish(current_user, report),
                 f"Laporan {report.quarter_name} {report.year} dipublikasikan dan masuk Daftar Informasi Publik.")


@bp.post("/laporan/<int:report_id>/tarik")
@login_required
def report_withdraw(report_id: int):
    report = _report_for(report_id)
    return _step(report, lambda: dip.withdraw(current_user, report),
                 f"Laporan {report.quarter_name} {report.year} ditarik kembali menjadi draf; "
                 "laporan ini tidak lagi tampil di Daftar Informasi Publik.")


@bp.get("/laporan/<int:report_id>/berkas.pdf")
@login_required
def report_draft_file(report_id: int):
    """The uploaded PDF for those who keep the report, to check it before publishing."""
    report = _report_for(report_id)
    if not report.file_key:
        abort(404)
    return _pdf(report)
