"""The upload API's 201 answer names the new build's page, absolute, from PUBLIC_URL."""

from __future__ import annotations

from flask import Flask

from tests.probe.test_builds import ACCOUNT, build_report, seeded


def test_the_upload_answer_names_the_build_page(app: Flask) -> None:
    secret, _ = seeded(app)
    client = app.test_client()
    answer = client.post(
        "/api/v1/probes",
        json=build_report("ddddddd4", "main", 900.0),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 201
    body = answer.get_json()
    public = str(app.config["PUBLIC_URL"]).rstrip("/")
    assert body["build_url"] == f"{public}/studies/helpdesk/builds/{body['id']}"
    assert body["history_url"] == f"{public}/studies/helpdesk/probes"  # the keys it had stay
    assert client.post("/login", data=ACCOUNT).status_code == 302
    page = client.get(body["build_url"].removeprefix(public))
    assert page.status_code == 200 and "ddddddd4" in page.get_data(as_text=True)
