"""Pages of agreements (A3 and PK): the document with its versions and lifecycle steps, two
versions side by side, the printed PDF and the signed scan, the list of an OPD's Perjanjian
Kinerja, and a PK's content (targets from the scorecard, programmes and their budget).

Each page asks the contracts services who may do what (can_view / can_draft / can_review /
can_issue) before it reads a form, so that the wrong person gets 403 whatever he sent. A step
refused for the state or for what was typed shows the page again with the message and what was
typed, and changes nothing (the services flush, this edge commits or rolls back).
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ekinerja import storage
from ekinerja.auth.permissions import can_opd, require, whole_opd_ids
from ekinerja.contracts import pk
from ekinerja.contracts import services as cs
from ekinerja.contracts.forms import (AmendForm, CreateForm, PrintForm, ProgrammeForm, ReturnForm, SigningForm,
                                      StepForm, input_rupiah)
from ekinerja.contracts.models import (Agreement, AgreementVersion, DocumentKind, Level, PkProgramme,
                                       VersionStatus)
from ekinerja.errors import InvalidTransition, NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.forms_util import apply_errors
from ekinerja.org.models import Employee, Opd, Position, Unit
from ekinerja.org.services import get_province, superior_position, unit_tree
from ekinerja.realisations import periods
from ekinerja.realisations.evidence import JPEG, PDF, PNG, sniff
from ekinerja.web import MONTHS_ID, is_safe_next

bp = Blueprint("contracts", __name__)

LEVEL_ORDER = list(Level)

# The columns of each section's rows (the content registry's `rows`), for the comparison page.
COMPARE_COLUMNS = {
    "Indikator kinerja": ("Indikator kinerja", "Sasaran", "Target", "Target TW I / II / III / IV"),
    "Program dan anggaran": ("Program/kegiatan", "Anggaran (Rp)", "Keterangan"),
    "Attitude": ("Komitmen", "Indikator"),
    "Attention": ("Program prioritas", "Jenis", "Mendukung"),
    "Action": ("Kode", "Action (indikator)", "Target", "Target TW I / II / III / IV", "Anggaran",
               "Penanggung jawab", "Batas waktu"),
}
DIFF_LABELS = {"same": "Sama", "changed": "Diubah", "added": "Ditambah", "removed": "Dihapus"}
DIFF_SYMBOLS = {"same": "=", "changed": "±", "added": "+", "removed": "−"}


@bp.before_request
@login_required
def _login():
    return None


@bp.context_processor
def _labels():
    return {"MONTHS": MONTHS_ID, "DIFF_LABELS": DIFF_LABELS, "DIFF_SYMBOLS": DIFF_SYMBOLS,
            "VersionStatus": VersionStatus, "pk_labels": pk.labels, "rupiah": pk.amount_text}


# ---------------------------------------------------------------- small helpers

def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else periods.today().year


def _version_number(agreement: Agreement, number: int | None) -> AgreementVersion | None:
    return next((v for v in agreement.versions if v.number == number), None) if number else None


def _back(version: AgreementVersion):
    """The document page, showing this version unless it is the latest."""
    agreement = version.agreement
    number = None if version is agreement.latest else version.number
    return redirect(url_for(".agreement", agreement_id=agreement.id, versi=number))


def _refusal(form, exc) -> int:
    """A service's refusal on the form: field messages next to their fields, the summary on top."""
    apply_errors(form, exc)
    if exc.details:
        form.form_errors = [exc.message] + [e for e in form.form_errors if e != exc.message]
    return exc.status_code


