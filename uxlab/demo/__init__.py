"""The demo: synthetic participants (``data``) and probe builds (``builds``) for ``uxlab demo``."""
