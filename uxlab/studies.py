"""Studies: scenario objects -> stored study versions and tasks; listing, opening, closing.

Loading an unchanged scenario (same content hash as the study's current version)
changes nothing; an edited one becomes version n+1 with its own Task rows, so results
recorded earlier keep pointing at the version they were recorded under. Functions that
change data commit their own unit of work.

A version's scenario (its task settings included) is read only by ``scenario_of``, which
keeps the objects per app (``app.extensions["uxlab.scenarios"]``).

Across processes and servers: a close, an open or a new version takes effect on every
server with its next request. Nothing keeps a study's open flag or its current version
between requests; the one per-app cache holds scenarios by (version id, content hash), and
a stored version never changes, so it never needs invalidating
(``tests/test_studies_across_apps.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from uxlab import audit, scenarios
from uxlab.errors import Conflict, NotFound, ScenarioError
from uxlab.models import ParticipantSession, Study, StudyVersion, Task, User
from uxlab.scenarios.schema import Scenario

SCENARIO_CACHE_ENTRIES = 256


@dataclass(frozen=True)
class StudyListing:
    """A study with its current version and how many sessions it has (all versions)."""

    study: Study
    version: StudyVersion
    participants: int
    finished: int


def _same_content(version: StudyVersion, scenario: Scenario) -> bool:
    """Whether a stored version holds this scenario, however an older uxlab serialized it.

    The hash alone would give an unchanged file a new version whenever the stored form
    changes (as when empty optional fields stopped being written).
    """
    try:
        return read_scenario(version) == scenario
    except ScenarioError:  # stored under rules that have changed since: treat as different
        return False


def load_scenario_file(session: Session, path: str | Path) -> tuple[StudyVersion, bool]:
    """Validate and store a scenario file; return (version, created). Raises ScenarioError."""
    return store_scenario(session, scenarios.load(path), source_path=str(path))


def store_scenario(
    session: Session, scenario: Scenario, source_path: str = "", *, owner: User | None = None, actor: str = ""
) -> tuple[StudyVersion, bool]:
    """Store ``scenario`` as a new version of its study unless the current one has the same content.

    A new study gets ``owner`` (audited as done by ``actor``) in the same transaction, so it
    is never seen without one. Conflict when another request created or changed the study
    meanwhile (nothing stored).
    """
    digest = scenario.content_hash()
    study = session.exec(select(Study).where(Study.slug == scenario.slug)).first()
    if study is None:
        study = Study(slug=scenario.slug, title=scenario.title, variant_of=scenario.variant_of)
        if owner is not None:
            study.owner_id = owner.id
            audit.add(session, "study_owner_set", actor=actor, study_slug=scenario.slug, detail=owner.email)
        session.add(study)
        try:
            session.flush()
        except IntegrityError as error:  # created by a request that came at the same time
            session.rollback()
            raise Conflict(f"study {scenario.slug!r} was created at the same time; save again") from error
        number = 1
    else:
        latest = current_version(session, study)
        if latest.content_hash == digest or _same_content(latest, scenario):
            return latest, False
        number = latest.number + 1
        study.title = scenario.title
        study.variant_of = scenario.variant_of
        session.add(study)
    assert study.id is not None
    version = StudyVersion(
        study_id=study.id,
        number=number,
        content_hash=digest,
        source_path=source_path,
        scenario=scenario.to_dict(),
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    for position, task in enumerate(scenario.tasks):
        session.add(
            Task(
                study_version_id=version.id,
                key=task.id,
                position=position,
                prompt=task.prompt,
                criterion_kind=task.success.kind,
                stage=task.stage,
                touchpoint=task.touchpoint,
            )
        )
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(f"study {scenario.slug!r} was changed at the same time; load it again") from error
    return version, True


def get_study(session: Session, slug: str) -> Study:
    """Return the study with this slug, or raise NotFound."""
    study = session.exec(select(Study).where(Study.slug == slug)).first()
    if study is None:
        raise NotFound(f"no study {slug!r}", field="slug")
    return study


def current_version(session: Session, study: Study) -> StudyVersion:
    """Return the study's latest version (the one new participants get)."""
    version = session.exec(
        select(StudyVersion)
        .where(StudyVersion.study_id == study.id)
        .order_by(col(StudyVersion.number).desc())
    ).first()
    if version is None:
        raise NotFound(f"study {study.slug!r} has no version")
    return version


