"""Province-scale benchmark (issue 7): gunicorn (2 workers) on the database bench/generate.py made,
each key page loaded from a second process for a fixed time, the workflow's writes, the 44 A3 PDFs,
an Excel import of 5,000 realisations and a worker's peak memory; and, in the same run, a baseline
(a bare Flask route rendering a 50-row Jinja table under the same gunicorn) that every page's
throughput is divided by. Prints a table, then one JSON line with every figure.

    .venv/bin/python bench/generate.py --scale small
    .venv/bin/python bench/run.py --scale small [--db sqlite|mariadb] [--seconds N]

The run writes to the database (submissions, approvals, Excel values, the A3 printing), and can be
repeated: it takes drafts still there, puts new values in the workbook, and sets the 44 A3 back to
"agreed" before printing them again.
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, PASSWORD, ROOT, SCALES, YEAR, app_config, server_env  # noqa: E402

VENV_BIN = Path(sys.executable).parent
BIG_OPD = "1.01.2.22.0.00.02.0000"
CONCURRENCY = 2
EXCEL_ROWS = 5000
CSRF_RE = re.compile(r'<input[^>]*name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')
TOKEN_RE = re.compile(r'<input[^>]*name="token"[^>]*value="([^"]+)"')

# (key, label, goal median ms, goal share of the baseline's throughput)
PAGES = [
    ("dashboard", "Dasbor gubernur (/review/)", 100, 0.3),
    ("tree", "Pohon kaskade IKU provinsi", 300, None),
    ("opd_scorecard", "Kartu kinerja OPD terbesar", 100, 0.3),
    ("kinerja_saya", "Kinerja saya (staf)", 100, 0.3),
    ("inbox", "Persetujuan (atasan)", 100, 0.3),
    ("sakip", "Publik /sakip", 100, 0.3),
    ("api_sakip", f"API /api/public/v1/sakip/{YEAR}", 100, 0.3),
]
GOALS = {"submit_ms": 50, "approve_ms": 50, "pdf_seconds": 10, "excel_seconds": 20, "worker_peak_mb": 250}


# ---------------------------------------------------------------- HTTP

class Session:
    """A browser's cookies over plain http.client (a new connection per request: gunicorn's sync
    workers close it after every response anyway)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, response.headers, data

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: dict):
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            "application/x-www-form-urlencoded")

    def post_multipart(self, path: str, fields: dict, files: dict):
        boundary = uuid.uuid4().hex
        out = io.BytesIO()
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content_type, data) in files.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {content_type}\r\n\r\n".encode())
            out.write(data + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, out.getvalue(), f"multipart/form-data; boundary={boundary}")

    def csrf(self, path: str = "/") -> str:
        status, _h, body = self.get(path)
        found = CSRF_RE.search(body.decode("utf-8", "replace"))
        if not found:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return found.group(1)

    def login(self, username: str) -> "Session":
        token = self.csrf("/masuk")
        status, headers, _ = self.post("/masuk", {"csrf_token": token, "login": username, "password": PASSWORD,
                                                  "next": ""})
        if status != 302 or "/masuk" in (headers.get("Location") or ""):
            raise RuntimeError(f"login {username} failed (HTTP {status})")
        return self


# ---------------------------------------------------------------- load from a second process

