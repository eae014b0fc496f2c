"""What a participant's browser says about them: device class (User-Agent) and language."""

from __future__ import annotations

import re

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from uxlab.config import LANGUAGES

# Device classes from the User-Agent header. Tablets first: Android tablets omit "Mobile",
# iPads say "iPad" (iPadOS 13+ in desktop mode claims to be a Mac and counts as desktop).
TABLET_UA = re.compile(r"iPad|Tablet|PlayBook|Kindle|Silk/|Android(?!.*Mobile)", re.IGNORECASE)
PHONE_UA = re.compile(r"Mobi|iPhone|iPod|Android|Windows Phone|IEMobile|BlackBerry|Opera Mini", re.IGNORECASE)


def device_class(user_agent: str) -> str:
    """Return "tablet", "phone" or "desktop" for a User-Agent header (regexes above)."""
    if TABLET_UA.search(user_agent):
        return "tablet"
    if PHONE_UA.search(user_agent):
        return "phone"
    return "desktop"


def choose_language(study_language: str | None, accept_language: str, default: str) -> str:
    """Return the study's language if it has one, else the browser's best among LANGUAGES."""
    if study_language in LANGUAGES:
        return str(study_language)
    best = parse_accept_header(accept_language or "", LanguageAccept).best_match(LANGUAGES)
    return best or default