class ScenarioCache:
    """Scenarios read from stored versions, by (version id, content hash); least recently used go first."""

    def __init__(self, entries: int = SCENARIO_CACHE_ENTRIES) -> None:
        self.entries = entries
        self._found: OrderedDict[tuple[int, str], Scenario] = OrderedDict()
        self._lock = threading.Lock()  # one app serves requests from several threads

    def get(self, version: StudyVersion) -> Scenario:
        if version.id is None:  # not stored yet: nothing to key it by
            return read_scenario(version)
        key = (version.id, version.content_hash)
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return found
        scenario = read_scenario(version)
        with self._lock:
            self._found[key] = scenario
            while len(self._found) > self.entries:
                self._found.popitem(last=False)
        return scenario

    def __len__(self) -> int:
        return len(self._found)


def read_scenario(version: StudyVersion) -> Scenario:
    """Read the stored version's scenario (no cache); ScenarioError if the stored form does not fit."""
    return Scenario.from_dict(version.scenario, path=f"<stored study version {version.id}>")


def scenario_of(version: StudyVersion) -> Scenario:
    """Return the stored version's scenario, kept by this app; outside an app, read afresh."""
    if not has_app_context():
        return read_scenario(version)
    cache: ScenarioCache | None = current_app.extensions.get("uxlab.scenarios")
    if cache is None:
        cache = current_app.extensions.setdefault("uxlab.scenarios", ScenarioCache())
    return cache.get(version)


def tasks_of(session: Session, version: StudyVersion) -> list[Task]:
    """Return the version's Task rows in file order."""
    return list(
        session.exec(
            select(Task).where(Task.study_version_id == version.id).order_by(col(Task.position))
        ).all()
    )


def list_studies(session: Session) -> list[StudyListing]:
    """Return every study by slug with its current version and its session counts."""
    counts = session.exec(
        select(
            StudyVersion.study_id,
            func.count(col(ParticipantSession.id)),
            func.count(col(ParticipantSession.finished_at)),
        )
        .join(ParticipantSession, col(ParticipantSession.study_version_id) == col(StudyVersion.id))
        .group_by(col(StudyVersion.study_id))
    ).all()
    by_study = {study_id: (total, finished) for study_id, total, finished in counts}
    listings = []
    for study in session.exec(select(Study).order_by(col(Study.slug))).all():
        total, finished = by_study.get(study.id or 0, (0, 0))
        listings.append(StudyListing(study, current_version(session, study), total, finished))
    return listings


def variants_of(session: Session, slug: str) -> list[str]:
    """Slugs of the other studies of ``slug``'s test: linked to it by ``variant_of``, directly or not.

    A test is every study connected through ``variant_of`` links (either way), so variants
    that all name one base study, or a name no study has, belong together.
    """
    # Only studies that link or are linked to can be in a test, so a site with many
    # unlinked studies reads none of them here.
    named = select(Study.variant_of).where(col(Study.variant_of).is_not(None))
    linked = or_(col(Study.variant_of).is_not(None), col(Study.slug).in_(named))
    links = session.exec(select(Study.slug, Study.variant_of).where(linked)).all()
    parent = {study: study for study, _ in links}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for study, base in links:
        if base:
            parent[root(study)] = root(base)
    group = root(slug)
    return sorted(study for study, _ in links if study != slug and root(study) == group)


def set_open(session: Session, slug: str, is_open: bool, *, actor: str) -> Study:
    """Open or close a study (a closed study answers 410 to participants) and commit, with
    its line in the audit trail (``actor``: an email, or the command line)."""
    study = get_study(session, slug)
    study.is_open = is_open
    session.add(study)
    audit.add(session, "study_opened" if is_open else "study_closed", actor=actor, study_slug=slug)
    session.commit()
    return study
