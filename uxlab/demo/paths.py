"""The pages a demo attempt passes through on the demo site (``uxlab/web/demo.py``).

Each task of the demo study has its own plausible routes, checked against the site by
``tests/web/test_demo_paths.py``: a direct success follows the task's ideal path (so the
judging calls it direct), an indirect one takes a detour that still reaches the page the
task needs, and an attempt that does not succeed ends on a real page where the task's
answer is not. The success event itself (the success page, the click, the answer, "Done")
is added by ``data._attempt``.
"""

from __future__ import annotations

from collections.abc import Sequence

Route = tuple[str, ...]

ROUTES: dict[str, dict[str, tuple[Route, ...]]] = {
    "find-helpdesk": {  # success: the page /support/helpdesk, opened after these
        "direct": (("/", "/support", "/support/portal"),),
        "indirect": (
            ("/", "/products", "/support", "/support/portal"),
            ("/", "/support", "/support/downloads", "/support", "/support/portal"),
        ),
        "other": (
            ("/", "/support", "/support/portal", "/support/portal/contract"),
            ("/", "/support", "/support/community"),
            ("/", "/support"),
            ("/", "/contact"),
        ),
    },
    "open-ticket": {  # success: a click on "Open a ticket", on the helpdesk page
        "direct": (("/", "/support", "/support/portal", "/support/helpdesk"),),
        "indirect": (
            ("/", "/contact", "/support", "/support/portal", "/support/helpdesk"),
            (
                "/",
                "/support",
                "/support/portal",
                "/support/helpdesk",
                "/support/helpdesk/tickets",
                "/support/helpdesk",
            ),
        ),
        "other": (
            ("/", "/support", "/support/status"),
            ("/", "/support", "/support/portal"),
            ("/", "/support", "/support/portal", "/support/helpdesk", "/support/helpdesk/diagnostics"),
            ("/", "/contact"),
        ),
    },
    "find-hotline": {  # success: the number, answered after reading it on /contact
        "direct": (("/", "/contact"),),
        "indirect": (("/", "/support", "/contact"), ("/", "/about", "/support", "/contact")),
        "other": (
            ("/", "/support"),
            ("/", "/support", "/support/community"),
            ("/", "/about"),
            ("/", "/support", "/support/portal"),
        ),
    },
    "router-warranty": {  # success: "Done" after reading the warranty on the X200's page
        "direct": (("/", "/products", "/products/router-x200"),),
        "indirect": (
            ("/", "/plans", "/products", "/products/router-x200"),
            ("/", "/products", "/products/router-x100", "/products", "/products/router-x200"),
        ),
        "other": (
            ("/", "/products", "/products/router-x100"),
            ("/", "/products", "/products/mesh-m5"),
            ("/", "/plans"),
            ("/", "/news/x200-award"),
        ),
    },
}


def route(task_key: str, start: str, kind: str, pick: float) -> Sequence[str]:
    """The pages of one attempt: ``kind`` is direct, indirect or other; ``pick`` in [0, 1) chooses.

    A task the table does not know (a demo made from an edited file) views its start page only.
    """
    routes = ROUTES.get(task_key, {}).get(kind) or ((start,),)
    return routes[int(pick * len(routes)) % len(routes)]