def _load(port: int, path: str, cookie: str, seconds: float, concurrency: int, queue) -> None:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    end = time.perf_counter() + seconds

    def worker():
        done = 0
        while time.perf_counter() < end or done == 0:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
            t = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t
            conn.close()
            done += 1
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    queue.put({"latencies": latencies, "statuses": statuses, "elapsed": time.perf_counter() - start})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _timed_get(port: int, path: str, cookie: str, cap: float) -> tuple[int | None, float]:
    """(HTTP status, seconds); (None, cap) when no answer came within cap seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=cap)
    t = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
    except (TimeoutError, socket.timeout):
        return None, cap
    finally:
        conn.close()
    return response.status, time.perf_counter() - t


def measure(port: int, path: str, session: Session | None, seconds: float, cap: float) -> dict:
    """Warm both workers (two requests at once), then load the page for `seconds` from a second
    process. A page slower than `seconds` is not loaded further: the two warming requests are its
    measurement (marked single_shot). A page with no answer within `cap` seconds is marked
    timed_out (the caller restarts the server: its workers are still busy with it)."""
    cookie = session.cookie_header() if session else ""
    warm: list[tuple[int | None, float]] = []
    start = time.perf_counter()
    threads = [threading.Thread(target=lambda: warm.append(_timed_get(port, path, cookie, cap)))
               for _ in range(CONCURRENCY)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if any(status is None for status, _t in warm):
        return {"path": path, "requests": 0, "errors": len(warm), "statuses": {}, "rps": 0.0, "single_shot": True,
                "timed_out": True, "cap_s": cap, "p50_ms": None, "p95_ms": None}
    if max(t for _s, t in warm) >= seconds:
        lat = [t for _s, t in warm]
        statuses: dict[int, int] = {}
        for status, _t in warm:
            statuses[status] = statuses.get(status, 0) + 1
        elapsed = time.perf_counter() - start
        single = True
    else:
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        process = context.Process(target=_load, args=(port, path, cookie, seconds, CONCURRENCY, queue))
        process.start()
        result = queue.get()
        process.join()
        lat, statuses, elapsed, single = result["latencies"], result["statuses"], result["elapsed"], False
    ok = statuses.get(200, 0)
    return {"path": path, "requests": len(lat), "errors": len(lat) - ok, "statuses": statuses,
            "rps": round(len(lat) / elapsed, 2), "single_shot": single, "timed_out": False,
            "p50_ms": round(percentile(lat, 0.5) * 1000, 1), "p95_ms": round(percentile(lat, 0.95) * 1000, 1)}


# ---------------------------------------------------------------- servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn, 2 sync workers, on a free port; stopped (SIGQUIT to the master we started) on exit."""

    def __init__(self, app: str, env: dict, log_name: str, append: bool = False):
        self.port = free_port()
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = open(OUT / log_name, "a" if append else "w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "3600",
             app], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                conn.getresponse().read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start; see {self.log.name}")
                time.sleep(0.2)

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # quick: a worker may still be busy with a slow page
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- who and what is measured

def subjects(app) -> dict:
    """The accounts and ids the pages are loaded with, read from the generated database."""
    from sqlalchemy import func, select

    from ekinerja.auth.models import Role, User, UserRole
    from ekinerja.bsc.models import Indicator, OwnerKind, Scorecard
    from ekinerja.extensions import db
    from ekinerja.org.models import Employee, Opd, Position, Unit

    with app.app_context():
        opd = db.session.scalar(select(Opd).where(Opd.code == BIG_OPD))
        operator = db.session.scalar(select(User.username).join(UserRole).where(
            UserRole.role == Role.OPD_OPERATOR, UserRole.opd_id == opd.id))
        card = db.session.scalar(select(Scorecard.id).where(Scorecard.year == YEAR, Scorecard.owner_key == f"opd:{opd.id}"))
        iku = db.session.scalar(select(Indicator.id).join(Scorecard).where(
            Scorecard.year == YEAR, Scorecard.owner_kind == OwnerKind.PROVINCE, Indicator.code == "IKU-01"))
        # The OPD's unit with the most staff: its head's inbox, its first staff member's Kinerja saya.
        staff_count = (select(Position.unit_id, func.count().label("n")).join(Unit, Position.unit_id == Unit.id)
                       .where(Unit.opd_id == opd.id, Position.head_of_unit_id.is_(None))
                       .group_by(Position.unit_id).order_by(func.count().desc(), Position.unit_id).limit(1))
        unit_id = db.session.execute(staff_count).first().unit_id
        head = db.session.scalar(select(Employee.nip).join(Position, Employee.position_id == Position.id)
                                 .where(Position.head_of_unit_id == unit_id))
        staff = db.session.execute(select(Employee.id, Employee.nip).join(Position, Employee.position_id == Position.id)
                                   .where(Position.unit_id == unit_id, Position.head_of_unit_id.is_(None))
                                   .order_by(Employee.id)).all()
        tree_size = _tree_size(iku)
        db.session.remove()
    return {"opd_id": opd.id, "opd_name": opd.name, "operator": operator, "opd_card": card, "iku": iku,
            "tree_size": tree_size, "unit_id": unit_id, "head": head, "staff": [tuple(s) for s in staff]}


