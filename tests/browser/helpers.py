"""Small steps the browser tests share."""
from __future__ import annotations

import re
from contextlib import contextmanager

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - the `browser` fixture skips (or fails) and says why
    Page, expect = object, None

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, login: str, password: str) -> None:
    """Through the real login page, as a person would: by the labels and the button."""
    page.goto("/masuk")
    page.get_by_label("NIP atau nama pengguna").fill(login)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def sign_in(page: Page, login: str, password: str) -> None:
    """Quicker than log_in, for tests about other pages: the same login form, posted with the page's
    cookies without drawing it (test_login_menus drives the real login page)."""
    form = page.request.get("/masuk").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    data = {"login": login, "password": password, **({"csrf_token": token.group(1)} if token else {})}
    response = page.request.post("/masuk", form=data, max_redirects=0)
    assert response.status == 302, f"{login} could not log in: {response.status}"


def menu_labels(page: Page, which: str = ".menu-wide") -> list[str]:
    """The labels of the menu links (those with data-menu) of the wide or the narrow menu, in order."""
    return [(t or "").strip() for t in page.locator(f"{which} a[data-menu]").evaluate_all(
        "links => links.map(a => a.textContent)")]


@contextmanager
def fixed_today(app, day):
    """"Today" fixed for the requests of a module (the live server shares the app), then restored."""
    before = app.config.get("TODAY")
    app.config["TODAY"] = day
    try:
        yield day
    finally:
        app.config["TODAY"] = before
