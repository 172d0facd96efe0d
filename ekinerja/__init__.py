"""ekinerja: performance contracts and E-Kinerja for Pemprov NTB."""
from __future__ import annotations

import os

from flask import Flask

from ekinerja.config import PROJECT_ROOT, load_config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"), instance_relative_config=False)
    app.config.update(load_config(config))
    app.instance_path = app.config["INSTANCE_PATH"]
    # The default SQLite file lives there (as in Flask's tutorial); harmless when unused.
    os.makedirs(app.instance_path, exist_ok=True)

    from ekinerja import logging_setup, web
    logging_setup.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    web.init_app(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from ekinerja import models  # noqa: F401  (every model known to the metadata and migrations)
    from ekinerja.audit import trail
    from ekinerja.db import enable_sqlite_foreign_keys
    from ekinerja.extensions import csrf, db, login_manager, migrate

    enable_sqlite_foreign_keys()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"  # "strong" would log out phones that change network

    @login_manager.user_loader
    def load_user(user_id: str):
        from ekinerja.auth.models import User
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    trail.init_app(app)
    from ekinerja.bsc import rollups
    from ekinerja.realisations import periods
    rollups.init_app(app)
    periods.init_app(app)


def register_blueprints(app: Flask) -> None:
    from ekinerja.a3.views import bp as a3_bp
    from ekinerja.admin.views import bp as admin_bp
    from ekinerja.api.views import bp as api_bp
    from ekinerja.audit.views import bp as audit_bp
    from ekinerja.auth.views import bp as auth_bp
    from ekinerja.bsc.views import bp as bsc_bp
    from ekinerja.contracts.public_views import bp as verification_bp
    from ekinerja.contracts.views import bp as contracts_bp
    from ekinerja.extensions import csrf
    from ekinerja.main.views import bp as main_bp
    from ekinerja.org.views import bp as org_bp
    from ekinerja.api.public import bp as public_api_bp
    from ekinerja.public.ppid_views import bp as ppid_bp
    from ekinerja.public.views import bp as public_bp
    from ekinerja.review.views import bp as review_bp
    from ekinerja.realisations.admin_views import bp as periods_bp
    from ekinerja.realisations.excel_views import bp as realisations_excel_bp
    from ekinerja.realisations.views import bp as realisations_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(org_bp, url_prefix="/organisasi")
    app.register_blueprint(bsc_bp, url_prefix="/kinerja")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(realisations_bp, url_prefix="/realisasi")
    app.register_blueprint(realisations_excel_bp, url_prefix="/realisasi/excel")
    app.register_blueprint(contracts_bp, url_prefix="/perjanjian")
    app.register_blueprint(a3_bp, url_prefix="/a3")
    app.register_blueprint(verification_bp, url_prefix="/verifikasi")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(public_bp)
    app.register_blueprint(ppid_bp, url_prefix="/ppid")
    app.register_blueprint(public_api_bp, url_prefix="/api/public/v1")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(periods_bp, url_prefix="/admin/periode")
    csrf.exempt(api_bp)  # bearer tokens, no cookies: nothing for a forged form to ride on
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_commands(app: Flask) -> None:
    from ekinerja.cli import demo_cli, exchange_cli, org_cli, users_cli
    from ekinerja.contracts.cli import a3_cli, contracts_cli
    from ekinerja.realisations.cli import periods_cli

    app.cli.add_command(org_cli)
    from ekinerja.maintenance import maintenance_cli
    app.cli.add_command(maintenance_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(exchange_cli)
    app.cli.add_command(periods_cli)
    app.cli.add_command(a3_cli)
    app.cli.add_command(contracts_cli)
