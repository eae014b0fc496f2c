"""WSGI entry point for gunicorn: ``gunicorn 'uxlab.wsgi:app'`` (settings from UXLAB_*)."""

from uxlab.app import create_app

app = create_app()
