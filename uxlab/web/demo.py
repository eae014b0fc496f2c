"""The built-in demo company site, Acme Networks, served under /demo when DEMO_SITE is on.

It is what `make run` and the tests run studies against: a helpdesk portal reachable only
through a couple of clicks (Support -> Customer portal -> Helpdesk), distractor links on
every page, and the facts the demo study asks about (support hotline, X200 warranty).
Every page carries the tracker snippet.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

bp = Blueprint("demo", __name__, url_prefix="/demo")

SUPPORT_HOTLINE = "+1 555 0100"
SALES_LINE = "+1 555 0199"


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    tagline: str
    price: str
    warranty: str
    wifi: str
    ports: str
    coverage_m2: int


PRODUCTS: tuple[Product, ...] = (
    Product("router-x200", "Router X200", "Wi-Fi 6 for busy homes", "$149", "3 years", "Wi-Fi 6 (802.11ax)",
            "4 x Gigabit LAN, 1 x 2.5G WAN", 180),
    Product("router-x100", "Router X100", "Reliable basics for small flats", "$89", "2 years",
            "Wi-Fi 5 (802.11ac)", "4 x Gigabit LAN, 1 x Gigabit WAN", 90),
    Product("mesh-m5", "Mesh M5 (3-pack)", "Wall-to-wall coverage", "$249", "2 years",
            "Wi-Fi 6E tri-band", "2 x Gigabit LAN per unit", 450),
)  # fmt: skip

# Distractor and filler pages: path below /demo -> (title, paragraphs, related links).
INFO_PAGES: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "plans": (
        "Internet plans",
        ("Fiber 300: $39 a month. Fiber 1000: $59 a month. Business Fiber: from $99 a month.",
         "All plans come without a minimum term and with a free router rental in the first year."),
        (("products", "See our routers"), ("contact", "Talk to sales")),
    ),
    "news/fiber-expansion": (
        "Acme expands fiber to 12 new towns",
        ("From next month, 40,000 more homes can order Acme Fiber.",
         "Check availability at your address with our sales team."),
        (("plans", "Compare plans"),),
    ),
    "news/x200-award": (
        "Router X200 wins Reader's Choice award",
        ("Readers of Home Network Monthly voted the X200 the best router of the year.",),
        (("products/router-x200", "Router X200 details"),),
    ),
    "careers": (
        "Careers",
        ("We are hiring network engineers and support staff in Springfield and remotely.",),
        (("about", "About Acme Networks"),),
    ),
    "support/downloads": (
        "Downloads and manuals",
        ("Firmware 4.2.1 for the Router X200 (released this spring).",
         "Quick start guides and full manuals for every router we sell, as PDF."),
        (("support", "Back to support"),),
    ),
    "support/community": (
        "Community forum",
        ("Ask other Acme customers and our moderators. Most questions get an answer within a day.",),
        (("support", "Back to support"),),
    ),
    "support/status": (
        "Network status",
        ("All systems operational. Planned maintenance in the northern districts on Sunday night.",),
        (("support", "Back to support"),),
    ),
    "support/portal/billing": (
        "My bills",
        ("Your last bill: $59.00, paid by direct debit.", "Bills are kept for 24 months."),
        (("support/portal", "Back to the customer portal"),),
    ),
    "support/portal/contract": (
        "My contract",
        ("Plan: Fiber 1000. Router: X200 (rented). Contract runs month to month.",),
        (("support/portal", "Back to the customer portal"),),
    ),
    "support/portal/moving": (
        "Moving house",
        ("Tell us your new address at least two weeks before you move and we take your line along.",),
        (("support/portal", "Back to the customer portal"),),
    ),
    "support/helpdesk/tickets": (
        "My tickets",
        ("You have no open tickets.",),
        (("support/helpdesk", "Back to the helpdesk"),),
    ),
    "support/helpdesk/diagnostics": (
        "Remote diagnostics",
        ("Start a line test: we check your connection from our side. It takes about two minutes.",),
        (("support/helpdesk", "Back to the helpdesk"),),
    ),
    "privacy": (
        "Privacy",
        ("We keep your data in our own data centers and never sell it.",),
        (("about", "About Acme Networks"),),
    ),
}  # fmt: skip


@bp.context_processor
def _link_helper() -> dict[str, object]:
    def d(path: str = "") -> str:
        """Link to a demo page by its path below /demo/."""
        return url_for("demo.home") + path

    return {"d": d}


@bp.get("/", strict_slashes=False)  # /demo too: the scenario's base_url, no redirect first
def home() -> ResponseReturnValue:
    return render_template("demo/home.html", products=PRODUCTS)


@bp.get("/products")
def products() -> ResponseReturnValue:
    return render_template("demo/products.html", products=PRODUCTS)


@bp.get("/products/<slug>")
def product(slug: str) -> ResponseReturnValue:
    found = next((p for p in PRODUCTS if p.slug == slug), None)
    if found is None:
        abort(404)
    return render_template("demo/product.html", product=found)


@bp.get("/about")
def about() -> ResponseReturnValue:
    return render_template("demo/about.html")


@bp.get("/contact")
def contact() -> ResponseReturnValue:
    return render_template("demo/contact.html", hotline=SUPPORT_HOTLINE, sales=SALES_LINE)


@bp.get("/support")
def support() -> ResponseReturnValue:
    return render_template("demo/support.html", hotline=SUPPORT_HOTLINE)


@bp.get("/support/portal")
def portal() -> ResponseReturnValue:
    return render_template("demo/portal.html")


@bp.get("/support/helpdesk")
def helpdesk() -> ResponseReturnValue:
    return render_template("demo/helpdesk.html")


@bp.route("/support/helpdesk/new-ticket", methods=["GET", "POST"])
def new_ticket() -> ResponseReturnValue:
    # The form is for show: nothing a participant types is stored or sent anywhere.
    return render_template("demo/new_ticket.html", sent=request.method == "POST")


@bp.route("/cart", methods=["GET", "POST"])
def cart() -> ResponseReturnValue:
    slug = request.form.get("product", "")
    added = next((p for p in PRODUCTS if p.slug == slug), None)
    return render_template("demo/cart.html", added=added)


@bp.get("/<path:page>")
def info(page: str) -> ResponseReturnValue:
    entry = INFO_PAGES.get(page.strip("/"))
    if entry is None:
        abort(404)
    title, paragraphs, links = entry
    return render_template("demo/info.html", title=title, paragraphs=paragraphs, links=links)
