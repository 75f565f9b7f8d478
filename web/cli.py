"""Command line: set up the database and demo data, serve the app, run the scheduler, back up and restore."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from engine import settings
from engine.db import db
from engine.errors import DomainError
from engine.interconnection import agencies
from engine.models import Role, User, UserRole
from engine.operations import backups


def initialise(demo_password: str | None) -> dict:
    """Create or upgrade the schema (Alembic migrations), deploy changed diagrams, and create the
    organisation, the demo users and their demo signing keys where missing."""
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

    @app.cli.command("backup")
    def backup_command():
        """Back up the database and the files now (verified by restoring it into a temporary database)."""
        try:
            folder = backups.create()
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"backup written and verified: {folder}")

    @app.cli.command("backup-verify")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    def backup_verify_command(folder: str):
        """Restore a backup into a temporary database and check every document's files."""
        try:
            result = backups.verify(Path(folder))
        except (backups.BackupError, OSError, ValueError, KeyError) as error:
            raise click.ClickException(f"the backup does not restore: {error}") from None
        click.echo(f"ok: {result.documents} documents, {result.attachments} attachments, {result.files} files")

    @app.cli.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--yes", is_flag=True, help="Replace the database without asking.")
    def restore_command(folder: str, yes: bool):
        """Replace the database and add the files of a backup (stop the web app and the scheduler first)."""
        database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        if not yes:
            click.confirm(f"Replace the database {make_url(database_url).render_as_string()} with {folder}?",
                          abort=True)
        db.session.remove()
        db.engine.dispose()
        try:
            result = backups.restore(Path(folder), database_url, settings.get("FILES_DIR"))
        except (backups.BackupError, OSError, ValueError, KeyError) as error:
            raise click.ClickException(f"restore failed: {error}") from None
        click.echo(f"restored: {result.documents} documents, {result.attachments} attachments, {result.files} files")
