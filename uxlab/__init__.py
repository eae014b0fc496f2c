"""uxlab: self-hosted unmoderated usability testing and UX measurement."""

__version__ = "0.1.0"
