"""The site under test, and how paths relative to its base URL become URLs and back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from uxlab.scenarios.stored import Fields

# the keys a scenario's ``site:`` mapping may hold (the loader and the stored form agree)
SITE_KEYS = ("base_url", "origins", "keep_query", "retention_days")


@dataclass(frozen=True)
class Site:
    """The site under test: ``base_url`` is an absolute http(s) URL or a path on this server.

    ``keep_query``: the query parameters whose values are recorded; every other query value
    (a search term, a filter typed by the participant) is dropped before storage.
    ``retention_days``: the raw tracker events of attempts that ended longer ago than this
    are deleted by the sweep (``uxlab.participants.retention``); None keeps them.
    """

    base_url: str
    origins: tuple[str, ...] = ()
    keep_query: tuple[str, ...] = ()
    retention_days: int | None = None

    @property
    def is_local(self) -> bool:
        """True when the site is served by this uxlab server (``base_url`` is a path)."""
        return self.base_url.startswith("/")

    @property
    def origin(self) -> str | None:
        """The base URL's ``scheme://host[:port]``, or None for a site on this server."""
        if self.is_local:
            return None
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    @property
    def base_path(self) -> str:
        """The base URL's path without its trailing slash ('' for the root)."""
        path = self.base_url if self.is_local else urlsplit(self.base_url).path
        return path.rstrip("/")

    def allowed_origins(self, server_origin: str) -> tuple[str, ...]:
        """Origins that may post events: the site's own (the server's for a local site) and ``origins``."""
        own = self.origin or server_origin.rstrip("/").lower()
        return (own, *(o for o in self.origins if o != own))

    def url_for(self, path: str, server_url: str = "") -> str:
        """Return the URL of ``path`` (relative to the base), absolute when the site or server_url is.

        The path ``/`` (with or without a query) is the base URL as written: a site whose
        page is ``/shop/products`` seldom answers at ``/shop/products/``, while one whose
        page is ``/demo/`` redirects ``/demo`` there.
        """
        rel = path if path.startswith("/") else "/" + path
        base = server_url.rstrip("/") + self.base_url if self.is_local else self.base_url
        if (rel == "/" or rel.startswith("/?")) and self.base_path:
            return base + rel[1:]
        return base.rstrip("/") + rel

    def relative_path(self, url_or_path: str, server_origin: str | None = None) -> str | None:
        """Return the path (and ``?query``) relative to the base, or None outside the site.

        The fragment is dropped. For a site on this server, an absolute URL is checked
        against ``server_origin`` when given (any origin otherwise).
        """
        parts = urlsplit(url_or_path)
        if parts.scheme or parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}".lower()
            expected = self.origin or (server_origin.rstrip("/").lower() if server_origin else None)
            if expected is not None and origin != expected:
                return None
        path = parts.path or "/"
        base = self.base_path
        if base and path != base and not path.startswith(base + "/"):
            return None
        rest = path[len(base) :] or "/"
        return rest + (f"?{parts.query}" if parts.query else "")

    def kept_query_only(self, url: str, also_keep: Iterable[str] = ()) -> str:
        """Return ``url`` with only the query parameters ``keep_query`` (or ``also_keep``) names."""
        parts = urlsplit(url)
        if not parts.query:
            return url
        keep = {*self.keep_query, *also_keep}
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in keep]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))

    def to_dict(self) -> dict[str, object]:
        # keep_query and retention_days only when set, so that stored scenarios written
        # before them compare equal.
        extra: dict[str, object] = {"keep_query": list(self.keep_query)} if self.keep_query else {}
        if self.retention_days is not None:
            extra["retention_days"] = self.retention_days
        return {"base_url": self.base_url, "origins": list(self.origins), **extra}

    @classmethod
    def from_dict(cls, m: Fields) -> Site:
        days = m.whole("retention_days") if m.has("retention_days") else None
        return cls(
            base_url=m.text("base_url"),
            origins=m.texts("origins"),
            keep_query=m.texts("keep_query"),
            retention_days=days,
        )
