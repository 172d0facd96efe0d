"""Logging in and out, throttling, safe redirects, passwords, CSRF, headers and cookies."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from ekinerja import create_app
from ekinerja.auth.models import LoginAttempt, User
from ekinerja.auth.services import authenticate, hash_password
from ekinerja.errors import Throttled
from ekinerja.extensions import db
from tests.conftest import PASSWORD, TEST_HASH

WRONG = "NIP/nama pengguna atau kata sandi salah."


def user_of(employee) -> User:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def attempts(identifier: str) -> list[LoginAttempt]:
    return db.session.scalars(select(LoginAttempt).where(LoginAttempt.identifier == identifier)
                              .order_by(LoginAttempt.id)).all()


# ------------------------------------------------------------------ logging in

def test_login_with_nip(org, auth, client):
    r = auth.login(org.staff1.nip)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Selamat datang, Staf Satu" in page.text
    assert "Kepala Bidang Satu (Kabid Satu)" in page.text  # the superior is shown
    db.session.expire_all()
    assert user_of(org.staff1).last_login_at is not None
    [attempt] = attempts(org.staff1.nip)
    assert attempt.succeeded and attempt.ip == "127.0.0.1"


def test_login_with_nip_typed_with_spaces(org, auth):
    nip = org.staff1.nip
    assert auth.login(f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}").status_code == 302


def test_login_with_username(make_user, auth, client):
    make_user("admin", username="admin.ntb")
    db.session.commit()
    r = auth.login("admin.ntb")
    assert r.status_code == 302
    assert "Masuk sebagai</dt><dd>admin.ntb" in client.get("/").text


def test_login_page_is_in_indonesian(client):
    r = client.get("/masuk")
    assert r.status_code == 200
    assert "Masuk ke e-Kinerja NTB" in r.text and 'lang="id"' in r.text


def test_anonymous_home_goes_to_login(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk")


@pytest.mark.parametrize("login,password", [("good", "salah-sekali"), ("nobody", PASSWORD)])
def test_wrong_password_or_unknown_login(org, auth, client, login, password):
    r = auth.login(org.staff1.nip if login == "good" else "tidak.ada", password)
    assert r.status_code == 401
    assert WRONG in r.text
    assert "Selamat datang" not in client.get("/", follow_redirects=True).text
    assert [a.succeeded for a in db.session.scalars(select(LoginAttempt))] == [False]


def test_empty_form_is_422(client):
    r = client.post("/masuk", data={"login": "", "password": ""})
    assert r.status_code == 422
    assert "NIP atau nama pengguna wajib diisi." in r.text and "Kata sandi wajib diisi." in r.text


def test_inactive_user_cannot_log_in(org, auth):
    user_of(org.staff1).active = False
    db.session.commit()
    r = auth.login(org.staff1.nip)
    assert r.status_code == 401 and WRONG in r.text


def test_employee_without_a_password_cannot_log_in(org, auth):
    user_of(org.staff1).password_hash = None
    db.session.commit()
    assert auth.login(org.staff1.nip, "").status_code == 422
    assert auth.login(org.staff1.nip, "apa saja").status_code == 401


def test_logged_in_user_visiting_login_goes_home(org, auth, client):
    auth.login(org.staff1.nip)
    r = client.get("/masuk")
    assert r.status_code == 302 and r.headers["Location"] == "/"


# ------------------------------------------------------------------ throttling

def fail(auth, login, times):
    for _ in range(times):
        assert auth.login(login, "salah-sekali").status_code == 401


def test_five_failures_lock_the_sixth_attempt_even_with_the_right_password(org, auth, client):
    nip = org.staff1.nip
    fail(auth, nip, 5)
    r = auth.login(nip)
    assert r.status_code == 429
    assert "Coba lagi dalam 15 menit" in r.text
    assert len(attempts(nip)) == 5  # a refused attempt is not even checked
    # other people are not locked out
    assert auth.login(org.staff2.nip).status_code == 302


def test_login_works_again_once_the_lock_has_passed(org, auth):
    nip = org.staff1.nip
    fail(auth, nip, 5)
    assert auth.login(nip).status_code == 429
    for a in attempts(nip):
        a.created_at = a.created_at - timedelta(minutes=14)
    db.session.commit()
    r = auth.login(nip)
    assert r.status_code == 429 and "Coba lagi dalam 1 menit" in r.text
    for a in attempts(nip):
        a.created_at = a.created_at - timedelta(minutes=2)
    db.session.commit()
    assert auth.login(nip).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(org, auth):
    nip = org.staff1.nip
    fail(auth, nip, 1)
    for a in attempts(nip):
        a.created_at = a.created_at - timedelta(minutes=16)
    db.session.commit()
    fail(auth, nip, 4)
    assert auth.login(nip).status_code == 302


def test_a_success_clears_earlier_failures(org, auth):
    nip = org.staff1.nip
    fail(auth, nip, 4)
    assert auth.login(nip).status_code == 302
    auth.logout()
    fail(auth, nip, 4)
    assert auth.login(nip).status_code == 302
    auth.logout()
    fail(auth, nip, 5)
    assert auth.login(nip).status_code == 429


def test_unknown_logins_are_throttled_too(ctx, auth):
    fail(auth, "penebak", 5)
    assert auth.login("penebak").status_code == 429


def test_authenticate_raises_throttled_with_settings(org):
    nip = org.staff1.nip
    for _ in range(3):
        assert authenticate(nip, "x", None, max_failures=3, window_minutes=1, lock_minutes=30) is None
    with pytest.raises(Throttled, match="Coba lagi dalam 30 menit") as exc:
        authenticate(nip, PASSWORD, None, max_failures=3, window_minutes=1, lock_minutes=30)
    assert exc.value.status_code == 429


# ------------------------------------------------------------------ safe next

def test_relative_next_is_followed(org, client):
    r = client.post("/masuk", data={"login": org.staff1.nip, "password": PASSWORD,
                                    "next": "/organisasi/?q=alfa"})
    assert r.status_code == 302 and r.headers["Location"] == "/organisasi/?q=alfa"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil", "\\\\evil",
                                    "http://localhost.evil.example/", "javascript:alert(1)",
                                    "/\t/evil.example", "evil.example"])
def test_unsafe_next_goes_home(org, client, target):
    r = client.post("/masuk", data={"login": org.staff1.nip, "password": PASSWORD, "next": target})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_login_page_carries_next_from_the_query(client):
    r = client.get("/organisasi/")
    assert r.status_code == 302
    login_page = client.get(r.headers["Location"])
    assert 'name="next" type="hidden" value="/organisasi/"' in login_page.text


# ------------------------------------------------------------------ logout

def test_logout_is_post_only(org, auth, client):
    auth.login(org.staff1.nip)
    assert client.get("/keluar").status_code == 405
    assert client.get("/").status_code == 200  # still logged in
    r = auth.logout()
    assert r.status_code == 302 and r.headers["Location"] == "/masuk"
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk")


# ------------------------------------------------------------------ change password

def change(client, current, new, confirm=None):
    return client.post("/akun/kata-sandi", data={"current_password": current, "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def test_change_password_needs_login(client):
    r = client.get("/akun/kata-sandi")
    assert r.status_code == 302 and r.headers["Location"].startswith("/masuk")


def test_change_password_refusals_keep_the_old_hash(org, auth, client):
    auth.login(org.staff1.nip)
    old_hash = user_of(org.staff1).password_hash
    cases = [(("salah-lama", "kata-sandi-baru-1"), "Kata sandi lama salah."),
             ((PASSWORD, "pendek"), "Kata sandi minimal 10 karakter."),
             ((PASSWORD, "kata-sandi-baru-1", "kata-sandi-lain-2"), "Kedua kata sandi baru tidak sama."),
             ((PASSWORD, org.staff1.nip), "tidak boleh sama dengan NIP")]
    for args, message in cases:
        r = change(client, *args)
        assert r.status_code == 422, message
        assert message in r.text
    db.session.expire_all()
    assert user_of(org.staff1).password_hash == old_hash


def test_change_password_success(org, auth, client, app):
    auth.login(org.staff1.nip)
    assert client.get("/akun/kata-sandi").status_code == 200
    old_hash = user_of(org.staff1).password_hash
    r = change(client, PASSWORD, "kata-sandi-baru-1")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    db.session.expire_all()
    new_hash = user_of(org.staff1).password_hash
    assert new_hash != old_hash and new_hash.startswith(app.config["PASSWORD_HASH_METHOD"])
    assert check_password_hash(new_hash, "kata-sandi-baru-1")
    auth.logout()
    assert auth.login(org.staff1.nip, PASSWORD).status_code == 401
    assert auth.login(org.staff1.nip, "kata-sandi-baru-1").status_code == 302


# ------------------------------------------------------------------ CSRF, headers, cookies

@pytest.fixture
def second_app(app, database_url, tmp_path):
    """Another app on the suite's database, built from overrides (and the environment)."""
    made = []

    def make(**overrides):
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "other-secret",
                  "PASSWORD_HASH_METHOD": TEST_HASH, "INSTANCE_PATH": str(tmp_path)}
        config.update(overrides)
        made.append(create_app(config))
        return made[-1]

    ekinerja_log = logging.getLogger("ekinerja")
    handlers, level = ekinerja_log.handlers[:], ekinerja_log.level
    yield make
    ekinerja_log.handlers[:] = handlers
    ekinerja_log.setLevel(level)
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def csrf_token(page_text: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text).group(1)


