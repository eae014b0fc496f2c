"""Preview as participant: the participant pages and the task bar on the live site, recording nothing.

The study editor keeps the draft being previewed in the researcher's Flask session
(``studio.PREVIEW_KEY``, the normalized scenario, unsaved). The pages are the participant
templates, rendered with a ``url_for`` that sends their forms here instead of to
``/s/<slug>``; where the participant is comes from the URL, not from stored rows.

"Start" opens the site with ``#uxlab=preview-<signature><task>``: a signed token that
carries the task itself. The tracker API (``uxlab/web/api.py``) hands such tokens to
``tracker_state`` and ``judge_batch`` below, which judge the events with the same rules
as a real attempt (``participants.judging``) on objects that are never added to the
database, and mark the task bar "Preview".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import flask
import flask_babel
from flask import Blueprint, current_app, g, redirect, render_template, request
from flask.typing import ResponseReturnValue

from uxlab import auth
from uxlab.errors import BadRequest, Gone, NotFound
from uxlab.models import Attempt, ParticipantSession, Study, Task
from uxlab.participants import attempts, judging
from uxlab.participants.browsers import choose_language
from uxlab.participants.events import EventBatch
from uxlab.participants.sessions import Progress, Step
from uxlab.scenarios.schema import Scenario, TaskSpec
from uxlab.web import questionnaire_text

bp = Blueprint("studio_preview", __name__, url_prefix="/studio/preview/<slug>")
PREVIEW_KEY = "uxlab_preview"  # the Flask session key holding the draft (written by studio.preview)
TOKEN_PREFIX = "preview-"
SIGNATURE_CHARS = 43  # an HMAC-SHA256, base64url without padding
# A preview token carries the draft's task: it stops working this long after its task's time
# limit, so a token left in a tab or a history entry does not show the draft for ever.
TOKEN_GRACE_S = 3600
# The word that marks the task bar, in the participant's language.
PREVIEW_WORD = {"en": "Preview", "de": "Vorschau", "ru": "Предпросмотр"}


def _draft(slug: str) -> Scenario:
    """The draft being previewed, and the page language; NotFound when there is none for ``slug``."""
    stored = flask.session.get(PREVIEW_KEY)
    if not isinstance(stored, dict) or stored.get("slug") != slug:
        raise NotFound(f"no preview of {slug!r}: open it from the study editor", field="slug")
    scenario = Scenario.from_dict(stored, path="<preview>")
    default = current_app.config["DEFAULT_LANGUAGE"]
    g.uxlab_locale = choose_language(scenario.language, request.headers.get("Accept-Language", ""), default)
    flask_babel.refresh()
    return scenario


def _url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for the participant templates: their own steps lead to the preview's."""
    if endpoint.startswith(("participant.", "screener.")):
        mine = "studio_preview." + ("screener" if endpoint == "screener.ask" else endpoint.split(".", 1)[1])
        return flask.url_for(mine, **values) if mine in current_app.view_functions else "#"
    return flask.url_for(endpoint, **values)


def _render(template: str, scenario: Scenario, **context: Any) -> str:
    marked = replace(scenario, title=f"{PREVIEW_WORD.get(g.uxlab_locale, 'Preview')}: {scenario.title}")
    return render_template(
        f"participant/{template}.html", url_for=_url_for, page_lang=g.uxlab_locale,
        scenario=marked, session=None, slug=scenario.slug, preview=True, **context,
    )  # fmt: skip


def _where(scenario: Scenario, step: Step, number: int, outcome: str | None = None) -> Progress:
    if not 1 <= number <= len(scenario.tasks):
        raise NotFound(f"the study has no task {number}", field="number")
    spec = scenario.tasks[number - 1]
    # From the URL (``PreviewContext.next_url``): only an outcome the judging gives is shown.
    known = outcome in judging.OUTCOMES
    ended = Attempt(session_id=0, task_id=0, token="", outcome=outcome) if known else None
    return Progress(step, number, len(scenario.tasks), _task(spec, number - 1), ended)


