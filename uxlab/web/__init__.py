"""Web surfaces, one blueprint each."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every surface's blueprint (the demo site only when DEMO_SITE is on)."""
    from uxlab.web import health

    app.register_blueprint(health.bp)
    from uxlab.web import probes

    app.register_blueprint(probes.bp)
