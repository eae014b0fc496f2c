"""The summary's "Download PDF" in real Chromium (issue 16): the page's filters, page numbers,
the journey map, more than one page; a clear 503 page when Chromium cannot start."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import tests.summary_seed as seed
from tests.browser.test_reports import EMAIL, PASSWORD
from tests.conftest import make_test_app
from uxlab import auth
from uxlab.db import get_session

HEADINGS = ("Headline figures", "Findings", "Tasks", "Charts", "Page speed", "Participation", "Journey map")


def _page_ends(document: bytes) -> list[str]:
    """The last line of each page above its footer."""
    reader = PdfReader(io.BytesIO(document))
    texts = [page.extract_text() for page in reader.pages]
    lines = [[line.strip() for line in text.splitlines() if line.strip()] for text in texts]
    return [page[-2] if len(page) > 1 else "" for page in lines]


def _text(document: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(document))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\ufb01", "fi")  # the "fi" ligature
    return len(reader.pages), " ".join(text.split())


@pytest.mark.browser
def test_download_pdf_with_the_filters_page_numbers_and_journey_map(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    with live_server.app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path)  # six participants, two on phones
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/studies/cx/summary?device=phone&outcome=failure")
        page.fill("#email", EMAIL)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        link = page.get_by_role("link", name="summary (PDF, these filters)")
        with page.expect_download() as download:
            link.click()
        path = download.value.path()
        assert download.value.suggested_filename == "cx-summary.pdf"
        document = Path(path).read_bytes()
        pages, text = _text(document)
    finally:
        context.close()
    assert pages > 1
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    # the filters: PEOPLE[4] (phone) failed two tasks; PEOPLE[5] (phone) failed none
    assert "1 participant (1 finished), 2 ended attempts" in text
    assert "Filters: device phone, outcome failure" in text
    assert "Journey map" in text and "Retention" in text and "Helpdesk" in text
    # no page ends on a heading or a table's header row (they go with what follows)
    ends = _page_ends(document)
    assert not [end for end in ends if end in HEADINGS or end.startswith("Task Success")], ends


def test_without_chromium_the_pdf_is_a_clear_503_page(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, CHROMIUM_PATH=str(tmp_path / "no-chromium-here"))
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path, seed.PEOPLE[:1])
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    response = client.get("/studies/cx/summary.pdf")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "The PDF cannot be made on this server" in response.get_data(as_text=True)
    assert "no-chromium-here" in response.get_data(as_text=True)
    assert client.get("/studies/cx/summary.pdf?outcome=won").status_code == 400
    app.extensions["uxlab.engine"].dispose()


def _signed_in_app(tmp_path: Path, **config: Any) -> Any:
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        auth.create_user(get_session(), EMAIL, PASSWORD)
        seed.seed(get_session(), tmp_path, seed.PEOPLE[:1])
    return app


def _signed_in_client(app: Any) -> Any:
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.browser
def test_a_print_beyond_pdf_at_once_gets_a_503_with_retry_after_and_nothing_is_held(tmp_path: Path) -> None:
    """Two researchers press "Download PDF" at the same moment on a server that prints one at a
    time: one gets the PDF, the other a 503 with Retry-After at once (not a second Chromium);
    after both, the slot is free again."""
    app = _signed_in_app(tmp_path, PDF_AT_ONCE=1)
    clients = [_signed_in_client(app) for _ in range(2)]
    together = threading.Barrier(2)

    def download(client: Any) -> Any:
        together.wait()
        return client.get("/studies/cx/summary.pdf")

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(download, clients))
    assert sorted(r.status_code for r in responses) == [200, 503]
    printed, busy = sorted(responses, key=lambda r: r.status_code)
    assert printed.data.startswith(b"%PDF-")
    assert busy.headers["Retry-After"] == "30" and busy.mimetype == "text/html"
    assert "Other PDFs are being printed on this server" in busy.get_data(as_text=True)
    assert clients[1].get("/studies/cx/summary.pdf").status_code == 200
    app.extensions["uxlab.engine"].dispose()


def test_pdf_at_once_0_turns_pdfs_off_with_a_reason(tmp_path: Path) -> None:
    app = _signed_in_app(tmp_path, PDF_AT_ONCE=0)
    response = _signed_in_client(app).get("/studies/cx/summary.pdf")
    assert response.status_code == 503 and "Retry-After" not in response.headers
    assert "UXLAB_PDF_AT_ONCE is 0" in response.get_data(as_text=True)
    app.extensions["uxlab.engine"].dispose()


@pytest.mark.browser
def test_the_tasks_heading_caption_and_header_stay_with_their_rows(
    app: Any, browser: Any, tmp_path: Path
) -> None:
    """Push the Tasks section down the page a few millimetres at a time: on no page does the
    heading or the table's caption and header end up without the table's rows."""
    from uxlab.probe.pdf import FOOTER
    from uxlab.reports.pdf import report_html

    with app.app_context():
        seed.seed(get_session(), tmp_path)
    html = report_html(app, "cx")
    tasks = '<section aria-labelledby="h-tasks">'
    assert tasks in html
    page = browser.new_page()
    orphans = []
    try:
        for height_mm in range(100, 272, 12):
            page.set_content(html.replace(tasks, f'<div style="height:{height_mm}mm"></div>{tasks}'))
            page.emulate_media(media="print")
            document = page.pdf(
                format="A4",
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "12mm", "bottom": "16mm", "left": "10mm", "right": "10mm"},
            )
            for number, text in enumerate(_page_texts(document), start=1):
                if "Touchpoints by customer-journey stage" in text:
                    break  # the journey map: its touchpoints have a "Tasks" line of their own
                lines = [line.strip() for line in text.splitlines()]
                if "Per task: success" in text and "find ·" not in text:
                    orphans.append((height_mm, number, "caption and header without rows"))
                if "Tasks" in lines and "Per task: success" not in text:
                    orphans.append((height_mm, number, "heading without its table"))
    finally:
        page.close()
    assert orphans == []


def _page_texts(document: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(document))
    return [page.extract_text().replace("\ufb01", "fi") for page in reader.pages]
