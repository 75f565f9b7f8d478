"""The Flask application: pages for people, a JSON API for systems."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.db import db
from web import config as cfg
from web.extensions import babel, csrf, login_manager, migrate

ROOT = Path(__file__).resolve().parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers work while a clerk registers; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def create_app(config: dict | None = None) -> Flask:
    """Application factory; ``config`` overrides the environment (tests pass their own)."""
    app = Flask(__name__, instance_path=cfg.data_dir().as_posix(), instance_relative_config=False)
    app.config.update(cfg.DEFAULTS)
    if config is None or not config.get("TESTING"):
        app.config.update(cfg.from_environment())
    if config:
        app.config.update(config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from web.i18n import init_i18n

    init_i18n(app, babel)

    from web import auth, errors
    from web.api import api
    from web.pages import BLUEPRINTS

    app.register_blueprint(auth.bp)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api)
    csrf.exempt(api)  # the API authenticates with bearer tokens, not cookies
    errors.register(app)
    auth.init_sessions(app)

    from web.cli import register_cli

    register_cli(app)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("spiff").setLevel(logging.WARNING)  # SpiffWorkflow logs every state change
    return app
