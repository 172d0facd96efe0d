"""Request edge: audit actor, security headers, error pages, template helpers."""
from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urljoin, urlparse
from zoneinfo import ZoneInfo

from flask import g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ekinerja.audit.trail import set_actor
from ekinerja.errors import DomainError
from ekinerja.extensions import db

log = logging.getLogger("ekinerja.request")
WITA = ZoneInfo("Asia/Makassar")
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

ERROR_TEXT = {
    400: ("Permintaan tidak valid", "Permintaan yang dikirim tidak dapat diproses."),
    401: ("Belum masuk", "Silakan masuk terlebih dahulu."),
    403: ("Akses ditolak", "Anda tidak berhak membuka atau mengubah halaman ini."),
    404: ("Halaman tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Metode tidak diizinkan", "Permintaan ini tidak diizinkan untuk alamat tersebut."),
    409: ("Terjadi konflik", "Data telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas."),
    422: ("Data tidak valid", "Periksa kembali isian Anda."),
    423: ("Periode terkunci", "Periode ini sudah ditutup atau dikunci."),
    429: ("Terlalu banyak permintaan", "Coba lagi beberapa saat lagi."),
    500: ("Terjadi kesalahan", "Maaf, terjadi kesalahan pada sistem. Tim kami telah dicatat untuk memeriksanya."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, code: str | None = None, details=None):
    title, default = ERROR_TEXT.get(status, ERROR_TEXT[500])
    message = message or default
    if wants_json():
        body = {"error": {"code": code or title.lower().replace(" ", "_"), "message": message,
                          "details": details or []}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, title=title, message=message,
                           details=details or []), status


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no other host, no protocol-relative '//' trick."""
    if not target or target.startswith(("//", "\\")) or "\\" in target:
        return False
    ref = urlparse(request.host_url)
    test = urlparse(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and test.netloc == ref.netloc and target.startswith("/")


def format_date_id(value) -> str:
    """'3 Agustus 2025'."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(WITA)
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def format_datetime_wita(value) -> str:
    if value is None:
        return "–"
    local = value.astimezone(WITA) if value.tzinfo else value.replace(tzinfo=timezone.utc).astimezone(WITA)
    return f"{format_date_id(local)} {local:%H.%M} WITA"


def format_number_id(value, decimals: int | None = None) -> str:
    """A number the Indonesian way: 1.234,56. decimals=None: at most two, trailing zeros dropped
    (120 → "120", 13.5 → "13,5"); an int: exactly that many ("98,50")."""
    if value is None:
        return "–"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    places = 2 if decimals is None else decimals
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:]] + groups
    text = ".".join([whole] + groups) + ("," + fraction if fraction else "")
    if sign and text.strip("0.,") == "":
        sign = ""  # -0,00 reads as zero
    return sign + text


def format_percent_id(fraction) -> str:
    """A fraction (1 = 100%) as an Indonesian percentage with two decimals: 1.0714 → "107,14%"."""
    if fraction is None:
        return "–"
    return format_number_id(Decimal(str(fraction)) * 100, 2) + "%"


def init_app(app) -> None:
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @app.before_request
    def _start():
        g.request_id = request.headers.get("X-Request-ID") or secrets.token_hex(8)
        g.started = time.perf_counter()
        user = current_user if current_user.is_authenticated else None
        g.log_user_id = getattr(user, "id", None)
        set_actor(db.session, user=user, ip=request.remote_addr)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if not request.path.startswith("/static/"):
            log.info("%s %s %s", request.method, request.path, response.status_code,
                     extra={"status": response.status_code,
                            "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)})
        return response

    @app.teardown_request
    def _forget_user(exc):
        # Flask-Login caches the user in g, which lives as long as the app context; a request
        # must never inherit the previous one's user (tests share an app context across requests).
        g.pop("_login_user", None)

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.session.rollback()
        return error_response(exc.status_code, exc.message, exc.code, exc.details)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return error_response(400, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim kembali.", "csrf")

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if exc.code in (301, 302, 303, 307, 308):
            return exc
        return error_response(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_response(500)

    app.jinja_env.filters["tanggal"] = format_date_id
    app.jinja_env.filters["waktu"] = format_datetime_wita
    app.jinja_env.filters["angka"] = format_number_id
    app.jinja_env.filters["persen"] = format_percent_id
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["now_year"] = lambda: datetime.now(WITA).year


def nav_items(user) -> list[tuple[str, str, str]]:
    """The menu (endpoint, label, key) of a logged-in user, by role and position."""
    from flask import url_for

    from ekinerja.auth.models import Role
    from ekinerja.auth.permissions import access, can, headed_unit_id, Scope

    if user is None or not user.is_authenticated:
        return []
    items = [(url_for("main.home"), "Beranda", "home")]
    if user.employee_id is not None:
        items.append((url_for("org.employee", employee_id=user.employee_id), "Profil saya", "me"))
    unit_id = headed_unit_id(user)
    if unit_id is not None:
        items.append((url_for("org.unit", unit_id=unit_id), "Unit saya", "my_unit"))
    if can(user, "bsc.view"):
        items.append((url_for("bsc.index"), "Kinerja", "bsc"))
    if access(user, "bsc.view").scope == Scope.ALL:
        items.append((url_for("review.index"), "Dasbor Provinsi", "review"))
    items += _realisation_items(user)
    from ekinerja.a3.views import sees_a3
    if sees_a3(user):
        items.append((url_for("a3.index"), "Perjanjian A3", "a3"))
    if can(user, "bsc.view"):
        items.append((url_for("contracts.index"), "Perjanjian Kinerja", "pk"))
    from ekinerja.public.dip import keeps_reports
    if keeps_reports(user):
        items.append((url_for("ppid.reports"), "Laporan berkala", "ppid_reports"))
    org = access(user, "org.manage") or access(user, "org.view")
    if org.scope == Scope.ALL:
        items.append((url_for("org.index"), "Organisasi", "org"))
    elif org.opd_ids:
        for opd_id in sorted(org.opd_ids):
            items.append((url_for("org.opd", opd_id=opd_id), "Organisasi OPD", "org"))
    if can(user, "users.manage"):
        items.append((url_for("admin.users"), "Pengguna", "users"))
    if can(user, "periods.manage"):
        items.append((url_for("periods.index"), "Periode", "periods"))
    if can(user, "ppid.manage"):
        items.append((url_for("ppid.officer_index"), "PPID", "ppid"))
    if can(user, "audit.view"):
        items.append((url_for("audit.index"), "Jejak audit", "audit"))
    items.append((url_for("auth.change_password"), "Ganti kata sandi", "password"))
    return items


def _with_count(label: str, count: int):
    """A menu label with a count badge (Markup: the label is ours, the count a number)."""
    from markupsafe import Markup, escape

    return Markup('{} <span class="badge count">{}</span>').format(escape(label), int(count)) if count else label


def _realisation_items(user) -> list:
    """Kinerja saya, Persetujuan (for approvers) and Tugas, the last two with what waits (counts
    from a few COUNT queries, once per request)."""
    from flask import url_for

    from ekinerja.realisations import views as realisations

    enters, decides = realisations.enters_values(user), realisations.decides(user)
    if not (enters or decides):
        return []
    counts = realisations.task_counts(user)
    items = []
    if enters:
        items.append((url_for("realisations.mine"), "Kinerja saya", "realisasi"))
    if decides:
        items.append((url_for("realisations.inbox"), _with_count("Persetujuan", counts["to_approve"]), "persetujuan"))
    items.append((url_for("realisations.tasks"), _with_count("Tugas", counts["total"]), "tugas"))
    return items
