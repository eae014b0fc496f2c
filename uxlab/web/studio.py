"""The study editor: write, check, upload, download and save a scenario file in the browser.

The YAML stays the source of truth: it is checked by ``uxlab.scenarios.loads`` (what
``uxlab scenarios check`` and ``load`` run), and "Save" stores it with
``studies.store_scenario``, as ``uxlab scenarios load`` does (same content hash, and an
unchanged file stores nothing). A stored version downloads as a file that ``load``
accepts unchanged. Researchers only; every POST carries the CSRF token (the check
endpoint in an ``X-CSRFToken`` header). A study saved for the first time is owned by
the account that saved it; a slug of a study the account may not see is refused. Only a
study's own editor adds a version to it: the New-study page (or an editor whose text names
another study's slug) refuses the slug of an existing study and links to its editor.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlmodel import Session, select

from uxlab import access, auth, scenarios, studies
from uxlab.db import get_session
from uxlab.errors import BadRequest, Conflict, ScenarioError
from uxlab.models import Study, StudyVersion, User
from uxlab.scenarios.schema import DEFAULT_TIME_LIMIT_S, Scenario
from uxlab.scenarios.syntax import decode
from uxlab.scenarios.writer import dumps
from uxlab.web.preview import PREVIEW_KEY
from uxlab.web.researcher import researcher_context

bp = Blueprint("studio", __name__)
bp.context_processor(researcher_context)
# A scenario file of a few dozen tasks is some 20 kB; this bounds the work one request can ask for.
MAX_SCENARIO_CHARS = 200_000
# Browsers drop cookies over 4096 bytes; the draft travels compressed in the session cookie.
MAX_PREVIEW_COOKIE_BYTES = 3800
SOURCE_NAME = "study.yaml"  # how problems name the text in the editor (file:line: field: problem)


def checked(text: str) -> tuple[Scenario | None, list[ScenarioError]]:
    """Validate editor text like ``uxlab scenarios check``: the scenario, or every problem."""
    if len(text) > MAX_SCENARIO_CHARS:
        raise BadRequest(f"the file has more than {MAX_SCENARIO_CHARS} characters", field="scenario")
    try:
        return scenarios.loads(text, SOURCE_NAME), []
    except ScenarioError as error:
        return None, list(error.problems())


def problem_rows(problems: list[ScenarioError]) -> list[dict[str, object]]:
    return [{"line": p.line, "field": p.field, "problem": p.reason} for p in problems]


def _editor(
    text: str, slug: str | None, status: int = 200, refused: str = "", existing: str = ""
) -> ResponseReturnValue:
    """The editor page; ``refused``: why a save or preview did not happen ("Not saved");
    ``existing``: the slug of the study whose editor the refusal links to."""
    scenario, problems = checked(text)
    if refused and problems:
        refused += f": the scenario has {len(problems)} problem(s), listed beside the editor."
    warnings = scenarios.path_warnings(scenario) if scenario else []
    page = render_template(
        "studio/editor.html", text=text, slug=slug, scenario=scenario, problems=problem_rows(problems),
        warnings=warnings, refused=refused, existing=existing, stages=scenarios.STAGES,
        default_limit=DEFAULT_TIME_LIMIT_S,  # what a task without time_limit_s gets
    )  # fmt: skip
    return page, status


def _form_text() -> str:
    return request.form.get("scenario", "").replace("\r\n", "\n")


@bp.get("/studies/new")
@auth.login_required
def new_study() -> ResponseReturnValue:
    return _editor(render_template("studio/starter.yaml") + "\n", None)  # Jinja drops the last newline


@bp.get("/studies/<slug>/edit")
@auth.login_required
def edit(slug: str) -> ResponseReturnValue:
    version = studies.current_version(get_session(), studies.get_study(get_session(), slug))
    return _editor(dumps(studies.scenario_of(version)), slug)


@bp.get("/studies/<slug>/scenario.yaml")
@auth.login_required
def download(slug: str) -> ResponseReturnValue:
    version = studies.current_version(get_session(), studies.get_study(get_session(), slug))
    response = Response(dumps(studies.scenario_of(version)), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response


@bp.post("/studio/check")
@auth.login_required
def check() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("scenario"), str):
        raise BadRequest('expected a JSON object {"scenario": "<the YAML text>"}', field="scenario")
    scenario, problems = checked(body["scenario"].replace("\r\n", "\n"))
    summary = f"{scenario.slug}, {len(scenario.tasks)} task(s)" if scenario else ""
    warnings = scenarios.path_warnings(scenario) if scenario else []
    return jsonify(
        ok=scenario is not None, summary=summary, problems=problem_rows(problems), warnings=warnings
    )


@bp.post("/studio/upload")
@auth.login_required
def upload() -> ResponseReturnValue:
    file = request.files.get("file")
    if file is None or not file.filename:
        raise BadRequest("choose a scenario file (.yaml) to upload", field="file")
    # Decoded as `uxlab scenarios check` reads a file: a byte that is not UTF-8 is named at its line.
    text = decode(file.read(MAX_SCENARIO_CHARS * 4 + 1), file.filename)
    return _editor(text, request.form.get("slug") or None)


@bp.post("/studio/save")
@auth.login_required
def save() -> ResponseReturnValue:
    text, slug = _form_text(), request.form.get("slug") or None
    scenario, _problems = checked(text)
    if scenario is None:
        return _editor(text, slug, 400, "Not saved")
    db, user = get_session(), auth.current_user(get_session())
    assert user is not None, "login_required lets only signed-in accounts through"
    other = _other_study(db, user, scenario, slug)
    if other is not None:
        why = (
            f"Not saved: the slug {scenario.slug!r} belongs to an existing study, “{other.title}”. "
            "To add a version to it, open its editor; for a new study, choose another slug."
        )
        return _editor(text, slug, 409, why, existing=other.slug)
    try:
        version, created = _store(db, user, scenario)
    except Conflict as taken:  # a study the account may not see: never overwritten
        return _editor(text, slug, 409, f"Not saved: {taken.message}")
    if created:
        auth.record_action(
            "study_saved", scenario.slug, f"version {version.number} ({version.content_hash[:12]})"
        )
    state = "saved as version {}" if created else "unchanged (version {})"
    flash(f"“{scenario.title}”: {state.format(version.number)}.")
    return redirect(url_for("studio.edit", slug=scenario.slug), code=303)


def _other_study(db: Session, user: User, scenario: Scenario, slug: str | None) -> Study | None:
    """The existing study that saving would change although the editor was not opened for it.

    ``slug`` is the study the editor was opened for (None on the New-study page). Saving
    there would add a version to the study named in the text, changing its title and what
    new participants get, without a word: that is done in the study's own editor. A study
    the account may not see is left to ``access.check_store`` (409 "taken", revealing
    nothing); a text the study's current version already holds changes nothing (the second
    post of a double click on "Save" in a new study), so it is saved as "unchanged".
    """
    if slug == scenario.slug:
        return None
    study = db.exec(select(Study).where(Study.slug == scenario.slug)).first()
    if study is None or not access.can_see(db, user, study):
        return None
    unchanged = studies.current_version(db, study).content_hash == scenario.content_hash()
    return None if unchanged else study


def _store(db: Session, user: User, scenario: Scenario) -> tuple[StudyVersion, bool]:
    """Store the scenario if the account may change its study; a new study is the account's.

    Two saves of a new study at once (a double click) both find no study; the one whose
    insert loses is tried once more, and then finds the other's version (unchanged, or a
    new version when the texts differ).
    """
    for last in (False, True):
        access.check_store(db, user, scenario.slug)
        try:
            return studies.store_scenario(db, scenario, "(browser editor)", owner=user, actor=user.email)
        except Conflict:
            if last:
                raise
    raise AssertionError("unreachable")


@bp.post("/studio/preview")
@auth.login_required
def preview() -> ResponseReturnValue:
    text = _form_text()
    scenario, _problems = checked(text)
    if scenario is None:
        return _editor(text, request.form.get("slug") or None, 400, "No preview")
    draft = scenario.to_dict()  # unsaved: the preview pages read it from the session cookie
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    if len(serializer.dumps({**session, PREVIEW_KEY: draft})) > MAX_PREVIEW_COOKIE_BYTES:
        why = "No preview: the study is too large to preview from the editor (save it, then preview it)"
        return _editor(text, request.form.get("slug") or None, 413, why)
    session[PREVIEW_KEY] = draft
    return redirect(url_for("studio_preview.consent", slug=scenario.slug), code=303)
