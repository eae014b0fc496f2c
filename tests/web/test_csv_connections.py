"""A streamed CSV download gives its database connection back (one leaked per download on main)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.results_seed import seed_results
from uxlab import auth
from uxlab.db import get_session


def test_csv_downloads_return_their_connections(any_app: Flask, tmp_path: Path) -> None:
    with any_app.app_context():
        auth.create_user(get_session(), "ana@example.org", "correct horse battery")
        seed_results(get_session(), tmp_path)
    client = any_app.test_client()
    client.post("/login", data={"email": "ana@example.org", "password": "correct horse battery"})
    pool = any_app.extensions["uxlab.engine"].pool
    for table in ("attempts", "responses", "probes"):
        with client.get(f"/studies/shop/{table}.csv") as response:
            assert response.status_code == 200 and response.data
        assert pool.checkedout() == 0, table
