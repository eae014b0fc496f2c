"""The tracker API under /api/v1: an attempt's state for the snippet, and the events it sends.

CORS: ``Access-Control-Allow-Origin`` is set only for the origins the attempt's study names
(site base URL's origin, ``site.origins``) and this server's own; a POST from another
origin is refused with 403. The snippet posts ``text/plain`` JSON (a CORS "simple"
request, also what ``navigator.sendBeacon`` sends), so browsers need no preflight; a
preflight is still answered for any origin an open study names. Errors whose token is
unknown or unreadable (400, 404, 413) are readable by any origin an open study names, so
that the snippet can act on them instead of retrying.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from uxlab import studies
from uxlab.db import availability, get_engine, get_session
from uxlab.errors import TooManyRequests, UxlabError
from uxlab.models import Study, StudyVersion, utcnow
from uxlab.participants import attempts, ingest
from uxlab.participants.events import read_body
from uxlab.participants.judging import app_limits
from uxlab.web import openapi, preview

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The task bar's words, in the participant's language (participant pages use gettext).
TASKBAR_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "region": "Study task",
        "task": "Your task",
        "done": "Done",
        "give_up": "Give up",
        "submit": "Send answer",
        "cancel": "Back",
        "answer": "Your answer",
        "saving": "Saving…",
        "ended": "Task finished. Taking you back…",
        "time_up": "Time is up.",
        "retry": "No connection. Trying again…",
        "task_of": "Task {n} of {m}",
        "minute": "One minute left.",
        "offline": "No connection. The link opens when you are back online.",
        "show": "Show task",
        "hide": "Hide task",
        "left": "Time left:",
    },
    "de": {
        "region": "Studienaufgabe",
        "task": "Ihre Aufgabe",
        "done": "Fertig",
        "give_up": "Aufgeben",
        "submit": "Antwort senden",
        "cancel": "Zurück",
        "answer": "Ihre Antwort",
        "saving": "Wird gespeichert…",
        "ended": "Aufgabe beendet. Sie werden zurückgeleitet…",
        "time_up": "Die Zeit ist um.",
        "retry": "Keine Verbindung. Neuer Versuch…",
        "task_of": "Aufgabe {n} von {m}",
        "minute": "Noch eine Minute.",
        "offline": "Keine Verbindung. Der Link öffnet sich, sobald Sie wieder online sind.",
        "show": "Aufgabe zeigen",
        "hide": "Aufgabe ausblenden",
        "left": "Verbleibende Zeit:",
    },
    "ru": {
        "region": "Задание исследования",
        "task": "Ваше задание",
        "done": "Готово",
        "give_up": "Пропустить задание",
        "submit": "Отправить ответ",
        "cancel": "Назад",
        "answer": "Ваш ответ",
        "saving": "Сохраняем…",
        "ended": "Задание завершено. Возвращаем вас…",
        "time_up": "Время вышло.",
        "retry": "Нет соединения. Пробуем снова…",
        "task_of": "Задание {n} из {m}",
        "minute": "Осталась одна минута.",
        "offline": "Нет соединения. Ссылка откроется, когда связь восстановится.",
        "show": "Показать задание",
        "hide": "Скрыть задание",
        "left": "Осталось времени:",
    },
}


def _server_origins() -> tuple[str, ...]:
    own = f"{request.scheme}://{request.host}".lower()  # origin_of(request.host_url), without its IRI pass
    public = current_app.config.get("PUBLIC_URL") or ""
    return (own, attempts.origin_of(public)) if public else (own,)


def _remember_cors(db: Session, token: str) -> None:
    """Note the attempt's allowed origins so that after_request can answer CORS, errors included."""
    try:
        g.api_origins = attempts.allowed_origins(attempts.find_context(db, token), _server_origins())
    except UxlabError:
        g.api_origins = None  # unknown token: after_request treats it as unreadable


@bp.after_request
def _cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    allowed = g.get("api_origins")
    if allowed is None and origin and response.status_code in (400, 404, 413):
        # The body (and its token) could not be read, or the token is unknown (a stale one
        # left in a tab): let any open study's site read why, so that the snippet can drop or
        # split the batch, or stop, instead of retrying it forever.
        allowed = _open_study_origins(get_session())
    if origin and origin.rstrip("/").lower() in (allowed or ()):
        response.headers["Access-Control-Allow-Origin"] = origin
        if "Retry-After" in response.headers:  # not a CORS-safelisted header: a script reads it only so
            response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    response.vary.add("Origin")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/attempts/<token>")
def attempt(token: str) -> ResponseReturnValue:
    if preview.is_preview_token(token):  # the study editor's preview: nothing is read or stored
        origin = request.headers.get("Origin")
        return jsonify(preview.tracker_state(token, origin, _server_origins(), TASKBAR_LABELS))
    db = get_session()
    _remember_cors(db, token)
    body = attempts.attempt_state(db, token, request.headers.get("Origin"), server_origins=_server_origins())
    return jsonify(**body, labels=_taskbar_labels(body))


def _taskbar_labels(state: dict[str, object]) -> dict[str, str]:
    """The task bar's words in the participant's language; "Task 2 of 4:" heads the prompt."""
    labels = dict(TASKBAR_LABELS.get(str(state["language"]), TASKBAR_LABELS["en"]))
    labels["task"] = labels.pop("task_of").format(n=state["task_number"], m=state["task_count"]) + ":"
    return labels


@bp.post("/events", provide_automatic_options=False)
def events() -> ResponseReturnValue:
    # uxlab.web.request_bodies has read the body within MAX_EVENT_BYTES and bounded its JSON.
    batch = read_body(request.get_data(), int(current_app.config["MAX_EVENT_BYTES"]), g.get("api_json"))
    if preview.is_preview_token(batch.token):  # the study editor's preview: judged, not stored
        return jsonify(preview.judge_batch(batch, request.headers.get("Origin"), _server_origins()))
    origin, servers = request.headers.get("Origin"), _server_origins()
    try:
        body = ingest.store(get_engine(), batch, origin, servers, app_limits(), utcnow())
    except UxlabError as error:  # rolled back: the attempt lock has ended before this look-up
        if isinstance(error, TooManyRequests) and not error.retry_after_s:
            error.retry_after_s = ingest.RATE_WINDOW_S  # by then the events it counted have left the window
        _remember_cors(get_session(), batch.token)
        raise
    availability().answered()
    # Stored: record has checked that the study names this origin (one look-up, not two).
    g.api_origins = (origin.rstrip("/").lower(),) if origin else ()
    return jsonify(body)


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    return jsonify(openapi.document())


@bp.route("/events", methods=["OPTIONS"])
def preflight() -> ResponseReturnValue:
    origin = (request.headers.get("Origin") or "").rstrip("/").lower()
    g.api_origins = (origin,) if origin and origin in _open_study_origins(get_session()) else ()
    response = current_app.make_response(("", 204))
    if g.api_origins:
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _open_study_origins(db: Session) -> set[str]:
    """Every origin some open study's current version names, plus this server's."""
    rows = db.exec(
        select(StudyVersion)
        .join(Study, col(Study.id) == StudyVersion.study_id)
        .where(col(Study.is_open).is_(True))
        .order_by(col(StudyVersion.study_id), col(StudyVersion.number).desc())
    ).all()
    latest = {row.study_id: row for row in reversed(rows)}
    servers = _server_origins()
    origins = set(servers)
    for version in latest.values():
        origins.update(studies.scenario_of(version).site.allowed_origins(servers[0]))
    return origins
