"""Error pages speak Indonesian; the API answers errors in its JSON envelope; nothing leaks."""
from ekinerja import create_app
from ekinerja.extensions import db


def test_404_page_in_indonesian(client):
    r = client.get("/tidak-ada")
    assert r.status_code == 404
    assert "Halaman tidak ditemukan" in r.get_data(as_text=True)


def test_403_page_in_indonesian(client, auth, org):
    auth.login(org.staff1.nip)
    r = client.get("/audit/")
    assert r.status_code == 403
    assert "Akses ditolak" in r.get_data(as_text=True)


def test_500_page_hides_the_error_and_rolls_back(database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("rahasia internal")

    r = app.test_client().get("/boom")
    body = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "Terjadi kesalahan" in body
    assert "rahasia internal" not in body and "Traceback" not in body
    with app.app_context():
        db.engine.dispose()


def test_api_errors_use_the_envelope(client):
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer salah"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"
    assert r.get_json()["error"]["message"]
    r = client.get("/api/v1/tidak-ada")
    assert r.status_code == 404
    assert set(r.get_json()["error"]) == {"code", "message", "details"}


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}