def slug(text: str, limit: int = 48) -> str:
    """ASCII for a file name: "Dinas Kesehatan (Dikes)" → "Dinas-Kesehatan-Dikes"."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-") or "dokumen"


def file_name(version: AgreementVersion, extension: str, what: str | None = None) -> str:
    """PK-2026-Dinas-Alfa-Kepala-Dinas-Alfa-v1.pdf (…-v1-pindaian-ttd.jpg for the scan)."""
    agreement = version.agreement
    kind = "PK" if agreement.kind == DocumentKind.PK else "A3"
    opd = slug(agreement.opd.short_name or agreement.opd.name, 32)
    post = slug(agreement.first_position.name)
    suffix = f"-{what}" if what else ""
    return f"{kind}-{agreement.year}-{opd}-{post}-v{version.number}{suffix}.{extension}"


# ---------------------------------------------------------------- the document page

@dataclass
class Steps:
    """The lifecycle steps the user may take on the version shown, by permission and state."""

    edit: bool = False
    submit: bool = False
    review: bool = False
    print: bool = False
    sign: bool = False
    publish: bool = False
    amend: bool = False

    @property
    def any(self) -> bool:
        return any((self.edit, self.submit, self.review, self.print, self.sign, self.publish, self.amend))


def steps_for(user, version: AgreementVersion) -> Steps:
    agreement = version.agreement
    status = version.status
    drafter = cs.can_draft(user, agreement)
    issuer = cs.can_issue(user, agreement)
    latest = version is agreement.latest
    return Steps(
        edit=drafter and status.editable,
        submit=drafter and status.editable,
        review=status == VersionStatus.SUBMITTED and cs.can_review(user, agreement),
        print=issuer and status in (VersionStatus.AGREED, VersionStatus.PRINTED),
        sign=issuer and status == VersionStatus.PRINTED,
        publish=issuer and status == VersionStatus.SIGNED,
        amend=drafter and latest and status.frozen,
    )


@dataclass
class PartyView:
    role: str
    post: str
    name: str | None
    nip: str | None = None
    rank: str | None = None
    printed: bool = False      # as printed on the document (the holder of the signing date)
    vacant: bool = False


def parties_of(version: AgreementVersion) -> tuple[PartyView, PartyView]:
    """PIHAK PERTAMA and PIHAK KEDUA: as printed once printed, else the posts and who holds them now."""
    agreement = version.agreement
    if version.first_name:
        return (PartyView("PIHAK PERTAMA", version.first_title or agreement.first_position.name, version.first_name,
                          version.first_nip, version.first_rank, printed=True),
                PartyView("PIHAK KEDUA", version.second_title or "", version.second_name, version.second_nip,
                          version.second_rank, printed=True))

    def now(role: str, post: Position | None) -> PartyView:
        if post is None:
            province = get_province()
            return PartyView(role, province.governor_title, province.governor_name)
        holder = post.holder
        return PartyView(role, post.name, holder.name if holder else None, holder.nip if holder else None,
                         holder.rank if holder else None, vacant=holder is None)

    return now("PIHAK PERTAMA", agreement.first_position), now("PIHAK KEDUA", agreement.second_position)


def next_step_text(version: AgreementVersion) -> str:
    """What happens next, in a sentence, for those who cannot take the step themselves."""
    agreement = version.agreement
    reviewer = ("Biro Organisasi (Setda)" if agreement.level == Level.GOVERNOR_OPD
                else "atasan langsung (PIHAK KEDUA) atau Biro Organisasi")
    issuer = ("Biro Organisasi" if agreement.level == Level.GOVERNOR_OPD
              else "operator OPD atau Biro Organisasi")
    return {
        VersionStatus.DRAFT: "Draf disusun oleh pihak pertama atau operator OPD, lalu diajukan untuk ditelaah.",
        VersionStatus.RETURNED: "Dikembalikan untuk diperbaiki; ajukan kembali setelah catatan ditindaklanjuti.",
        VersionStatus.SUBMITTED: f"Menunggu telaah {reviewer}: disetujui atau dikembalikan dengan catatan.",
        VersionStatus.AGREED: f"Disetujui; menunggu dicetak oleh {issuer} (nomor dan tanggal diberikan).",
        VersionStatus.PRINTED: f"Dicetak; setelah ditandatangani, {issuer} mengunggah pindaiannya.",
        VersionStatus.SIGNED: "Ditandatangani; versi ini tidak dapat diubah lagi. Dapat dipublikasikan.",
        VersionStatus.PUBLISHED: "Dipublikasikan; versi ini tidak dapat diubah lagi.",
    }[version.status]


def _forms(version: AgreementVersion, failed: tuple[str, object] | None) -> dict:
    """Every form of the page, empty or filled with what is stored; the failed one as it was sent."""
    papers = cs.content(version.agreement.kind).papers
    print_form = PrintForm(formdata=None)
    print_form.fill(version, periods.today(), papers)
    signing = SigningForm(formdata=None)
    signing.signed_date.data = version.planned_signing_date
    forms = {"step": StepForm(formdata=None), "return": ReturnForm(formdata=None), "print": print_form,
             "sign": signing, "amend": AmendForm(formdata=None)}
    if failed is not None:
        forms[failed[0]] = failed[1]
    forms["print"].paper.choices = [(p, f"{p} ({'lanskap' if version.agreement.kind == DocumentKind.A3 else 'potret'})")
                                    for p in papers]
    return forms


def render_agreement(agreement: Agreement, version: AgreementVersion | None = None,
                     failed: tuple[str, object] | None = None, status: int = 200):
    version = version or agreement.latest
    steps = steps_for(current_user, version)
    first, second = parties_of(version)
    failed_form = failed[1] if failed else None
    return render_template(
        "contracts/agreement.html", agreement=agreement, version=version, steps=steps, first=first, second=second,
        forms=_forms(version, failed), failed=failed[0] if failed else None, failed_form=failed_form,
        next_step=next_step_text(version), kind_content=cs.content(agreement.kind),
        verify_href=f"/verifikasi/{version.verification_code}",
        a3_edit_href=f"/a3/versi/{version.id}"), status


@bp.get("/<int:agreement_id>")
def agreement(agreement_id: int):
    agreement = cs.get_agreement(agreement_id)
    require(cs.can_view(current_user, agreement))
    version = _version_number(agreement, request.args.get("versi", type=int)) or agreement.latest
    return render_agreement(agreement, version)


# ---------------------------------------------------------------- lifecycle steps

STALE_FORM = "Formulir tidak sah atau kedaluwarsa; tidak ada yang diubah. Muat ulang halaman lalu coba lagi."


def attempt(form, action) -> int | None:
    """Run a valid form's service call and commit: None when done. Otherwise the HTTP status of the
    refusal, with its messages on the form and everything rolled back (nothing changed)."""
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or not form.errors:
            form.form_errors = list(getattr(form, "form_errors", [])) + [STALE_FORM]
            return 400
        return 422
    try:
        action()
    except (ValidationFailed, InvalidTransition) as exc:
        db.session.rollback()
        return _refusal(form, exc)
    db.session.commit()
    return None


def _take_step(version: AgreementVersion, key: str, form, action, done):
    """One lifecycle step: done → back to the document with the message `done` (a text, or a
    function of nothing once committed), or to the page of this site named by the form's `next`
    (the A3 pages post their buttons here); refused → the document again, the form as it was sent."""
    status = attempt(form, action)
    if status is None:
        flash(done() if callable(done) else done, "success")
        target = request.form.get("next")
        return redirect(target) if is_safe_next(target) else _back(version)
    return render_agreement(version.agreement, version, failed=(key, form), status=status)


@bp.post("/versi/<int:version_id>/ajukan")
def submit(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_draft(current_user, version.agreement), "Anda tidak berhak mengajukan perjanjian ini.")
    return _take_step(version, "step", StepForm(), lambda: cs.submit(current_user, version),
                      f"Versi {version.number} diajukan untuk ditelaah.")


@bp.post("/versi/<int:version_id>/kembalikan")
def return_(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_review(current_user, version.agreement), "Anda tidak berhak menelaah perjanjian ini.")
    form = ReturnForm()
    return _take_step(version, "return", form, lambda: cs.return_(current_user, version, form.notes.data),
                      f"Versi {version.number} dikembalikan dengan catatan kepada penyusun.")


@bp.post("/versi/<int:version_id>/setujui")
def agree(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_review(current_user, version.agreement), "Anda tidak berhak menyetujui perjanjian ini.")
    return _take_step(version, "step", StepForm(), lambda: cs.agree(current_user, version),
                      f"Versi {version.number} disetujui; siap dicetak.")


@bp.post("/versi/<int:version_id>/cetak")
def print_(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_issue(current_user, version.agreement), "Anda tidak berhak mencetak perjanjian ini.")
    form = PrintForm()
    verb = "dicetak ulang" if version.status == VersionStatus.PRINTED else "dicetak"

    def action():
        cs.print_(current_user, version, form.number.data, form.print_date.data, form.signing_date.data,
                  form.place.data, form.paper.data or None)
    return _take_step(version, "print", form, action, lambda: (
        f"Versi {version.number} {verb} dengan nomor {version.print_number} (kertas {version.printed_paper}). "
        "Unduh PDF-nya, periksa, lalu cetak untuk ditandatangani."))


@bp.post("/versi/<int:version_id>/tandatangani")
def sign(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_issue(current_user, version.agreement),
            "Anda tidak berhak mencatat penandatanganan perjanjian ini.")
    form = SigningForm()

    def action():
        upload = form.scan.data
        name = getattr(upload, "filename", None) or None
        cs.record_signing(current_user, version, upload.read() if name else b"", name, form.signed_date.data)
    return _take_step(version, "sign", form, action,
                      f"Penandatanganan versi {version.number} dicatat; versi ini tidak dapat diubah lagi.")


@bp.post("/versi/<int:version_id>/publikasikan")
def publish(version_id: int):
    version = cs.get_version(version_id)
    require(cs.can_issue(current_user, version.agreement), "Anda tidak berhak mempublikasikan perjanjian ini.")
    return _take_step(version, "step", StepForm(), lambda: cs.publish(current_user, version),
                      f"Versi {version.number} dipublikasikan.")


@bp.post("/<int:agreement_id>/perubahan")
def amend(agreement_id: int):
    """A new version (perubahan) from the one in force, naming its reason."""
    agreement = cs.get_agreement(agreement_id)
    require(cs.can_draft(current_user, agreement), "Anda tidak berhak membuat perubahan perjanjian ini.")
    form = AmendForm()
    shown = agreement.latest
    status = attempt(form, lambda: cs.amend(current_user, agreement, form.reason.data, form.note.data))
    if status is None:
        latest = agreement.latest
        flash(f"Versi {latest.number} (perubahan: {latest.amendment_reason.label}) dibuat sebagai draf dari versi "
              "yang berlaku. Ubah isinya, lalu ajukan.", "success")
        return redirect(url_for(".agreement", agreement_id=agreement.id))
    return render_agreement(agreement, shown, failed=("amend", form), status=status)


# ---------------------------------------------------------------- two versions side by side

@dataclass
class DiffField:
    name: str
    old: str | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class DiffRow:
    kind: str                          # same / changed / added / removed
    fields: list[DiffField]


@dataclass
class DiffSection:
    name: str
    rows: list[DiffRow]
    counts: dict[str, int] = field(default_factory=dict)


def diff_sections(old: AgreementVersion, new: AgreementVersion) -> list[DiffSection]:
    out = []
    for section in cs.compare(old, new):
        rows = []
        for kind, a, b in section.rows:
            width = max(len(a or ()), len(b or ()))
            names = COMPARE_COLUMNS.get(section.name, ())
            names = tuple(names) + tuple(f"Kolom {i + 1}" for i in range(len(names), width))
            rows.append(DiffRow(kind, [DiffField(names[i], a[i] if a and i < len(a) else None,
                                                 b[i] if b and i < len(b) else None) for i in range(width)]))
        counts = {k: sum(1 for r in rows if r.kind == k) for k in DIFF_LABELS}
        out.append(DiffSection(section.name, rows, counts))
    return out


@bp.get("/<int:agreement_id>/bandingkan")
def compare(agreement_id: int):
    agreement = cs.get_agreement(agreement_id)
    require(cs.can_view(current_user, agreement))
    new = _version_number(agreement, request.args.get("ke", type=int)) or agreement.latest
    old = _version_number(agreement, request.args.get("dari", type=int))
    if old is None:
        earlier = [v for v in agreement.versions if v.number < new.number]
        old = earlier[-1] if earlier else new
    sections = diff_sections(old, new) if old is not new else []
    totals = {k: sum(s.counts[k] for s in sections) for k in DIFF_LABELS}
    return render_template("contracts/compare.html", agreement=agreement, old=old, new=new, sections=sections,
                           totals=totals)


# ---------------------------------------------------------------- the stored files

def _send(data: bytes, mimetype: str, name: str, attachment: bool):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=attachment, download_name=name,
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _stored(key: str | None, what: str) -> bytes:
    if not key:
        raise NotFound(f"{what} belum ada untuk versi ini.")
    try:
        return storage.read(key)
    except FileNotFoundError:
        raise NotFound(f"Berkas {what.lower()} tidak ditemukan di penyimpanan.") from None


@bp.get("/versi/<int:version_id>/pdf")
def printed_pdf(version_id: int):
    """The PDF as printed (the one whose SHA-256 the verification page shows), opened in the browser."""
    version = cs.get_version(version_id)
    require(cs.can_view(current_user, version.agreement))
    data = _stored(version.printed_key, "PDF cetak")
    return _send(data, "application/pdf", file_name(version, "pdf"), attachment=False)


@bp.get("/versi/<int:version_id>/pindaian")
def scan(version_id: int):
    """The uploaded scan of the signed paper, always as a download (its type read from its bytes)."""
    version = cs.get_version(version_id)
    require(cs.can_view(current_user, version.agreement))
    data = _stored(version.scan_key, "Pindaian")
    kind = sniff(data) or PDF
    kind = kind if kind in (PDF, JPEG, PNG) else PDF
    return _send(data, kind.content_type, file_name(version, kind.extension, "pindaian-ttd"), attachment=True)


# ---------------------------------------------------------------- the PK list of an OPD

@dataclass
class PostRow:
    position: Position
    level: Level
    second: Position | None           # None: the governor
    agreement: Agreement | None
    may_create: bool


def _visible_opd_ids(user) -> set[int] | None:
    """The OPDs whose whole PK list the user may read (bsc.view on the OPD); None: all of them."""
    return whole_opd_ids(user, "bsc.view")


def may_draft_post(user, position: Position) -> bool:
    """cs.can_draft for a PK of the post that does not exist yet."""
    probe = Agreement(kind=DocumentKind.PK, opd_id=position.unit.opd_id, first_position=position)
    return cs.can_draft(user, probe)


def _rows(user, positions: list[Position], year: int) -> dict[Level, list[PostRow]]:
    agreements = {a.first_position_id: a for a in db.session.scalars(
        select(Agreement).where(Agreement.kind == DocumentKind.PK, Agreement.year == year,
                                Agreement.first_position_id.in_([p.id for p in positions]))
        .options(selectinload(Agreement.versions), selectinload(Agreement.second_position)))} if positions else {}
    groups: dict[Level, list[PostRow]] = {}
    for p in positions:
        level = cs.level_for(DocumentKind.PK, p)
        found = agreements.get(p.id)
        second = found.second_position if found else superior_position(p)
        groups.setdefault(level, []).append(PostRow(p, level, second, found,
                                                    found is None and may_draft_post(user, p)))
    return {level: groups[level] for level in LEVEL_ORDER if level in groups}


def _opd_positions(opd: Opd) -> list[Position]:
    """Every post of the OPD, in the order of its unit tree, each unit's head first."""
    order = {u.id: i for i, (u, _depth) in enumerate(unit_tree(opd))}
    posts = db.session.scalars(select(Position).join(Unit, Position.unit_id == Unit.id).where(Unit.opd_id == opd.id)
                               .options(selectinload(Position.holder), selectinload(Position.unit))).all()
    return sorted(posts, key=lambda p: (order.get(p.unit_id, 0), p.head_of_unit_id is None, p.name, p.id))