def test_post_without_csrf_token_is_refused(org, second_app):
    app2 = second_app(WTF_CSRF_ENABLED=True)
    client = app2.test_client()
    r = client.post("/masuk", data={"login": org.staff1.nip, "password": PASSWORD})
    assert r.status_code == 400
    assert "Formulir kedaluwarsa atau tidak sah" in r.text
    r = client.post("/masuk", data={"login": org.staff1.nip, "password": PASSWORD, "csrf_token": "palsu"})
    assert r.status_code == 400
    with app2.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    # with the token of the page, the same post goes through
    token = csrf_token(client.get("/masuk").text)
    r = client.post("/masuk", data={"login": org.staff1.nip, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    assert client.post("/keluar").status_code == 400  # logging out needs the token as well
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302


def test_security_headers(client):
    r = client.get("/masuk")
    csp = r.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in r.headers  # plain http in tests
    assert r.headers["X-Request-ID"]
    assert "<script>" not in r.text and " onclick=" not in r.text  # nothing inline for the CSP to block


def test_pages_of_a_logged_in_user_are_not_cached(org, auth, client):
    auth.login(org.staff1.nip)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_is_httponly_and_lax(org, auth):
    cookie = session_cookie(auth.login(org.staff1.nip))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development: plain http works


def test_session_cookie_is_secure_in_production(second_app, monkeypatch):
    monkeypatch.setenv("EKINERJA_ENV", "production")
    monkeypatch.delenv("EKINERJA_SECURE_COOKIES", raising=False)
    app2 = second_app()
    assert app2.config["SESSION_COOKIE_SECURE"] and app2.config["WTF_CSRF_ENABLED"]
    r = app2.test_client().get("/masuk")  # the CSRF token lives in the session: a cookie is set
    cookie = session_cookie(r)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_hash_method_is_used(org):
    assert user_of(org.staff1).password_hash.startswith("pbkdf2:sha256:1000$")
    assert hash_password("x" * 12).startswith("scrypt:")
