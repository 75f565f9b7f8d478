"""WSGI entry point: ``gunicorn wsgi:app`` (production) or ``flask --app wsgi serve`` (demo)."""
from web import create_app
from web.collector import settle_after_startup

app = create_app()
settle_after_startup()
