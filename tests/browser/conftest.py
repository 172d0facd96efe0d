"""Browser fixtures: the test app served on 127.0.0.1, the NTB demo loaded in it, headless Chromium.

Chromium is Debian's /usr/bin/chromium driven by Playwright (never `playwright install`). Without
it (or without the playwright package) these tests are skipped with the reason; with
EKINERJA_REQUIRE_BROWSER=1 (as in CI) they fail instead.

The demo takes a second or more to load, so it is loaded once for the whole browser package rather
than before every test: the per-test cleanup of tests/conftest.py (`_clean_db`) is overridden here
by a no-op, and the database is emptied once, after the last browser test. Tests therefore share
the demo and must leave it usable for the others (new records use fresh names and NIPs; failed
logins stay well under the lock-out threshold).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest

from tests.browser.helpers import DESKTOP, PHONE

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _why_unavailable() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -r requirements-dev.txt)"
    return None


def _skip_or_fail(reason: str):
    if os.environ.get("EKINERJA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"EKINERJA_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}; set EKINERJA_REQUIRE_BROWSER=1 to fail instead")


def pytest_collection_modifyitems(config, items):
    """Without Chromium or Playwright the browser tests are skipped before anything is set up for them
    (or, with EKINERJA_REQUIRE_BROWSER=1, left to fail in the `browser` fixture with the reason)."""
    reason = _why_unavailable()
    if not reason or os.environ.get("EKINERJA_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}; set EKINERJA_REQUIRE_BROWSER=1 to fail instead")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def _empty_database(app) -> None:
    from tests.conftest import empty_database

    empty_database(app)


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="package")
def browser():
    """Headless Chromium for the browser package (closed after it, not kept for the rest of the run)."""
    reason = _why_unavailable()
    if reason:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    pw = None
    try:
        pw = sync_playwright().start()
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    except Exception as exc:  # noqa: BLE001 - whatever stops Chromium, say what it was
        if pw is not None:
            pw.stop()
        _skip_or_fail(f"Chromium at {CHROMIUM} did not start: {(str(exc).splitlines() or [repr(exc)])[0]}")
    yield chromium
    chromium.close()
    pw.stop()


# ------------------------------------------------------------------ server and demo


@pytest.fixture(autouse=True)
def _clean_db():
    """Overrides the per-test cleanup of tests/conftest.py: the demo stays for the whole package."""
    yield


@pytest.fixture(scope="package")
def live_server(browser, app):
    """The session's test app on 127.0.0.1 and a free port, in a background thread; its base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # the app logs its own requests
            pass

    # The stylesheet and logo are fetched once per browser context instead of revalidated on every
    # page: a third fewer requests, a quicker suite.
    max_age = app.config.get("SEND_FILE_MAX_AGE_DEFAULT")
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="ekinerja-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = max_age


@dataclass(frozen=True)
class Demo:
    password: str
    kominfo_opd_id: int
    kominfo_name: str
    kabid_nip: str        # Kepala Bidang Aplikasi Informatika (Diskominfotik)
    kabid_name: str
    kabid_unit_id: int
    kabid_unit_name: str
    staff_nip: str        # a Pranata Komputer in that bidang, heading nothing
    staff_name: str
    staff_employee_id: int
    vacant_position: str  # the label of a vacant post of Diskominfotik in the "Jabatan" select


@pytest.fixture(scope="package")
def demo(app, live_server) -> Demo:
    """The NTB demo, loaded once for the browser package; the database is emptied afterwards."""
    from sqlalchemy import select

    from ekinerja.demo.loader import DEMO_PASSWORD, KOMINFO, load_demo
    from ekinerja.extensions import db
    from ekinerja.org import services
    from ekinerja.org.models import Employee, PositionKind, Unit

    _empty_database(app)  # whatever an earlier test left behind
    with app.app_context():
        logins = load_demo(app.config["PASSWORD_HASH_METHOD"])
        kabid_nip = next(login for login, _, who in logins if "Kepala Bidang Aplikasi Informatika" in who)
        kabid = db.session.scalar(select(Employee).where(Employee.nip == kabid_nip))
        bidang = kabid.position.unit
        staff = next(p.holder for p in bidang.positions if not p.is_unit_head and p.holder is not None)
        # Every demo post is filled: one vacant post so that the employee form has a choice.
        vacant = services.create_position(None, bidang, "Pranata Komputer Ahli Pertama", PositionKind.FUNGSIONAL)
        root = db.session.scalar(select(Unit).where(Unit.code == KOMINFO))
        data = Demo(password=DEMO_PASSWORD, kominfo_opd_id=root.opd_id, kominfo_name=root.opd.name,
                    kabid_nip=kabid.nip, kabid_name=kabid.name, kabid_unit_id=bidang.id,
                    kabid_unit_name=bidang.name, staff_nip=staff.nip, staff_name=staff.name,
                    staff_employee_id=staff.id, vacant_position=f"{vacant.name} — {bidang.name}")
        db.session.commit()
        db.session.remove()
    yield data
    _empty_database(app)


# ------------------------------------------------------------------ pages


class Problems(list):
    """What points at a broken page: CSP violations, script errors, a stylesheet or image that fails."""

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.append(f"page error: {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, req) -> None:
        # ERR_ABORTED is the browser dropping a request because the page navigated on (a click
        # before the logo finished loading): not a broken page. Any other failure is.
        if req.resource_type != "document" and "ERR_ABORTED" not in (req.failure or ""):
            self.append(f"request failed: {req.url} ({req.failure})")

    def _console(self, msg) -> None:
        text = msg.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.append(f"CSP: {text}")
        elif msg.type == "error" and "Failed to load resource" not in text:
            self.append(f"console error: {text}")
        # "Failed to load resource": the error statuses (401, 403, 404, 422) of the pages themselves
        # are expected in tests; a failing stylesheet or image is caught by _response.

    def _response(self, response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.append(f"{response.request.resource_type} {response.url} answered {response.status}")


@pytest.fixture
def open_page(browser, live_server, demo):
    """open_page(phone=False) -> a fresh Playwright page (own cookies) at desktop or phone size.

    At the end of the test, fails if any page opened this way logged a CSP violation or a script error.
    """
    contexts, problems = [], Problems()

    def open_(phone: bool = False):
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2} \
            if phone else {"viewport": DESKTOP}
        context = browser.new_context(base_url=live_server, locale="id-ID", timezone_id="Asia/Makassar", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(open_page):
    """A desktop-size page (1280x800) on the live server with the demo loaded."""
    return open_page()


@pytest.fixture
def phone_page(open_page):
    """A phone-size page (390x844, touch)."""
    return open_page(phone=True)


@pytest.fixture
def shots(tmp_path):
    """Where a test saves its screenshots: EKINERJA_SHOTS when set (to look at them), else a temp dir."""
    from pathlib import Path

    folder = Path(os.environ.get("EKINERJA_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