def _tree_size(iku_id: int) -> int:
    from ekinerja.bsc.cascade import load_descendants
    from ekinerja.bsc.models import Indicator
    from ekinerja.extensions import db
    return len(load_descendants([db.session.get(Indicator, iku_id)]))


def drafts(app, staff: list[tuple[int, str]], n: int) -> list[tuple[str, int, str]]:
    """Up to n December drafts of the unit's staff: (NIP, indicator id, value)."""
    from sqlalchemy import select

    from ekinerja.bsc.models import Indicator, Realisation, RealisationStatus, Scorecard
    from ekinerja.extensions import db

    nip_of = dict(staff)
    with app.app_context():
        rows = db.session.execute(
            select(Scorecard.employee_id, Indicator.id, Indicator.target)
            .join(Indicator, Indicator.scorecard_id == Scorecard.id)
            .join(Realisation, Realisation.indicator_id == Indicator.id)
            .where(Scorecard.employee_id.in_(list(nip_of)), Realisation.month == 12,
                   Realisation.status == RealisationStatus.DRAFT)
            .order_by(Scorecard.employee_id, Indicator.id).limit(n)).all()
        db.session.remove()
    return [(nip_of[e], i, str(t)) for e, i, t in rows]


def realisation_of(app, indicator_id: int) -> tuple[int, int, str]:
    from sqlalchemy import select

    from ekinerja.bsc.models import Realisation
    from ekinerja.extensions import db
    with app.app_context():
        r = db.session.execute(select(Realisation.id, Realisation.version, Realisation.status)
                               .where(Realisation.indicator_id == indicator_id, Realisation.month == 12)).first()
        db.session.remove()
    return r.id, r.version, r.status.value


# ---------------------------------------------------------------- the workflow's writes

def submit_and_approve(app, port: int, subject: dict, n: int) -> dict:
    """Save-and-submit a December draft as its owner (one POST), then approve it as the head (one
    POST); the time of each POST, redirects not followed."""
    items = drafts(app, subject["staff"], n)
    head = Session(port).login(subject["head"])
    head_token = head.csrf("/")
    sessions: dict[str, tuple[Session, str]] = {}
    submit_ms, approve_ms, failures = [], [], []
    for nip, indicator_id, target in items:
        if nip not in sessions:
            s = Session(port).login(nip)
            sessions[nip] = (s, s.csrf("/realisasi/?bulan=12"))
        s, token = sessions[nip]
        prefix = f"i{indicator_id}"
        seen = realisation_of(app, indicator_id)[1]  # a draft an earlier run's Excel import changed is past 1
        fields = {f"{prefix}-csrf_token": token, f"{prefix}-value": target.replace(".", ","),
                  f"{prefix}-note": "Uji beban", f"{prefix}-reason": "Uji beban", f"{prefix}-follow_up": "Uji beban",
                  f"{prefix}-version": str(seen), "aksi": "ajukan"}
        t = time.perf_counter()
        status, headers, _ = s.post(f"/realisasi/indikator/{indicator_id}/bulan/12", fields)
        submit_ms.append((time.perf_counter() - t) * 1000)
        rid, version, state = realisation_of(app, indicator_id)
        if status != 302 or state != "submitted":
            failures.append(f"submit {indicator_id}: HTTP {status}, {state}")
            continue
        t = time.perf_counter()
        status, _h, _b = head.post(f"/realisasi/{rid}/setujui", {"csrf_token": head_token, "version": str(version)})
        approve_ms.append((time.perf_counter() - t) * 1000)
        if status != 302 or realisation_of(app, indicator_id)[2] != "approved":
            failures.append(f"approve {rid}: HTTP {status}")
    return {"submit": _summary(submit_ms), "approve": _summary(approve_ms), "failures": failures}


def _summary(ms: list[float]) -> dict:
    if not ms:
        return {"n": 0, "p50_ms": None, "max_ms": None}
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1)}


