"""``uxlab studies``, ``scenarios`` and ``tokens``: studies and who sees them, scenarios, tokens."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from uxlab.cli.command import CLI_ACTOR, reports_errors, with_app
from uxlab.errors import ScenarioError

if TYPE_CHECKING:
    from flask import Flask  # annotations only: `uxlab probe` starts without Flask

    from uxlab.scenarios import Scenario


@click.group(help="Stored studies.")
def studies() -> None:
    pass


def _set_open(slug: str, is_open: bool) -> None:
    from uxlab import studies as study_store
    from uxlab.db import get_session

    study_store.set_open(get_session(), slug, is_open, actor=CLI_ACTOR)
    click.echo(f"study {slug} is now {'open' if is_open else 'closed'}")


@studies.command("open", help="Open a study: participants can take it.")
@click.argument("slug")
@with_app
def studies_open(_app: Flask, slug: str) -> None:
    _set_open(slug, True)


@studies.command("close", help="Close a study: participant pages and events answer 410 Gone.")
@click.argument("slug")
@with_app
def studies_close(_app: Flask, slug: str) -> None:
    _set_open(slug, False)


@studies.command("owner", help="Make an account the owner of a study (it sees the study and shares it).")
@click.argument("slug")
@click.argument("email")
@with_app
def studies_owner(_app: Flask, slug: str, email: str) -> None:
    from uxlab import access
    from uxlab.db import get_session

    access.set_owner(get_session(), slug, email, actor=CLI_ACTOR)
    click.echo(f"{email.strip().lower()} now owns {slug}")


@studies.command("share", help="Let a researcher account see and use a study.")
@click.argument("slug")
@click.argument("email")
@with_app
def studies_share(_app: Flask, slug: str, email: str) -> None:
    from uxlab import access, studies
    from uxlab.db import get_session

    db = get_session()
    user = access.share(db, studies.get_study(db, slug), email, actor=CLI_ACTOR)
    click.echo(f"{slug} is now shared with {user.email}")


@studies.command("unshare", help="Stop sharing a study with an account.")
@click.argument("slug")
@click.argument("email")
@with_app
def studies_unshare(_app: Flask, slug: str, email: str) -> None:
    from uxlab import access, studies
    from uxlab.db import get_session

    db = get_session()
    user = access.unshare(db, studies.get_study(db, slug), email, actor=CLI_ACTOR)
    click.echo(f"{slug} is no longer shared with {user.email}")


@studies.command("access", help="Who sees a study besides admins: its owner, the accounts it is shared with.")
@click.argument("slug")
@with_app
def studies_access(_app: Flask, slug: str) -> None:
    from uxlab import access, studies
    from uxlab.db import get_session

    db = get_session()
    study = studies.get_study(db, slug)
    owner = access.owner_of(db, study)
    click.echo(f"owner\t{owner.email if owner else '(none: admins only)'}")
    for user in access.shared_with(db, study):
        click.echo(f"shared\t{user.email}")


@click.group("scenarios", help="Scenario files: check them, store them as study versions.")
def scenarios() -> None:
    pass


def _print_refusal(error: ScenarioError) -> None:
    """One line per problem of a refused file: file:line: field: message."""
    for problem in error.problems():
        click.echo(problem.message, err=True)


@scenarios.command("check", help="Validate scenario files (or folders of them); store nothing.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--live",
    "site_url",
    default=None,
    help="Also fetch each task's start page (a site given as a path is reached at this URL); "
    "exit 1 when one does not answer 2xx.",
)
@reports_errors
def scenarios_check(paths: tuple[Path, ...], site_url: str | None) -> None:
    """Each file's result, in order: "ok", or its problems; one refused file hides no other's result."""
    from uxlab.scenarios import check_files

    refused = unreachable = 0
    for path, result in check_files(paths):
        if isinstance(result, ScenarioError):
            _print_refusal(result)
            refused += 1
        elif not _checked_ok(path, result, site_url):
            unreachable += 1
    if refused:
        click.echo(f"uxlab: {refused} scenario file(s) refused; nothing stored", err=True)
    if unreachable:
        click.echo(f"uxlab: {unreachable} scenario file(s) with a start page that does not answer", err=True)
    if refused or unreachable:
        sys.exit(1)


def _checked_ok(path: Path, scenario: Scenario, site_url: str | None) -> bool:
    """Print a valid file's warnings and, with ``--live``, each start page that fails; else "ok"."""
    from uxlab.cli.live_check import broken_start_pages
    from uxlab.scenarios import line_of, path_warnings

    for warning in path_warnings(scenario):
        click.echo(f"{path}: warning: {warning}", err=True)
    broken = broken_start_pages(scenario, site_url) if site_url else []
    for i, problem in broken:
        field = f"tasks[{i}].start"  # placed like the checker's problems: file:line: field: ...
        line = line_of(path, field)
        click.echo(f"{path}{f':{line}' if line else ''}: {field}: {problem}", err=True)
    if not broken:
        tasks = len(scenario.tasks)
        click.echo(f"{path}: ok ({scenario.slug}, {tasks} task{'' if tasks == 1 else 's'})")
    return not broken


