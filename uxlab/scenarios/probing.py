"""What a scenario's ``probe:`` section asks for: device profiles, pages and their budgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uxlab.scenarios.stored import Fields

BUDGET_METRICS = (
    "ttfb_ms",
    "fcp_ms",
    "lcp_ms",
    "si_ms",
    "cls",
    "tbt_ms",
    "dcl_ms",
    "load_ms",
    "requests",
    "transfer_bytes",
    "score",
)
BUDGET_LEVELS = ("warn", "error")
AGGREGATES = ("median", "optimistic", "pessimistic")
PROBE_KEYS = ("runs", "profiles", "profile_defs", "pages", "budgets")
PROFILE_KEYS = ("width", "height", "cpu_slowdown", "rtt_ms", "down_kbps", "up_kbps", "mobile")
BUDGET_KEYS = ("metric", "max", "min", "level", "aggregate")
DEFAULT_RUNS = 3
DEFAULT_PROFILES = ("desktop", "mobile")


@dataclass(frozen=True)
class Profile:
    """A device profile for probes; 0 for rtt/bandwidth means no network throttling."""

    width: int
    height: int
    cpu_slowdown: float = 1.0
    rtt_ms: float = 0.0
    down_kbps: float = 0.0
    up_kbps: float = 0.0
    mobile: bool = False
    name: str = ""
    device_scale_factor: float = 0.0  # 0: 2.625 on mobile, 1 on desktop

    def to_dict(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "cpu_slowdown": self.cpu_slowdown,
            "rtt_ms": self.rtt_ms,
            "down_kbps": self.down_kbps,
            "up_kbps": self.up_kbps,
            "mobile": self.mobile,
        }

    @classmethod
    def from_dict(cls, name: str, m: Fields) -> Profile:
        return cls(
            width=m.whole("width"),
            height=m.whole("height"),
            cpu_slowdown=m.number("cpu_slowdown", 1.0),
            rtt_ms=m.number("rtt_ms", 0.0),
            down_kbps=m.number("down_kbps", 0.0),
            up_kbps=m.number("up_kbps", 0.0),
            mobile=m.boolean("mobile", False),
            name=name,
        )


BUILTIN_PROFILES: dict[str, Profile] = {
    "desktop": Profile(1350, 940, name="desktop"),
    "mobile": Profile(412, 823, 4.0, 150.0, 1600.0, 750.0, True, name="mobile"),
    # Lighthouse 13's devtools-throttling mobile preset (core/config/constants.js, Lantern's
    # mobileSlow4G: requestLatencyMs 562.5, 1,474.56 / 675 kbit/s, 4x CPU; Moto G Power screen
    # 412x823 at DPR 1.75). Lighthouse converts kbit/s with 1,024 bits (core/lib/emulation.js),
    # uxlab with 1,000: hence 1,474.56 x 1.024 and 675 x 1.024 here.
    "lighthouse-mobile": Profile(
        412, 823, 4.0, 562.5, 1509.94944, 691.2, True, name="lighthouse-mobile", device_scale_factor=1.75
    ),
}


@dataclass(frozen=True)
class Budget:
    """A limit on one page-speed metric: ``max`` and/or ``min``, at level warn or error."""

    metric: str
    max: float | None = None
    min: float | None = None
    level: str = "error"
    aggregate: str = "median"

    def passes(self, value: float) -> bool:
        """True when ``value`` (already aggregated over the runs) is within the limits."""
        return (self.max is None or value <= self.max) and (self.min is None or value >= self.min)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric}
        if self.max is not None:
            out["max"] = self.max
        if self.min is not None:
            out["min"] = self.min
        return {**out, "level": self.level, "aggregate": self.aggregate}

    @classmethod
    def from_dict(cls, m: Fields) -> Budget:
        return cls(
            metric=m.choice("metric", BUDGET_METRICS),
            max=m.optional_number("max"),
            min=m.optional_number("min"),
            level=m.choice("level", BUDGET_LEVELS, "error"),
            aggregate=m.choice("aggregate", AGGREGATES, "median"),
        )

    @classmethod
    def all_from(cls, m: Fields, key: str) -> tuple[Budget, ...]:
        """The budgets listed under ``key`` of a stored mapping."""
        return tuple(cls.from_dict(m.within(f, item, BUDGET_KEYS, ("metric",))) for f, item in m.items(key))


@dataclass(frozen=True)
class ProbePage:
    """A page to probe (path relative to the site base) with its own budgets."""

    path: str
    budgets: tuple[Budget, ...] = ()


@dataclass(frozen=True)
class ProbeSpec:
    """The ``probe:`` section: runs per page and profile, pages, budgets, custom profiles."""

    runs: int
    profiles: tuple[str, ...]
    pages: tuple[ProbePage, ...]
    budgets: tuple[Budget, ...] = ()
    profile_defs: tuple[Profile, ...] = ()

    def profile(self, name: str) -> Profile:
        """Return the profile of this name (the scenario's own first, then the built-ins)."""
        for profile in self.profile_defs:
            if profile.name == name:
                return profile
        return BUILTIN_PROFILES[name]

    def resolved_profiles(self) -> tuple[Profile, ...]:
        return tuple(self.profile(name) for name in self.profiles)

    def budgets_for(self, page: ProbePage) -> tuple[Budget, ...]:
        """The global budgets plus the page's; a page budget replaces a global one on its metric."""
        own = {b.metric for b in page.budgets}
        return tuple(b for b in self.budgets if b.metric not in own) + page.budgets

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "profiles": list(self.profiles),
            "profile_defs": {p.name: p.to_dict() for p in self.profile_defs},
            "pages": [{"path": p.path, "budgets": [b.to_dict() for b in p.budgets]} for p in self.pages],
            "budgets": [b.to_dict() for b in self.budgets],
        }

    @classmethod
    def from_dict(cls, m: Fields) -> ProbeSpec:
        defs = m.mapping("profile_defs", None)
        profile_defs = tuple(
            Profile.from_dict(name, defs.mapping(name, PROFILE_KEYS, ("width", "height")))
            for name in defs.data
        )
        known = (*BUILTIN_PROFILES, *defs.data)
        pages = []
        for field, item in m.items("pages"):
            page = m.within(field, item, ("path", "budgets"), ("path",))
            pages.append(ProbePage(page.text("path"), Budget.all_from(page, "budgets")))
        return cls(
            runs=m.whole("runs", DEFAULT_RUNS),
            profiles=m.texts("profiles", known) if m.has("profiles") else DEFAULT_PROFILES,
            pages=tuple(pages) if m.has("pages") else (ProbePage("/"),),
            budgets=Budget.all_from(m, "budgets"),
            profile_defs=profile_defs,
        )
