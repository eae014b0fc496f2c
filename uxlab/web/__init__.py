"""Web surfaces, one blueprint each."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ROW_ID_MAX = 2**31 - 1  # the ids' column type on PostgreSQL, integer, holds no more


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a whole number a database can compare with its ids.

    A larger one matches no route (404): passed on, it was a 500 (SQLite's driver raised
    OverflowError past 64 bits, PostgreSQL "integer out of range" past 31).
    """

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Register every surface's blueprint (the demo site only when DEMO_SITE is on)."""
    app.url_map.converters["int"] = RowIdConverter  # before any rule is added
    from uxlab.web import form_text

    form_text.init_app(app)
    from uxlab.web import api, health

    app.register_blueprint(health.bp)
    from uxlab.web import participant

    participant.init_app(app)
    app.register_blueprint(participant.bp)
    from uxlab.web import screener

    app.register_blueprint(screener.bp)
    app.register_blueprint(api.bp)
    from uxlab.web import researcher

    app.register_blueprint(researcher.bp)
    from uxlab.web import reports

    app.register_blueprint(reports.bp)
    from uxlab.web import probes

    app.register_blueprint(probes.bp)
    from uxlab.web import preview, studio

    app.register_blueprint(studio.bp)
    app.register_blueprint(preview.bp)
    if app.config.get("DEMO_SITE"):
        from uxlab.web import demo

        app.register_blueprint(demo.bp)
