"""The CX summary's packed integers have room for every value the writing code accepts.

``summary_scan`` and ``summary_answers`` pack attempt codes and questionnaire answers into
bit fields. These tests fail as soon as someone widens a scale, adds a questionnaire or an
outcome without widening the fields (the summary would then silently mix up values).
"""

from __future__ import annotations

from uxlab import answer_scales, outcomes, summary_answers, summary_scan


def test_every_questionnaire_answer_fits_its_bit_fields() -> None:
    assert len(summary_answers.NAMES) <= summary_answers.CODE_SLOTS
    scales = [*answer_scales.SCALES.values(), answer_scales.scale_for("ces", "1.0")]
    for scale in scales:
        assert 1 <= scale.items < summary_answers.ITEM_SLOTS  # items are numbered 1..N
        assert 0 <= scale.low <= scale.high < summary_answers.VALUE_SLOTS


def test_every_attempt_code_fits_its_bit_fields() -> None:
    assert set(summary_scan.OUTCOME_CODES) == set(outcomes.OUTCOMES)
    assert max(summary_scan.OUTCOME_CODES.values()) < 4  # two bits
    seq = answer_scales.SEQ_SCALE
    assert 1 <= seq.low <= seq.high < summary_scan.SEQ_SLOTS  # 0 means "not answered"