def _person_positions(user) -> list[Position]:
    """A user without an OPD to read: his own post and the posts that answer to it."""
    employee = db.session.get(Employee, user.employee_id) if user.employee_id else None
    own = employee.position if employee else None
    if own is None:
        return []
    out = [own]
    if own.is_unit_head:
        out += [p for p in _opd_positions(own.unit.opd) if p.id != own.id and superior_position(p) is own]
    return out


def _overview(year: int) -> list[dict]:
    """Per OPD: its posts, and its PKs counted by the status of their latest version."""
    latest = (select(AgreementVersion.agreement_id, func.max(AgreementVersion.number).label("number"))
              .group_by(AgreementVersion.agreement_id).subquery())
    counts = db.session.execute(
        select(Agreement.opd_id, AgreementVersion.status, func.count())
        .join(latest, latest.c.agreement_id == Agreement.id)
        .join(AgreementVersion, (AgreementVersion.agreement_id == Agreement.id)
              & (AgreementVersion.number == latest.c.number))
        .where(Agreement.kind == DocumentKind.PK, Agreement.year == year)
        .group_by(Agreement.opd_id, AgreementVersion.status)).all()
    posts = dict(db.session.execute(select(Unit.opd_id, func.count(Position.id))
                                    .join(Position, Position.unit_id == Unit.id).group_by(Unit.opd_id)).all())
    by_opd: dict[int, dict] = {}
    for opd_id, status, n in counts:
        by_opd.setdefault(opd_id, {})[VersionStatus(status)] = n
    return [{"opd": o, "posts": posts.get(o.id, 0), "counts": by_opd.get(o.id, {}),
             "total": sum(by_opd.get(o.id, {}).values())}
            for o in db.session.scalars(select(Opd).order_by(Opd.code))]


