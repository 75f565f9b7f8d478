"""WSGI entry point: ``gunicorn wsgi:app`` (production) or ``flask --app wsgi serve`` (demo)."""
from web import create_app

app = create_app()