@scenarios.command(
    "load", help="Store scenario files as study versions (all are checked first; a refusal stores none)."
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--owner",
    "owner_email",
    default=None,
    help="The account that owns the studies (sees and shares them); without it, new studies "
    "have no owner and only admins see them.",
)
@with_app
def scenarios_load(_app: Flask, paths: tuple[Path, ...], owner_email: str | None) -> None:
    from uxlab import access, auth
    from uxlab import studies as study_store
    from uxlab.db import get_session
    from uxlab.scenarios import Scenario, check_files

    if owner_email:  # an unknown account stores nothing
        owner_email = auth.get_user(get_session(), owner_email).email
    results = check_files(paths)
    refusals = [result for _, result in results if isinstance(result, ScenarioError)]
    for error in refusals:
        _print_refusal(error)
    if refusals:
        click.echo(f"uxlab: {len(refusals)} scenario file(s) refused; nothing stored", err=True)
        sys.exit(1)
    for path, scenario in ((p, s) for p, s in results if isinstance(s, Scenario)):
        version, created = study_store.store_scenario(get_session(), scenario, source_path=str(path))
        state = "stored version {}" if created else "unchanged (version {})"
        click.echo(f"{scenario.slug}: {state.format(version.number)}")
        if owner_email:
            access.set_owner(get_session(), scenario.slug, owner_email, actor=CLI_ACTOR)


@click.group("tokens", help="Upload tokens for probe results.")
def tokens() -> None:
    pass


@tokens.command("create", help="Create an upload token for a study (shown once; stored hashed).")
@click.argument("study")
@click.option("--label", default="", help="What the token is for (e.g. 'GitHub Actions').")
@with_app
def tokens_create(_app: Flask, study: str, label: str) -> None:
    from uxlab import audit
    from uxlab.db import get_session
    from uxlab.probe_uploads import create_token

    secret = create_token(get_session(), study, label)
    audit.record(get_session(), "token_created", actor=CLI_ACTOR, study_slug=study)  # as the web page does
    click.echo(secret)


@tokens.command("list", help="List a study's upload tokens: id, created, last used, label.")
@click.argument("study")
@with_app
def tokens_list(_app: Flask, study: str) -> None:
    from uxlab.db import get_session
    from uxlab.probe_uploads import list_tokens

    for token in list_tokens(get_session(), study):
        used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never used"
        click.echo(f"{token.id}\t{token.created_at.isoformat(timespec='seconds')}\t{used}\t{token.label}")


@tokens.command("revoke", help="Revoke an upload token by its id (from 'uxlab tokens list').")
@click.argument("study")
@click.argument("token_id", type=int)
@with_app
def tokens_revoke(_app: Flask, study: str, token_id: int) -> None:
    from uxlab import audit, studies
    from uxlab.db import get_session
    from uxlab.errors import NotFound
    from uxlab.probe_uploads import revoke_token
    from uxlab.web import ROW_ID_MAX

    if not 0 < token_id <= ROW_ID_MAX:  # no row has such an id; the database could not compare it
        studies.get_study(get_session(), study)  # an unknown study is named first, as for any id
        raise NotFound(f"no upload token {token_id} in study {study!r}", field="token")
    revoke_token(get_session(), study, token_id)
    audit.record(
        get_session(), "token_revoked", actor=CLI_ACTOR, study_slug=study, detail=f"token {token_id}"
    )
    click.echo(f"token {token_id} of {study} revoked")


COMMANDS = (studies, scenarios, tokens)