# ---------------------------------------------------------------- Excel

def excel_import(port: int, subject: dict) -> dict:
    """The OPD operator's December workbook from the app's own download, EXCEL_ROWS editable rows
    given new values (the rest removed), then upload (preview) and apply, timed together."""
    from openpyxl import load_workbook

    from ekinerja.realisations.workbook import HEADER_ROW, SHEET

    op = Session(port).login(subject["operator"])
    status, _h, data = op.get(f"/realisasi/excel/unduh?opd={subject['opd_id']}&tahun={YEAR}&bulan=12")
    if status != 200:
        raise RuntimeError(f"Excel download: HTTP {status}")
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    headers = {ws.cell(HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    value_col, status_col = headers["Realisasi"], headers["Status"]
    rng = random.Random(time.time_ns())
    kept = []
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        state = str(ws.cell(row, status_col).value or "")
        if ws.cell(row, 1).value and not state.startswith(("Diajukan", "Disetujui")):
            kept.append([ws.cell(row, c).value for c in range(1, ws.max_column + 1)])
            if len(kept) == EXCEL_ROWS:
                break
    for n, values in enumerate(kept):
        row = HEADER_ROW + 1 + n
        for c, value in enumerate(values, start=1):
            ws.cell(row, c).value = value
        ws.cell(row, value_col).value = round(rng.uniform(1, 500), 2)
    last = HEADER_ROW + len(kept)
    if ws.max_row > last:
        ws.delete_rows(last + 1, ws.max_row - last)
    out = io.BytesIO()
    wb.save(out)
    token = op.csrf("/realisasi/excel/unggah")
    t = time.perf_counter()
    status, _h, body = op.post_multipart("/realisasi/excel/unggah", {"csrf_token": token},
                                         {"file": ("realisasi.xlsx", "application/vnd.openxmlformats-officedocument."
                                                   "spreadsheetml.sheet", out.getvalue())})
    upload_s = time.perf_counter() - t
    found = TOKEN_RE.search(body.decode("utf-8", "replace"))
    if status != 200 or not found:
        raise RuntimeError(f"Excel upload: HTTP {status}, no confirmation token")
    t2 = time.perf_counter()
    status, _h, body = op.post("/realisasi/excel/terapkan", {"csrf_token": token, "token": found.group(1)})
    apply_s = time.perf_counter() - t2
    if status != 200:
        raise RuntimeError(f"Excel apply: HTTP {status}")
    return {"rows": len(kept),
            "upload_preview_s": round(upload_s, 2), "apply_s": round(apply_s, 2),
            "seconds": round(upload_s + apply_s, 2)}


# ---------------------------------------------------------------- A3 PDFs

def print_a3(app, db_kind: str, scale: str) -> dict:
    """`flask a3 print` of the year's 44 agreed A3 (set back to agreed first: a repeated run prints
    them again), timed as a whole: the command as an operator runs it."""
    import shutil

    from sqlalchemy import select, update

    from ekinerja.contracts.models import Agreement, AgreementVersion, DocumentKind, VersionStatus
    from ekinerja.extensions import db

    with app.app_context():
        ids = select(Agreement.id).where(Agreement.kind == DocumentKind.A3, Agreement.year == YEAR)
        db.session.execute(update(AgreementVersion).where(AgreementVersion.agreement_id.in_(ids),
                                                          AgreementVersion.status == VersionStatus.PRINTED)
                           .values(status=VersionStatus.AGREED))
        db.session.commit()
        db.session.remove()
    out = OUT / f"a3-{db_kind}-{scale}"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    done = subprocess.run([str(VENV_BIN / "flask"), "a3", "print", "--year", str(YEAR), "--out", str(out)],
                          cwd=ROOT, env=server_env(db_kind, scale), capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        raise RuntimeError(f"flask a3 print failed: {done.stderr[-2000:]}")
    return {"files": len(list(out.glob("*.pdf"))), "seconds": round(seconds, 2)}


# ---------------------------------------------------------------- the run

def run(scale_name: str, db_kind: str, seconds: float | None, cap: float) -> dict:
    from ekinerja import create_app

    started = time.monotonic()
    scale = SCALES[scale_name]
    seconds = seconds or scale.seconds
    app = create_app(app_config(db_kind, scale_name))
    subject = subjects(app)
    result: dict = {"scale": scale_name, "db": db_kind, "seconds_per_page": seconds, "cap_seconds": cap, "concurrency": CONCURRENCY,
                    "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()], "tree_indicators": subject["tree_size"], "opd": subject["opd_name"]}

    baseline = Server("bench.baseline_app:app", dict(os.environ), f"gunicorn-baseline-{db_kind}-{scale_name}.log")
    try:
        result["baseline"] = measure(baseline.port, "/", None, seconds, cap)
    finally:
        baseline.stop()

    env = server_env(db_kind, scale_name)
    log_name = f"gunicorn-{db_kind}-{scale_name}.log"
    server = Server("wsgi:app", env, log_name)
    peaks: list[float] = []
    try:
        port = server.port
        office = Session(port).login("biro.organisasi")
        operator = Session(port).login(subject["operator"])
        staff = Session(port).login(subject["staff"][0][1])
        head = Session(port).login(subject["head"])
        targets = {
            "dashboard": ("/review/", office),
            "tree": (f"/kinerja/indikator/{subject['iku']}/pohon", office),
            "opd_scorecard": (f"/kinerja/kartu/{subject['opd_card']}", operator),
            "kinerja_saya": ("/realisasi/", staff),
            "inbox": ("/realisasi/persetujuan", head),
            "sakip": ("/sakip", None),
            "api_sakip": (f"/api/public/v1/sakip/{YEAR}", None),
        }
        pages = {}
        base_rps = result["baseline"]["rps"]
        for key, _label, _ms, _share in PAGES:
            path, session = targets[key]
            print(f"  loading {key} {path} for {seconds:g} s ...", file=sys.stderr, flush=True)
            page = measure(server.port, path, session, seconds, cap)
            page["ratio"] = round(page["rps"] / base_rps, 3) if base_rps else None
            print(f"    {page}", file=sys.stderr, flush=True)
            pages[key] = page
            if page["timed_out"]:
                # Its workers are still computing it: a fresh server for the next page (the signed
                # session cookies stay valid).
                peaks.append(server.peak_rss_mb())
                server.stop()
                server = Server("wsgi:app", env, log_name, append=True)
                for s in (office, operator, staff, head):
                    s.port = server.port
        result["pages"] = pages
        port = server.port
        print("  submit and approve ...", file=sys.stderr, flush=True)
        result["workflow"] = submit_and_approve(app, port, subject, 20 if scale_name == "province" else 10)
        print("  Excel import ...", file=sys.stderr, flush=True)
        result["excel"] = excel_import(port, subject)
        peaks.append(server.peak_rss_mb())
        result["worker_peak_mb"] = max(peaks)
    finally:
        server.stop()
    print("  printing the A3 PDFs ...", file=sys.stderr, flush=True)
    result["a3"] = print_a3(app, db_kind, scale_name)
    result["goals"] = goals(result)
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["total_seconds"] = round(time.monotonic() - started, 1)
    return result


def goals(r: dict) -> dict:
    out = {}
    for key, _label, ms, share in PAGES:
        page = r["pages"][key]
        ok = not page["timed_out"] and page["errors"] == 0 and page["p50_ms"] <= ms
        if share is not None:
            ok = ok and page["ratio"] is not None and page["ratio"] >= share
        out[key] = ok
    out["submit"] = (r["workflow"]["submit"]["p50_ms"] or 1e9) <= GOALS["submit_ms"]
    out["approve"] = (r["workflow"]["approve"]["p50_ms"] or 1e9) <= GOALS["approve_ms"]
    out["a3_pdfs"] = r["a3"]["seconds"] <= GOALS["pdf_seconds"]
    out["excel"] = r["excel"]["seconds"] <= GOALS["excel_seconds"]
    out["worker_memory"] = r["worker_peak_mb"] <= GOALS["worker_peak_mb"]
    return out


def table(r: dict) -> str:
    def mark(ok: bool) -> str:
        return "ok" if ok else "MISS"

    g = r["goals"]
    lines = [f"e-Kinerja benchmark: scale {r['scale']}, {r['db']}, {r['cpus']} CPUs, gunicorn 2 workers, "
             f"concurrency {r['concurrency']}, {r['seconds_per_page']:g} s per page",
             f"{'page':<36} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'× base':>7} {'n':>6} {'err':>4}  goal",
             "-" * 92]
    b = r["baseline"]
    lines.append(f"{'baseline (Flask, 50-row Jinja table)':<36} {b['rps']:>8.1f} {b['p50_ms']:>9.1f} "
                 f"{b['p95_ms']:>9.1f} {1:>7.2f} {b['requests']:>6} {b['errors']:>4}")
    for key, label, ms, share in PAGES:
        p = r["pages"][key]
        goal = f"p50≤{ms}" + (f", ≥{share}×" if share else "")
        if p["timed_out"]:
            lines.append(f"{label:<36} {'–':>8} {'>' + format(p['cap_s'] * 1000, '.0f'):>9} {'–':>9} {'–':>7} "
                         f"{0:>6} {p['errors']:>4}  MISS ({goal})  [no answer within {p['cap_s']:g} s; "
                         "server restarted]")
            continue
        lines.append(f"{label:<36} {p['rps']:>8.2f} {p['p50_ms']:>9.1f} {p['p95_ms']:>9.1f} {p['ratio']:>7.3f} "
                     f"{p['requests']:>6} {p['errors']:>4}  {mark(g[key])} ({goal})"
                     + ("  [2 requests only: slower than the load time]" if p.get("single_shot") else ""))
    lines.append("-" * 92)
    w = r["workflow"]
    lines.append(f"{'submit (save + ajukan, one POST)':<36} p50 {w['submit']['p50_ms']} ms, max {w['submit']['max_ms']} ms "
                 f"(n={w['submit']['n']})  {mark(g['submit'])} (≤50 ms)")
    lines.append(f"{'approve (setujui, one POST)':<36} p50 {w['approve']['p50_ms']} ms, max {w['approve']['max_ms']} ms "
                 f"(n={w['approve']['n']})  {mark(g['approve'])} (≤50 ms)")
    if w["failures"]:
        lines.append(f"  workflow failures: {w['failures'][:3]}")
    a = r["a3"]
    lines.append(f"{'A3 PDFs (flask a3 print)':<36} {a['files']} files in {a['seconds']} s  {mark(g['a3_pdfs'])} (≤10 s)")
    e = r["excel"]
    lines.append(f"{'Excel import (upload + apply)':<36} {e['rows']} rows in {e['seconds']} s (preview "
                 f"{e['upload_preview_s']} s, apply {e['apply_s']} s)  {mark(g['excel'])} (≤20 s)")
    lines.append(f"{'worker peak memory (VmHWM)':<36} {r['worker_peak_mb']} MB  {mark(g['worker_memory'])} (≤250 MB)")
    lines.append(f"cascade tree: {r['tree_indicators']} indicators under IKU-01; OPD scorecard and Excel: {r['opd']}")
    lines.append(f"load average before {r['loadavg_before']}, after {r['loadavg_after']} (other processes skew "
                 f"every figure); run took {r['total_seconds']} s")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--db", choices=("sqlite", "mariadb"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=None, help="load time per page (default: by scale)")
    parser.add_argument("--cap", type=float, default=120,
                        help="seconds a single request may take before the page is marked timed out (default 120)")
    parser.add_argument("--smoke", action="store_true",
                        help="exit with status 1 when a page answered anything but 200 or gave no answer "
                             "(a missed speed goal is reported, not failed)")
    args = parser.parse_args(argv)
    result = run(args.scale, args.db, args.seconds, args.cap)
    print(table(result))
    print(json.dumps(result, ensure_ascii=False))
    if args.smoke:
        broken = [key for key, page in result["pages"].items() if page["errors"] or page["timed_out"]]
        if broken or not result["a3"]["files"] or not result["excel"]["rows"]:
            print(f"smoke test failed: {broken or 'A3 printing or the Excel import did nothing'}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