@bp.get("/")
def index():
    year = _year_arg()
    visible = _visible_opd_ids(current_user)
    opd_id = request.args.get("opd", type=int)
    opd = None
    if opd_id:
        opd = db.session.get(Opd, opd_id)
        if opd is None:
            raise NotFound("Perangkat daerah tidak ditemukan.")
        require(can_opd(current_user, "bsc.view", opd), "Anda tidak berhak melihat perjanjian kinerja OPD ini.")
    elif visible:
        opd = db.session.scalars(select(Opd).where(Opd.id.in_(visible)).order_by(Opd.code)).first()
    choices = db.session.scalars(select(Opd).order_by(Opd.code) if visible is None else
                                 select(Opd).where(Opd.id.in_(visible or {0})).order_by(Opd.code)).all()
    groups, overview, personal = {}, [], False
    if opd is not None:
        groups = _rows(current_user, _opd_positions(opd), year)
    elif visible is None:
        overview = _overview(year)
    else:
        personal = True
        groups = _rows(current_user, _person_positions(current_user), year)
    return render_template("contracts/index.html", year=year, opd=opd, choices=choices, groups=groups,
                           overview=overview, personal=personal, all_scope=visible is None)


@bp.post("/baru")
def create():
    """"Buat PK" for a post without one: the agreement with its first draft, targets from the
    first party's scorecard when there is one."""
    form = CreateForm()
    try:
        position = db.session.get(Position, int(form.position.data or 0))
    except ValueError:
        position = None
    if position is None:
        raise NotFound("Jabatan tidak ditemukan.")
    require(may_draft_post(current_user, position), "Anda tidak berhak menyusun perjanjian kinerja jabatan ini.")
    year = form.year.data if form.year.data and 2000 <= form.year.data <= 2100 else periods.today().year
    back = url_for(".index", tahun=year, opd=position.unit.opd_id)
    if not form.validate_on_submit():
        flash("Formulir tidak sah atau kedaluwarsa; tidak ada yang dibuat. Muat ulang halaman lalu coba lagi.", "error")
        return redirect(back)
    try:
        agreement = cs.create(current_user, DocumentKind.PK, year, position)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(" ".join([exc.message] + [d["message"] for d in exc.details if d["message"] != exc.message]), "error")
        return redirect(back)
    try:
        count = pk.generate_targets(agreement.latest)
        note = f" {count} indikator diambil dari kartu kinerja."
    except ValidationFailed:  # no scorecard yet: nothing was changed, the draft stays empty
        note = (" Kartu kinerja pihak pertama tahun ini belum ada; ambil indikatornya setelah kartu kinerja "
                "disusun.")
    db.session.commit()
    flash(f"Perjanjian Kinerja {year} untuk {position.name} dibuat sebagai draf.{note}", "success")
    return redirect(url_for(".agreement", agreement_id=agreement.id))


