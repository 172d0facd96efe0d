"""Public verification of printed agreements (domain.md §6, no login): anyone holding a printed page
types its code (or scans its QR code), sees what was signed, by whom and when, and can check a file
against the SHA-256 kept at printing and at signing.

Only what is printed on the paper is shown: the parties as printed (name, position, NIP of the
officials), number and dates, the version and its status, and the two hashes. A code that is unknown
and a code of a version not yet printed get the same answer, so codes cannot be probed; the codes
themselves carry 80 random bits (services.new_code).
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_wtf.file import FileField
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SubmitField

from ekinerja import storage
from ekinerja.contracts import services
from ekinerja.contracts.models import AgreementVersion, DocumentKind, Level, VersionStatus
from ekinerja.extensions import csrf
from ekinerja.forms_util import BaseForm

bp = Blueprint("verification", __name__)

MAX_UPLOAD = 20 * 1024 * 1024          # the largest file a visitor may check
_FORM_OVERHEAD = 64 * 1024             # the multipart envelope and the CSRF token around it
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Read from paper, O is 0 and I or L is 1 (Crockford's base32, which the codes are written in).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-–—_.]+")

VERIFIABLE = (VersionStatus.PRINTED, VersionStatus.SIGNED, VersionStatus.PUBLISHED)
RESULTS = {
    "printed": "Cocok dengan berkas cetak",
    "scan": "Cocok dengan pindaian bertanda tangan",
    None: "Tidak cocok",
}


def normalise_code(text: str | None) -> str | None:
    """'k7p2 9qxm-4rta h3wd' (any case, spaces or dashes, O for 0) → 'K7P2-9QXM-4RTA-H3WD';
    None when it cannot be a code at all."""
    raw = _SEPARATORS.sub("", (text or "").upper()).translate(_LOOKALIKES)
    if len(raw) != 16 or any(ch not in _ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


class CheckForm(BaseForm):
    berkas = FileField("Berkas yang akan diperiksa")
    submit = SubmitField("Periksa berkas")


@bp.after_request
def _not_for_search_engines(response):
    # The pages name officials and documents: reachable by code, never listed by a search engine.
    response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    return response


# ------------------------------------------------------------------ what the page shows

def document_title(version: AgreementVersion) -> str:
    """The title as printed, in sentence case."""
    year = version.agreement.year
    amended = version.amendment_reason is not None
    if version.agreement.kind == DocumentKind.A3:
        return (f"Perubahan Perjanjian A3 Tahun {year} (versi {version.number})" if amended
                else f"Perjanjian A3 (Attitude, Attention, Action) Tahun {year}")
    return f"Perjanjian Kinerja Perubahan Tahun {year}" if amended else f"Perjanjian Kinerja Tahun {year}"


def printed_unit(version: AgreementVersion) -> str:
    agreement = version.agreement
    if agreement.level == Level.GOVERNOR_OPD:
        return agreement.opd.name
    return f"{agreement.first_position.unit.name} – {agreement.opd.name}"


def newer_versions(version: AgreementVersion) -> list[AgreementVersion]:
    """Later versions that were printed too (a draft of an amendment is nobody's business yet)."""
    return [v for v in version.agreement.versions if v.number > version.number and v.status in VERIFIABLE]


def _found(code: str) -> AgreementVersion | None:
    result = services.verify(code)
    return result.version


def _unknown(code: str | None):
    """The one answer for an unknown code and for a version not printed (yet)."""
    return render_template("verification/unknown.html", code=code or ""), 404


def _show(version: AgreementVersion, form: CheckForm, result=None, status: int = 200, error: str | None = None):
    newer = newer_versions(version)
    return render_template(
        "verification/show.html", v=version, agreement=version.agreement, title=document_title(version),
        unit=printed_unit(version), newer=newer, superseded=any(v.status.frozen for v in newer), form=form,
        result=result, result_text=RESULTS[result.matches] if result is not None else None, error=error,
        VersionStatus=VersionStatus), status


# ------------------------------------------------------------------ routes

@bp.get("/")
def index():
    """The form to type a code; ?kode=... (the form's GET) goes to its page."""
    typed = request.args.get("kode", "").strip()
    if not typed:
        return render_template("verification/index.html")
    code = normalise_code(typed)
    if code is None:
        return _unknown(typed[:40])
    return redirect(url_for(".show", code=code))


@bp.get("/<code>")
def show(code: str):
    canonical = normalise_code(code)
    if canonical is None:
        return _unknown(code[:40])
    if canonical != code:  # typed by hand: lower case, spaces, O for 0
        return redirect(url_for(".show", code=canonical))
    version = _found(canonical)
    if version is None:
        return _unknown(canonical)
    return _show(version, CheckForm())


@bp.post("/<code>")
@csrf.exempt  # the form checks its own token, after the size limit below is in force
def check(code: str):
    """Upload a file: is it the printed PDF, the signed scan, or neither? Nothing is stored."""
    canonical = normalise_code(code)
    version = _found(canonical) if canonical else None
    if version is None:
        return _unknown(canonical or code[:40])
    # Before anything reads the body: a visitor's upload is limited to 20 MB.
    request.max_content_length = MAX_UPLOAD + _FORM_OVERHEAD
    try:
        form = CheckForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        return _show(version, CheckForm(formdata=None), status=413, error="Berkas lebih besar dari 20 MB.")
    if not valid:  # only the CSRF token can fail here: the form is stale or forged
        return _show(version, form, status=400,
                     error="Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim kembali.")
    upload = form.berkas.data
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not data:
        return _show(version, form, status=422, error="Pilih berkas yang akan diperiksa.")
    if len(data) > MAX_UPLOAD:
        return _show(version, form, status=413, error="Berkas lebih besar dari 20 MB.")
    return _show(version, CheckForm(formdata=None), result=services.verify(canonical, data))


@bp.get("/<code>/dokumen.pdf")
def printed_pdf(code: str):
    """The printed PDF of a published document; unpublished documents are not handed out."""
    canonical = normalise_code(code)
    version = _found(canonical) if canonical else None
    if version is None:
        return _unknown(canonical or code[:40])
    if version.status != VersionStatus.PUBLISHED or not version.printed_key:
        abort(404)
    from ekinerja.contracts.cli import document_filename

    return send_file(storage.path_of(version.printed_key), mimetype="application/pdf", as_attachment=True,
                     download_name=document_filename(version))
