"""A late batch for an attempt the server ended as abandoned: judged as if the server had waited.

A participant offline at the time limit sends nothing, so the server ends the attempt as an
abandoned timeout (``judging.expire``: the sweep, a study page, a report read) once its time
since Start passes the limit plus CLOCK_TOLERANCE_S. The task bar keeps its events and sends
them once back online, and Done pressed in time counts its own time however late it
arrives (README, "What counts as time on task"). That held only while the server had not
ended the attempt yet: after, the batch got 410 and the attempt stayed a timeout, so the
result hung on when the sweep ran (participant audit t5c/t5d).

So a batch for an attempt ended as abandoned is judged on the attempt as it was before that
end, as if it had come first. If one of its events counts (``judging.judge_batch``: made
before the limit by the late-delivery rule), that judgement stands; else the abandoned
timeout does and the batch is refused (410), as any batch after the end. This holds until
the participant moves on: once the task's SEQ question is answered (the next task comes
after it), the session has finished or the study is closed, the batch is refused. A
timeout a tracker saw (its own ``timeout`` event, its state poll) is not abandoned and
never reopens. ``ingest.record`` decides this under the attempt's lock (``attempt_lock``), so
a sweep, a SEQ answer or another batch of the attempt never decides at the same time.
"""

from __future__ import annotations

from datetime import datetime

from uxlab.participants.event_store import State
from uxlab.participants.events import EventIn
from uxlab.participants.judging import Judged, Limits, finish, judge_batch


def reopens(state: State) -> bool:
    """Whether a new batch is judged on the ended attempt: abandoned, and the participant still there."""
    return (
        state.attempt.ended_at is not None
        and state.attempt.abandoned
        and not state.seq_answered
        and state.study_open
        and not state.session_finished
    )


def judge(
    ctx: Judged, events: list[EventIn], now: datetime, limits: Limits, sent_ms: float | None
) -> set[str]:
    """Judge ``events`` on the abandoned attempt as it was before its end; return the ids that count.

    When none counts, the attempt is left as the server ended it (the caller refuses the batch).
    """
    attempt = ctx.attempt
    ended = (attempt.outcome, attempt.ended_at, attempt.time_on_task_ms, attempt.direct)
    attempt.outcome = attempt.ended_at = attempt.time_on_task_ms = attempt.direct = None
    attempt.abandoned = False
    counted = judge_batch(ctx, events, now, limits, sent_ms)
    if not counted:
        attempt.outcome, attempt.ended_at, attempt.time_on_task_ms, attempt.direct = ended
        attempt.abandoned = True
    elif attempt.ended_at is None:  # this server's clock is behind the one that ended it
        finish(ctx, "timeout", ctx.spec.time_limit_s, now)
    return counted
