"""The application factory: the only place an app (and its engine) is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from uxlab import config, db, snippet
from uxlab.web import errors, security

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create a uxlab app: settings table, then UXLAB_* variables, then ``test_config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(config.load_settings())
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    app.jinja_env.globals["tracker_snippet"] = snippet.render
    from uxlab.web import register_blueprints

    register_blueprints(app)
    return app