# ---------------------------------------------------------------- a PK's content

def _pk_version(version_id: int) -> AgreementVersion:
    version = cs.get_version(version_id)
    if version.agreement.kind != DocumentKind.PK:
        raise NotFound("Halaman ini untuk isi Perjanjian Kinerja; isi perjanjian A3 diubah di halaman A3.")
    require(cs.can_draft(current_user, version.agreement), "Anda tidak berhak mengubah isi perjanjian ini.")
    return version


def _programme_row(version: AgreementVersion, row_id: int) -> PkProgramme:
    row = db.session.get(PkProgramme, row_id)
    if row is None or row.version_id != version.id:
        raise NotFound("Program tidak ditemukan pada versi perjanjian ini.")
    return row


def _not_editable(version: AgreementVersion):
    flash(f"Versi {version.number} berstatus {version.status.label}: isinya tidak dapat diubah"
          + ("; buat perubahan (versi baru) bila perlu." if version.status.frozen else "."), "info")
    return _back(version)


def render_content(version: AgreementVersion, form: ProgrammeForm | None = None, status: int = 200,
                   step_form: StepForm | None = None):
    agreement = version.agreement
    form = form or ProgrammeForm(formdata=None)
    form.programme.label.text = pk.labels(agreement.level)[1]
    return render_template("contracts/pk_content.html", agreement=agreement, version=version, form=form,
                           step_form=step_form or StepForm(formdata=None), card=pk.source_scorecard(agreement),
                           labels=pk.labels(agreement.level)), status


