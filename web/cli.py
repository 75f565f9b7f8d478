"""Command line: set up the database and demo data, serve the app, run the scheduler."""
from __future__ import annotations

import os

import click
from flask import current_app

from engine.db import db
from engine.errors import DomainError
from engine.interconnection import agencies
from engine.models import Role, User, UserRole


def initialise(demo_password: str | None) -> dict:
    """Create or upgrade the schema (Alembic migrations), deploy changed diagrams, and create the
    organisation, the demo users and their demo signing keys where missing."""
    from pathlib import Path

    from flask_migrate import upgrade

    from engine.people import demo
    from engine.workflow.specs import deploy_directory

    upgrade(directory=str(Path(current_app.root_path).parent / "migrations"))
    deploy_directory()
    demo.ensure_organisation()
    agencies.ensure_seeded()
    shown = demo.ensure_demo_users(demo_password)
    from engine.outgoing.signing_keys import ensure_demo_pki

    ensure_demo_pki(shown)  # demo signing keys: PIN = the user's demo password (outgoing documents)
    db.session.commit()
    return shown


def print_logins(shown: dict, *, serving: bool = True) -> None:
    base = current_app.config.get("QOFFICE_BASE_URL")
    click.echo("")
    if serving:
        click.echo(f"Q-Office đang chạy tại {base}  (Ctrl+C để dừng) / running at {base}")
    else:
        click.echo("Cơ sở dữ liệu đã sẵn sàng / database ready.")
    click.echo("Tài khoản demo / demo logins:")
    for username, password in shown.items():
        secret = password if password else "(mật khẩu đã in ở lần chạy đầu / printed on first run)"
        click.echo(f"  {username:<12} {secret}")
    click.echo("")


def register_cli(app) -> None:
    @app.cli.command("init")
    def init_command():
        """Create/upgrade the database and the demo organisation and users."""
        print_logins(initialise(os.environ.get("QOFFICE_DEMO_PASSWORD") or None), serving=False)

    @app.cli.command("serve")
    @click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int)
    @click.option("--host", default="127.0.0.1")
    @click.option("--no-scheduler", is_flag=True, help="Run the scheduler as its own process instead.")
    def serve_command(port: int, host: str, no_scheduler: bool):
        """Set up if needed, then serve the web app and (by default) the scheduler in this process."""
        from werkzeug.serving import run_simple

        shown = initialise(os.environ.get("QOFFICE_DEMO_PASSWORD") or None)
        scheduler = None
        if not no_scheduler:
            from web.jobs import start_background_scheduler

            scheduler = start_background_scheduler(current_app._get_current_object())
        current_app.config["QOFFICE_BASE_URL"] = f"http://{host}:{port}"
        print_logins(shown)
        try:
            run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
        finally:
            if scheduler:
                scheduler.shutdown(wait=False)

    @app.cli.command("agencies-import")
    @click.argument("csv_file", type=click.File("rb"))
    @click.option("--replace", is_flag=True, help="Deactivate agencies missing from the file.")
    def agencies_import_command(csv_file, replace: bool):
        """Import the directory of agencies (CSV: code,name,parent_code) as the first administrator."""
        admin = (db.session.query(User).join(UserRole).filter(UserRole.role == Role.ADMIN, User.active.is_(True))
                 .order_by(User.id).first())
        if admin is None:
            raise click.ClickException("no active administrator")
        try:
            result = agencies.import_csv(admin, csv_file.read(), replace=replace)
        except DomainError as error:
            raise click.ClickException(f"{error.text()} {error.details or ''}".strip()) from None
        click.echo(f"added {result['added']}, updated {result['updated']}, deactivated {result['deactivated']}")

    @app.cli.command("scheduler")
    def scheduler_command():
        """Run the scheduler alone (production: exactly one such process)."""
        from web.jobs import run_blocking_scheduler

        run_blocking_scheduler(current_app._get_current_object())
