"""The shipped catalogues (.mo, what participants actually see) say what a native speaker would.

Wording reviewed in issue 16: German "Start" is "Starten" and SUS item 4 keeps the
conditional; Russian avoids "Сдаться" (reads as "surrender") and calques, and prefers
neutral phrasings over "(а)"/"(на)" where the language allows.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "uxlab" / "translations"


def _catalogue(language: str) -> gettext.GNUTranslations:
    return gettext.translation("messages", str(TRANSLATIONS), [language])


@pytest.mark.parametrize(
    ("language", "msgid", "expected"),
    [
        ("de", "Start", "Starten"),
        (
            "de",
            "I would imagine that most people would learn to use this website very quickly.",
            "Ich kann mir vorstellen, dass die meisten Menschen den Umgang mit dieser Website sehr schnell "
            "lernen würden.",
        ),
        ("ru", "Strongly disagree", "Совершенно не согласен(на)"),
        ("ru", "Not at all likely", "Крайне маловероятно"),
        (
            "ru",
            "I think that I would like to use this website frequently.",
            "Думаю, что мне хотелось бы часто пользоваться этим сайтом.",
        ),
    ],
)
def test_reviewed_wording_is_shipped(language: str, msgid: str, expected: str) -> None:
    assert _catalogue(language).gettext(msgid) == expected


def test_russian_never_says_surrender() -> None:
    text = (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "Сдаться" not in text and "Полностью не согласен" not in text and "Совсем маловероятно" not in text


@pytest.mark.parametrize("language", ["de", "ru"])
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    """A .po edited without recompiling would ship the old wording: every entry must agree."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalog = read_po(po)
    compiled = _catalogue(language)
    for message in catalog:
        if message.id and message.string and isinstance(message.id, str) and not message.fuzzy:
            assert compiled.gettext(message.id) == message.string, message.id


def test_task_bar_labels_never_say_surrender() -> None:
    from uxlab.web.api import TASKBAR_LABELS

    assert TASKBAR_LABELS["ru"]["give_up"] == "Пропустить задание"


@pytest.mark.parametrize("language", ["de", "ru"])
def test_no_entry_is_left_fuzzy(language: str) -> None:
    """pybabel update marks a new string fuzzy when an old one looks alike, and compile leaves
    fuzzy entries out: the page would show the English while the .po looks translated."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        fuzzy = [message.id for message in read_po(po) if message.id and message.fuzzy]
    assert fuzzy == []