def _task(spec: TaskSpec, position: int) -> Task:
    """A Task row for the pages and the judging; never added to the database."""
    kind, stage = spec.success.kind, spec.stage
    return Task(
        study_version_id=0,
        key=spec.id,
        position=position,
        prompt=spec.prompt,
        criterion_kind=kind,
        stage=stage,
    )


def _to(endpoint: str, slug: str, **values: Any) -> ResponseReturnValue:
    return redirect(flask.url_for(f"studio_preview.{endpoint}", slug=slug, **values), code=303)


@bp.get("")
@auth.login_required
def consent(slug: str) -> ResponseReturnValue:
    scenario = _draft(slug)
    if scenario.recruit and scenario.recruit.screener and not request.args.get("screened"):
        return _to("screener", slug)
    return _render("consent", scenario)


@bp.route("/screener", methods=["GET", "POST"])
@auth.login_required
def screener(slug: str) -> ResponseReturnValue:
    scenario = _draft(slug)
    questions = scenario.recruit.screener if scenario.recruit else ()
    answers = {q.id: request.form.getlist(q.id) for q in questions}
    errors = {q: "missing" for q, chosen in answers.items() if not chosen} if request.method == "POST" else {}
    if request.method == "POST" and not errors:  # judged by the study's rules, not counted
        if any(q.screens_out(answers[q.id]) for q in questions):
            return _render("screened_out", scenario)
        return _to("consent", slug, screened=1)
    page = _render("screener", scenario, questions=questions, errors=errors)
    return page, 400 if errors else 200


@bp.post("")
@auth.login_required
def consent_given(slug: str) -> ResponseReturnValue:
    _draft(slug)
    return _to("task", slug, number=1)


@bp.get("/task/<int:number>")
@auth.login_required
def task(slug: str, number: int) -> ResponseReturnValue:
    scenario = _draft(slug)
    where = _where(scenario, "task", number)
    return _render("task", scenario, where=where, spec=scenario.tasks[number - 1])


@bp.post("/task/<int:number>")
@auth.login_required
def start_task(slug: str, number: int) -> ResponseReturnValue:
    scenario = _draft(slug)
    _where(scenario, "task", number)
    # PUBLIC_URL, never the request's Host, as for a real attempt: the URL carries the token.
    server = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    page = scenario.site.url_for(scenario.tasks[number - 1].start, server)
    token = make_token(scenario, number, g.uxlab_locale, datetime.now(UTC))
    return redirect(f"{page}#uxlab={token}@{attempts.origin_of(server)}", code=303)


@bp.route("/task/<int:number>/seq", methods=["GET", "POST"])
@auth.login_required
def seq(slug: str, number: int) -> ResponseReturnValue:
    scenario = _draft(slug)
    where = _where(scenario, "seq", number, request.args.get("outcome"))
    if request.method == "POST" and request.form.get("seq"):  # the answer is checked, then dropped
        return _to("task", slug, number=number + 1) if number < where.total else _to("questionnaires", slug)
    errors = {"seq": "missing"} if request.method == "POST" else {}
    page = _render("seq", scenario, where=where, q=questionnaire_text.seq_question(), errors=errors)
    return page, 400 if errors else 200


@bp.route("/questionnaires", methods=["GET", "POST"])
@auth.login_required
def questionnaires(slug: str) -> ResponseReturnValue:
    scenario = _draft(slug)
    if request.method == "POST":  # nothing is stored
        return _to("thanks", slug)
    return _render("questionnaires", scenario, errors={})


@bp.get("/thanks")
@auth.login_required
def thanks(slug: str) -> ResponseReturnValue:
    return _render("thanks", _draft(slug))


