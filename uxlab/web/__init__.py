"""Web surfaces, one blueprint each."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every surface's blueprint (the demo site only when DEMO_SITE is on)."""
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