def _content_done(version: AgreementVersion, message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for(".programmes", version_id=version.id) + anchor)


@bp.route("/versi/<int:version_id>/program", methods=["GET", "POST"])
def programmes(version_id: int):
    """The PK's content: the targets from the scorecard, and the programmes (a form to add one)."""
    version = _pk_version(version_id)
    if request.method == "GET":
        return _not_editable(version) if not version.status.editable else render_content(version)
    form = ProgrammeForm()
    status = attempt(form, lambda: pk.save_programme(version, form.programme.data, form.budget.data, form.note.data))
    if status is None:
        return _content_done(version, f"{pk.labels(version.agreement.level)[1]} ditambahkan.", "#program")
    return render_content(version, form, status)


@bp.route("/versi/<int:version_id>/program/<int:row_id>/ubah", methods=["GET", "POST"])
def programme_edit(version_id: int, row_id: int):
    version = _pk_version(version_id)
    row = _programme_row(version, row_id)
    status = 200
    if request.method == "GET":
        if not version.status.editable:
            return _not_editable(version)
        form = ProgrammeForm(formdata=None)
        form.programme.data, form.budget.data, form.note.data = row.programme, input_rupiah(row.budget), row.note
    else:
        form = ProgrammeForm()
        status = attempt(form, lambda: pk.save_programme(version, form.programme.data, form.budget.data,
                                                         form.note.data, row))
        if status is None:
            return _content_done(version, f"{pk.labels(version.agreement.level)[1]} diubah.", "#program")
    form.programme.label.text = pk.labels(version.agreement.level)[1]
    return render_template("contracts/programme_form.html", agreement=version.agreement, version=version, row=row,
                           form=form, labels=pk.labels(version.agreement.level)), status


@bp.post("/versi/<int:version_id>/program/<int:row_id>/hapus")
def programme_remove(version_id: int, row_id: int):
    version = _pk_version(version_id)
    row = _programme_row(version, row_id)
    name = row.programme
    form = StepForm()
    status = attempt(form, lambda: pk.remove_programme(version, row))
    if status is None:
        return _content_done(version, f"{name} dihapus.", "#program")
    return render_content(version, status=status, step_form=form)


@bp.post("/versi/<int:version_id>/target")
def targets(version_id: int):
    """Take the targets again from the first party's scorecard (the rows are replaced)."""
    version = _pk_version(version_id)
    form = StepForm()
    counted: list[int] = []
    status = attempt(form, lambda: counted.append(pk.generate_targets(version)))
    if status is None:
        return _content_done(version, f"{counted[0]} indikator kinerja diambil ulang dari kartu kinerja.", "#target")
    return render_content(version, status=status, step_form=form)
