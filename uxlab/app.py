"""The application factory: the only place an app (and its engine) is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

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
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind a proxy the peer is the proxy: take the client's address (the sign-in
        # limit's key) and the scheme and host from the headers of this many proxies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    app.jinja_env.globals["tracker_snippet"] = snippet.render
    from uxlab.web import register_blueprints

    register_blueprints(app)
    return app
