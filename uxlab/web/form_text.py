"""Query parameters and form fields are text: one holding a NUL character is a 400, before any view.

PostgreSQL cannot store a NUL in a text column, so a participant's answer holding one was
accepted on SQLite and a 500 (the answers lost) on PostgreSQL; no browser sends one from a
form field a person typed in. The JSON APIs under ``/api/`` check their own bodies
(``uxlab.web.request_bodies``), and their bodies must not be parsed here as forms.
"""

from __future__ import annotations

from flask import Flask, request

from uxlab.errors import BadRequest


def refuse_nul_characters() -> None:
    """Raise BadRequest naming the first query parameter or form field with a NUL in its name or value."""
    if request.path.startswith("/api/"):
        return
    for fields in (request.args, request.form):
        for name, value in fields.items(multi=True):
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "\\0")
                raise BadRequest(f"{shown}: contains a NUL character", field=shown)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
