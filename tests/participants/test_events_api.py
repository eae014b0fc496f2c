"""The tracker API (/api/v1) on SQLite and PostgreSQL: storage, success detection, errors, CORS."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, func, select

from uxlab import scenarios, studies
from uxlab.db import get_engine
from uxlab.models import Attempt, Event, ParticipantSession, Study, Task, utcnow
from uxlab.participants import attempts, sessions
from uxlab.web import preview

ROOT = Path(__file__).resolve().parents[2]
HELPDESK = ROOT / "scenarios" / "helpdesk.yaml"
SERVER = "http://localhost"  # the test client's own origin
EXTERNAL = """
slug: shop
title: Shop
consent: ok
site: {base_url: "https://shop.example.com/store", origins: ["https://help.example.com"]}
tasks:
  - {id: cart, prompt: Find the cart, stage: purchase, success: {url: /cart}, time_limit_s: 60}
"""


class Participant:
    """One participant session of a loaded study, with helpers to start attempts and post events."""

    def __init__(self, app: Flask, source: Path | str = HELPDESK) -> None:
        self.app = app
        self.client = app.test_client()
        with app.app_context(), Session(get_engine(), expire_on_commit=False) as db:
            if isinstance(source, Path):
                version, _ = studies.load_scenario_file(db, source)
            else:
                version, _ = studies.store_scenario(db, scenarios.loads(source))
            session = sessions.start_session(db, version, "Mozilla/5.0 (X11; Linux x86_64)", "en")
            self.session_id = session.id
            self.study_id = version.study_id

    def db(self) -> Session:
        return Session(get_engine(), expire_on_commit=False)

    def start(self, key: str, started_s_ago: float = 0.0) -> str:
        """Start the task ``key``; ``started_s_ago`` moves Start into the past instead of sleeping."""
        with self.app.app_context(), self.db() as db:
            session = db.get(ParticipantSession, self.session_id)
            assert session is not None
            task = db.exec(select(Task).where(Task.key == key)).one()
            attempt = attempts.start_attempt(db, session, task)
            if started_s_ago:
                attempt.started_at = utcnow() - timedelta(seconds=started_s_ago)
                db.add(attempt)
                db.commit()
            return attempt.token

    def post(
        self, token: str, events: list[dict[str, Any]], origin: str | None = SERVER, client: Any = None
    ) -> Any:
        headers = {"Origin": origin} if origin else {}
        body = json.dumps({"token": token, "events": events})
        return (client or self.client).post(
            "/api/v1/events", data=body, content_type="text/plain", headers=headers
        )

    def attempt(self, token: str) -> Attempt:
        with self.app.app_context(), self.db() as db:
            return db.exec(select(Attempt).where(Attempt.token == token)).one()

    def event_count(self) -> int:
        with self.app.app_context(), self.db() as db:
            return int(db.exec(select(func.count()).select_from(Event)).one())


def ev(kind: str, t_ms: float = 1000, **fields: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": kind, "t": t_ms, **fields}


def page(path: str, t_ms: float = 1000) -> dict[str, Any]:
    return ev("pageview", t_ms, url=f"{SERVER}/demo{path}")


@pytest.fixture
def study(any_app: Flask) -> Participant:
    return Participant(any_app)


def test_duplicate_ids_are_stored_once(study: Participant) -> None:
    token = study.start("find-helpdesk")
    first = [page("/"), ev("click", 1200, tag="A", text="Support")]
    response = study.post(token, first)
    assert response.status_code == 200
    assert response.get_json() == {
        "accepted": [e["id"] for e in first], "ended": False, "outcome": None, "next": None
    }  # fmt: skip
    again = study.post(token, [*first, first[0], page("/support", 1500)])
    assert again.status_code == 200
    assert again.get_json()["accepted"] == [*(e["id"] for e in first), again.get_json()["accepted"][-1]]
    assert study.event_count() == 3
    attempt = study.attempt(token)
    assert (attempt.path, attempt.click_count) == (["/", "/support"], 1)


def test_success_by_url_records_path_direct_and_client_time(study: Participant) -> None:
    token = study.start("find-helpdesk", started_s_ago=30)
    steps = [page("/", 2000), page("/support", 9000), page("/support/portal", 20000)]
    assert study.post(token, steps).get_json()["ended"] is False
    done = study.post(token, [page("/support/helpdesk/", 29500)]).get_json()
    assert done["ended"] is True and done["outcome"] == "success"
    assert done["next"] == "/s/helpdesk/task/1/seq"
    attempt = study.attempt(token)
    assert attempt.outcome == "success" and attempt.direct is True
    assert attempt.path == ["/", "/support", "/support/portal", "/support/helpdesk/"]
    assert attempt.time_on_task_s == 29.5  # the client's time: it agrees with the server's


def test_detour_is_indirect_and_far_off_client_time_is_replaced(study: Participant) -> None:
    token = study.start("find-helpdesk", started_s_ago=30)
    pages = ["/", "/products", "/", "/support", "/support/portal", "/support/helpdesk"]
    # t claims 90 s where the server measured about 30 s: the server's time is used.
    body = study.post(
        token, [page(p, 90000 if p.endswith("helpdesk") else 1000 * i) for i, p in enumerate(pages)]
    )
    assert body.get_json()["outcome"] == "success"
    attempt = study.attempt(token)
    assert attempt.direct is False
    assert attempt.time_on_task_s is not None and 29 <= attempt.time_on_task_s < 60


@pytest.mark.parametrize(
    ("task", "events", "outcome"),
    [
        ("open-ticket", [ev("click", 800, tag="A", selectors=["#open-ticket"])], "success"),
        ("open-ticket", [ev("click", 800, tag="A", selectors=[]), ev("done", 900)], "failure"),
        ("find-hotline", [ev("answer", 900, answer=" +1 (555) 0100. ")], "success"),
        ("find-hotline", [ev("answer", 900, answer="+1 555 0199")], "failure"),
        ("router-warranty", [ev("done", 900)], "success"),
        ("find-helpdesk", [page("/support", 500), ev("give_up", 900)], "give_up"),
        # a timeout event counts only at the limit: test_judging_audit_timeout.py
    ],
)
def test_outcome_per_criterion(
    study: Participant, task: str, events: list[dict[str, Any]], outcome: str
) -> None:
    token = study.start(task, started_s_ago=1)
    body = study.post(token, events).get_json()
    assert (body["ended"], body["outcome"]) == (True, outcome)
    attempt = study.attempt(token)
    assert attempt.outcome == outcome and attempt.ended_at is not None


@pytest.mark.parametrize(
    ("keep_query", "kept"),
    [
        # Privacy by default: no query value is kept unless the study lists its key (issue 12).
        ("", ""),
        # Listed keys are kept, except those that look secret (a listed token, an email value).
        ("[q, page, token, from]", "?q=router&page=2"),
    ],
)
def test_sensitive_query_parameters_are_stripped(any_app: Flask, keep_query: str, kept: str) -> None:
    text = HELPDESK.read_text(encoding="utf-8").replace(
        "  origins: []", f"  keep_query: {keep_query or '[]'}"
    )
    study = Participant(any_app, text)
    token = study.start("find-helpdesk")
    secret = "?q=router&token=abc&email=x%40y.org&password=hunter2&sessionId=9&apiKey=k&from=a%40b.com&page=2"
    assert (
        study.post(
            token, [ev("pageview", 500, url=f"http://user:pw@localhost/demo/support{secret}#top")]
        ).status_code
        == 200
    )
    assert study.attempt(token).path == [f"/support{kept}"]
    with study.app.app_context(), study.db() as db:
        stored = db.exec(select(Event.url)).one()
    assert stored == f"http://localhost/demo/support{kept}"


def test_state_endpoint_and_server_side_timeout(study: Participant) -> None:
    token = study.start("open-ticket")
    state = study.client.get(f"/api/v1/attempts/{token}", headers={"Origin": SERVER})
    assert state.status_code == 200 and state.headers["Access-Control-Allow-Origin"] == SERVER
    body = state.get_json()
    assert body["watch"] == ["#open-ticket"] and body["criterion"] == "click" and body["ended"] is False
    assert body["labels"]["give_up"] == "Give up" and 0 < body["remaining_ms"] <= 180000
    late = study.start("find-helpdesk", started_s_ago=180 + 10)  # limit + more than the 5 s tolerance
    body = study.client.get(f"/api/v1/attempts/{late}").get_json()
    assert (body["ended"], body["outcome"], body["next"]) == (True, "timeout", "/s/helpdesk/task/1/seq")
    assert study.attempt(late).time_on_task_s == 180
    assert study.client.get("/api/v1/attempts/nope").status_code == 404


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    message: str = response.get_json()["error"]["message"]
    return message


def test_bad_bodies_get_400_with_json_path_and_store_nothing(study: Participant) -> None:
    token = study.start("find-helpdesk")
    post = study.client.post
    assert "not JSON" in _error(post("/api/v1/events", data="{nope", content_type="text/plain"), 400)
    assert "token" in _error(post("/api/v1/events", json={"events": []}), 400)
    assert "events: expected a list" in _error(
        post("/api/v1/events", json={"token": token, "events": {}}), 400
    )
    bad = [page("/"), ev("click", "soon")]
    response = study.post(token, bad)
    assert "events[1].t" in _error(response, 400) and response.get_json()["error"]["field"] == "events[1].t"
    assert "events[0].type" in _error(study.post(token, [ev("hover")]), 400)
    assert "events[0].url" in _error(study.post(token, [ev("pageview")]), 400)
    assert "events[0].answer" in _error(study.post(token, [ev("answer")]), 400)
    assert study.event_count() == 0


def test_unknown_token_404_too_large_413(study: Participant) -> None:
    assert "unknown attempt token" in _error(study.post("no-such-token", [page("/")]), 404)
    token = study.start("find-helpdesk")
    huge = [ev("click", 100, text="x" * 150) for _ in range(120)]  # about 24 KB > MAX_EVENT_BYTES
    _error(study.post(token, huge), 413)
    assert study.event_count() == 0


def test_closed_study_ended_attempt_410_but_retries_still_acknowledged(study: Participant) -> None:
    token = study.start("find-helpdesk")
    ending = [ev("give_up", 500)]
    assert study.post(token, ending).status_code == 200
    assert "ended" in _error(study.post(token, [page("/")]), 410)
    retry = study.post(token, ending)  # the acknowledgement was lost: the same id again
    assert retry.status_code == 200 and retry.get_json()["accepted"] == [ending[0]["id"]]
    other = study.start("open-ticket")
    with study.app.app_context(), study.db() as db:
        db.get(Study, study.study_id).is_open = False  # type: ignore[union-attr]
        db.commit()
    assert "closed" in _error(study.post(other, [page("/")]), 410)
    assert study.event_count() == 1


def test_too_many_events_429(study: Participant) -> None:
    study.app.config["MAX_EVENTS_PER_MINUTE"] = 3
    token = study.start("find-helpdesk")
    assert study.post(token, [page("/"), page("/products")]).status_code == 200
    _error(study.post(token, [page("/about"), page("/contact")]), 429)
    assert study.event_count() == 2


def test_cross_origin_only_from_the_study_origins(any_app: Flask) -> None:
    shop = Participant(any_app, EXTERNAL)
    token = shop.start("cart")
    refused = shop.post(
        token, [ev("pageview", 100, url="https://shop.example.com/store/")], "https://evil.example"
    )
    assert "evil.example" in _error(refused, 403)
    assert "Access-Control-Allow-Origin" not in refused.headers
    state = shop.client.get(f"/api/v1/attempts/{token}", headers={"Origin": "https://evil.example"})
    assert state.status_code == 403 and "Access-Control-Allow-Origin" not in state.headers
    assert shop.event_count() == 0
    for origin in ("https://shop.example.com", "https://help.example.com", SERVER, None):
        ok = shop.post(token, [ev("pageview", 100, url="https://help.example.com/faq")], origin)
        assert ok.status_code == 200
        assert ok.headers.get("Access-Control-Allow-Origin") == origin
    done = shop.post(token, [ev("pageview", 200, url="https://shop.example.com/store/cart?sid=1")])
    assert done.get_json()["outcome"] == "success"
    assert shop.attempt(token).path[-1] == "/cart"
    huge = [ev("click", 100, text="x" * 150) for _ in range(120)]
    for origin, allowed in (("https://help.example.com", True), ("https://evil.example", False)):
        too_large = shop.post(token, huge, origin)  # unreadable token: any open study's origin may see why
        assert too_large.status_code == 413
        assert ("Access-Control-Allow-Origin" in too_large.headers) is allowed
        # A stale token (not known here): the site may read the 404 and stop, not retry forever.
        stale = shop.client.get("/api/v1/attempts/no-such-token", headers={"Origin": origin})
        assert stale.status_code == 404
        assert ("Access-Control-Allow-Origin" in stale.headers) is allowed
        view = [ev("pageview", 100, url="https://help.example.com/")]
        stale_post = shop.post("no-such-token", view, origin)
        assert stale_post.status_code == 404
        assert ("Access-Control-Allow-Origin" in stale_post.headers) is allowed
        pre = shop.client.options(
            "/api/v1/events", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
        )
        assert pre.status_code == 204
        assert ("Access-Control-Allow-Origin" in pre.headers) is allowed


def test_concurrent_retries_of_one_batch_store_it_once(study: Participant) -> None:
    from concurrent.futures import ThreadPoolExecutor

    token = study.start("find-helpdesk")
    batch = [page("/"), ev("click", 900, tag="A"), page("/support", 1000)]
    with ThreadPoolExecutor(max_workers=6) as pool:  # a beacon and keepalive retries racing
        post = lambda _: study.post(token, batch, client=study.app.test_client()).status_code  # noqa: E731
        statuses = list(pool.map(post, range(6)))
    assert statuses == [200] * 6
    assert study.event_count() == 3
    attempt = study.attempt(token)
    assert (attempt.path, attempt.click_count) == (["/", "/support"], 1)


def test_success_after_the_time_limit_is_a_timeout(study: Participant) -> None:
    token = study.start("find-helpdesk", started_s_ago=183)  # limit 180 s, within the 5 s tolerance
    body = study.post(token, [page("/support/helpdesk", 183000)]).get_json()
    assert (body["ended"], body["outcome"]) == (True, "timeout")
    assert study.attempt(token).time_on_task_s == 180


def post_sent(study: Participant, token: str, events: list[dict[str, Any]], sent: object) -> Any:
    body = json.dumps({"token": token, "sent": sent, "events": events})
    return study.client.post(
        "/api/v1/events", data=body, content_type="text/plain", headers={"Origin": SERVER}
    )


def test_events_of_a_batch_that_arrives_past_the_limit_are_not_stored_uncounted(study: Participant) -> None:
    """A batch without a send time, delivered 200 s after Start (limit 180 s): it ends the
    attempt as a timeout, and its events count in neither path nor clicks. They were stored
    all the same, so the stored events disagreed with the path and click count (README,
    Ingestion: they always agree). Now they are acknowledged and not stored, as a batch sent
    after the end is refused (410) and not stored."""
    token = study.start("find-helpdesk", started_s_ago=200)
    batch = [page("/products", 1000), ev("click", 2000, tag="A"), ev("click", 3000, tag="A")]
    body = study.post(token, batch).get_json()
    assert (body["ended"], body["outcome"], body["accepted"]) == (True, "timeout", [e["id"] for e in batch])
    attempt = study.attempt(token)
    assert (attempt.path, attempt.click_count, study.event_count()) == ([], 0, 0)
    assert study.post(token, batch).status_code == 410  # sent again: ended, nothing stored
    # Within the limit, the events up to the end count and are stored; those after it are not.
    running = study.start("find-hotline")
    ended = study.post(running, [page("/support", 100), ev("done", 200), ev("click", 300, tag="A")])
    assert ended.get_json()["outcome"] == "failure"
    assert (study.attempt(running).path, study.event_count()) == (["/support"], 2)


def test_a_late_delivery_keeps_its_time_when_the_send_time_agrees(study: Participant) -> None:
    """Done at 0.5 s, delivered 40 s after Start, sent at 40 s by a clock that agrees: 0.5 s."""
    late = study.start("find-hotline", started_s_ago=40)
    assert post_sent(study, late, [ev("done", 500)], 40_100).get_json()["outcome"] == "failure"
    assert study.attempt(late).time_on_task_s == 0.5
    # A send time that disagrees with the server's 40 s (a clock that runs wrong): the receive time.
    wrong = study.start("open-ticket", started_s_ago=40)
    post_sent(study, wrong, [ev("done", 500)], 30_000)
    assert abs((study.attempt(wrong).time_on_task_s or 0) - 40) < 1
    # An event stamped after its own batch was sent is not believed either.
    after = study.start("router-warranty", started_s_ago=40)
    post_sent(study, after, [ev("done", 60_000)], 40_000)
    assert abs((study.attempt(after).time_on_task_s or 0) - 40) < 1


@pytest.mark.parametrize("sent", [-1, "10", True, float("inf")])
def test_a_bad_send_time_is_a_400(study: Participant, sent: object) -> None:
    token = study.start("find-helpdesk")
    response = post_sent(study, token, [ev("done")], sent)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "sent"
    assert study.event_count() == 0


# URLs that urllib.parse cannot split (an unclosed "[", a "]" without "[", a full-width "#"
# that NFKC turns into a real one), or that stop splitting, or split otherwise, once rebuilt:
# "//[x" and "//a" are paths until the URL is rebuilt, and the user info "[::1]" hides the
# host "a]" until it is dropped.
UNREADABLE_URLS = [
    "http://[::1/x",
    "http://a]b/demo/",
    "http://ex\uff03ample.com/demo/",
    "http:////[x?q=1",
    "http://[::1]@a]/demo/",
    "////a/demo/",
]


def test_a_url_urllib_cannot_read_is_a_400_naming_it_and_nothing_is_stored(study: Participant) -> None:
    token = study.start("find-helpdesk")
    with study.app.app_context():
        scenario = scenarios.load(HELPDESK)
        preview_token = preview.make_token(scenario, 1, "en", utcnow())
    for url in UNREADABLE_URLS:
        for kind in ("pageview", "click"):
            for attempt in (token, preview_token):
                response = study.post(attempt, [page("/"), ev(kind, 1200, url=url)])
                assert "events[1].url" in _error(response, 400), (url, kind)
                assert response.get_json()["error"]["field"] == "events[1].url"
    assert study.event_count() == 0
    assert study.attempt(token).path == []
    assert study.post(token, [page("/")]).status_code == 200  # the attempt goes on
