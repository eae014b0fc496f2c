"""``scenarios.writer.dumps``: a stored scenario written as YAML loads back to the same content hash."""

from __future__ import annotations

from pathlib import Path

import yaml

from uxlab import scenarios
from uxlab.scenarios.writer import HEADER, dumps

HELPDESK = Path(__file__).parents[2] / "scenarios" / "helpdesk.yaml"


def test_the_demo_study_round_trips() -> None:
    scenario = scenarios.load(HELPDESK)
    text = dumps(scenario)
    assert text.startswith(HEADER)
    assert scenarios.loads(text) == scenario
    assert scenarios.loads(text).content_hash() == scenario.content_hash()
    assert "consent: |\n  Thank you for helping us" in text  # multi-line texts stay readable blocks


def test_every_optional_section_round_trips() -> None:
    data = yaml.safe_load(HELPDESK.read_text(encoding="utf-8"))
    data["language"] = "ru"
    data["consent"] = "  Indented first line, trailing spaces   \nand two newlines at the end\n\n"
    data["variant_of"] = "helpdesk-a"
    data["tasks"][0]["questions"] = [
        {"id": "found", "type": "single", "text": "Где?", "options": ["Меню", "Поиск"]},
        {"id": "sure", "type": "rating", "text": "How sure?", "scale": {"min": 0, "max": 10}},
    ]
    data["questions"] = [{"id": "note", "type": "text", "text": "Anything?\nReally: anything."}]
    data["recruit"] = {
        "completion_url": "https://panel.example/done?cc={code}&p={participant}&pid={pid}",
        "capture": ["pid"],
        "quota": {"total": 50, "per_device": {"phone": 25}},
        "close_at": "2027-01-31",
        "screener": [
            {"id": "r", "type": "single", "text": "Router?", "options": ["Yes", "No"], "accept": ["Yes"]}
        ],
    }
    scenario = scenarios.loads(yaml.safe_dump(data, allow_unicode=True))
    assert scenario.recruit is not None and scenario.probe is not None  # the sections are really there
    again = scenarios.loads(dumps(scenario))
    assert again == scenario and again.content_hash() == scenario.content_hash()
