"""Who may see what: study owners, shares and the two roles. Access is decided here only.

Roles (``uxlab.auth.ROLES``): an ``admin`` manages accounts, reads the audit trail and sees
every study; a ``researcher`` sees the studies they own and those shared with them. A
study's owner is the account that created it in the browser editor, or the one ``uxlab
scenarios load --owner`` / ``uxlab studies owner`` names; a study without an owner is seen
by admins only. The owner and admins share a study with other accounts (``share``); a
share lets its researcher see and use the study as its owner does (reports, exports,
attempts, the editor, builds, upload tokens, share links), but not share it further.

The web checks every researcher request that names a study with ``study_for`` before
the view runs (``uxlab.web.security``), so a new study page is covered without a line of
its own. A study the account may not see answers exactly as one that does not exist
(404, same message), so the answer does not reveal that a slug is taken; a page only
admins may open answers 403 (that page exists for everyone, so nothing is revealed).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from uxlab import audit, auth, studies
from uxlab.errors import Conflict, Forbidden, NotFound
from uxlab.models import Study, StudyShare, User


def is_admin(user: User) -> bool:
    return user.role == auth.ADMIN and user.disabled_at is None


def can_see(db: Session, user: User, study: Study) -> bool:
    """True for admins, the study's owner and the accounts it is shared with."""
    if is_admin(user) or (study.owner_id is not None and study.owner_id == user.id):
        return True
    shared = select(StudyShare.id).where(StudyShare.study_id == study.id, StudyShare.user_id == user.id)
    return db.exec(shared).first() is not None


def may_manage(user: User, study: Study) -> bool:
    """True for the owner and admins: they share the study and say who else sees it."""
    return is_admin(user) or (study.owner_id is not None and study.owner_id == user.id)


def study_for(db: Session, user: User, slug: str) -> Study:
    """The study ``slug`` if ``user`` may see it; NotFound, as for no such study, otherwise."""
    study = studies.get_study(db, slug)  # NotFound when there is none
    if not can_see(db, user, study):
        raise NotFound(f"no study {slug!r}", field="slug")  # the very answer get_study gives
    return study


def visible_slugs(db: Session, user: User) -> set[str] | None:
    """The slugs of the studies ``user`` may see; None for an admin (every study)."""
    if is_admin(user):
        return None
    shared = select(StudyShare.study_id).where(StudyShare.user_id == user.id)
    query = select(Study.slug).where((col(Study.owner_id) == user.id) | col(Study.id).in_(shared))
    return set(db.exec(query).all())


def visible_studies(db: Session, user: User) -> list[studies.StudyListing]:
    """The study list as ``studies.list_studies`` makes it, without the studies ``user`` may not see."""
    slugs = visible_slugs(db, user)
    listings = studies.list_studies(db)
    return listings if slugs is None else [row for row in listings if row.study.slug in slugs]


def visible_variants(db: Session, user: User, slug: str) -> list[str]:
    """The variants of ``slug``'s test (``studies.variants_of``) that ``user`` may see."""
    slugs = visible_slugs(db, user)
    return [other for other in studies.variants_of(db, slug) if slugs is None or other in slugs]


def require_admin(user: User, what: str) -> None:
    if not is_admin(user):
        raise Forbidden(f"only an admin may {what}")


def require_manager(user: User, study: Study) -> None:
    if not may_manage(user, study):
        raise Forbidden(f"only the owner of {study.slug!r} or an admin may say who sees it")


def check_store(db: Session, user: User, slug: str) -> None:
    """Conflict when ``slug`` is a study ``user`` may not see: saving would change someone else's study."""
    study = db.exec(select(Study).where(Study.slug == slug)).first()
    if study is not None and not can_see(db, user, study):
        raise Conflict(f"the slug {slug!r} is taken; choose another one", field="slug")


def owner_of(db: Session, study: Study) -> User | None:
    return db.get(User, study.owner_id) if study.owner_id is not None else None


def set_owner(db: Session, slug: str, email: str, *, actor: str = "") -> Study:
    """Make the account ``email`` the owner of study ``slug`` (audited)."""
    study, user = studies.get_study(db, slug), auth.get_user(db, email)
    if study.owner_id != user.id:
        study.owner_id = user.id
        db.add(study)
        audit.record(db, "study_owner_set", actor=actor, study_slug=slug, detail=user.email)
    return study


def shared_with(db: Session, study: Study) -> list[User]:
    """The accounts ``study`` is shared with, by email."""
    users = select(StudyShare.user_id).where(StudyShare.study_id == study.id)
    return list(db.exec(select(User).where(col(User.id).in_(users)).order_by(col(User.email))).all())


def share(db: Session, study: Study, email: str, *, actor: str = "") -> User:
    """Let the account ``email`` see and use ``study`` (audited; sharing twice changes nothing)."""
    user = auth.get_user(db, email)
    if user.id == study.owner_id:
        raise Conflict(f"{user.email} owns {study.slug!r} already", field="email")
    if user not in shared_with(db, study):
        assert study.id is not None and user.id is not None, "stored rows have ids"
        db.add(StudyShare(study_id=study.id, user_id=user.id))
        try:
            db.flush()
        except IntegrityError:  # shared at the same moment by someone else: done already
            db.rollback()
            return user
        audit.record(db, "study_shared", actor=actor, study_slug=study.slug, detail=user.email)
    return user


def unshare(db: Session, study: Study, email: str, *, actor: str = "") -> User:
    """Stop sharing ``study`` with the account ``email`` (audited); NotFound if it was not shared."""
    user = auth.get_user(db, email)
    mine = select(StudyShare).where(StudyShare.study_id == study.id, StudyShare.user_id == user.id)
    row = db.exec(mine).first()
    if row is None:
        raise NotFound(f"{study.slug!r} is not shared with {user.email}", field="email")
    db.delete(row)
    audit.record(db, "study_unshared", actor=actor, study_slug=study.slug, detail=user.email)
    return user
