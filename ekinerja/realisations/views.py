"""Pages of the monthly workflow (domain.md §4): Kinerja saya (a month's values with evidence),
the superior's inbox (Persetujuan), evidence downloads, and Tugas (what waits for me, with the
in-app notifications). The views read the request, call ekinerja.realisations.services and
commit at the edge; the services decide who may do what and raise what is refused.

"Ajukan" saves and submits in one press, in two steps. The draft (value, texts, and the files sent
with it, all in one transaction) is committed first; then the submission is tried in a second
transaction. When the submission is refused (red without reason and follow-up, no value) the draft
stays saved, the refusal is shown on the fields and nothing is submitted: what the user typed is
never lost, and nothing is half-submitted. A refused save (bad value, bad file, stale version,
closed month) keeps nothing of the request.
"""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import (Blueprint, current_app, flash, has_request_context, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ekinerja.auth.models import Role
from ekinerja.auth.permissions import require
from ekinerja.bsc import scoring
from ekinerja.bsc import services as bsc_services
from ekinerja.bsc.cascade import Node, counted_statuses, scorecard_figures
from ekinerja.bsc.forms import (AGGREGATION_LABELS, COLOUR_LABELS, COLOUR_SYMBOLS, MONTHS, OWNER_KIND_LABELS,
                                POLARITY_LABELS, ROLLUP_LABELS, input_number)
from ekinerja.bsc.models import Indicator, Realisation, RealisationStatus, Rollup, Scorecard
from ekinerja.bsc.rollups import data_version
from ekinerja.db import utcnow
from ekinerja.errors import Conflict, InvalidTransition, Locked, NotFound, ValidationFailed
from ekinerja.extensions import db
from ekinerja.memo import remembered
from ekinerja.forms_util import apply_errors
from ekinerja.realisations import approvers, periods, services
from ekinerja.realisations.forms import (ACCEPT, STATUS_SYMBOLS, EntryForm, PlainForm, ReturnForm, VersionForm,
                                         entry_prefix, evidence_help)
from ekinerja.realisations.models import Evidence, Notification, PeriodReopening

bp = Blueprint("realisations", __name__)

MONTHS_SHORT = [m[:3] for m in MONTHS]
DONE = (RealisationStatus.SUBMITTED, RealisationStatus.APPROVED)
NOTIFICATIONS_SHOWN = 30
COUNTS_KEY = "ekinerja.task_counts"


@bp.before_request
@login_required
def _login():
    return None


@bp.context_processor
def _labels():
    return {"MONTHS": MONTHS, "MONTHS_SHORT": MONTHS_SHORT, "STATUS_LABELS": services.STATUS_LABELS,
            "STATUS_SYMBOLS": STATUS_SYMBOLS, "COLOUR_LABELS": COLOUR_LABELS, "COLOUR_SYMBOLS": COLOUR_SYMBOLS,
            "POLARITY_LABELS": POLARITY_LABELS, "AGGREGATION_LABELS": AGGREGATION_LABELS,
            "ROLLUP_LABELS": ROLLUP_LABELS, "OWNER_KIND_LABELS": OWNER_KIND_LABELS,
            "month_name": periods.month_name, "input_number": input_number}


# ---------------------------------------------------------------- who

def enters_values(user) -> bool:
    """Does the user have a scorecard of his own to fill (menu; no query)?"""
    return user.employee_id is not None or any(r.role in (Role.OPD_OPERATOR, Role.GOVERNOR_OFFICE)
                                               for r in user.roles)


def decides(user) -> bool:
    """Is the user someone's approver: a head of a unit, or the governor's office?"""
    if any(r.role in approvers.DECIDING_ROLES for r in user.roles):
        return True
    employee = user.employee
    return employee is not None and employee.position is not None and employee.position.head_of_unit_id is not None


# ---------------------------------------------------------------- request arguments

def _year_arg() -> int:
    year = request.args.get("tahun", type=int)
    return year if year and 2000 <= year <= 2100 else periods.today().year


def _month_arg(year: int, opd_id: int | None) -> int:
    month = request.args.get("bulan", type=int)
    return month if month and 1 <= month <= 12 else periods.default_month(year, opd_id)


# ---------------------------------------------------------------- Kinerja saya

@dataclass
class EntryView:
    """One indicator's card on Kinerja saya."""

    node: Node
    current: Realisation | None
    history: list[tuple[int, Realisation | None]]
    figures: scoring.IndicatorFigures
    editable: bool
    form: EntryForm | None = None
    red: bool = False
    earlier_sum: Decimal = Decimal(0)
    earlier_count: int = 0
    earlier_last: Decimal | None = None
    message: str | None = None       # conflict, closed month, refused submission: shown on the card
    message_kind: str = "error"
    evidence: list = field(default_factory=list)
    preview: scoring.IndicatorFigures | None = None  # the figures with the value in the form

    @property
    def indicator(self) -> Indicator:
        return self.node.indicator

    @property
    def manual(self) -> bool:
        return self.indicator.rollup == Rollup.MANUAL


@dataclass
class Failure:
    """A refused POST of one card, shown again on the page with what was typed."""

    indicator_id: int
    form: EntryForm
    message: str
    kind: str = "error"


def _chosen_card(year: int) -> tuple[Scorecard | None, list[Scorecard], int]:
    """The scorecard of the page (?kartu=, else the user's first), the selector's list, the year."""
    card_id = request.args.get("kartu", type=int)
    if card_id:
        sc = bsc_services.get_scorecard(card_id)
        require(approvers.can_enter(current_user, sc), "Anda tidak berhak mengisi realisasi kartu kinerja ini.")
        cards = services.enterable_scorecards(current_user, sc.year)
        if sc not in cards:
            cards.append(sc)  # filled on behalf of its owner (OPD operator, a head above)
        return sc, cards, sc.year
    cards = services.enterable_scorecards(current_user, year)
    return (cards[0] if cards else None), cards, year


@bp.get("/")
def mine():
    sc, cards, year = _chosen_card(_year_arg())
    if sc is None:
        return render_template("realisations/mine.html", sc=None, cards=[], year=year)
    return _render_mine(sc, cards, _month_arg(year, sc.opd_id))


def _render_mine(sc: Scorecard, cards: list[Scorecard], month: int, failure: Failure | None = None,
                 status: int = 200):
    states = periods.year_states(sc.year, sc.opd_id)
    state = states[month - 1]
    figures = scorecard_figures(sc, month, provisional=True)
    ids = list(figures.nodes)
    rows: dict[int, dict[int, Realisation]] = defaultdict(dict)
    if ids:  # the monthly targets the previews read, with the indicators (not one query each)
        db.session.scalars(select(Indicator).where(Indicator.id.in_(ids))
                           .options(selectinload(Indicator.monthly_targets))).all()
        for r in db.session.scalars(select(Realisation).where(Realisation.indicator_id.in_(ids),
                                                              Realisation.month <= month)
                                    .options(selectinload(Realisation.evidence))):
            rows[r.indicator_id][r.month] = r
    counted = counted_statuses(True)
    entries = {}
    for ind_id, node in figures.nodes.items():
        by_month = rows[ind_id]
        entries[ind_id] = _entry_view(node, by_month, month, state.open, counted,
                                      failure if failure and failure.indicator_id == ind_id else None)
    config = current_app.config
    return render_template(
        "realisations/mine.html", sc=sc, cards=cards, year=sc.year, month=month, states=states, state=state,
        f=figures, entries=entries, failure=failure, accept=ACCEPT,
        evidence_help=evidence_help(config["EVIDENCE_MAX_BYTES"], config["EVIDENCE_MAX_FILES"]),
        cap=scoring.DEFAULT_CAP, green_from=scoring.GREEN_FROM, yellow_from=scoring.YELLOW_FROM,
        plain=scoring.plain), status


def _entry_view(node: Node, by_month: dict[int, Realisation], month: int, month_open: bool, counted,
                failure: Failure | None) -> EntryView:
    ind = node.indicator
    current = by_month.get(month)
    earlier = {m: r.value for m, r in by_month.items()
               if m < month and r.status in counted and r.value is not None}
    history = [(m, by_month.get(m)) for m in range(1, month)]
    manual = ind.rollup == Rollup.MANUAL
    editable = manual and month_open and (current is None or current.status in services.EDITABLE)
    if manual:
        figures = services.figures_with(ind, month, current.value if current else None, earlier)
    else:
        figures = node.figures
    view = EntryView(node, current, history, figures, editable,
                     earlier_sum=sum(earlier.values(), Decimal(0)), earlier_count=len(earlier),
                     earlier_last=earlier[max(earlier)] if earlier else None,
                     evidence=list(current.evidence) if current is not None else [])
    if failure is not None:
        view.form, view.message, view.message_kind = failure.form, failure.message, failure.kind
        # The form goes on from what is stored now: a stale version would only be refused again.
        view.form.version.data = str(current.version) if current is not None else ""
    elif editable:
        view.form = EntryForm(prefix=entry_prefix(ind), formdata=None)
        view.form.fill(current)
    if manual:
        typed = current.value if current is not None else None
        if view.form is not None:
            try:
                typed = services.parse_value(view.form.value.data)
            except ValidationFailed:
                typed = None
        if typed is not None:
            view.preview = services.figures_with(ind, month, typed, earlier)
            view.red = services.is_red(view.preview)
    return view


def _back_to_mine(sc: Scorecard, month: int, indicator: Indicator | None = None):
    anchor = f"#ind-{indicator.id}" if indicator is not None else ""
    return redirect(url_for(".mine", kartu=sc.id, bulan=month) + anchor)


def _cards_for(sc: Scorecard) -> list[Scorecard]:
    cards = services.enterable_scorecards(current_user, sc.year)
    return cards if sc in cards else cards + [sc]


@bp.post("/indikator/<int:indicator_id>/bulan/<int:month>")
def entry(indicator_id: int, month: int):
    """Save (aksi=simpan) or save and submit (aksi=ajukan) one indicator's value for a month,
    with the evidence files sent along."""
    indicator = bsc_services.get_indicator(indicator_id)
    sc = indicator.scorecard
    require(approvers.can_enter(current_user, sc), "Anda tidak berhak mengisi realisasi indikator ini.")
    if not 1 <= month <= 12:
        raise NotFound("Bulan tidak ditemukan.")
    form = EntryForm(prefix=entry_prefix(indicator))
    if not form.validate_on_submit():  # only the CSRF check can fail here: the services check the rest
        return _render_mine(sc, _cards_for(sc), month, Failure(
            indicator.id, form, "Formulir kedaluwarsa atau tidak sah; tidak ada yang disimpan. Muat ulang "
                                "halaman lalu kirim kembali."), 400)
    files = [f for f in request.files.getlist(form.bukti.name) if f and f.filename]
    entry_data = services.Entry(form.value.data, form.note.data, form.reason.data, form.follow_up.data)
    try:
        realisation = services.save(current_user, indicator, month, entry_data, form.version.data)
        for upload in files:
            services.add_evidence(current_user, realisation, upload.read(), upload.filename, realisation.version)
    except (ValidationFailed, Conflict, Locked, InvalidTransition) as exc:
        db.session.rollback()
        return _refused(sc, month, indicator, form, exc)
    db.session.commit()
    what = f"{indicator.code} {periods.month_name(indicator.year, month)}"
    uploaded = f" {len(files)} berkas bukti diunggah." if files else ""
    if request.form.get("aksi") != "ajukan":
        flash(f"Draf realisasi {what} disimpan.{uploaded}", "success")
        return _back_to_mine(sc, month, indicator)
    try:
        services.submit(current_user, realisation, realisation.version)
    except (ValidationFailed, InvalidTransition, Locked) as exc:
        db.session.rollback()
        return _refused(sc, month, indicator, form, exc, draft_saved=True)
    db.session.commit()
    flash(f"Realisasi {what} diajukan kepada atasan untuk disetujui.{uploaded}", "success")
    return _back_to_mine(sc, month, indicator)


def _refused(sc: Scorecard, month: int, indicator: Indicator, form: EntryForm, exc, draft_saved: bool = False):
    """The page again, this card showing why and keeping what was typed (files must be chosen again)."""
    if isinstance(exc, Conflict):
        current = services.find(indicator, month)
        stored = "belum ada nilai" if current is None or current.value is None else input_number(current.value)
        label = services.STATUS_LABELS[current.status] if current is not None else "–"
        message = ("Realisasi ini baru saja diubah oleh pengguna lain (atau dari tab/jendela lain), sehingga isian "
                   f"Anda TIDAK disimpan. Yang tersimpan sekarang: {stored} (status {label}). Periksa isian di "
                   "bawah; bila tetap ingin mengganti nilai yang tersimpan, tekan Simpan draf lagi.")
        status = 409
    elif isinstance(exc, Locked):
        message, status = exc.message, 423
    elif isinstance(exc, ValidationFailed):
        for detail in exc.details or []:
            detail["field"] = EntryForm.SERVICE_FIELDS.get(detail.get("field"), detail.get("field"))
        form.form_errors = []
        apply_errors(form, exc)
        general = [e for e in form.form_errors if e]
        message, status = " ".join([exc.message] + general), 422
        if form.bukti.errors or any(d.get("field") == "bukti" for d in exc.details or []):
            message += " Tidak ada yang disimpan; pilih kembali berkas buktinya."
    else:
        message, status = exc.message, 422
    if draft_saved:
        message = f"Draf tersimpan, tetapi belum dapat diajukan: {message}"
    return _render_mine(sc, _cards_for(sc), month, Failure(indicator.id, form, message), status)


# ---------------------------------------------------------------- evidence

@bp.get("/bukti/<int:evidence_id>")
def evidence_download(evidence_id: int):
    """The file, to those who may see its realisation, always as a download (never shown inline)."""
    evidence = services.get_evidence(evidence_id)
    try:
        data = services.evidence_file(current_user, evidence)
    except FileNotFoundError:
        raise NotFound("Berkas bukti tidak ditemukan di penyimpanan.") from None
    response = send_file(io.BytesIO(data), mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.original_name, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/bukti/<int:evidence_id>/hapus")
def evidence_delete(evidence_id: int):
    evidence = services.get_evidence(evidence_id)
    realisation = evidence.realisation
    indicator = realisation.indicator
    sc, month, name = indicator.scorecard, realisation.month, evidence.original_name
    require(approvers.can_enter(current_user, sc), "Anda tidak berhak menghapus bukti ini.")
    form = VersionForm()
    if not form.validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back_to_mine(sc, month, indicator)
    try:
        services.remove_evidence(current_user, evidence, form.version.data)
    except (Conflict, Locked, InvalidTransition) as exc:
        db.session.rollback()
        flash(f"Berkas {name} tidak dihapus: {exc.message}", "error")
        return _back_to_mine(sc, month, indicator)
    db.session.commit()
    flash(f"Berkas bukti {name} dihapus.", "success")
    return _back_to_mine(sc, month, indicator)


# ---------------------------------------------------------------- the superior's inbox

@dataclass
class InboxItem:
    realisation: Realisation
    figures: scoring.IndicatorFigures
    evidence: list
    state: periods.MonthState

    @property
    def indicator(self) -> Indicator:
        return self.realisation.indicator

    @property
    def scorecard(self) -> Scorecard:
        return self.realisation.indicator.scorecard


INBOX_PAGE = 50  # submissions per page of the inbox


def _inbox_page(realisations: list[Realisation], page: int) -> tuple[list[InboxItem], int, int, int]:
    """One page of the inbox, what can be decided now first (oldest first): (items, open count,
    page, pages). Month states for every row (a few queries per year); figures and evidence only
    for the page's rows."""
    states: dict[tuple[int, int | None], list[periods.MonthState]] = {}
    for r in realisations:
        key = (r.indicator.year, r.indicator.scorecard.opd_id)
        if key not in states:
            states[key] = periods.year_states(*key)
    state = {r.id: states[(r.indicator.year, r.indicator.scorecard.opd_id)][r.month - 1] for r in realisations}
    ordered = sorted(realisations, key=lambda r: not state[r.id].open)  # stable: oldest first within
    pages = max(1, -(-len(ordered) // INBOX_PAGE))
    page = min(max(page, 1), pages)
    shown = ordered[(page - 1) * INBOX_PAGE:page * INBOX_PAGE]
    open_count = sum(1 for s in state.values() if s.open)
    return _inbox_items(shown, state), open_count, page, pages


def _inbox_items(realisations: list[Realisation],
                 state: dict[int, periods.MonthState] | None = None) -> list[InboxItem]:
    """Figures, evidence and month states for the rows, in a fixed number of queries."""
    if not realisations:
        return []
    ind_ids = list({r.indicator_id for r in realisations})
    db.session.scalars(select(Indicator).where(Indicator.id.in_(ind_ids))
                       .options(selectinload(Indicator.monthly_targets))).all()
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for ind_id, m, v in db.session.execute(
            select(Realisation.indicator_id, Realisation.month, Realisation.value).where(
                Realisation.indicator_id.in_(ind_ids), Realisation.status.in_(counted_statuses(True)),
                Realisation.value.is_not(None))):
        values[ind_id][m] = v
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for ev in db.session.scalars(select(Evidence).where(Evidence.realisation_id.in_([r.id for r in realisations]))
                                 .order_by(Evidence.id)):
        evidence[ev.realisation_id].append(ev)
    states: dict[tuple[int, int | None], list[periods.MonthState]] = {}
    items = []
    for r in realisations:
        ind = r.indicator
        key = (ind.year, ind.scorecard.opd_id)
        if state is None and key not in states:
            states[key] = periods.year_states(*key)
        earlier = {m: v for m, v in values[ind.id].items() if m < r.month}
        items.append(InboxItem(r, services.figures_with(ind, r.month, r.value, earlier), evidence[r.id],
                               state[r.id] if state is not None else states[key][r.month - 1]))
    return items


@bp.get("/persetujuan")
def inbox():
    require(decides(current_user), "Halaman persetujuan hanya untuk atasan yang menyetujui realisasi.")
    year = request.args.get("tahun", type=int)
    month = request.args.get("bulan", type=int)
    year = year if year and 2000 <= year <= 2100 else None
    month = month if month and 1 <= month <= 12 else None
    waiting = services.inbox(current_user, year, month)
    items, open_count, page, pages = _inbox_page(waiting, request.args.get("page", 1, type=int))
    return render_template("realisations/inbox.html", submissions=items, year=year, month=month,
                           this_year=periods.today().year, total=len(waiting), open_count=open_count,
                           page=page, pages=pages)


def _back_to_inbox():
    args = {k: v for k, v in (("tahun", request.args.get("tahun")), ("bulan", request.args.get("bulan"))) if v}
    return redirect(url_for(".inbox", **args))


def _what(r: Realisation) -> str:
    ind = r.indicator
    owner = ind.scorecard.owner_name
    return f"{ind.code} {owner} ({periods.month_name(ind.year, r.month)})"


@bp.post("/persetujuan/setujui")
def approve_selected():
    """Approve the ticked rows ("id:version"): all of them, or none when one is refused."""
    require(decides(current_user), "Anda bukan atasan yang menyetujui realisasi.")
    form = PlainForm()
    if not form.validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back_to_inbox()
    items = []
    for raw in request.form.getlist("items"):
        rid, _, version = raw.partition(":")
        if not rid.isdigit() or not version.isdigit():
            flash("Pilihan tidak valid. Muat ulang halaman lalu coba lagi.", "error")
            return _back_to_inbox()
        items.append((int(rid), int(version)))
    try:
        done = services.approve_many(current_user, items)
    except (ValidationFailed, Conflict, InvalidTransition, Locked) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _back_to_inbox()
    db.session.commit()
    flash(f"{len(done)} realisasi disetujui.", "success")
    return _back_to_inbox()


@bp.post("/<int:realisation_id>/setujui")
def approve(realisation_id: int):
    realisation = services.get_realisation(realisation_id)
    services.require_decide(current_user, realisation)
    form = VersionForm()
    if not form.validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return _back_to_inbox()
    what = _what(realisation)
    try:
        services.approve(current_user, realisation, form.version.data)
    except (Conflict, InvalidTransition, Locked) as exc:
        db.session.rollback()
        flash(f"{what} tidak disetujui: {exc.message}", "error")
        return _back_to_inbox()
    db.session.commit()
    flash(f"Realisasi {what} disetujui.", "success")
    return _back_to_inbox()


@bp.route("/<int:realisation_id>/kembalikan", methods=["GET", "POST"])
def return_(realisation_id: int):
    """Return a submission to its owner with a comment (required): a page of its own, which the
    inbox's per-row form also posts to."""
    realisation = services.get_realisation(realisation_id)
    services.require_decide(current_user, realisation)
    form = ReturnForm()
    if request.method == "GET":
        form.version.data = str(realisation.version)
    if form.validate_on_submit():
        what = _what(realisation)
        try:
            services.return_(current_user, realisation, form.version.data, form.comment.data)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        except (Conflict, InvalidTransition, Locked) as exc:
            db.session.rollback()
            flash(f"{what} tidak dikembalikan: {exc.message}", "error")
            return _back_to_inbox()
        else:
            db.session.commit()
            flash(f"Realisasi {what} dikembalikan kepada pemiliknya untuk diperbaiki.", "success")
            return _back_to_inbox()
    realisation = services.get_realisation(realisation_id)  # fresh after a rollback
    [item] = _inbox_items([realisation])
    return render_template("realisations/return.html", item=item, form=form), 422 if form.errors else 200


# ---------------------------------------------------------------- tasks and notifications

@dataclass
class ToSubmit:
    """A scorecard's open month with manual indicators still to submit."""

    scorecard: Scorecard
    month: int
    indicators: list[Indicator]
    state: periods.MonthState


@dataclass
class Pending:
    to_submit: list[ToSubmit]
    returned: list[Realisation]
    to_approve: int

    @property
    def to_submit_count(self) -> int:
        return sum(len(t.indicators) for t in self.to_submit)


def _task_years() -> list[int]:
    """This year; in January also the last, whose December is still open until its deadline."""
    today = periods.today()
    return [today.year - 1, today.year] if today.month == 1 else [today.year]


def _open_months(cards: list[Scorecard], year: int) -> dict[int | None, list[periods.MonthState]]:
    """The open months of the year, per OPD of the cards (reopenings are per OPD)."""
    out = {}
    for opd_id in {c.opd_id for c in cards}:
        out[opd_id] = [s for s in periods.year_states(year, opd_id) if s.open]
    return out


def pending(user) -> Pending:
    """Everything that waits for the user, as lists (the Tugas page)."""
    to_submit, returned = [], []
    for year in _task_years():
        cards = services.enterable_scorecards(user, year)
        if not cards:
            continue
        ids = [c.id for c in cards]
        open_months = _open_months(cards, year)
        manual = db.session.scalars(select(Indicator).where(Indicator.scorecard_id.in_(ids),
                                                            Indicator.rollup == Rollup.MANUAL)
                                    .order_by(Indicator.code)).all()
        months = sorted({s.month for states in open_months.values() for s in states})
        done = set()
        if manual and months:
            done = set(db.session.execute(select(Realisation.indicator_id, Realisation.month).where(
                Realisation.indicator_id.in_([i.id for i in manual]), Realisation.month.in_(months),
                Realisation.status.in_(DONE))).all())
        for card in cards:
            mine_ = [i for i in manual if i.scorecard_id == card.id]
            for state in open_months[card.opd_id]:
                left = [i for i in mine_ if (i.id, state.month) not in done]
                if left:
                    to_submit.append(ToSubmit(card, state.month, left, state))
        returned += db.session.scalars(
            select(Realisation).join(Indicator, Realisation.indicator_id == Indicator.id)
            .where(Indicator.scorecard_id.in_(ids), Realisation.status == RealisationStatus.RETURNED)
            .options(selectinload(Realisation.indicator).selectinload(Indicator.scorecard))
            .order_by(Realisation.month, Indicator.code)).all()
    return Pending(to_submit, returned, inbox_count(user) if decides(user) else 0)


def _openness(years: set[int]):
    """is_open(year, month, opd_id) for many OPDs at once, in three queries a year: the general
    state of each month (deadline, locks) and every reopening running today. The rule is
    periods.month_state's, which asks one OPD at a time."""
    general = {y: periods.year_states(y, None) for y in years}
    reopened = set(db.session.execute(
        select(PeriodReopening.year, PeriodReopening.month, PeriodReopening.opd_id).where(
            PeriodReopening.year.in_(years), PeriodReopening.until >= periods.today())).all())

    def is_open(year: int, month: int, opd_id: int | None) -> bool:
        state = general[year][month - 1]
        return state.open or (state.started and (year, month, opd_id) in reopened)
    return is_open


def inbox_count(user) -> int:
    """Submissions the user can decide now: those of open months (a closed month's wait for an
    administrator to reopen it, and are listed on the page with that message, not counted)."""
    q = services.inbox_query(user)
    if q is None:
        return 0
    rows = db.session.execute(
        q.order_by(None).with_only_columns(Indicator.year, Realisation.month, Scorecard.opd_id,
                                           func.count(Realisation.id))
        .group_by(Indicator.year, Realisation.month, Scorecard.opd_id)).all()
    if not rows:
        return 0
    is_open = _openness({year for year, *_ in rows})
    return sum(n for year, month, opd_id, n in rows if is_open(year, month, opd_id))


def task_counts(user) -> dict[str, int]:
    """Counts for the menu, by COUNT queries (a few per OPD of the user's cards, none per row):
    once per request (kept in the request's environ: `g` may outlive a request), and remembered by
    the worker for the data version and the day (every change of a realisation's status, of the
    cascade, the periods or the organisation moves the version; ekinerja.memo)."""
    store = request.environ if has_request_context() else {}
    cached = store.get(COUNTS_KEY)
    if cached is not None and cached[0] == user.id:
        return cached[1]
    version, _ = data_version()
    counts = remembered(("tasks", user.id, version, periods.today()), lambda: _task_counts(user))
    store[COUNTS_KEY] = (user.id, counts)
    return counts


def _task_counts(user) -> dict[str, int]:
    to_submit = returned = 0
    if enters_values(user):
        for year in _task_years():
            cards = services.enterable_scorecards(user, year)
            if not cards:
                continue
            by_opd: dict[int | None, list[int]] = defaultdict(list)
            for c in cards:
                by_opd[c.opd_id].append(c.id)
            for opd_id, states in _open_months(cards, year).items():
                if not states:
                    continue
                months = [s.month for s in states]
                manual = select(Indicator.id).where(Indicator.scorecard_id.in_(by_opd[opd_id]),
                                                    Indicator.rollup == Rollup.MANUAL)
                n = db.session.scalar(select(func.count()).select_from(manual.subquery()))
                done = db.session.scalar(select(func.count()).select_from(Realisation).where(
                    Realisation.indicator_id.in_(manual), Realisation.month.in_(months),
                    Realisation.status.in_(DONE))) if n else 0
                to_submit += n * len(months) - done
            returned += db.session.scalar(
                select(func.count()).select_from(Realisation).join(Indicator, Realisation.indicator_id == Indicator.id)
                .where(Indicator.scorecard_id.in_([c.id for c in cards]),
                       Realisation.status == RealisationStatus.RETURNED))
    to_approve = inbox_count(user) if decides(user) else 0
    return {"to_submit": to_submit, "returned": returned, "to_approve": to_approve,
            "total": to_submit + returned + to_approve}


@bp.get("/tugas")
def tasks():
    waiting = pending(current_user)
    notes = db.session.scalars(select(Notification).where(Notification.user_id == current_user.id)
                               .options(selectinload(Notification.realisation).selectinload(Realisation.indicator))
                               .order_by(Notification.created_at.desc(), Notification.id.desc())
                               .limit(NOTIFICATIONS_SHOWN)).all()
    unread = {n.id for n in notes if n.read_at is None}
    page = render_template("realisations/tasks.html", p=waiting, notes=notes, unread=unread,
                           can_approve=decides(current_user))
    if unread:  # seen now: read (the page above still marks them as new)
        now = utcnow()
        for n in notes:
            if n.read_at is None:
                n.read_at = now
        db.session.commit()
    return page


@bp.post("/tugas/baca")
def mark_read():
    """Mark every notification of the user as read."""
    form = PlainForm()
    if not form.validate_on_submit():
        flash("Formulir tidak sah. Muat ulang halaman lalu coba lagi.", "error")
        return redirect(url_for(".tasks"))
    from sqlalchemy import update

    result = db.session.execute(update(Notification).where(Notification.user_id == current_user.id,
                                                           Notification.read_at.is_(None))
                                .values(read_at=utcnow()))
    db.session.commit()
    flash(f"{result.rowcount} pemberitahuan ditandai sudah dibaca." if result.rowcount
          else "Tidak ada pemberitahuan baru.", "success" if result.rowcount else "info")
    return redirect(url_for(".tasks"))
