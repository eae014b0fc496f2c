"""WSGI entry point for gunicorn: ``gunicorn 'uxlab.wsgi:app'`` (settings from UXLAB_*).

Refuses to start without ``UXLAB_SECRET_KEY``, with a one-line message instead of a traceback.
"""

from uxlab.app import create_app, require_secret_key
from uxlab.errors import UxlabError

try:
    app = require_secret_key(create_app())
except UxlabError as error:
    raise SystemExit(f"uxlab: {error.message}") from None