def _key() -> bytes:
    return hashlib.sha256(b"uxlab-preview-token:" + str(current_app.config["SECRET_KEY"]).encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def make_token(scenario: Scenario, number: int, language: str, now: datetime) -> str:
    """A signed token carrying task ``number`` of the draft, its site, the language and the start time."""
    payload = {
        "slug": scenario.slug, "n": number, "total": len(scenario.tasks), "lang": language,
        "t": now.timestamp(), "site": scenario.site.to_dict(), "task": scenario.tasks[number - 1].to_dict(),
    }  # fmt: skip
    data = _b64(zlib.compress(json.dumps(payload, separators=(",", ":")).encode()))
    return TOKEN_PREFIX + _b64(hmac.new(_key(), data.encode(), "sha256").digest()) + data


def is_preview_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


class PreviewContext(judging.AttemptContext):
    """An attempt that exists only for this request; after it, the preview's SEQ page."""

    number: int = 0

    @property
    def next_url(self) -> str:
        outcome = f"?outcome={self.attempt.outcome}" if self.attempt.outcome else ""
        return flask.url_for("studio_preview.seq", slug=self.scenario.slug, number=self.number) + outcome


def _context(token: str) -> PreviewContext:
    """Read a preview token (NotFound if it is not one this server signed) into an unsaved attempt."""
    sig, data = token[len(TOKEN_PREFIX) :][:SIGNATURE_CHARS], token[len(TOKEN_PREFIX) + SIGNATURE_CHARS :]
    good = _b64(hmac.new(_key(), data.encode(), "sha256").digest())
    if not data or not hmac.compare_digest(sig, good):
        raise NotFound("unknown preview token", field="token")
    try:
        p = json.loads(zlib.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))))
    except (ValueError, zlib.error) as error:
        raise BadRequest("unreadable preview token", field="token") from error
    stored = {"slug": p["slug"], "title": "-", "consent": "-", "site": p["site"], "tasks": [p["task"]]}
    scenario = Scenario.from_dict(stored, path="<preview token>")
    spec = scenario.tasks[0]
    started = datetime.fromtimestamp(p["t"], UTC)
    if judging.seconds_between(started, datetime.now(UTC)) > spec.time_limit_s + TOKEN_GRACE_S:
        raise Gone("this preview has ended: start it again from the study editor", field="token")
    session = ParticipantSession(
        public_id="preview", study_version_id=0, language=p["lang"], task_order=[spec.id]
    )
    attempt = Attempt(session_id=0, task_id=0, token="", started_at=started, path=[], click_count=0)
    task = _task(spec, 0)
    ctx = PreviewContext(attempt, task, session, Study(slug=p["slug"], title="-"), scenario, spec)
    ctx.number = int(p["n"])
    return ctx


def _checked(token: str, origin: str | None, servers: tuple[str, ...]) -> PreviewContext:
    ctx = _context(token)
    g.api_origins = attempts.allowed_origins(ctx, servers)  # CORS, as for a real attempt
    attempts.check_origin(ctx, origin, servers)
    return ctx


def _marked(labels: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    """The task bar's words in ``language``, with "Preview" in its name and before the task."""
    mine, word = labels.get(language, labels["en"]), PREVIEW_WORD.get(language, PREVIEW_WORD["en"])
    return {**mine, "region": f"{mine['region']} ({word})", "task": f"{word}: {mine['task']}"}


def tracker_state(
    token: str, origin: str | None, servers: tuple[str, ...], labels: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """GET /api/v1/attempts/<preview token>: the task bar's state; ``labels``: its words by language."""
    ctx, now = _checked(token, origin, servers), datetime.now(UTC)
    judging.expire(ctx, now, judging.app_limits())
    return {**attempts.state(ctx, now), "preview": True, "labels": _marked(labels, ctx.session.language)}


def judge_batch(batch: EventBatch, origin: str | None, servers: tuple[str, ...]) -> dict[str, Any]:
    """POST /api/v1/events with a preview token: judge the batch as a real attempt would, store nothing."""
    ctx, now, limits = _checked(batch.token, origin, servers), datetime.now(UTC), judging.app_limits()
    for event in batch.events:
        if ctx.attempt.ended_at is None:
            judging.apply_event(ctx, event, now, limits, batch.sent_ms)
    ended = ctx.attempt.ended_at is not None
    return {
        "accepted": [event.id for event in batch.events], "ended": ended, "outcome": ctx.attempt.outcome,
        "next": ctx.next_url if ended else None, "preview": True,
    }  # fmt: skip
