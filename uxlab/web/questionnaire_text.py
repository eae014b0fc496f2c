"""The standard questionnaire wordings (docs/METRICS.md), translated at render time.

English is the original; the German and Russian catalogs hold translations, which the
questionnaire page labels as such. SUS reads "website" for "system" (docs/METRICS.md allows it).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from uxlab.scenarios.scales import SEQ_SCALE, field_names, scale_for


@dataclass(frozen=True)
class Question:
    """One rating question: its form field, wording, range and end labels."""

    field: str
    text: str
    low: int
    high: int
    low_label: str
    high_label: str


def seq_question() -> Question:
    """The Single Ease Question asked after each task."""
    return Question(
        "seq",
        _("Overall, how difficult or easy was the task to complete?"),
        SEQ_SCALE.low,
        SEQ_SCALE.high,
        _("Very difficult"),
        _("Very easy"),
    )


def _sus_items() -> list[str]:
    return [
        _("I think that I would like to use this website frequently."),
        _("I found the website unnecessarily complex."),
        _("I thought the website was easy to use."),
        _("I think that I would need the support of a technical person to be able to use this website."),
        _("I found the various functions in this website were well integrated."),
        _("I thought there was too much inconsistency in this website."),
        _("I would imagine that most people would learn to use this website very quickly."),
        _("I found the website very cumbersome to use."),
        _("I felt very confident using the website."),
        _("I needed to learn a lot of things before I could get going with this website."),
    ]


def _wordings(name: str, product_name: str, ces_version: str) -> tuple[list[str], str, str]:
    """Return (item texts, low end label, high end label) of one questionnaire."""
    agree = (_("Strongly disagree"), _("Strongly agree"))
    if name == "sus":
        return _sus_items(), *agree
    if name == "umux_lite":
        return [
            _("This website's capabilities meet my requirements."),
            _("This website is easy to use."),
        ], *agree
    if name == "nps":
        text = _(
            "How likely is it that you would recommend %(name)s to a friend or colleague?", name=product_name
        )
        return [text], _("Not at all likely"), _("Extremely likely")
    if name == "csat":
        text = _("Overall, how satisfied are you with %(name)s?", name=product_name)
        return [text], _("Very dissatisfied"), _("Very satisfied")
    if ces_version == "1.0":
        text = _("How much effort did you personally have to put forth to handle your request?")
        return [text], _("Very low effort"), _("Very high effort")
    return [_("%(name)s made it easy for me to handle my issue.", name=product_name)], *agree


def intro(name: str) -> str | None:
    """Return the instruction shown above a multi-item questionnaire, if it has one."""
    if name in ("sus", "umux_lite"):
        return _("How much do you agree with each statement about the website?")
    return None


def questions(name: str, product_name: str, ces_version: str = "2.0") -> list[Question]:
    """Return the rating questions of questionnaire ``name`` in the current locale."""
    texts, low_label, high_label = _wordings(name, product_name, ces_version)
    scale = scale_for(name, ces_version)
    return [
        Question(field, text, scale.low, scale.high, low_label, high_label)
        for field, text in zip(field_names(name), texts, strict=True)
    ]
